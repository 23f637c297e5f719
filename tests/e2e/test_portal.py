"""The driver portal in real headless Chromium, against gunicorn, end to end and page by page.

Sign up, confirm through the outbox link, link a seeded licence, read the balance and the
calendar, download an ADCS and drop it on the verifier page; then every page on a 390 px phone
and a desktop: screenshots (``E2E_SCREENSHOTS=/some/dir`` keeps them) and axe-core with no
serious or critical violation. axe-core comes from ``tests/e2e/vendor`` (``make web-assets``, the
web-assets lockfile pins and hashes it); the CSP is bypassed only to inject it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import text

from issuer.web.demo_account import ensure_demo_account
from issuer.web.serve import spawn_issuer, stop_issuer
from keys import KeyStore
from registry.db import make_engine
from tests.integration.portal.portal_site import PASSWORD, Site, identity_form, mail_link, make_site
from verifier.serve import spawn_verifier, stop_verifier

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS")
PASSPHRASE = "test-passphrase"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="/usr/bin/chromium is absent: install Debian's chromium "
                                       "(make test does it as root) to run the page tests")


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A seeded site, the portal and a verifier trusting the site's dev CA, under gunicorn."""
    base = tmp_path_factory.mktemp("e2e-portal")
    site = make_site(base / "data")
    trust = KeyStore.open(site.settings).export_trust(base / "trust")
    portal, portal_url = spawn_issuer(base / "data", base / "portal.log",
                                      env={"PERMIS2D_KEY_PASSPHRASE": PASSPHRASE})
    try:
        verifier, verifier_url = spawn_verifier([trust], base / "vdata", base / "verifier.log")
    except BaseException:
        stop_issuer(portal)
        raise
    try:
        yield {"site": site, "portal": portal_url, "verifier": verifier_url, "base": base}
    finally:
        stop_verifier(verifier)
        stop_issuer(portal)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def _shot(page: object, servers: dict, name: str) -> None:
    folder = Path(SCREENSHOTS) if SCREENSHOTS else servers["base"] / "shots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"portal-{name}.png"), full_page=True)


def _login(page: object, url: str, email: str, password: str) -> None:
    page.goto(url + "/connexion")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")


def test_signup_to_verified_adcs(browser: object, servers: dict) -> None:
    site: Site = servers["site"]
    url = servers["portal"]
    neph = site.neph("recent_delit")
    record = site.record(neph)
    form = identity_form(record, "e2e@example.org")
    page = browser.new_page(viewport=PHONE, accept_downloads=True)
    csp_errors: list[str] = []
    page.on("console", lambda m: csp_errors.append(m.text)
            if "Content Security Policy" in m.text else None)
    page.goto(url + "/inscription")
    for name in ("email", "password", "password_confirm", "family_name", "given_names",
                 "birth_date"):
        page.fill(f"#{name}", form[name])
    page.check("#accept_terms")
    page.click("main button[type=submit]")
    page.wait_for_url("**/inscription/envoyee")
    link = urlsplit(mail_link(site.outbox()[-1])).path
    page.goto(url + link)
    page.wait_for_url("**/connexion")
    _login(page, url, "e2e@example.org", PASSWORD)
    page.wait_for_url("**/permis")
    page.check("#format")
    page.fill("#neph", neph)
    page.click("main button[type=submit]")
    page.wait_for_url("**/mes-points")
    assert int(page.locator("#balance").inner_text()) == record.points.balance
    dates = page.locator("#calendar-table time").evaluate_all(
        "els => els.map(e => e.getAttribute('datetime'))")
    assert dates == [r.date.isoformat() for r in record.points.calendar]
    page.goto(url + "/mes-documents")
    with page.expect_download() as download:
        page.click("#download-adcs")
    pdf = servers["base"] / "adcs.pdf"
    download.value.save_as(str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    page.goto(url + "/mes-documents")
    assert page.locator("#documents-table tbody tr").count() == 1
    _shot(page, servers, "phone-mes-documents-after-download")
    page.goto(url + "/mes-points")
    _shot(page, servers, "phone-mes-points-recent-delit")
    assert csp_errors == []
    page.goto(servers["verifier"] + "/")
    page.set_input_files("#file", str(pdf))
    verdict = page.locator("#verdict")
    verdict.wait_for(timeout=30_000)
    text = verdict.inner_text()
    assert re.search(r"valide", text, re.IGNORECASE) and "jusqu" in text, text
    assert "NON valide" not in text
    page.close()


PAGES = ["/connexion", "/inscription", "/inscription/envoyee", "/mot-de-passe-oublie",
         "/permis", "/mes-points", "/historique", "/mes-documents", "/page-inconnue"]


def _axe(page: object) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']}))"
                           ".violations.map(v => [v.id, v.impact, v.nodes.length])")
    return [f"{i} ({impact}, {n} nodes)" for i, impact, n in result
            if impact in ("serious", "critical")]


