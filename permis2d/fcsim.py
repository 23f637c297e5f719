"""``permis2d serve franceconnect-sim``: start the local FranceConnect v2 stand-in (issue 14).

The provider itself is a small Node program on ``oidc-provider`` (the engine FranceConnect's core
runs) in the repository's ``franceconnect-sim/`` folder, installed by ``make`` with ``npm ci``
from its committed lockfile. This module only finds it, checks that Node and its packages are
there, and runs it in the foreground with its configuration in the environment. It is a demo and
test tool: it ships with the repository, never in a production deployment or in the wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from permis2d.settings import Settings

__all__ = [
    "DEV_CLIENT_ID",
    "DEV_CLIENT_SECRET",
    "FranceConnectSimError",
    "discovery_url",
    "sim_command",
    "sim_environment",
]

#: The client the local provider registers for the portal: test values, public on purpose, and
#: the defaults of ``PERMIS2D_FC_CLIENT_ID`` / ``PERMIS2D_FC_CLIENT_SECRET``.
DEV_CLIENT_ID = Settings.__dataclass_fields__["fc_client_id"].default
DEV_CLIENT_SECRET = Settings.__dataclass_fields__["fc_client_secret"].default

SIM_DIR = Path(__file__).resolve().parent.parent / "franceconnect-sim"


class FranceConnectSimError(RuntimeError):
    """The local FranceConnect cannot start (no Node, packages not installed, no folder)."""


def discovery_url(host: str, port: int) -> str:
    """The discovery document's URL, at FranceConnect v2's path."""
    return f"http://{host}:{port}/api/v2/.well-known/openid-configuration"


def sim_environment(
    *, host: str, port: int, portal_url: str, base: Mapping[str, str] | None = None,
    identities: Path | None = None,
) -> dict[str, str]:
    """The environment the Node program reads (see ``franceconnect-sim/server.mjs``)."""
    env = dict(os.environ if base is None else base)
    env.update(
        FC_SIM_HOST=host,
        FC_SIM_PORT=str(port),
        FC_SIM_PUBLIC_URL=f"http://{host}:{port}",
        PERMIS2D_ISSUER_URL=portal_url.rstrip("/"),
        FC_SIM_CLIENT_ID=DEV_CLIENT_ID,
        FC_SIM_CLIENT_SECRET=DEV_CLIENT_SECRET,
    )
    if identities is not None:
        env["FC_SIM_IDENTITIES"] = str(identities)
    return env


def sim_command(sim_dir: Path = SIM_DIR) -> list[str]:
    """``node server.mjs``, after checking that everything it needs is installed."""
    if not (sim_dir / "server.mjs").is_file():
        raise FranceConnectSimError(
            "the local FranceConnect ships with the repository (franceconnect-sim/), "
            "not with an installed package")
    node = shutil.which("node")
    if node is None:
        raise FranceConnectSimError("Node.js is not installed (Debian: apt-get install nodejs npm)")
    if not (sim_dir / "node_modules" / "oidc-provider").is_dir():
        raise FranceConnectSimError(
            f"its packages are not installed: run `npm ci` in {sim_dir} (make does it)")
    return [node, str(sim_dir / "server.mjs")]


def run(*, host: str, port: int, portal_url: str) -> int:
    """Run the provider in the foreground until Ctrl-C; return its exit status."""
    command = sim_command()
    env = sim_environment(host=host, port=port, portal_url=portal_url)
    with subprocess.Popen(command, env=env, cwd=SIM_DIR) as process:
        try:
            return process.wait()
        except KeyboardInterrupt:
            process.terminate()
            return process.wait()
