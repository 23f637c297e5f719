"""Tests of the package boundary: twoddoc imports only the stdlib and cryptography, no I/O."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import twoddoc

PACKAGE = Path(twoddoc.__file__).resolve().parent
# No file, network, process or clock access in the codec (ARCHITECTURE.md, STYLE §4).
FORBIDDEN = {"os", "io", "socket", "subprocess", "pathlib", "time", "random", "urllib", "http"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_imports_only_stdlib_and_cryptography() -> None:
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) >= 9
    for path in modules:
        for name in _imports(path):
            allowed = name in sys.stdlib_module_names or name in {"cryptography", "twoddoc"}
            assert allowed, f"{path.name} imports {name}"
            assert name not in FORBIDDEN, f"{path.name} imports {name}: the codec does no I/O"


def test_no_clock_in_the_codec() -> None:
    for path in PACKAGE.glob("*.py"):
        text = path.read_text("utf-8")
        for call in ("date.today(", "datetime.now(", "datetime.utcnow(", "open("):
            assert call not in text, f"{path.name} calls {call}"


def test_public_api_is_exported() -> None:
    for name in ("decode", "encode", "Header", "Field", "Document", "Signer", "EcdsaSigner",
                 "verify_signature", "TwoDDocError", "HeaderError", "FieldError",
                 "SignatureFormatError", "SignatureError", "UnknownFieldError", "EncodeError"):
        assert name in twoddoc.__all__
        assert getattr(twoddoc, name) is not None
    assert twoddoc.__doc__ and "decode(" in twoddoc.__doc__
    assert issubclass(twoddoc.UnknownFieldError, twoddoc.FieldError)
    assert issubclass(twoddoc.SignatureLengthError, twoddoc.SignatureError)
    assert issubclass(twoddoc.SignatureLengthError, twoddoc.SignatureFormatError)
