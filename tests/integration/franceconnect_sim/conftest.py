"""A running local FranceConnect (the real Node program) on a free 127.0.0.1 port."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests

from permis2d.fcsim import DEV_CLIENT_ID, DEV_CLIENT_SECRET, sim_command, sim_environment

PORTAL = "http://127.0.0.1:18000"
#: A second service provider registered by the tests: genuine ID tokens for another audience.
SECOND_CLIENT_ID = "autre-service-test"
SECOND_CLIENT_SECRET = "autre-service-test-secret"


@dataclass(frozen=True)
class Sim:
    """Where the provider listens and the client it registered for the portal."""

    base: str
    client_id: str = DEV_CLIENT_ID
    client_secret: str = DEV_CLIENT_SECRET
    redirect_uri: str = f"{PORTAL}/connexion/franceconnect/retour"
    logout_uri: str = f"{PORTAL}/connexion"

    @property
    def api(self) -> str:
        return f"{self.base}/api/v2"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def fc_sim() -> Iterator[Sim]:
    port = _free_port()
    env = sim_environment(host="127.0.0.1", port=port, portal_url=PORTAL)
    env["FC_SIM_SECOND_CLIENT"] = f"{SECOND_CLIENT_ID}:{SECOND_CLIENT_SECRET}"
    process = subprocess.Popen(sim_command(), env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=1).ok:
                break
        except requests.ConnectionError:
            if process.poll() is not None:
                pytest.fail(f"franceconnect-sim exited: {process.stdout.read()}")
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("franceconnect-sim did not start within 20 s")
    yield Sim(base=base)
    process.terminate()
    process.wait(timeout=10)
