"""Package layout that pyproject.toml cannot state: the top-level ``templates/`` ships inside ours.

The repository keeps its Jinja templates at the top level (``templates/documents`` for the PDFs,
``templates/verifier`` and the portal's pages), shared by several apps. A wheel installs them as
the package ``permis2d.templates``, where the code finds them with
``importlib.resources.files("permis2d.templates")``, rather than as a top-level ``templates``
package that would collide with other distributions. Everything else is in pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

PRODUCT = ["permis2d", "twoddoc", "keys", "registry", "issuer", "verifier"]

setup(
    packages=[
        *find_namespace_packages(
            include=[f"{name}{suffix}" for name in PRODUCT for suffix in ("", ".*")],
            exclude=["*.__pycache__"],
        ),
        "permis2d.templates",
    ],
    package_dir={"permis2d.templates": "templates"},
)
