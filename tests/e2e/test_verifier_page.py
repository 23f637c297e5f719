"""The verifier page in real headless Chromium against the real service under gunicorn.

Issue 9: two verdicts (green only when the document is valid *and* the licence allows driving),
dates that cannot be misread, labelled fields, and the page as a phone user expects it (drop a
file, an empty submit answered, the verdict announced and brought into view). axe-core checks
every state for serious or critical accessibility violations.
"""

from __future__ import annotations

import base64

import pytest

from tests.e2e.conftest import DESKTOP, PHONE, STATES, axe_violations, csp_watch, shot
from twoddoc import decode
from twoddoc.dates import hex_to_date


def _expires_fr(text: str) -> str:
    """DI 08 of an ADCS text, as the page prints it (JJ/MM/AAAA)."""
    day = hex_to_date(decode(text, strict=False).get("08") or "")
    assert day is not None
    return day.strftime("%d/%m/%Y")


def _verify_text(browser: object, site: dict, text: str, *, viewport: dict = PHONE,
                 purpose: str | None = None, lang: str = "") -> object:
    page = browser.new_page(viewport=viewport)  # type: ignore[attr-defined]
    page.goto(site["url"] + "/" + (f"?lang={lang}" if lang else ""))
    if purpose:
        page.check(f"input[name=purpose][value={purpose}]")
    page.fill("#text", text)
    page.click("#verify-button")
    page.locator("#verdict").wait_for(timeout=20_000)
    return page


def _no_mid_word_split(page: object) -> None:
    """Nothing overflows a 390 px screen and no one-word value wraps inside the word."""
    assert page.evaluate(  # type: ignore[attr-defined]
        "document.documentElement.scrollWidth <= window.innerWidth")
    split = page.evaluate("""() => [...document.querySelectorAll('dd .value')]
        .filter((node) => !/\\s/.test(node.textContent.trim()))
        .filter((node) => {
            const range = document.createRange();
            range.selectNodeContents(node);
            const tops = [...range.getClientRects()].map((r) => Math.round(r.top));
            return new Set(tops).size > 1; })
        .map((node) => node.textContent)""")  # type: ignore[attr-defined]
    assert split == []


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_upload_issuer_pdf_shows_green_verdict(browser: object, site: dict, viewport: dict,
                                               name: str) -> None:
    page = browser.new_page(viewport=viewport)  # type: ignore[attr-defined]
    violations = csp_watch(page)
    page.goto(site["url"] + "/")
    shot(page, site, f"verifier-{name}-empty")
    assert axe_violations(page) == []
    assert page.locator("h1").inner_text() == "Vérifier un permis de conduire"
    page.set_input_files("#file", str(site["pdf"]))
    verdict = page.locator("#verdict")
    verdict.wait_for(timeout=20_000)
    assert verdict.get_attribute("data-verdict") == "ok"
    text = verdict.inner_text()
    assert "Document authentique et valide" in text
    assert "Conduite autorisée" in text
    assert f"Attestation valable jusqu'au {_expires_fr(site['text'])}" in text
    assert "DUPONT" in text and "MARIE, CLAIRE" in text and "29/02/1984" in text
    # Announced and brought into view: the verdict's heading has the focus.
    assert page.evaluate("document.activeElement.closest('#verdict') !== null")
    assert verdict.is_visible() and verdict.bounding_box()["y"] < viewport["height"]
    _no_mid_word_split(page)
    shot(page, site, f"verifier-{name}-valid")
    assert axe_violations(page) == []
    assert violations == []
    page.close()


@pytest.mark.parametrize("state", list(STATES))
def test_licence_that_does_not_allow_driving_is_red(browser: object, site: dict,
                                                    state: str) -> None:
    page = _verify_text(browser, site, site["states"][state], purpose="rental")
    verdict = page.locator("#verdict")
    assert verdict.get_attribute("data-verdict") == "ko"
    assert verdict.get_attribute("data-valid") == "true"  # the paper itself is genuine
    heading = verdict.locator("h2").inner_text()
    assert heading == f"✖ Ce permis n'autorise pas la conduite — {STATES[state][1]}"
    assert "document authentique" in verdict.inner_text()
    assert "Document authentique et valide" not in verdict.inner_text()
    _no_mid_word_split(page)
    shot(page, site, f"verifier-phone-{state}")
    assert axe_violations(page) == []
    page.close()


def test_expired_adcs_says_when_it_expired(browser: object, site: dict) -> None:
    page = _verify_text(browser, site, site["expired"])
    verdict = page.locator("#verdict")
    assert verdict.get_attribute("data-verdict") == "ko"
    text = verdict.inner_text()
    assert f"a expiré le {_expires_fr(site['expired'])}" in verdict.locator("h2").inner_text()
    assert "valable jusqu'au" not in text
    shot(page, site, "verifier-phone-expired")
    assert axe_violations(page) == []
    page.close()


