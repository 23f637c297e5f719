"""The installed product, not the checkout: build the wheel and sdist, install them, run them.

Issue 11 ("an installable product"): a wheel once lacked ``templates/``, so an installed issuer
could not render a PDF. Here the sdist and the wheel are built from this checkout
(``python -m build``: the wheel is built from the sdist, so both are checked), their contents are
compared with the folders the code reads, and the wheel is installed into two fresh virtual
environments, run from a folder outside the checkout:

* ``permis2d`` alone (the verifier and the codec): ``permis2d verify`` and ``permis2d serve
  verifier`` work, and SQLAlchemy, Alembic, reportlab and psycopg are not there;
* ``permis2d[issuer]``: ``permis2d demo --no-serve`` creates a PKI and a registry, issues an ADCS
  and checks it with the verifier library.

Dependencies come from pip's cache and the configured indexes; the environments are made without
pip of their own (the test's pip installs into them with ``--python``) and installed side by
side, which saves about a third of the time.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
import time
import urllib.request
import venv
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
#: Folders whose every file the code reads at run time, and where the wheel puts them.
DATA_FOLDERS = {
    "templates": "permis2d/templates",
    "verifier/static": "verifier/static",
    "twoddoc/data": "twoddoc/data",
    "registry/migrations": "registry/migrations",
}
ISSUER_ONLY = ("sqlalchemy", "alembic", "reportlab", "psycopg", "argon2")

pytestmark = pytest.mark.slow


def _tracked(folder: str) -> list[str]:
    """The files under ``folder`` that git tracks (or, without git, that exist), repo-relative."""
    try:
        out = subprocess.run(["git", "ls-files", "--", folder], cwd=REPO, check=True,
                             capture_output=True, text=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        out = [str(p.relative_to(REPO)) for p in (REPO / folder).rglob("*") if p.is_file()]
    return [p for p in out if "__pycache__" not in p and (REPO / p).is_file()]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist and the wheel of this checkout."""
    out = tmp_path_factory.mktemp("dist")
    run = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out),
                          str(REPO)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return {"wheel": next(out.glob("*.whl")), "sdist": next(out.glob("*.tar.gz"))}


def _install(directory: Path, requirement: str) -> subprocess.Popen[str]:
    """Start installing ``requirement`` into a new virtual environment at ``directory``."""
    venv.EnvBuilder(with_pip=False, clear=True).create(directory)
    return subprocess.Popen(
        [sys.executable, "-m", "pip", "--python", str(directory / "bin" / "python"), "install",
         "-q", "--only-binary=xmlsec,lxml", requirement],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _env(data_dir: Path) -> dict[str, str]:
    """The caller's environment without PYTHONPATH or PERMIS2D_*, on a private data dir."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PERMIS2D_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PERMIS2D_DATA_DIR"] = str(data_dir)
    return env


def test_wheel_and_sdist_hold_every_data_file(dist: dict[str, Path]) -> None:
    wheel = set(zipfile.ZipFile(dist["wheel"]).namelist())
    with tarfile.open(dist["sdist"]) as sdist:
        sdist_names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    for folder, installed in DATA_FOLDERS.items():
        files = _tracked(folder)
        assert files, folder
        for path in files:
            assert path in sdist_names, f"{path} missing from the sdist"
            assert installed + path[len(folder):] in wheel, f"{path} missing from the wheel"
    # Test helpers and tests never ship.
    assert not [n for n in wheel if n.startswith("tests/") or n.endswith("_testing.py")
                or n == "keys/testing.py"]


@pytest.fixture(scope="module")
def envs(dist: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two fresh environments, installed side by side: ``permis2d`` and ``permis2d[issuer]``."""
    installs = {
        "verifier": (tmp_path_factory.mktemp("venv-verifier"), str(dist["wheel"])),
        "issuer": (tmp_path_factory.mktemp("venv-issuer"), f"{dist['wheel']}[issuer]"),
    }
    running = {name: _install(path, req) for name, (path, req) in installs.items()}
    for name, process in running.items():
        output, _ = process.communicate(timeout=900)
        assert process.returncode == 0, f"installing {name}: {output}"
    return {name: path / "bin" for name, (path, _) in installs.items()}


@pytest.fixture(scope="module")
def issuer_env(envs: dict[str, Path]) -> Path:
    return envs["issuer"]


@pytest.fixture(scope="module")
def verifier_env(envs: dict[str, Path]) -> Path:
    return envs["verifier"]


@pytest.fixture(scope="module")
def demo(issuer_env: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``permis2d demo --no-serve`` run by the installed ``[issuer]`` product; its data dir."""
    data = tmp_path_factory.mktemp("demo") / "data"
    run = subprocess.run([str(issuer_env / "permis2d"), "demo", "--no-serve"], cwd=data.parent,
                         env=_env(data), capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "checked by the verifier library: valid" in run.stdout, run.stdout
    return data


def test_issuer_extra_issues_and_checks_a_pdf(demo: Path) -> None:
    (pdf,) = (demo / "issued").rglob("*.pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_verifier_alone_has_no_issuer_dependency(verifier_env: Path, tmp_path: Path) -> None:
    for module in ISSUER_ONLY:
        run = subprocess.run([str(verifier_env / "python"), "-c", f"import {module}"],
                             cwd=tmp_path, env=_env(tmp_path), capture_output=True, text=True)
        assert run.returncode != 0 and "ModuleNotFoundError" in run.stderr, module


def test_verifier_alone_verifies(verifier_env: Path, demo: Path, tmp_path: Path) -> None:
    from verifier.scan import scan

    (pdf,) = (demo / "issued").rglob("*.pdf")
    text_file = tmp_path / "adcs.txt"
    text_file.write_bytes(scan(pdf)[0].encode("latin-1") + b"\n")
    run = subprocess.run([str(verifier_env / "permis2d"), "verify", "--json", "--trust",
                          str(demo / "trust"), str(text_file)], cwd=tmp_path,
                         env=_env(tmp_path / "data"), capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert json.loads(run.stdout)["valid"] is True


@pytest.fixture
def served(verifier_env: Path, demo: Path, tmp_path: Path) -> Iterator[str]:
    """``permis2d serve verifier --port 0`` from the verifier-only environment; its URL."""
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(verifier_env / "permis2d"), "serve", "verifier", "--port", "0", "--workers", "1",
             "--trust", str(demo / "trust")],
            cwd=tmp_path, env=_env(tmp_path / "data"), stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            match = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log.read_text())
            if match:
                yield match.group(1)
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"the installed verifier did not start:\n{log.read_text()}")
    finally:
        process.terminate()
        process.wait(timeout=20)


def _get(url: str, data: bytes | None = None, content_type: str = "") -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data,
                                     headers={"Content-Type": content_type} if data else {})
    with urllib.request.urlopen(request, timeout=30) as answer:  # 127.0.0.1 only
        return answer.status, answer.read()


def test_verifier_alone_serves_page_static_and_api(served: str, demo: Path) -> None:
    status, page = _get(f"{served}/")
    assert status == 200 and b"<html" in page.lower()
    for asset in re.findall(rb'(?:src|href)="(/static/[^"]+)"', page):
        assert _get(served + asset.decode())[0] == 200, asset
    (pdf,) = (demo / "issued").rglob("*.pdf")
    status, body = _get(f"{served}/api/v1/verify", pdf.read_bytes(), "application/pdf")
    assert status == 200 and json.loads(body)["valid"] is True
