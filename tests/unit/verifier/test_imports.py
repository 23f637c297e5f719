"""The verifier is deployed apart: it never imports issuer, registry, keys or a private key.

Walks the AST of every module under ``verifier/`` (including ``verifier/web/``) and of
``twoddoc/``, so a forbidden import anywhere, even inside a function, fails here (STYLE §1).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
OURS = {"permis2d", "twoddoc", "keys", "registry", "issuer", "verifier"}
FORBIDDEN_IN_VERIFIER = {"issuer", "registry", "keys"}
# Names that load private keys: a verifier only ever needs public keys and certificates.
PRIVATE_KEY_LOADERS = {"load_pem_private_key", "load_der_private_key", "load_ssh_private_key"}


def _imports(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
            found.extend((f"{node.module}.{a.name}", node.lineno) for a in node.names)
    return found


def _modules(package: str) -> list[Path]:
    paths = sorted((REPO / package).rglob("*.py"))
    assert paths, f"no module found under {package}/"
    return paths


@pytest.mark.parametrize("path", _modules("verifier"), ids=lambda p: str(p.relative_to(REPO)))
def test_verifier_imports_no_issuer_registry_keys(path: Path) -> None:
    for name, line in _imports(path):
        top = name.split(".")[0]
        assert top not in FORBIDDEN_IN_VERIFIER, f"{path}:{line} imports {name}"
        assert name.split(".")[-1] not in PRIVATE_KEY_LOADERS, f"{path}:{line} loads a private key"


@pytest.mark.parametrize("path", _modules("twoddoc"), ids=lambda p: str(p.relative_to(REPO)))
def test_twoddoc_imports_none_of_our_packages(path: Path) -> None:
    for name, line in _imports(path):
        top = name.split(".")[0]
        assert top not in OURS - {"twoddoc"}, f"{path}:{line} imports {name}"


def test_walker_sees_a_forbidden_import(tmp_path: Path) -> None:
    """The walker itself finds imports nested in functions (so the tests above can fail)."""
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from keys.store import KeyStore\n    import registry.db\n")
    names = {name for name, _ in _imports(module)}
    assert {"keys.store", "registry.db"} <= names