@pytest.mark.skipif(not AXE.exists(), reason="axe-core missing: make web-assets")
@pytest.mark.parametrize(("viewport", "size"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_every_page_screenshot_and_axe(browser: object, servers: dict, viewport: dict,
                                       size: str) -> None:
    site: Site = servers["site"]
    url = servers["portal"]
    findings: dict[str, list[str]] = {}
    engine = make_engine(site.settings.database_url or "")
    accounts = {}
    for profile in ("long_history", "invalidated", "probationary", "full"):
        record = site.record(site.neph(profile))
        accounts[profile] = ensure_demo_account(engine, record, now=dt.datetime.utcnow(),
                                                email=f"{profile}-{size}@example.org")
    with engine.begin() as connection:  # the 'full' account is not linked yet: /permis
        connection.execute(text("UPDATE portal_accounts SET neph = NULL WHERE email = :e"),
                           {"e": f"full-{size}@example.org"})
    engine.dispose()
    context = browser.new_context(viewport=viewport, bypass_csp=True)
    page = context.new_page()
    for path in PAGES[:4]:
        page.goto(url + path)
        _shot(page, servers, f"{size}{path.replace('/', '-')}")
        findings[path] = _axe(page)
    page.goto(url + "/inscription")
    page.click("main button[type=submit]")  # an empty form: every error shown
    _shot(page, servers, f"{size}-inscription-errors")
    findings["/inscription (errors)"] = _axe(page)
    page.goto(url + "/connexion?lang=en")
    _shot(page, servers, f"{size}-connexion-en")
    findings["/connexion?lang=en"] = _axe(page)
    page.goto(url + "/connexion?lang=fr")
    _login(page, url, *accounts["full"])
    page.wait_for_url("**/permis")
    _shot(page, servers, f"{size}-permis")
    findings["/permis"] = _axe(page)
    page.fill("#neph", "12")
    page.click("main button[type=submit]")
    _shot(page, servers, f"{size}-permis-errors")
    findings["/permis (errors)"] = _axe(page)
    page.click("nav button")  # log out
    email, password = accounts["long_history"]
    _login(page, url, email, password)
    page.wait_for_url("**/mes-points")
    for path in PAGES[5:]:
        page.goto(url + path)
        _shot(page, servers, f"{size}{path.replace('/', '-')}")
        findings[path] = _axe(page)
    page.goto(url + "/mes-documents")
    page.click("#download-rii")
    _shot(page, servers, f"{size}-rii-refused")
    findings["/mes-documents/rii"] = _axe(page)
    for profile in ("invalidated", "probationary"):
        page.click("nav button")  # log out
        email, password = accounts[profile]
        _login(page, url, email, password)
        page.wait_for_url("**/mes-points")
        _shot(page, servers, f"{size}-mes-points-{profile}")
        findings[f"/mes-points ({profile})"] = _axe(page)
    context.close()
    assert {k: v for k, v in findings.items() if v} == {}
