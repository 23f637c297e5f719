"""One frozen settings object built from ``PERMIS2D_*`` environment variables.

Each setting is declared once, with its variable, type and default. A value that does not parse,
or a ``PERMIS2D_`` variable nobody declared (a typo such as ``PERMIS2D_DATA_DIRR``), is refused with
a :class:`SettingsError` naming the variable: a misspelt setting silently falling back to its
default is how a production verifier ends up trusting the demo CA.

Defaults are embedded so that ``make run`` works on a fresh machine: everything lives under the
data dir (``$XDG_DATA_HOME/permis2d``, else ``~/.local/share/permis2d``): the SQLite registry,
the keys (private keys encrypted with a passphrase generated on first use) and the issued
documents. The data dir is private: mode 0700, every file in it 0600 (issue 10, item 7: the
registry and the issued PDFs hold personal data). The generated passphrase lives in
``<data dir>/secrets/``, not in the key folder it protects, so that a copy of ``keys/`` (a
backup, a volume mounted elsewhere) does not carry the means to decrypt it.

This module imports nothing of ours, so the verifier may use it too.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

__all__ = ["Settings", "SettingsError", "default_data_dir", "private_dir"]

PREFIX = "PERMIS2D_"

# Variables read by other tools than Settings (tests, CI); accepted so they are not "unknown".
_EXTRA_KNOWN = frozenset({"PERMIS2D_TEST_POSTGRES_URL"})


class SettingsError(ValueError):
    """A ``PERMIS2D_*`` variable is unknown or its value does not parse."""

    def __init__(self, variable: str, message: str) -> None:
        super().__init__(f"{variable}: {message}")
        self.variable = variable


def default_data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The data dir when ``PERMIS2D_DATA_DIR`` is unset: ``$XDG_DATA_HOME/permis2d``."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_DATA_HOME") or str(Path(env.get("HOME", "~")).expanduser() / ".local/share")
    return Path(base) / "permis2d"


def _path(value: str) -> Path:
    return Path(value).expanduser()


def _paths(value: str) -> tuple[Path, ...]:
    return tuple(Path(p).expanduser() for p in value.split(os.pathsep) if p)


def _ca_id(value: str) -> str:
    if not re.fullmatch(r"[A-Z0-9]{4}", value):
        raise ValueError("a CA id is 4 upper-case letters or digits, e.g. FR00")
    return value


def _port(value: str) -> int:
    port = int(value)
    if not 0 < port < 65536:
        raise ValueError("a port is between 1 and 65535")
    return port


def _str(value: str) -> str:
    return value


def _passphrase(value: str) -> str:
    # An empty value used to fall back silently to the generated file: a deployment that meant
    # to set its passphrase and got an empty one would not notice.
    if not value:
        raise ValueError("empty; set a passphrase, or unset the variable to use the generated "
                         "passphrase file (PERMIS2D_KEY_PASSPHRASE_FILE)")
    return value


def _setting(env: str, parse: Callable[[str], Any], default: Any = None, **kw: Any) -> Any:
    return field(default=default, metadata={"env": env, "parse": parse}, **kw)


@dataclass(frozen=True)
class Settings:
    """Every setting of the product, read once and passed down (STYLE §5)."""

    data_dir: Path = _setting("PERMIS2D_DATA_DIR", _path)
    database_url: str | None = _setting("PERMIS2D_DATABASE_URL", _str)
    key_passphrase: str | None = _setting("PERMIS2D_KEY_PASSPHRASE", _passphrase, repr=False)
    key_passphrase_file: Path | None = _setting("PERMIS2D_KEY_PASSPHRASE_FILE", _path)
    ca_id: str = _setting("PERMIS2D_CA_ID", _ca_id, "FR00")
    verifier_trust: tuple[Path, ...] = _setting("PERMIS2D_VERIFIER_TRUST", _paths, ())
    tsl_signers: tuple[Path, ...] = _setting("PERMIS2D_TSL_SIGNERS", _paths, ())
    verifier_url: str = _setting("PERMIS2D_VERIFIER_URL", _str, "http://127.0.0.1:8001/")
    issuer_url: str = _setting("PERMIS2D_ISSUER_URL", _str, "http://127.0.0.1:8000/")
    verifier_port: int = _setting("PERMIS2D_VERIFIER_PORT", _port, 8001)
    issuer_port: int = _setting("PERMIS2D_ISSUER_PORT", _port, 8000)
    secret_key: str | None = _setting("PERMIS2D_SECRET_KEY", _str, repr=False)
    # FranceConnect (issue 14); the defaults are the local provider (franceconnect-sim/) and the
    # test client it registers for the portal, so that `make run` logs in with it out of the box.
    fc_discovery_url: str = _setting(
        "PERMIS2D_FC_DISCOVERY_URL", _str,
        "http://127.0.0.1:8002/api/v2/.well-known/openid-configuration")
    fc_client_id: str = _setting("PERMIS2D_FC_CLIENT_ID", _str, "permis2d-portal-dev")
    fc_client_secret: str = _setting("PERMIS2D_FC_CLIENT_SECRET", _str,
                                     "permis2d-portal-dev-secret-not-for-production-use",
                                     repr=False)
    smtp_url: str | None = _setting("PERMIS2D_SMTP_URL", _str, repr=False)
    mail_from: str = _setting("PERMIS2D_MAIL_FROM", _str, "permis2d <no-reply@permis2d.invalid>")
    font_dir: Path | None = _setting("PERMIS2D_FONT_DIR", _path)  # else fontconfig (fc-match)

    def __post_init__(self) -> None:
        if self.data_dir is None:
            object.__setattr__(self, "data_dir", default_data_dir())
        if self.database_url is None:
            url = f"sqlite:///{self.data_dir / 'registry.sqlite3'}"
            object.__setattr__(self, "database_url", url)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from ``environ`` (default ``os.environ``), refusing unknown names."""
        env = os.environ if environ is None else environ
        declared = {f.metadata["env"]: f for f in fields(cls)}
        for name in env:
            if name.startswith(PREFIX) and name not in declared and name not in _EXTRA_KNOWN:
                raise SettingsError(name, "unknown setting (see README, 'Configuration')")
        values: dict[str, Any] = {}
        for variable, f in declared.items():
            if variable in env:
                try:
                    values[f.name] = f.metadata["parse"](env[variable])
                except ValueError as exc:
                    raise SettingsError(variable, f"bad value: {exc}") from exc
        if "data_dir" not in values:
            values["data_dir"] = default_data_dir(env)
        values.update(overrides)
        return cls(**values)

    @property
    def keys_dir(self) -> Path:
        """Where the PKI lives: CA, signing certificates, encrypted private keys, CRLs."""
        return self.data_dir / "keys"

    @property
    def issued_dir(self) -> Path:
        """Where issued PDFs are written by default."""
        return self.data_dir / "issued"

    @property
    def outbox_dir(self) -> Path:
        """Where the portal writes its e-mails (RFC 5322 files) when no SMTP URL is set."""
        return self.data_dir / "outbox"

    @property
    def quarantine_dir(self) -> Path:
        """Where the issuance recovery moves the files a crashed issuance left behind."""
        return self.data_dir / "quarantine"

    @property
    def trust_dir(self) -> Path:
        """The trust folder exported for the verifier (``keys export-trust``)."""
        return self.data_dir / "trust"

    @property
    def passphrase_path(self) -> Path:
        """The generated passphrase's file: ``PERMIS2D_KEY_PASSPHRASE_FILE``, else in secrets/.

        Outside the key folder by default (see the module docstring); ``make run`` says where.
        """
        return self.key_passphrase_file or self.data_dir / "secrets" / "key-passphrase"

    def passphrase_source(self) -> str:
        """Where the passphrase comes from, for messages (never the passphrase itself)."""
        if self.key_passphrase is not None:
            return "PERMIS2D_KEY_PASSPHRASE"
        return str(self.passphrase_path)

    def passphrase(self) -> bytes:
        """The private-key passphrase: ``PERMIS2D_KEY_PASSPHRASE``, else a generated secret.

        The generated secret is written once to :attr:`passphrase_path` with mode 0600. A
        passphrase generated by an earlier release beside the keys (``keys/passphrase``) is
        moved there on first use, so existing keys still open.
        """
        if self.key_passphrase is not None:
            return self.key_passphrase.encode()
        path = self.passphrase_path
        legacy = self.keys_dir / "passphrase"
        if not path.exists() and legacy.exists():
            private_dir(path.parent)
            with contextlib.suppress(FileNotFoundError):  # another process moved it first
                shutil.move(legacy, path)
        if not path.exists() and (self.keys_dir / "state.json").exists():
            # A new passphrase could never open the keys already there: say what is missing.
            raise SettingsError("PERMIS2D_KEY_PASSPHRASE_FILE",
                                f"{path} is missing but keys exist in {self.keys_dir}; restore "
                                "the passphrase file or set PERMIS2D_KEY_PASSPHRASE")
        return _secret_file(path, "PERMIS2D_KEY_PASSPHRASE_FILE").encode()

    def ensure_data_dir(self) -> Path:
        """Create the data dir with mode 0700, or tighten an existing one of ours to 0700."""
        return private_dir(self.data_dir)

    def flask_secret_key(self) -> str:
        """Flask's session key: ``PERMIS2D_SECRET_KEY``, else generated once (0600)."""
        return self.secret_key or _secret_file(self.data_dir / "secret_key",
                                                  "PERMIS2D_SECRET_KEY")


def private_dir(path: Path) -> Path:
    """Create ``path`` and its missing parents with mode 0700; tighten it if it is ours.

    ``Path.mkdir(parents=True, mode=...)`` gives the mode to the last folder only; the data dir
    is often a missing parent (``<data dir>/keys``), hence the walk.
    """
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
    info = path.stat()
    if info.st_uid == os.getuid() and info.st_mode & 0o077:
        path.chmod(0o700)
    return path


def _secret_file(path: Path, variable: str) -> str:
    """Read a secret from ``path``, creating it (mode 0600, atomically) on first use.

    An existing empty file is refused, naming ``variable`` (the setting that chose the path).
    """
    if path.exists():
        value = path.read_text().strip()
        if not value:
            raise SettingsError(variable, f"{path} is empty: delete it to generate a new secret "
                                "only if no key was encrypted with it")
        return value
    private_dir(path.parent)
    value = secrets.token_urlsafe(32)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    try:
        os.link(tmp, path)  # fails if another process won the race: keep theirs
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text().strip()