def test_english_switch_and_forged_text_shows_red_verdict(browser: object, site: dict) -> None:
    page = browser.new_page(viewport=PHONE)  # type: ignore[attr-defined]
    page.goto(site["url"] + "/")
    page.click("#lang-switch")
    page.wait_for_url("**/?lang=en")
    assert page.locator("h1").inner_text() == "Verify a driving licence"
    page.fill("#text", site["rir"].replace("DUPONT", "DURAND"))
    page.click("#verify-button")
    verdict = page.locator("#verdict")
    verdict.wait_for(timeout=20_000)
    assert verdict.get_attribute("data-valid") == "false"
    assert "Document NOT valid" in verdict.inner_text()
    assert "The signature does not match the data" in verdict.inner_text()
    assert "DURAND" not in verdict.inner_text()
    shot(page, site, "verifier-phone-forged-en")
    assert axe_violations(page) == []
    page.close()


def test_old_rir_is_amber_and_asks_for_a_recent_adcs(browser: object, site: dict) -> None:
    page = _verify_text(browser, site, site["old_rir"])
    verdict = page.locator("#verdict")
    assert verdict.get_attribute("data-verdict") == "warn"
    text = verdict.inner_text()
    assert "Document authentique, mais ancien" in text
    assert "attestation de droits à conduire (ADCS) récente" in text
    assert "il y a 4 mois" in text
    shot(page, site, "verifier-phone-old-rir")
    assert axe_violations(page) == []
    page.close()


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_police_sees_labelled_fields_with_raw_codes(browser: object, site: dict, viewport: dict,
                                                    name: str) -> None:
    page = _verify_text(browser, site, site["states"]["suspended"], viewport=viewport,
                        purpose="police")
    fields = page.locator("dl.labelled").inner_text()
    assert "État du permis" in fields and "SUSPENDU" in fields and "E5 = 47" in fields
    assert "Numéro de dossier (NEPH)" in fields and "123456789012" in fields
    assert "Date de naissance" in fields and "29/02/1984" in fields
    _no_mid_word_split(page)
    shot(page, site, f"verifier-{name}-police")
    assert axe_violations(page) == []
    page.close()


def test_specimen_banner_for_the_test_ca(browser: object, site: dict) -> None:
    page = _verify_text(browser, site, site["specimen"])
    assert "Document de test" in page.locator("#verdict .specimen").inner_text()
    page.close()
    page = _verify_text(browser, site, site["rir"])
    assert page.locator("#verdict .specimen").count() == 0
    page.close()


def test_dropped_file_is_verified(browser: object, site: dict) -> None:
    page = browser.new_page(viewport=PHONE)  # type: ignore[attr-defined]
    page.goto(site["url"] + "/")
    payload = base64.b64encode(site["pdf"].read_bytes()).decode("ascii")
    transfer = page.evaluate_handle("""(b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const data = new DataTransfer();
        data.items.add(new File([bytes], 'adcs.pdf', { type: 'application/pdf' }));
        return data; }""", payload)
    page.dispatch_event("#drop-zone", "dragover", {"dataTransfer": transfer})
    page.dispatch_event("#drop-zone", "drop", {"dataTransfer": transfer})
    verdict = page.locator("#verdict")
    verdict.wait_for(timeout=20_000)
    assert verdict.get_attribute("data-verdict") == "ok"
    assert page.url.startswith(site["url"])  # the browser did not navigate to the file
    assert axe_violations(page) == []
    page.close()


def test_empty_submit_says_what_to_give_and_purpose_is_remembered(browser: object,
                                                                  site: dict) -> None:
    page = browser.new_page(viewport=PHONE)  # type: ignore[attr-defined]
    page.goto(site["url"] + "/")
    page.check("input[name=purpose][value=police]")
    page.click("#verify-button")
    message = page.locator("#empty")
    message.wait_for(timeout=5_000)
    assert "Rien à vérifier" in message.inner_text()
    assert page.evaluate("document.activeElement.id") == "empty"
    shot(page, site, "verifier-phone-empty-submit")
    assert axe_violations(page) == []
    page.reload()
    assert page.is_checked("input[name=purpose][value=police]")
    page.close()


def test_keyboard_focus_is_visible_on_every_control(browser: object, site: dict) -> None:
    page = browser.new_page(viewport=PHONE)  # type: ignore[attr-defined]
    page.goto(site["url"] + "/")
    seen = set()
    for _ in range(6):  # language, purpose (one radio group), file, camera, text, verify
        page.keyboard.press("Tab")
        style = page.evaluate("""() => { const node = document.activeElement;
            const box = node.id === 'file' ? node.previousElementSibling : node;
            const css = getComputedStyle(box);
            const name = node.id || node.value || node.tagName;
            return [name, css.outlineStyle, css.outlineWidth]; }""")
        seen.add(style[0])
        assert style[1] != "none" and style[2] != "0px", style
    assert seen == {"lang-switch", "employer", "file", "camera-button", "text", "verify-button"}
    page.close()


def test_upload_without_a_code_explains_in_french(browser: object, site: dict) -> None:
    from PIL import Image

    blank = site["base"] / "blank.png"
    Image.new("L", (400, 300), 255).save(blank)
    page = browser.new_page(viewport=PHONE)  # type: ignore[attr-defined]
    page.goto(site["url"] + "/")
    page.set_input_files("#file", str(blank))
    verdict = page.locator("#verdict")
    verdict.wait_for(timeout=20_000)
    assert verdict.get_attribute("data-error") == "no_2ddoc_found"
    assert "Aucun code 2D-Doc trouvé" in verdict.inner_text()
    assert axe_violations(page) == []
    page.close()
