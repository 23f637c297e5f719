"""The verifier page's world: a real service under gunicorn, signed documents, Debian's Chromium.

One service per module trusts two test CAs: ``FR99`` (documents in every licence state, made by
the real issuer) and ``FR00`` (the range the specification reserves for tests: a specimen). The
browser assets (zxing-wasm in the app's static files, axe-core for these tests) come from
``make web-assets``; without them the tests that need them fail and say so.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from verifier.serve import spawn_verifier, stop_verifier

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "verifier"))
from verifier_documents import adcs_text, issuer_pdf, make_pki

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
AXE = REPO / "tests" / "e2e" / "vendor" / "axe.min.js"
ZXING = REPO / "verifier" / "static" / "vendor" / "zxing-wasm" / "zxing_reader.wasm"
# Set E2E_SCREENSHOTS=/some/dir to keep the screenshots for a human to look at.
SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS")

#: Annex-13 states of the registry, as the issuer names them, and the page's French heading.
STATES = {"suspended": ("SUSPENDU", "SUSPENDU"),
          "invalidated": ("INVALIDE", "INVALIDE"),
          "cancelled": ("ANNULE JUDICIAIRE", "ANNULÉ JUDICIAIRE"),
          "medically_suspended": ("SUSPENDU MEDICAL", "SUSPENDU MÉDICAL")}


def require_assets() -> None:
    """Fail (not skip) with the command to run when the vendored browser assets are missing."""
    missing = [str(p.relative_to(REPO)) for p in (AXE, ZXING) if not p.exists()]
    if missing:
        pytest.fail(f"browser assets missing ({', '.join(missing)}): run `make web-assets`")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A verifier trusting FR99 and FR00, and the documents every page test needs."""
    base = tmp_path_factory.mktemp("e2e-verifier")
    today = dt.date.today()
    store = make_pki(base / "keys", "FR99",
                     now=dt.datetime.now(dt.UTC) - dt.timedelta(days=200))
    specimen = make_pki(base / "keys00", "FR00")
    text, pdf = issuer_pdf(store, kind="adcs", issued=today)
    pdf_path = base / "adcs.pdf"
    pdf_path.write_bytes(pdf)
    states = {name: issuer_pdf(store, kind="adcs", issued=today, state=label,
                               document_id=f"ADCS{index:08d}")[0]
              for index, (name, (label, _)) in enumerate(STATES.items())}
    trust = [store.export_trust(base / "trust"), specimen.export_trust(base / "trust00")]
    process, url = spawn_verifier(trust, base / "data", base / "gunicorn.log")
    try:
        yield {
            "url": url, "pdf": pdf_path, "text": text, "base": base, "states": states,
            "rir": adcs_text(store, issued=today, kind="RIR"),
            "old_rir": adcs_text(store, issued=today - dt.timedelta(days=140), kind="RIR"),
            "expired": adcs_text(store, issued=today - dt.timedelta(days=150),
                                 document_id="ADCSEXPIRED1"),
            "specimen": adcs_text(specimen, issued=today),
        }
    finally:
        stop_verifier(process)


@pytest.fixture(scope="session")
def playwright() -> Iterator[object]:
    """One Playwright driver for the session (the sync API allows only one at a time)."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent: install Debian's chromium (make test does it "
                    "as root) to run the page tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: object) -> Iterator[object]:
    """Debian's Chromium driven by Playwright."""
    chromium = playwright.chromium.launch(  # type: ignore[attr-defined]
        executable_path=str(CHROMIUM), args=ARGS)
    yield chromium
    chromium.close()


def shot(page: object, site: dict, name: str) -> None:
    """A full-page screenshot, kept in E2E_SCREENSHOTS when set."""
    folder = Path(SCREENSHOTS) if SCREENSHOTS else site["base"]
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def axe_violations(page: object) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now (rule: nodes)."""
    require_assets()
    # Injected through the DevTools protocol, which the page's CSP does not govern.
    page.evaluate(AXE.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    result = page.evaluate("async () => await axe.run(document)")  # type: ignore[attr-defined]
    return [f"{v['id']} ({v['impact']}): " + json.dumps([n["target"] for n in v["nodes"]])
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def csp_watch(page: object) -> list[str]:
    """Collect the page's Content-Security-Policy violations from its console."""
    found: list[str] = []
    page.on("console", lambda msg: found.append(msg.text)  # type: ignore[attr-defined]
            if "Content Security Policy" in msg.text else None)
    return found
