"""Errors of the trust store and its trust service lists, apart so every trust module raises them.

Two kinds, because a folder of trust sources treats them differently:

* :class:`TrustStoreError`: a source cannot be used (missing path, unreadable file, XML that is no
  TSL). Given alone it stops the load; found in a folder it becomes a note and the other files
  still load, as a stray file there should not take the whole verifier down.
* :class:`TSLRefusedError`: a trust service list that must be neither used nor skipped: XML
  with a DTD or entities, a signature that does not verify, a signer that is not pinned. Skipping
  it in a folder would silently fall back to the folder's own CA certificates, so it stops the
  load wherever it is found (fail closed).
"""

from __future__ import annotations

from pathlib import Path

from verifier.reasons import VerificationError

__all__ = ["TSLRefusedError", "TrustStoreError"]


class TrustStoreError(VerificationError):
    """A trust source cannot be used at all (missing path, unreadable file, broken TSL XML)."""

    def __init__(self, msg: str, *, path: Path) -> None:
        super().__init__(f"{msg} ({path})")
        self.path = path


class TSLRefusedError(TrustStoreError):
    """A trust service list is refused: unsafe XML, a bad signature or an unpinned signer."""
