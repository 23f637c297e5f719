"""Benchmark the verifier's core: policy and ``permis2d verify`` against a bare ECDSA verify.

Why: verifying N texts in one CLI call must be dominated by the ECDSA verify (issue 3): the
trust store is loaded once, certificates are parsed once and chain/CRL answers are cached, so
what is left per text is decode + one signature check + a handful of date comparisons. One run
prints one table, medians of repeated passes; ``--json`` prints one JSON object as the last
line. Not run by the tests.

    .venv/bin/python bench/bench_verify.py [--n 1000] [--repeat 5] [--json]

Rows (per text, same N driving-licence ``AB`` codes signed by a throw-away test PKI):

* ``cryptography ECDSA verify`` — the floor: ``public_key.verify`` on pre-extracted data;
* ``twoddoc decode + verify_signature`` — the codec with the key already in hand;
* ``verify_text`` — our full policy (trust lookup, chain, validity, CRL, expiry, type checks);
* ``verify_text repair=True`` on wedged texts — keyboard-wedge repair (separators dropped);
* the ``verify`` command in-process over N files (file reads, JSON lines), no start-up;
* ``permis2d verify --json`` — the CLI in a subprocess over N files, start-up included (the
  ``permis2d`` group imports every package's commands: ≈ 0.3 s before the first text).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import importlib.util
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402

from twoddoc import EcdsaSigner, Header, decode, encode, verify_signature  # noqa: E402
from twoddoc.signing import raw_to_der  # noqa: E402
from verifier.policy import verify_text  # noqa: E402
from verifier.trust import TrustStore  # noqa: E402

AT = dt.date(2025, 6, 1)
NAMES = ["DUPONT", "MARTIN", "BERNARD", "PETIT", "DURAND", "LEROY", "MOREAU", "SIMON"]


def _builder():  # the committed test-PKI script, imported by path
    path = REPO / "tests" / "vectors" / "build_test_pki.py"
    spec = importlib.util.spec_from_file_location("build_test_pki", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def make_texts(pki: Path, n: int) -> list[str]:
    """N realistic AB (ADCS) codes signed by the test PKI's certificate FR0T/T001."""
    pem = (pki / "keys" / "FR0T_T001.key.pem").read_bytes()
    key = serialization.load_pem_private_key(pem, password=None)
    signer = EcdsaSigner(key)  # type: ignore[arg-type]
    texts = []
    for i in range(n):
        day = dt.date(2025, 1, 1) + dt.timedelta(days=i % 120)
        header = Header(4, "FR0T", "T001", day, day, "AB", "01", "FR")
        fields = [
            ("09", "0001"), ("60", "JEAN/PIERRE"), ("69", "29021980"), ("6A", "SAINT DENIS"),
            ("6G", NAMES[i % len(NAMES)]), ("6H", "M"), ("AC", f"{120000000000 + i}"),
            ("E4", "APC"), ("E5", "50"), ("E8", "010220251030"), ("E6", "A B AM"),
            ("01", f"ADCS{i:08d}"),
        ]
        texts.append(encode(header, fields, signer))
    return texts


def _time(fn: Callable[[], object], repeat: int, count: int) -> float:
    """Median seconds per item over ``repeat`` passes of ``fn`` (which handles ``count`` items)."""
    samples = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) / count)
    return statistics.median(samples)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks, print the table (and JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        pki = _builder().build(Path(tmp) / "pki")
        texts = make_texts(pki, args.n)
        trust_dir = pki / "trust"
        store = TrustStore.load([trust_dir])
        key = store.candidates("FR0T", "T001")[0].public_key
        docs = [decode(t, strict=False) for t in texts]
        pairs = [(raw_to_der(d.signature), d.signed_data) for d in docs]
        algorithm = ec.ECDSA(hashes.SHA256())
        wedged = ["".join(c for c in t if c not in "\x1d\x1e\x1f") for t in texts[:50]]
        files = []
        for i, text in enumerate(texts):
            path = Path(tmp) / f"{i:05d}.txt"
            path.write_bytes(text.encode("latin-1"))
            files.append(str(path))
        cli = [str(Path(sys.executable).with_name("permis2d"))]

        def bare() -> None:
            for der, data in pairs:
                key.verify(der, data, algorithm)

        def codec() -> None:
            for text in texts:
                verify_signature(decode(text, strict=False), key)

        def policy() -> None:
            for text in texts:
                assert verify_text(text, store, at=AT).valid

        def repair() -> None:
            for text in wedged:
                assert verify_text(text, store, at=AT, repair=True).valid

        def in_process() -> None:
            from permis2d.cli import cli as group

            sink = io.StringIO()
            with contextlib.redirect_stdout(sink):
                try:
                    group.main(["verify", "--json", "--trust", str(trust_dir), "--at",
                                AT.isoformat(), *files], standalone_mode=False)
                except SystemExit as exc:  # click's ctx.exit
                    assert exc.code in (0, None)
            assert sink.getvalue().count("\n") == len(files)

        def command() -> None:
            out = subprocess.run(
                [*cli, "verify", "--json", "--trust", str(trust_dir), "--at", AT.isoformat(),
                 *files], capture_output=True, check=False, env={**os.environ},
            )
            assert out.returncode == 0, out.stderr[-500:]
            assert out.stdout.count(b"\n") == len(files)

        rows = [
            ("cryptography ECDSA verify (floor)", _time(bare, args.repeat, len(pairs))),
            ("twoddoc decode + verify_signature", _time(codec, args.repeat, len(texts))),
            ("verifier verify_text (all checks)", _time(policy, args.repeat, len(texts))),
            ("verify_text repair=True, wedged", _time(repair, max(1, args.repeat // 2),
                                                      len(wedged))),
            ("verify command in-process (no start-up)", _time(in_process, max(1, args.repeat // 2),
                                                              len(files))),
            (f"permis2d verify --json, {len(files)} files",
             _time(command, max(1, args.repeat // 2), len(files))),
        ]
    floor = rows[0][1]
    print(f"Python {platform.python_version()}, cryptography {metadata.version('cryptography')},"
          f" {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs;"
          f" N={args.n}, medians of {args.repeat} passes")
    print(f"{'benchmark':45} {'µs/text':>10} {'texts/s':>10} {'× floor':>8}")
    for name, seconds in rows:
        print(f"{name:45} {seconds * 1e6:10.1f} {1 / seconds:10.0f} {seconds / floor:8.2f}")
    if args.json:
        print(json.dumps({"n": args.n, "repeat": args.repeat, "results": {
            name: {"us_per_text": round(s * 1e6, 2), "texts_per_s": round(1 / s)}
            for name, s in rows}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
