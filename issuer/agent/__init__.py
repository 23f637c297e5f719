"""The agent API (issue 15): other systems write the registry's events through JSON over HTTPS.

``tokens`` (bearer tokens, hashed at rest), ``api`` (the Flask blueprint), ``payloads`` (JSON to
the registry's write types), ``service`` (idempotency, audit, notices around each write),
``openapi`` (the OpenAPI 3.1 document), ``cli`` (``permis2d agent``).
"""
