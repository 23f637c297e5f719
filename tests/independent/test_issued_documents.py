"""Issued PDFs read back as an outside verifier would: 200 dpi, zxing-cpp, our own parser.

Why: relying parties check our documents with their own readers (a scan of the printed PDF, a
generic DataMatrix library, a parser written from the ANTS specification and the published
certificate folder). This test is such a reader: it runs the real ``permis2d`` CLI in a fresh
data dir, rasterises each PDF with ``pdftoppm -r 200``, decodes the DataMatrix with zxing-cpp
(``.bytes``), parses with :mod:`tests.independent.reader` (never ``twoddoc``) and checks the
signature against the folder written by ``keys export-trust``. Fields are checked against the
spec (§3.3.3 p.19, §7 pp.34–98, §8.15 p.115, annex 13 p.148) and ARCHITECTURE.md's
"Document encoding" table.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from permis2d.settings import Settings
from tests.independent import reader
from tests.independent.helpers import clean_env, fold, rasterise, require_tools, run

#: ARCHITECTURE.md "Document encoding": E4 per document kind.
E4_BY_KIND = {"rir": "RIR", "adcs": "APC", "rii": "RII"}
#: Registry states to annex 13 codes (p.148); a cancelled licence is one of the three ANNULE.
E5_BY_STATE = {"valid": {"50"}, "suspended": {"47"}, "medically_suspended": {"48"},
               "invalidated": {"13"}, "cancelled": {"02", "03", "04"}}
#: Licence categories of the Code de la route (R221-4), the only words E6 may hold.
CATEGORIES = {"AM", "A1", "A2", "A", "B1", "B", "BE", "C1", "C1E", "C", "CE", "D1", "D1E", "D",
              "DE"}
#: The issue date of the month-end ADCS: 31 October 2027 + 4 months is 29 February 2028.
MONTH_END = dt.date(2027, 10, 31)



def _paris_today() -> dt.date:
    """The issuer's default issue date: the French civil date, whatever the machine's zone."""
    return dt.datetime.now(ZoneInfo("Europe/Paris")).date()

def _issue_dated(settings: Settings, kind: str, neph: str, on: dt.date, pdf: Path) -> None:
    """Issue one document dated ``on`` in process (the CLI takes no date after today)."""
    from issuer import DocumentKind, Issuer

    issuer = Issuer(settings)
    try:
        issuer.issue(DocumentKind(kind), neph, on=on,
                     now=dt.datetime.now(dt.UTC).replace(tzinfo=None),
                     requested_by="independent-test", out=pdf)
    finally:
        issuer.engine.dispose()


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months``, clamped to the last day of a shorter month (31/10 → 29/02)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def base36(n: int) -> str:
    """A points balance 0–35 as one base-36 digit (DI AG, §7 p.68)."""
    return "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[n]


@dataclass(frozen=True)
class Issued:
    """One issued document as an outside reader sees it."""

    kind: str
    driver: dict
    reading: reader.Reading
    leaf_cn: str
    pages: int
    before: dt.date  # the test's clock around the CLI call
    after: dt.date
    on: dt.date | None


def _longest_history(settings: Settings, drivers: list[dict]) -> dict:
    """The driver with the most ledger entries (read in-process only to choose whom to issue)."""
    from registry.db import make_engine, session_factory
    from registry.records import load_driver_record

    engine = make_engine(str(settings.database_url))
    try:
        with session_factory(engine)() as session:
            sizes = {d["neph"]: len(load_driver_record(session, d["neph"],
                                                       asof=dt.date.today()).points.ledger)
                     for d in drivers if d["state"] == "valid"}
    finally:
        engine.dispose()
    return next(d for d in drivers if d["neph"] == max(sizes, key=lambda n: sizes[n]))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Run the CLI once: PKI, seeded registry, five documents, exported trust folder."""
    require_tools("pdftoppm")
    root = tmp_path_factory.mktemp("independent-issue")
    # The same settings the conftest ``settings`` fixture builds, on a module-wide data dir so
    # that the CLI runs once for all the checks below.
    settings = Settings.from_env({"PERMIS2D_DATA_DIR": str(root / "data"),
                                  "PERMIS2D_KEY_PASSPHRASE": "test-passphrase"})
    env = clean_env({"PERMIS2D_DATA_DIR": str(settings.data_dir),
                     "PERMIS2D_KEY_PASSPHRASE": str(settings.key_passphrase)})
    run(["keys", "init"], env)
    run(["registry", "seed"], env)
    drivers = json.loads(run(["registry", "list", "--json"], env).stdout)["drivers"]

    def pick(predicate: Callable[[dict], bool], what: str) -> dict:
        found = [d for d in drivers if predicate(d)]
        if not found:
            pytest.fail(f"the seeded registry has no {what} driver: {drivers}")
        return found[0]

    accented = max(drivers, key=lambda d: len(d["surname"]) + len("".join(d["first_names"])))
    longest = _longest_history(settings, drivers)
    plan = [
        ("adcs", accented, MONTH_END),
        ("rir", pick(lambda d: d["state"] == "suspended", "suspended"), None),
        ("rii", pick(lambda d: d["state"] == "invalidated", "invalidated"), None),
        ("rii", pick(lambda d: d["probationary"] and d["state"] == "valid", "probationary"),
         None),
        ("adcs", pick(lambda d: d["state"] == "medically_suspended", "medically suspended"),
         None),
        # The longest history makes a multi-page RII: DI 09 must count every page.
        ("rii", longest, None),
    ]
    accented_record = json.loads(run(["registry", "show", accented["neph"], "--json"],
                                     env).stdout)
    trust_dir = root / "trust"
    run(["keys", "export-trust", str(trust_dir)], env)
    trust = reader.TrustFolder.load([trust_dir])
    issued = []
    for n, (kind, driver, on) in enumerate(plan):
        pdf = root / f"{n}-{kind}.pdf"
        before = _paris_today()
        if on is None:
            run(["issue", kind, "--neph", driver["neph"], "--out", str(pdf)], env)
        else:
            # ``permis2d issue --on`` refuses a date after today (issue 10): the month-end
            # ADCS of 2027 is issued through the issuer's Python API, on the same data dir.
            _issue_dated(settings, kind, driver["neph"], on, pdf)
        after = _paris_today()
        texts = set()
        for png in rasterise(pdf):
            with Image.open(png) as image:
                for barcode in zxingcpp.read_barcodes(
                        image, formats=zxingcpp.BarcodeFormat.DataMatrix):
                    texts.add(bytes(barcode.bytes))
        assert len(texts) == 1, f"{pdf.name}: expected one 2D-Doc text at 200 dpi, got {texts}"
        raw = texts.pop()
        reading = reader.parse(raw)
        leaf = reader.verify(reading, trust)
        cn = leaf.subject.rfc4514_string()
        issued.append(Issued(kind, driver, reading, cn, len(PdfReader(pdf).pages), before,
                             after, on))
        pdf.with_suffix(".txt").write_bytes(raw)
    return {"issued": issued, "accented": accented_record, "settings": settings, "env": env,
            "root": root, "trust": trust_dir}


