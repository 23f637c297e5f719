"""Benchmark the verifier HTTP service under gunicorn: requests/s and p50/p99 latency.

Run: ``.venv/bin/python bench/bench_verify_http.py [--threads N] [--requests N] [--json]``

It starts the real service itself on 127.0.0.1 (a free port, ``--workers`` gunicorn sync
workers) trusting a throw-away test CA, then drives it with a bounded load: ``--threads``
client threads, each with its own keep-alive session, at most ``--requests`` requests and
``--seconds`` seconds per scenario. Scenarios: a JSON text, a PNG of the DataMatrix, a phone-like
JPEG, and a one-page PDF (the issuer's when importable). Next to each, the same work done in
process without HTTP (``verify_text`` / ``scan`` + ``verify_text``), single-threaded, shows what
the HTTP layer costs. ``--json`` prints one JSON object as the last line.

The ``text under attack`` row (issue 10) measures the text scenario again while two more
clients send issue 10's hostile wedged text (a header naming the trusted certificate, then
``"42" * 100 + "A" * 300``) in a loop, in the same run as the plain ``text`` row. Goal:
≥ 0.8 × the plain throughput and p99 < 100 ms; the attackers' own median latency is shown.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import io
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import requests
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _load import closed_loop  # noqa: E402

from tests.support.symbols import pdf_with_symbols, render_datamatrix  # noqa: E402
from verifier.policy import verify_text  # noqa: E402
from verifier.scan import scan  # noqa: E402
from verifier.serve import spawn_verifier, stop_verifier  # noqa: E402
from verifier.trust import TrustStore  # noqa: E402


def _material(workdir: Path) -> tuple[Path, str, bytes]:
    """A test PKI's trust folder, a signed ADCS text, and a PDF of it (issuer's if possible)."""
    from tests.support.pki import make_test_pki
    from twoddoc import Header, encode
    from twoddoc.dates import date_to_hex

    store = make_test_pki(workdir / "keys", "FR99")
    active = store.active_signer()
    today = dt.date.today()
    header = Header(version=4, ca_id=active.ca_id, cert_id=active.cert_id, emission_date=today,
                    signature_date=today, doc_type="AB", perimeter="01", country="FR")
    fields = [("01", "ADCS00000001"), ("6H", "MME"), ("6G", "DUPONT"), ("60", "MARIE/CLAIRE"),
              ("69", "29021984"), ("6A", "LYON"), ("AC", "123456789012"), ("E4", "APC"),
              ("E5", "50"), ("E8", today.strftime("%d%m%Y") + "0930"), ("09", "0001"),
              ("E6", "AM B1 B"), ("08", date_to_hex(today + dt.timedelta(days=120)))]
    text = encode(header, fields, active.signer)
    pdf = pdf_with_symbols([[text]])
    try:
        from issuer.facts import CategoryLine, DriverFacts
        from issuer.kinds import DocumentKind
        from issuer.pdf import PDFRenderer
        from issuer.service import issue_from_facts

        facts = DriverFacts(neph="123456789012", civility="MME", surname="Dupont",
                            given_names=("Marie",), birth_date="29021984", birth_place="Lyon",
                            state="VALIDE", categories=(CategoryLine("B", dt.date(2003, 5, 1)),),
                            data_as_of=dt.datetime.combine(today, dt.time(9)))
        issued = issue_from_facts(facts, DocumentKind.ADCS, renderer=PDFRenderer(),
                                  signer_info=active, document_id="ADCS00000002",
                                  issued_on=today, created_at=dt.datetime.now(dt.UTC),
                                  verifier_url="http://127.0.0.1/")
        pdf = issued.pdf
    except ImportError:
        pass
    return store.export_trust(workdir / "trust"), text, pdf


def _photo(text: str) -> bytes:
    page = Image.new("L", (1600, 1200), 230)
    page.paste(render_datamatrix(text, module_px=6), (500, 350))
    out = io.BytesIO()
    page.convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()


def _png(text: str) -> bytes:
    out = io.BytesIO()
    render_datamatrix(text, module_px=4).save(out, "PNG")
    return out.getvalue()


def load(url: str, send: Callable[[requests.Session], requests.Response], *, threads: int,
         count: int, seconds: float) -> dict[str, float]:
    """Send at most ``count`` requests in at most ``seconds`` from ``threads`` threads."""
    return closed_loop(lambda session, _n: send(session), threads=threads, count=count,
                       seconds=seconds)


def in_process(work: Callable[[], object], count: int = 30) -> float:
    """Median milliseconds of ``work`` in this process, no HTTP (the floor)."""
    times = []
    for _ in range(count):
        gc.collect()
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _under_attack(url: str, endpoint: str, hostile: str,
                  send: Callable[[requests.Session], requests.Response],
                  args: argparse.Namespace) -> dict[str, float]:
    """:func:`load` of ``send`` while two clients post ``hostile`` in a loop."""
    stop = threading.Event()
    attack_ms: list[float] = []

    def attacker() -> None:
        with requests.Session() as session:
            while not stop.is_set():
                start = time.perf_counter()
                session.post(endpoint, json={"text": hostile}, timeout=60)
                attack_ms.append((time.perf_counter() - start) * 1000)

    attackers = [threading.Thread(target=attacker) for _ in range(2)]
    for thread in attackers:
        thread.start()
    time.sleep(1.0)  # the attack is under way before we measure
    try:
        row = load(url, send, threads=args.threads, count=args.requests, seconds=args.seconds)
    finally:
        stop.set()
        for thread in attackers:
            thread.join()
    row["attack_requests"] = len(attack_ms)
    row["attack_p50_ms"] = statistics.median(attack_ms) if attack_ms else 0.0
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=400, help="per scenario, at most")
    parser.add_argument("--seconds", type=float, default=15.0, help="per scenario, at most")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        trust_dir, text, pdf = _material(work)
        png, jpeg = _png(text), _photo(text)
        trust = TrustStore.load([trust_dir])
        today = dt.date.today()
        floors = {
            "text": in_process(lambda: verify_text(text, trust, at=today, repair=True)),
            "png": in_process(lambda: [verify_text(t, trust, at=today) for t in scan(png)]),
            "jpeg": in_process(lambda: [verify_text(t, trust, at=today) for t in scan(jpeg)]),
            "pdf": in_process(lambda: [verify_text(t, trust, at=today) for t in scan(pdf)]),
        }
        process, url = spawn_verifier([trust_dir], work / "data", work / "gunicorn.log",
                                      workers=args.workers)
        endpoint = f"{url}/api/v1/verify"
        scenarios: dict[str, Callable[[requests.Session], requests.Response]] = {
            "text": lambda s: s.post(endpoint, json={"text": text, "purpose": "employer"},
                                     timeout=30),
            "png": lambda s: s.post(endpoint, files={"file": ("a.png", png, "image/png")},
                                    data={"purpose": "employer"}, timeout=30),
            "jpeg": lambda s: s.post(endpoint, files={"file": ("a.jpg", jpeg, "image/jpeg")},
                                     data={"purpose": "employer"}, timeout=30),
            "pdf": lambda s: s.post(endpoint, files={"file": ("a.pdf", pdf, "application/pdf")},
                                    data={"purpose": "employer"}, timeout=30),
        }
        results = {}
        signer = next(trust.leaves())
        hostile = f"DC04{signer.ca_id}{signer.cert_id}26682668AB01FR" + "42" * 100 + "A" * 300
        try:
            # Each worker starts its decoding children (imports, ~1 s of CPU each) right after
            # it boots: let that finish, and warm the text path, before the first measurement.
            time.sleep(3.0)
            load(url, scenarios["text"], threads=args.threads, count=200, seconds=3.0)
            for name, send in scenarios.items():
                send(requests.Session())  # warm up each worker's code path once
                results[name] = load(url, send, threads=args.threads, count=args.requests,
                                     seconds=args.seconds)
                results[name]["in_process_ms"] = floors[name]
                if name == "text":
                    results["text under attack"] = _under_attack(
                        url, endpoint, hostile, scenarios["text"], args)
                    results["text under attack"]["in_process_ms"] = floors[name]
        finally:
            stop_verifier(process)

    print(f"python={sys.version.split()[0]} cpus={os.cpu_count()} workers={args.workers} "
          f"threads={args.threads} sizes: text={len(text)} png={len(png)} jpeg={len(jpeg)} "
          f"pdf={len(pdf)} bytes")
    header = (f"{'scenario':<18}{'requests':>9}{'errors':>7}{'req/s':>9}{'p50 ms':>9}"
              f"{'p99 ms':>9}{'in-proc ms':>12}")
    print(header)
    print("-" * len(header))
    for name, row in results.items():
        print(f"{name:<18}{row['requests']:>9}{row['errors']:>7}{row['rps']:>9.1f}"
              f"{row['p50_ms']:>9.1f}{row['p99_ms']:>9.1f}{row['in_process_ms']:>12.2f}")
    attacked = results.get("text under attack")
    if attacked:
        ratio = attacked["rps"] / results["text"]["rps"] if results["text"]["rps"] else 0.0
        results["text under attack"]["throughput_ratio"] = ratio
        print(f"under attack: {ratio:.2f} × the text throughput (goal ≥ 0.8), p99 "
              f"{attacked['p99_ms']:.1f} ms (goal < 100); the two attackers got "
              f"{attacked['attack_requests']:.0f} answers, median "
              f"{attacked['attack_p50_ms']:.0f} ms each")
    if args.json:
        print(json.dumps({"bench": "verify_http", "workers": args.workers,
                          "threads": args.threads, "scenarios": results}))


if __name__ == "__main__":
    main()
