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


def test_a_portal_on_a_fresh_data_dir_signs_up(tmp_path: Path) -> None:
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
        path = urllib.parse.urlsplit(link).path
        assert path.startswith("/inscription/confirmer/"), link
        with opener.open(base + path, timeout=10) as confirmed:
            assert confirmed.status == 200 and confirmed.url.endswith("/connexion")
    finally:
        process.terminate()
        process.wait(timeout=20)
