"""A hostile network between the portal and the local FranceConnect, for the client's tests.

It forwards every request to the real provider and, when told to, changes one answer the way
an attacker or a broken intermediary would: a token response carrying another (genuine) ID
token, an ID token with a damaged signature, a userinfo JWT re-signed with the attacker's key.
The discovery document it serves points every endpoint at itself, issuer unchanged.
"""

from __future__ import annotations

import base64
import json
import threading
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

HOP_HEADERS = {"connection", "transfer-encoding", "content-length", "keep-alive", "host"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def resign(token: str, key: ec.EllipticCurvePrivateKey) -> str:
    """The same header and claims, signed ES256 by ``key`` instead of the provider."""
    header, payload, _ = token.split(".")
    der = key.sign(f"{header}.{payload}".encode(), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    return f"{header}.{payload}.{_b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


class HostileProxy:
    """``fault`` is one of None, ``"substitute_id_token"`` (with ``id_token``),
    ``"damage_id_token_signature"``, ``"resign_userinfo"``."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.host, self.port = urlparse(upstream).hostname, urlparse(upstream).port
        self.fault: str | None = None
        self.id_token: str | None = None
        self.attacker_key = ec.generate_private_key(ec.SECP256R1())
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                proxy._forward(self)

            def do_POST(self) -> None:
                proxy._forward(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()

    def _forward(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("content-length") or 0)
        body = handler.rfile.read(length) if length else None
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP_HEADERS}
        # http.client, not urllib: redirects are the browser's to follow, not the proxy's.
        connection = HTTPConnection(self.host, self.port, timeout=10)
        try:
            connection.request(handler.command, handler.path, body=body, headers=headers)
            response = connection.getresponse()
            status, reply_headers, data = response.status, response.headers, response.read()
        finally:
            connection.close()
        data = self._alter(handler.path, data)
        handler.send_response(status)
        for key, value in reply_headers.items():
            if key.lower() not in HOP_HEADERS:
                handler.send_header(key, value)
        handler.send_header("content-length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _alter(self, path: str, data: bytes) -> bytes:
        if path.startswith("/api/v2/.well-known/openid-configuration"):
            document = json.loads(data)
            for name, value in document.items():
                if name != "issuer" and isinstance(value, str):
                    document[name] = value.replace(self.upstream, self.base)
            return json.dumps(document).encode()
        if path.startswith("/api/v2/token") and self.fault in {
                "substitute_id_token", "damage_id_token_signature"}:
            tokens = json.loads(data)
            if self.fault == "substitute_id_token":
                tokens["id_token"] = self.id_token
            else:
                head, payload, signature = tokens["id_token"].split(".")
                flipped = "A" if signature[5] != "A" else "B"
                tokens["id_token"] = f"{head}.{payload}.{signature[:5]}{flipped}{signature[6:]}"
            return json.dumps(tokens).encode()
        if path.startswith("/api/v2/userinfo") and self.fault == "resign_userinfo":
            return resign(data.decode(), self.attacker_key).encode()
        return data
