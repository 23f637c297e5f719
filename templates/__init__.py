"""The Jinja templates of every app, installed as the package ``permis2d.templates`` (setup.py).

Find them with ``importlib.resources.files("permis2d.templates")``: in a checkout that is this
folder (the editable install maps it), in a wheel the copy inside ``permis2d``. Every file under
this folder ships, whatever its name or depth (``"**/*"`` in pyproject.toml's package data).
"""