def test_every_document_is_signed_by_an_exported_certificate(world: dict) -> None:
    """Each code's signature verifies with the leaf CN = cert id under CA CN = CA id."""
    for doc in world["issued"]:
        header = doc.reading.header
        assert doc.leaf_cn.split(",")[0] == f"CN={header.cert_id}", doc.leaf_cn
        assert header.ca_id == world["settings"].ca_id


def test_header_is_v04_type_ab_perimeter_01_country_fr(world: dict) -> None:
    """ARCHITECTURE.md: header v04, type AB (§8.15), perimeter 01, country FR (§3.3.3 p.19)."""
    for doc in world["issued"]:
        h = doc.reading.header
        assert (h.version, h.doc_type, h.perimeter, h.country) == (4, "AB", "01", "FR"), h


def test_header_dates_are_the_issue_date(world: dict) -> None:
    """Emission date = the issue date; signature date not before it (§3.3.3 p.19)."""
    for doc in world["issued"]:
        h = doc.reading.header
        assert h.emission_date is not None
        assert h.signature_date is not None
        if doc.on is not None:
            assert h.emission_date == doc.on
        else:
            assert doc.before <= h.emission_date <= doc.after
            assert doc.before <= h.signature_date <= doc.after
        assert h.signature_date >= h.emission_date


def test_mandatory_fields_of_type_ab_are_present(world: dict) -> None:
    """§8.15 (p.115): 09, 60, 69, 6A, 6G, 6H, AC, E4, E5, E8 are mandatory for AB."""
    for doc in world["issued"]:
        missing = [di for di in reader.AB_MANDATORY if doc.reading.get(di) is None]
        assert not missing, f"{doc.kind}: missing {missing}"
        reader.check_type_ab(doc.reading)
        assert doc.reading.annex == (), "our documents carry no unsigned annex"


def test_e4_names_the_document(world: dict) -> None:
    """E4 (§7.16 p.98) is RIR / APC / RII per ARCHITECTURE.md."""
    for doc in world["issued"]:
        assert doc.reading.get("E4") == E4_BY_KIND[doc.kind]


def test_e5_is_the_annex_13_code_of_the_registry_state(world: dict) -> None:
    """E5 is the annex 13 code (p.148) of the licence state the registry reports."""
    for doc in world["issued"]:
        e5 = doc.reading.get("E5")
        assert e5 in E5_BY_STATE[doc.driver["state"]], (doc.driver, e5)
        assert e5 in reader.LICENCE_STATES


def test_points_balance_only_on_the_rii(world: dict) -> None:
    """AG (points balance, base 36, §7 p.68) is on the RII only, equal to the registry's."""
    for doc in world["issued"]:
        ag = doc.reading.get("AG")
        if doc.kind == "rii":
            assert ag == base36(doc.driver["balance"]), (doc.driver, ag)
        else:
            assert ag is None, f"{doc.kind} carries AG={ag}"


