"""The verifier web service: the verification API and the verifier page, one Flask app.

Typical use::

    from verifier.web import create_app
    app = create_app(settings, trust=TrustStore.load([trust_folder]))

Why a factory (Flask tutorial, ``flaskr/__init__.py``): tests and gunicorn each build their own
app from a :class:`Settings`, with no global state. The trust store comes from the ``trust``
argument (``--trust`` paths), else ``settings.verifier_trust`` (``PERMIS2D_VERIFIER_TRUST``); an
empty store accepts nothing (fail closed, STYLE §3).

Limits (issue 6, part 5): request body 10 MB (``MAX_CONTENT_LENGTH``, a JSON 413 beyond), images
40 megapixels (our check on the header, plus Pillow's ``MAX_IMAGE_PIXELS`` with its warning made
an error), PDF 10 pages, a decode time budget per request. Every error is a JSON body.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from importlib import resources

from flask import Flask, Response
from PIL import Image

from permis2d.params import french_today
from permis2d.settings import Settings
from verifier.decode_pool import DecodePool, PoolSettings
from verifier.scan_limits import ScanLimits
from verifier.trust import TrustStore
from verifier.trust_live import TrustHolder
from verifier.tsl_signature import load_tsl_signers
from verifier.web.audit import AuditLog
from verifier.web.errors import register_error_handlers

__all__ = ["MAX_BODY_BYTES", "create_app"]

MAX_BODY_BYTES = 10 * 1024 * 1024


def create_app(
    settings: Settings | None = None,
    trust: TrustStore | TrustHolder | None = None,
    *,
    limits: ScanLimits | None = None,
    today: Callable[[], dt.date] | None = None,
    decode_pool: DecodePool | None = None,
) -> Flask:
    """Build the verifier app: API and page blueprints, JSON errors, audit log, CSP headers."""
    from verifier.web.api import bp as api_bp
    from verifier.web.page import bp as page_bp
    from verifier.web.page import security_headers

    settings = settings or Settings.from_env()
    if isinstance(trust, TrustHolder):
        holder = trust
    elif trust is None:
        holder = TrustHolder(settings.verifier_trust,
                             tsl_signers=load_tsl_signers(settings.tsl_signers))
    else:
        holder = TrustHolder((), trust)  # a store given as is: nothing to watch or reload
    limits = limits or ScanLimits(max_bytes=MAX_BODY_BYTES)
    # Pillow's global guard follows our pixel limit (it warns above it and raises at twice it);
    # the scanner makes the warning an error and also checks the size itself.
    Image.MAX_IMAGE_PIXELS = limits.max_pixels

    app = Flask(
        "verifier.web",
        template_folder=str(resources.files("permis2d.templates")),
        static_folder=str(resources.files("verifier") / "static"),
        static_url_path="/static",
    )
    app.config.update(
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        MAX_FORM_MEMORY_SIZE=MAX_BODY_BYTES,
        JSON_SORT_KEYS=False,
        PERMIS2D_SETTINGS=settings,
        PERMIS2D_SCAN_LIMITS=limits,
        PERMIS2D_TODAY=today or french_today,
        PERMIS2D_NOW=lambda: dt.datetime.now(dt.UTC),
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]
    # The store is reached through its holder, which reloads it when its files change.
    app.extensions["permis2d_trust_holder"] = holder
    # Uploads are decoded, and wedged texts searched, in child processes with hard time and
    # memory limits (issue 10); the children start on first use, in each gunicorn worker.
    app.extensions["permis2d_decode_pool"] = decode_pool or DecodePool()
    # Wedge repairs get their own child: a flood of hostile texts then queues behind itself
    # and never keeps an upload waiting for a decoder.
    app.extensions["permis2d_repair_pool"] = DecodePool(PoolSettings(size=1))
    app.extensions["permis2d_audit"] = AuditLog(settings.data_dir / "audit" / "verifier.jsonl")
    if holder.store.is_empty:
        logging.getLogger("verifier.web").warning(
            "the trust store is empty: every document will be reported invalid "
            "(give --trust PATH or PERMIS2D_VERIFIER_TRUST)"
        )
    app.register_blueprint(api_bp)
    app.register_blueprint(page_bp)
    register_error_handlers(app)

    @app.after_request
    def _headers(response: Response) -> Response:
        return security_headers(response)

    return app
