"""FranceConnect end to end in real Chromium (issue 14, "Done when").

The portal (gunicorn) and the local FranceConnect (the Node program) run on 127.0.0.1; the
provider's identities are this test's seeded drivers. FranceConnect button → the provider's login
→ back on the portal → the NEPH once → *Mes points* → the RII downloaded and verified by the
verifier library; log-out goes through the provider's end_session and ends both sessions.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from issuer.web.serve import spawn_issuer, stop_issuer
from keys import KeyStore
from permis2d.fcsim import sim_command, sim_environment
from tests.integration.portal.portal_site import make_site
from tests.integration.portal_fc.conftest import identities_for
from verifier.policy import verify_text
from verifier.scan import scan
from verifier.trust import TrustStore

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
PHONE = {"width": 390, "height": 844}
PASSPHRASE = "test-passphrase"
SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS")

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="/usr/bin/chromium is absent (make test installs it)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    base = tmp_path_factory.mktemp("e2e-fc")
    site = make_site(base / "data")
    identities = base / "identities.json"
    identities.write_text(json.dumps({"identities": identities_for(site)}))
    portal_port, sim_port = _free_port(), _free_port()
    portal_url = f"http://127.0.0.1:{portal_port}"
    sim = subprocess.Popen(sim_command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           env=sim_environment(host="127.0.0.1", port=sim_port,
                                               portal_url=portal_url, identities=identities))
    sim_url = f"http://127.0.0.1:{sim_port}"
    for _ in range(200):
        try:
            requests.get(f"{sim_url}/healthz", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    env = {"PERMIS2D_KEY_PASSPHRASE": PASSPHRASE, "PERMIS2D_ISSUER_URL": portal_url + "/",
           "PERMIS2D_FC_DISCOVERY_URL": f"{sim_url}/api/v2/.well-known/openid-configuration"}
    try:
        portal, url = spawn_issuer(base / "data", base / "portal.log", env=env, port=portal_port)
    except BaseException:
        sim.terminate()
        raise
    try:
        yield {"site": site, "portal": url, "sim": sim_url, "base": base}
    finally:
        stop_issuer(portal)
        sim.terminate()
        sim.wait(timeout=10)


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
    page.screenshot(path=str(folder / f"fc-{name}.png"), full_page=True)  # type: ignore[attr-defined]


def _provider_login(page: object, login: str) -> None:
    page.wait_for_selector("#login")  # type: ignore[attr-defined]
    assert "FranceConnect (simulation)" in page.inner_text("body")  # type: ignore[attr-defined]
    page.fill("#login", login)  # type: ignore[attr-defined]
    page.fill("#password", f"test-{login}")  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]


def test_franceconnect_login_neph_points_rii_and_logout(browser: object, servers: dict) -> None:
    site, url = servers["site"], servers["portal"]
    neph = site.neph("probationary")
    page = browser.new_page(viewport=PHONE, accept_downloads=True)  # type: ignore[attr-defined]
    page.goto(url + "/connexion")
    _shot(page, servers, "phone-connexion")
    page.click("#fc-login")
    _provider_login(page, "probationary")
    page.wait_for_url("**/permis")
    _shot(page, servers, "phone-permis")
    assert page.locator("#family_name").count() == 0  # the NEPH and the format only
    page.check("#format")
    page.fill("#neph", neph)
    page.click("main button[type=submit]")
    page.wait_for_url("**/mes-points")
    assert int(page.locator("#balance").inner_text()) == site.record(neph).points.balance
    page.goto(url + "/mes-documents")
    assert page.locator("#rii-why").count() == 0  # a FranceConnect session may have the RII
    with page.expect_download() as download:
        page.click("#download-rii")
    pdf = servers["base"] / "rii.pdf"
    download.value.save_as(str(pdf))
    trust = TrustStore.load([KeyStore.open(site.settings).export_trust(servers["base"] / "t")])
    (text,) = scan(pdf.read_bytes())
    result = verify_text(text, trust, at=dt.date.today())
    assert result.valid, result
    _shot(page, servers, "phone-mes-documents")
    # Log-out: the provider's end_session, then back on our log-in page.
    page.click("nav button[type=submit]")
    page.wait_for_url("**/connexion**")
    assert "id=\"fc-login\"" in page.content()
    page.goto(url + "/mes-points")
    page.wait_for_url("**/connexion**")  # our session has ended
    page.click("#fc-login")
    page.wait_for_selector("#login")  # and FranceConnect's: it asks who you are again
    page.close()
