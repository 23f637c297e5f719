"""Helpers shared by tests, benchmarks and fuzz harnesses; never shipped in the product.

``pki.make_test_pki`` makes a throw-away key store (fixed passphrase); ``symbols`` draws real
DataMatrix, QR and PDF pictures for the scanner. They live under ``tests/`` so that a wheel
carries no test code (issue 11).
"""
