"""Process helpers for the independent tests: run the real ``permis2d`` CLI, rasterise PDFs.

Why a module: both test files start the installed console script as a subprocess with a clean
environment (no ``PERMIS2D_*`` variable of the caller leaks in) and need the same skips when a
tool is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
PERMIS2D = BIN / "permis2d"


def require_tools(*tools: str) -> None:
    """Skip the calling test when a test tool is absent; fail when the product's script is.

    The console script is the product under test: a checkout where it is missing is broken
    (``make .venv/.installed`` installs it), and skipping would pass without testing anything.
    """
    if not PERMIS2D.exists():
        pytest.fail(f"the permis2d console script is not installed at {PERMIS2D} "
                    "(run: make .venv/.installed)")
    for tool in tools:
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not found on PATH (Debian package poppler-utils)")


def clean_env(extra: dict[str, str]) -> dict[str, str]:
    """The caller's environment without ``PERMIS2D_*``, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERMIS2D_")}
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str], *, check: bool = True,
        stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``permis2d args...``; with ``check``, fail the test with stderr on a non-zero exit."""
    done = subprocess.run([str(PERMIS2D), *args], env=env, capture_output=True, text=True,
                          timeout=120, input=None if stdin is None else stdin.decode("latin-1"),
                          cwd=cwd)
    if check and done.returncode != 0:
        pytest.fail(f"permis2d {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
    return done


def rasterise(pdf: Path, dpi: int = 200) -> list[Path]:
    """Render every page of ``pdf`` to PNG with poppler's ``pdftoppm``; return the files."""
    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(prefix)], check=True,
                   timeout=60)
    return sorted(pdf.parent.glob(f"{prefix.name}-*.png"))


def fold(text: str) -> str:
    """Upper case without accents, other signs as spaces (§7.5 p.52: "[A-Z] et des espaces").

    Our own reading of the rule, independent of the issuer's: decompose, drop combining marks,
    write Œ/Æ/ß as two letters, turn anything outside [A-Z0-9] into one space.
    """
    text = text.upper().replace("Œ", "OE").replace("Æ", "AE").replace("ß", "SS")
    bare = "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))
    words = "".join(c if ("A" <= c <= "Z" or "0" <= c <= "9") else " " for c in bare)
    return " ".join(words.split())
