"""Helpers shared by the fuzz harnesses: the atheris runner, a byte reader, the test PKI.

Why a module of its own: every harness must run two ways, under atheris (coverage-guided, for
minutes; ``python fuzz/fuzz_X.py CORPUS -max_total_time=120``) and from the plain test suite
(``tests/unit/test_fuzz_harnesses.py``, on its seeds and on hypothesis inputs, where atheris is not
installed). So atheris is imported only inside :func:`run`, and the structured values a harness
needs (a flag, a date, a short string) come from :class:`ByteReader`, which needs no atheris.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

REPO = Path(__file__).resolve().parent.parent
# ../shared is read in place at run time, never copied into the repository (tests/conftest.py).
SHARED = REPO.parent / "shared"
TWODDOC_VECTORS = REPO / "tests" / "vectors" / "twoddoc"
VERIFIER_VECTORS = REPO / "tests" / "vectors" / "verifier"

for _path in (str(REPO),):
    if _path not in sys.path:
        sys.path.insert(0, _path)


def default_corpus(name: str) -> Path:
    """The corpus folder used when none is given: outside the repository, in the temp dir.

    Why outside: a corpus grows to thousands of files and may hold seeds read from ../shared,
    which must never land in the repository.
    """
    return Path(tempfile.gettempdir()) / "permis2d-fuzz" / name


def write_seeds(corpus: Path, seeds: Sequence[bytes]) -> int:
    """Write ``seeds`` as ``seed_NNN`` files into ``corpus`` when it holds no file yet."""
    corpus.mkdir(parents=True, exist_ok=True)
    if any(corpus.iterdir()):
        return 0
    for index, seed in enumerate(seeds):
        (corpus / f"seed_{index:03d}").write_bytes(seed)
    return len(seeds)


def run(name: str, test_one_input: Callable[[bytes], None],
        seeds: Callable[[], Sequence[bytes]]) -> None:
    """Fuzz ``test_one_input`` with atheris, the first corpus folder seeded from ``seeds()``.

    Every libFuzzer flag passes through (``-max_total_time=120 -timeout=10``). Without a corpus
    argument, :func:`default_corpus` is used.
    """
    import atheris  # only here: the test suite runs the harnesses without it

    argv = list(sys.argv)
    positional = [arg for arg in argv[1:] if not arg.startswith("-")]
    if positional:
        corpus = Path(positional[0])
    else:
        corpus = default_corpus(name)
        argv.append(str(corpus))
    if not corpus.is_file():  # a file is a crash to reproduce or minimise, not a corpus
        written = write_seeds(corpus, seeds())
        print(f"{name}: corpus {corpus} ({written} seeds written)", file=sys.stderr)
    atheris.instrument_all()
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()


class ByteReader:
    """Structured values taken from the front of fuzz bytes; past the end, zeros.

    Why not atheris' ``FuzzedDataProvider``: the plain test suite runs without atheris.
    """

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        """The next byte (0 past the end)."""
        if self.pos >= len(self.data):
            return 0
        self.pos += 1
        return self.data[self.pos - 1]

    def int(self, size: int) -> int:
        """A big-endian unsigned integer of ``size`` bytes."""
        value = 0
        for _ in range(size):
            value = value << 8 | self.byte()
        return value

    def flag(self) -> bool:
        """A boolean from the low bit of one byte."""
        return bool(self.byte() & 1)

    def choice(self, options: Sequence[Any]) -> Any:
        """One of ``options``."""
        return options[self.byte() % len(options)]

    def date(self) -> dt.date:
        """Any representable date, 0001-01-01 to 9999-12-31, month ends and 29 February included."""
        return dt.date.fromordinal(1 + self.int(3) % dt.date.max.toordinal())

    def text(self, max_len: int) -> str:
        """A string of up to ``max_len`` characters: bytes 0-254 as Latin-1, 255 escapes a BMP char.

        Why the escape: the encoder folds accents and must refuse what it cannot fold (an emoji,
        a CJK character), so characters above U+00FF must be reachable too.
        """
        length = self.byte() % (max_len + 1)
        out = []
        for _ in range(length):
            value = self.byte()
            out.append(chr(0x100 + self.int(2) % 0xFE00) if value == 255 else chr(value))
        return "".join(out)

    def rest(self) -> bytes:
        """The bytes not consumed yet."""
        return self.data[self.pos:]


class TestPKI(NamedTuple):
    """A throw-away PKI of tests.support.pki: its store, exported trust folder and loaded store."""

    keystore: Any
    trust_dir: Path
    trust: Any
    ca_id: str
    cert_id: str
    signer: Any
    today: dt.date


@functools.cache
def test_pki() -> TestPKI:
    """Build the test PKI once per process in a temp dir and load its exported trust folder.

    Why once: key generation and PKCS#8 encryption take tens of milliseconds; a harness input
    takes microseconds. ``today`` is read here, at the edge, and passed down as ``at``.
    """
    from tests.support.pki import make_test_pki
    from verifier.trust import TrustStore

    work = Path(tempfile.mkdtemp(prefix="permis2d-fuzz-pki-"))
    keystore = make_test_pki(work / "keys")
    trust_dir = keystore.export_trust(work / "trust")
    active = keystore.active_signer()
    return TestPKI(keystore, trust_dir, TrustStore.load([trust_dir]), active.ca_id,
                   active.cert_id, active.signer, dt.datetime.now(dt.UTC).date())


def vector_texts() -> list[bytes]:
    """Every distinct 2D-Doc text of our own vectors (tests/vectors/twoddoc and verifier)."""
    paths = sorted(TWODDOC_VECTORS.glob("*.txt")) + sorted(VERIFIER_VECTORS.glob("*.txt"))
    return list(dict.fromkeys(path.read_bytes() for path in paths))


def env_seconds(name: str, default: float) -> float:
    """A float from the environment (harness tuning only, e.g. the scanner's time budget)."""
    return float(os.environ.get(name, default))