def test_adcs_expiry_is_four_months_with_the_month_end_rule(world: dict) -> None:
    """DI 08 (§7.0 p.35) = issue date + 4 months on the ADCS only; 31/10/2027 → 29/02/2028."""
    adcs = [d for d in world["issued"] if d.kind == "adcs"]
    assert len(adcs) == 2
    for doc in world["issued"]:
        value = doc.reading.get("08")
        if doc.kind != "adcs":
            assert value is None, f"{doc.kind} has an expiry date"
            continue
        assert value is not None
        expiry = reader.hex_to_date(value)
        emission = doc.reading.header.emission_date
        assert emission is not None
        assert expiry == add_months(emission, 4)
        if doc.on == MONTH_END:
            assert expiry == dt.date(2028, 2, 29)


def test_page_count_matches_the_pdf(world: dict) -> None:
    """DI 09 (§7.0 p.35): the PDF's page count on 4 digits, a multi-page RII included."""
    for doc in world["issued"]:
        assert doc.reading.get("09") == f"{doc.pages:04d}"
    assert max(doc.pages for doc in world["issued"]) > 1, "no multi-page document was issued"


def test_document_ids_are_unique(world: dict) -> None:
    """DI 01 (§7.0 p.34) identifies one document: [A-Z0-9], never twice."""
    ids = [doc.reading.get("01") for doc in world["issued"]]
    assert None not in ids
    assert len(set(ids)) == len(ids), ids


def test_registry_data_date_is_a_real_date_time(world: dict) -> None:
    """E8 (§7.16 p.98) is DDMMYYYYHHmm, a real date-time not after the issue date."""
    for doc in world["issued"]:
        stamp = dt.datetime.strptime(doc.reading.get("E8") or "", "%d%m%Y%H%M")
        emission = doc.reading.header.emission_date
        assert emission is not None
        assert stamp.date() <= emission


def test_categories_are_licence_categories(world: dict) -> None:
    """E6 (§7.16 p.98) lists categories separated by single spaces."""
    for doc in world["issued"]:
        e6 = doc.reading.get("E6")
        if e6 is not None:
            assert e6 == " ".join(e6.split())
            assert set(e6.split()) <= CATEGORIES, e6


def test_names_are_folded_and_truncated_by_the_spec(world: dict) -> None:
    """6G, 60 (§7.5 pp.52–54): [A-Z] and spaces, '/' between first names, <RS> when cut."""
    for doc in world["issued"]:
        surname = fold(doc.driver["surname"])
        assert doc.reading.get("6G") == surname[:38]
        assert doc.reading.truncated("6G") == (len(surname) > 38)
        names = "/".join(fold(n) for n in doc.driver["first_names"])
        assert doc.reading.get("60") == names[:60]
        assert doc.reading.truncated("60") == (len(names) > 60)


def test_long_accented_identity_matches_the_registry(world: dict) -> None:
    """The long accented driver: 6H civility, 69 DDMMYYYY birth date, 6A birth place, AC NEPH."""
    record = world["accented"]
    identity = record["identity"]
    doc = next(d for d in world["issued"] if d.driver["neph"] == identity["neph"])
    born = identity["birth_date"]
    assert doc.reading.get("69") == (f"{born['day'] or 0:02d}{born['month'] or 0:02d}"
                                     f"{born['year']:04d}")
    assert doc.reading.get("6H") == identity["civility"]
    place = fold(identity["birth_place"])
    assert doc.reading.get("6A") == place[:32]
    assert doc.reading.get("AC") == identity["neph"]
    held = {c["code"] for c in record["categories"]}
    assert set((doc.reading.get("E6") or "").split()) <= held


def _verify(world: dict, names: list[Path], at: dt.date) -> list[dict]:
    done = run(["verify", "--json", "--trust", str(world["trust"]), "--at", at.isoformat(),
                *map(str, names)], world["env"], check=False)
    assert "Traceback" not in done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_permis2d_verify_agrees_on_the_scanned_texts(world: dict) -> None:
    """Our verifier, given the texts zxing-cpp read at 200 dpi, says what our reader says."""
    root = world["root"]
    today = [root / f"{n}-{d.kind}.txt" for n, d in enumerate(world["issued"]) if d.on is None]
    at = max(d.after for d in world["issued"] if d.on is None)
    lines = _verify(world, today, at)
    assert [line["valid"] for line in lines] == [True] * len(today), lines


def test_month_end_adcs_expires_after_29_february(world: dict) -> None:
    """The 31/10/2027 ADCS is valid on 29/02/2028 (its DI 08) and expired on 01/03/2028."""
    n = next(n for n, d in enumerate(world["issued"]) if d.on == MONTH_END)
    text = world["root"] / f"{n}-adcs.txt"
    (on_expiry,) = _verify(world, [text], dt.date(2028, 2, 29))
    (day_after,) = _verify(world, [text], dt.date(2028, 3, 1))
    assert on_expiry["valid"] is True, on_expiry
    assert day_after["valid"] is False
    assert day_after["checks"]["document_not_expired"] is False
    assert day_after["checks"]["signature"] is True
