"""``permis2d serve issuer`` as a user starts it: a fresh data dir, a port of their choosing.

Real gunicorn on 127.0.0.1, a real sign-up through the contract's form, the mail in the outbox.
"""

from __future__ import annotations

import http.cookiejar
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from issuer.web.serve import spawn_issuer, stop_issuer, with_served_issuer_url
from permis2d.settings import Settings
from tests.integration.portal.portal_site import PASSWORD, csrf_token, mail_link


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the portal did not start:\n{log.read_text()}")


def test_a_fresh_portal_signs_up_and_mails_a_link_to_its_own_port(tmp_path: Path) -> None:
    data, log, port = tmp_path / "data", tmp_path / "portal.log", _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERMIS2D_")}
    env["PERMIS2D_DATA_DIR"] = str(data)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", "from permis2d.cli import main; main()", "serve", "issuer",
             "--port", str(port), "--workers", "1"], env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{base}/connexion", process, log)
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        with opener.open(f"{base}/inscription", timeout=10) as page:
            token = csrf_token(page.read().decode())
        form = {"email": "new.driver@example.org", "password": PASSWORD,
                "password_confirm": PASSWORD, "family_name": "Durand", "given_names": "Lucas",
                "birth_date": "1977-05-28", "accept_terms": "y", "csrf_token": token}
        with opener.open(f"{base}/inscription", urllib.parse.urlencode(form).encode(),
                         timeout=30) as answer:
            assert answer.status == 200 and "/inscription/envoyee" in answer.url
        (mail,) = sorted((data / "outbox").glob("*.eml"))
        link = mail_link(mail)
        assert link.startswith(f"{base}/inscription/confirmer/"), link
        with opener.open(link, timeout=10) as confirmed:
            assert confirmed.status == 200 and confirmed.url.endswith("/connexion")
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_a_configured_issuer_url_is_kept() -> None:
    settings = Settings.from_env({"PERMIS2D_DATA_DIR": "unused"})
    assert with_served_issuer_url(settings, "127.0.0.1", 0) is settings
    assert with_served_issuer_url(settings, "0.0.0.0", 18240).issuer_url == (
        "http://127.0.0.1:18240/")
    configured = Settings.from_env({"PERMIS2D_DATA_DIR": "unused",
                                    "PERMIS2D_ISSUER_URL": "https://permis.example.fr/"})
    assert with_served_issuer_url(configured, "127.0.0.1", 18240) is configured


def test_stalled_connections_do_not_hold_a_page(tmp_path: Path) -> None:
    """Issue 10's slow clients, on the portal: more stalled connections than workers."""
    process, url = spawn_issuer(tmp_path / "data", tmp_path / "portal.log", workers=2)
    host, port = url.removeprefix("http://").split(":")
    stalled = []
    try:
        for _ in range(3):
            conn = socket.create_connection((host, int(port)))
            conn.sendall(b"GET /connexion HTTP/1.1\r\nHost: x\r\n")  # headers never finished
            stalled.append(conn)
        time.sleep(0.5)
        start = time.monotonic()
        with urllib.request.urlopen(f"{url}/connexion", timeout=60) as answer:
            assert answer.status == 200
        assert time.monotonic() - start < 2.0
    finally:
        for conn in stalled:
            conn.close()
        stop_issuer(process)
