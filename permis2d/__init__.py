"""permis2d: issue and verify French driving-licence documents carrying signed 2D-Docs.

The distribution holds five packages (see ../shared/ARCHITECTURE.md): ``twoddoc`` (the codec),
``keys`` (the PKI), ``registry`` (drivers, licences, points engine), ``issuer`` and ``verifier``.
This package only holds what ties them together: the settings object and the ``permis2d`` CLI.
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
