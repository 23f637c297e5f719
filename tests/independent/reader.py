"""An independent 2D-Doc reader and encoder, written from the ANTS specification v3.2.6 alone.

Why it exists: the documents we issue, and what ``permis2d verify`` says about a text, are
checked by readers we do not control. This module is our own such judge. It deliberately does
not import ``twoddoc`` (our codec) or any other package of the project: it knows only the
specification and ``cryptography``. It is strict: any deviation raises :class:`ReaderError`
naming the field and the character position.

Wire format of a C40 2D-Doc text, versions 02 to 04 (spec §3.2–§3.6, pp. 14–27)::

    header (22/24/26 chars) | message: DI(2) value [<GS>|<RS>] ... | <US> Base32(r||s) [<GS> annex]

- header v02 (§3.3.1, p.17): ``DC`` version(2) CA id(4) cert id(4) emission date(4 hex,
  ``FFFF`` = undated) signature date(4 hex) document type(2); v03 (§3.3.2, p.18) adds the
  perimeter(2); v04 (§3.3.3, p.19) adds the issuing country (ISO 3166-1 alpha-2).
  Dates count days since 2000-01-01 in upper-case hexadecimal.
- message (§3.4.1, pp.21–22): a fixed-length value has no terminator; a variable-length one ends
  with ``<GS>`` unless it reached its maximum or is the last field; a truncated one always ends
  with ``<RS>``.
- signature (§3.5.2, pp.25–26): ``<US>`` then Base32 (RFC 4648 alphabet, §10.4 p.139) of the raw
  ECDSA r||s, padding optional; the signed data are the ASCII bytes before ``<US>``.
- annex (§3.6, p.27; v04 only): after the signature, ``<GS>`` then fields in the message format,
  not signed.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.x509.oid import NameOID

__all__ = [
    "DATA_IDS",
    "EPOCH",
    "GS",
    "LICENCE_STATES",
    "RS",
    "US",
    "BadSignatureError",
    "CertificateExpiredError",
    "CertificateRevokedError",
    "ChainError",
    "DataId",
    "Header",
    "ReaderError",
    "Reading",
    "SignatureCheckError",
    "TrustFolder",
    "UnknownCertificateError",
    "check_signature",
    "check_type_ab",
    "date_to_hex",
    "encode_fields",
    "encode_text",
    "hex_to_date",
    "parse",
    "sign_text",
    "verify",
]

GS, RS, US = "\x1d", "\x1e", "\x1f"
#: Day zero of the 2D-Doc hexadecimal dates (§3.3.1, p.17).
EPOCH = dt.date(2000, 1, 1)
_HEADER_LENGTHS = {2: 22, 3: 24, 4: 26}
_ALNUM = re.compile(r"[A-Z0-9]+")
_HEX4 = re.compile(r"[0-9A-F]{4}")
_B32 = re.compile(r"[A-Z2-7]+=*")

#: Annex 13 (p.148): the E5 codes, "état du permis de conduire".
LICENCE_STATES: dict[str, str] = {
    "01": "A AUTHENTIFIER", "02": "ANNULE ADMINISTRATIF", "03": "ANNULE JUDICIAIRE",
    "04": "ANNULE MEDICAL", "05": "AUCUN DROIT", "06": "CONTROLE IMPOSSIBLE", "07": "DECEDE",
    "08": "DEMANDE", "09": "DEMANDE DUPLICATA", "10": "INTERDIT CONDUIRE TS VEHICULES",
    "11": "INTERDIT OBTENIR", "12": "INTERDIT SOLLICITER", "13": "INVALIDE",
    "14": "NON AUTHENTIFIE", "47": "SUSPENDU", "48": "SUSPENDU MEDICAL",
    "49": "TITRE FALSIFIE", "50": "VALIDE",
    # 15-46 are the exchanged / EU licence states ("P. ECHANGE ...", "P. UE ..."), not ours.
    **{f"{n:02d}": "P. ECHANGE OU UE" for n in range(15, 47)},
}


class ReaderError(ValueError):
    """A text that is not a well-formed 2D-Doc: names the field and the character position."""

    def __init__(self, message: str, *, field: str, position: int) -> None:
        super().__init__(f"{message} ({field}, position {position})")
        self.field, self.position = field, position


@dataclass(frozen=True)
class DataId:
    """One data identifier of perimeter 01 (§7): length bounds and allowed characters."""

    di: str
    min_len: int
    max_len: int | None  # None: "Taille Max. Aucune"
    chars: str  # a regex character class body
    section: str

    @property
    def fixed(self) -> bool:
        """A fixed-length value (min == max) is never terminated nor truncated (§3.4.1, p.22)."""
        return self.max_len is not None and self.min_len == self.max_len

    def check(self, value: str, position: int) -> None:
        """Raise :class:`ReaderError` unless ``value`` fits this DI's length and characters."""
        if len(value) < self.min_len:
            raise ReaderError(f"value {value!r} shorter than {self.min_len}",
                              field=f"DI {self.di}", position=position)
        if value and not re.fullmatch(f"[{self.chars}]+", value):
            bad = next(i for i, c in enumerate(value) if not re.fullmatch(f"[{self.chars}]", c))
            raise ReaderError(f"character {value[bad]!r} not allowed",
                              field=f"DI {self.di}", position=position + bad)
        allowed = _ENUMERATED.get(self.di)
        if allowed is not None and value not in allowed:
            raise ReaderError(f"{value!r} is not one of the values the spec lists",
                              field=f"DI {self.di}", position=position)


def _di(di: str, lo: int, hi: int | None, chars: str, section: str) -> DataId:
    return DataId(di, lo, hi, chars, section)


#: The DIs a type AB document may carry: §8.15 (p.115) plus the complementary ones of §7.0.
DATA_IDS: dict[str, DataId] = {d.di: d for d in (
    _di("01", 0, None, "A-Z0-9", "§7.0 p.34"),
    _di("02", 0, None, "A-Z0-9 ", "§7.0 p.34"),
    _di("03", 0, None, "A-Z0-9 ", "§7.0 p.34"),
    _di("04", 0, None, "A-Z0-9 ", "§7.0 p.34"),
    _di("05", 0, None, "A-Z0-9 ", "§7.0 p.34"),
    _di("06", 4, 4, "0-9A-F", "§7.0 p.34"),
    _di("07", 6, 6, "0-9", "§7.0 p.35"),
    _di("08", 4, 4, "0-9A-F", "§7.0 p.35"),
    _di("09", 4, 4, "0-9", "§7.0 p.35"),
    _di("0A", 9, 9, "0-9", "§7.0 p.35"),
    _di("0B", 9, 9, "0-9", "§7.0 p.35"),
    _di("0C", 0, None, "A-Z2-7", "§7.0 p.35"),
    _di("60", 0, 60, "A-Z /", "§7.5 p.52"),
    _di("61", 0, 20, "A-Z ", "§7.5 p.52"),
    _di("69", 8, 8, "0-9", "§7.5 p.53"),
    _di("6A", 0, 32, "A-Z0-9 ", "§7.5 p.53"),
    _di("6G", 1, 38, "A-Z ", "§7.5 p.54"),
    _di("6H", 1, 10, "A-Z ", "§7.5 p.54"),
    _di("AC", 0, 19, "A-Z0-9", "§7 p.68"),
    _di("AD", 4, 4, "0-9A-F", "§7 p.68"),
    _di("AE", 4, 4, "0-9", "§7 p.68"),
    _di("AG", 1, 1, "0-9A-Z", "§7 p.68"),
    _di("E0", 2, 2, "A-Z0-9", "§7.16 p.97"),
    _di("E1", 4, 4, "0-9A-F", "§7.16 p.97"),
    _di("E2", 4, 4, "0-9A-F", "§7.16 p.97"),
    _di("E3", 4, 4, "0-9A-F", "§7.16 p.97"),
    _di("E4", 3, 3, "A-Z", "§7.16 p.98"),
    _di("E5", 2, 2, "0-9", "§7.16 p.98"),
    _di("E6", 0, 65, "A-Z0-9 ", "§7.16 p.98"),
    _di("E7", 9, 9, "0-9", "§7.16 p.98"),
    _di("E8", 12, 12, "0-9", "§7.16 p.98"),
)}

#: DIs of perimeter 01 that type AB may NOT carry (§8 p.99), known only to the encoder so that
#: tests can build such codes: AF, points removed by an offence (§7 p.68), is type A1's.
OTHER_DIS: dict[str, DataId] = {"AF": _di("AF", 1, 1, "0-9A-Z", "§7 p.68")}

#: §8.15 (p.115): mandatory DIs of type AB; E4 takes one of four values (§7.16, p.98).
AB_MANDATORY = ("09", "60", "69", "6A", "6G", "6H", "AC", "E4", "E5", "E8")
E4_VALUES = ("RII", "RIR", "RRP", "APC")


#: DIs whose values the spec enumerates: E4 (§7.16 p.98), E5 (annex 13 p.148).
_ENUMERATED: dict[str, frozenset[str]] = {
    "E4": frozenset(E4_VALUES),
    "E5": frozenset(LICENCE_STATES),
}


def check_type_ab(reading: Reading) -> None:
    """Raise unless ``reading`` is a complete type AB code of perimeter 01 (§8.15, p.115).

    Also: type AB must carry an emission date (§6.1 table, p.32: column "Date d'émission" O).
    """
    h = reading.header
    if h.doc_type != "AB" or (h.perimeter or "01") != "01":
        raise ReaderError(f"type {h.doc_type}/{h.perimeter} is not AB/01",
                          field="header.doc_type", position=20)
    if h.emission_date is None:
        raise ReaderError("type AB needs an emission date, not FFFF", field="header.emission_date",
                          position=12)
    missing = [di for di in AB_MANDATORY if reading.get(di) is None]
    if missing:
        raise ReaderError(f"mandatory DIs of type AB missing: {missing}", field="message",
                          position=len(reading.signed_data))


def hex_to_date(value: str, *, field: str = "date", position: int = 0) -> dt.date | None:
    """Days since 2000-01-01 in 4 hex digits to a date; ``FFFF`` means undated (§3.3.1, p.17)."""
    if not _HEX4.fullmatch(value):
        raise ReaderError(f"{value!r} is not 4 upper-case hex digits", field=field,
                          position=position)
    if value == "FFFF":
        return None
    return EPOCH + dt.timedelta(days=int(value, 16))


def date_to_hex(day: dt.date | None) -> str:
    """A date as 4 upper-case hex digits of days since 2000-01-01; ``None`` → ``FFFF``."""
    if day is None:
        return "FFFF"
    return f"{(day - EPOCH).days:04X}"


@dataclass(frozen=True)
class Header:
    """The C40 header (§3.3.1–§3.3.3, pp.17–19); v02 has no perimeter nor country."""

    version: int
    ca_id: str
    cert_id: str
    emission_date: dt.date | None
    signature_date: dt.date | None
    doc_type: str
    perimeter: str | None = None
    country: str | None = None

    def text(self) -> str:
        """The header characters, as they are signed."""
        out = (f"DC{self.version:02d}{self.ca_id}{self.cert_id}"
               f"{date_to_hex(self.emission_date)}{date_to_hex(self.signature_date)}"
               f"{self.doc_type}")
        if self.version >= 3:
            out += self.perimeter or "01"
        if self.version >= 4:
            out += self.country or "FR"
        return out


@dataclass(frozen=True)
class Reading:
    """What :func:`parse` found: header, message fields, signed bytes, raw signature, annex."""

    header: Header
    fields: tuple[tuple[str, str, bool], ...]  # (DI, value, truncated)
    signed_data: bytes
    signature: bytes
    annex: tuple[tuple[str, str, bool], ...] = ()

    def get(self, di: str) -> str | None:
        """The value of message DI ``di``, or None when absent."""
        return next((v for d, v, _ in self.fields if d == di), None)

    def truncated(self, di: str) -> bool:
        """Whether message DI ``di`` ended with ``<RS>``."""
        return any(t for d, _, t in self.fields if d == di)


def _parse_header(text: str) -> tuple[Header, int]:
    """Parse the fixed-size C40 header; return it and the index where the message starts."""
    if not text.startswith("DC"):
        raise ReaderError("a 2D-Doc starts with 'DC'", field="header.marker", position=0)
    if not re.fullmatch(r"\d\d", text[2:4]):
        raise ReaderError("version is 2 digits", field="header.version", position=2)
    version = int(text[2:4])
    if version not in _HEADER_LENGTHS:
        raise ReaderError(f"version {version:02d} is not a C40 v02-v04 header",
                          field="header.version", position=2)
    size = _HEADER_LENGTHS[version]
    head = text[:size]
    if len(head) < size or not _ALNUM.fullmatch(head):
        bad = next((i for i, c in enumerate(head) if not _ALNUM.fullmatch(c)), len(head))
        raise ReaderError(f"header v{version:02d} is {size} characters [A-Z0-9]",
                          field="header", position=bad)
    emission = hex_to_date(head[12:16], field="header.emission_date", position=12)
    signature = hex_to_date(head[16:20], field="header.signature_date", position=16)
    if signature is None:
        raise ReaderError("the signature date cannot be FFFF", field="header.signature_date",
                          position=16)
    country = head[24:26] if version >= 4 else None
    if country is not None and not re.fullmatch("[A-Z]{2}", country):
        raise ReaderError("country is ISO 3166-1 alpha-2", field="header.country", position=24)
    return Header(version, head[4:8], head[8:12], emission, signature, head[20:22],
                  head[22:24] if version >= 3 else None, country), size


def _parse_fields(text: str, start: int, end: int, zone: str
                  ) -> tuple[tuple[str, str, bool], ...]:
    """Parse DI/value blocks of ``text[start:end]`` by the rules of §3.4.1 (pp.21–22)."""
    out: list[tuple[str, str, bool]] = []
    i = start
    while i < end:
        di = text[i:i + 2]
        spec = DATA_IDS.get(di)
        if spec is None:
            raise ReaderError(f"unknown or forbidden data identifier {di!r} for type AB",
                              field=zone, position=i)
        i += 2
        value_start = i
        if spec.fixed:
            assert spec.max_len is not None
            value = text[i:i + spec.max_len]
            if len(value) < spec.max_len or any(c in (GS, RS, US) for c in value):
                raise ReaderError(f"fixed length {spec.max_len} not met", field=f"DI {di}",
                                  position=value_start)
            i += spec.max_len
            truncated = False
            if i < end and text[i] == RS:
                raise ReaderError("a fixed-length value cannot be truncated (§3.4.1)",
                                  field=f"DI {di}", position=i)
        else:
            j = i
            limit = end if spec.max_len is None else min(end, i + spec.max_len)
            while j < limit and text[j] not in (GS, RS, US):
                j += 1
            value = text[i:j]
            truncated = False
            if j < end and text[j] in (GS, RS):
                truncated = text[j] == RS
                j += 1
            elif j < end and len(value) != spec.max_len:
                raise ReaderError("variable value not terminated", field=f"DI {di}",
                                  position=j)
            i = j
        spec.check(value, value_start)
        if any(d == di for d, _, _ in out):
            raise ReaderError("data identifier repeated", field=f"DI {di}", position=i)
        out.append((di, value, truncated))
    return tuple(out)


def _b32decode(sig: str, position: int) -> bytes:
    """Base32 (§10.4, p.139) with or without '=' padding; strict alphabet (upper case only)."""
    if not _B32.fullmatch(sig):
        bad = next((k for k, c in enumerate(sig) if c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567="),
                   0)
        raise ReaderError("signature is Base32 [A-Z2-7]", field="signature",
                          position=position + bad)
    bare = sig.rstrip("=")
    padded = bare + "=" * (-len(bare) % 8)
    if sig != bare and sig != padded:
        raise ReaderError("bad Base32 padding", field="signature", position=position)
    try:
        raw = base64.b32decode(padded)
    except ValueError as exc:
        raise ReaderError(f"bad Base32: {exc}", field="signature", position=position) from exc
    if len(raw) < 64 or len(raw) % 2:
        raise ReaderError(f"signature of {len(raw)} bytes (at least 64, r||s)",
                          field="signature", position=position)
    return raw


def parse(text: str | bytes) -> Reading:
    """Parse a C40 2D-Doc text (v02–v04) strictly; raise :class:`ReaderError` on any flaw.

    Bytes are read as Latin-1; the signed data must be ASCII (§3.5.2, p.25: 0x00–0x7F).
    """
    if isinstance(text, bytes):
        text = text.decode("latin-1")
    header, start = _parse_header(text)
    us = text.find(US, start)
    if us < 0:
        raise ReaderError("no <US> before the signature (§3.5.2)", field="signature",
                          position=len(text))
    fields = _parse_fields(text, start, us, "message")
    if not fields:
        raise ReaderError("empty message", field="message", position=start)
    signed = text[:us]
    bad = next((k for k, c in enumerate(signed) if ord(c) > 0x7F), None)
    if bad is not None:
        raise ReaderError("signed data are ASCII", field="message", position=bad)
    gs = text.find(GS, us + 1)
    sig_end = len(text) if gs < 0 else gs
    signature = _b32decode(text[us + 1:sig_end], us + 1)
    annex: tuple[tuple[str, str, bool], ...] = ()
    if gs >= 0:
        if header.version < 4:
            raise ReaderError("an annex needs version 04 (§3.6)", field="annex", position=gs)
        annex = _parse_fields(text, gs + 1, len(text), "annex")
    return Reading(header, fields, signed.encode("ascii"), signature, annex)


# --- encoding (our own test codes) ---------------------------------------------------------

def encode_fields(fields: Sequence[tuple[str, str] | tuple[str, str, bool]]) -> str:
    """Message blocks by §3.4.1: GS after a variable value unless last or at its maximum."""
    out = []
    for k, item in enumerate(fields):
        di, value = item[0], item[1]
        truncated = len(item) > 2 and bool(item[2])
        spec = DATA_IDS.get(di) or OTHER_DIS[di]
        out.append(di + value)
        last = k == len(fields) - 1
        if truncated:
            out.append(RS)
        elif not spec.fixed and not last and len(value) != spec.max_len:
            out.append(GS)
    return "".join(out)


def _curve_hash(key: ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey
                ) -> tuple[hashes.HashAlgorithm, int]:
    """The hash and the r||s length the curve implies (§3.5.2 table, p.26)."""
    size = key.curve.key_size
    algorithm: hashes.HashAlgorithm = (hashes.SHA256() if size <= 256 else
                                       hashes.SHA384() if size <= 384 else hashes.SHA512())
    return algorithm, 2 * ((size + 7) // 8)


def sign_text(data: str, key: ec.EllipticCurvePrivateKey, *, pad: bool = False) -> str:
    """Append ``<US>`` and the Base32 r||s signature of ``data`` (§3.5.2, pp.25–26).

    ``data`` is taken as is (header + message), so a test can sign a deliberately bad message.
    """
    algorithm, length = _curve_hash(key)
    r, s = decode_dss_signature(key.sign(data.encode("latin-1"), ec.ECDSA(algorithm)))
    half = length // 2
    raw = r.to_bytes(half, "big") + s.to_bytes(half, "big")
    sig = base64.b32encode(raw).decode("ascii")
    return data + US + (sig if pad else sig.rstrip("="))


def encode_text(header: Header, fields: Sequence[tuple[str, str] | tuple[str, str, bool]],
                key: ec.EllipticCurvePrivateKey, *,
                annex: Sequence[tuple[str, str]] = (), pad: bool = False) -> str:
    """Build and sign a C40 2D-Doc text; values are used as given (tests fold them)."""
    text = sign_text(header.text() + encode_fields(fields), key, pad=pad)
    if annex:
        text += GS + encode_fields(annex)
    return text


# --- signature and certificate chain --------------------------------------------------------

class SignatureCheckError(Exception):
    """The signature of a parsed 2D-Doc cannot be trusted; subclasses say why."""


class UnknownCertificateError(SignatureCheckError):
    """No certificate with subject CN = cert id issued by CN = CA id in the trust folder."""


class ChainError(SignatureCheckError):
    """The leaf is not signed by a CA certificate of the folder, or the CA is absent."""


class CertificateExpiredError(SignatureCheckError):
    """The leaf was not valid on the signature date of the header."""


class CertificateRevokedError(SignatureCheckError):
    """The leaf's serial is on a CRL signed by its CA."""


class BadSignatureError(SignatureCheckError):
    """ECDSA verification of the signed data failed (or the length does not fit the curve)."""


def _cn(name: x509.Name) -> str | None:
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else None


def _load_any(path: Path) -> tuple[list[x509.Certificate], list[x509.CertificateRevocationList]]:
    data = path.read_bytes()
    certs: list[x509.Certificate] = []
    crls: list[x509.CertificateRevocationList] = []
    if b"-----BEGIN CERTIFICATE-----" in data:
        certs.extend(x509.load_pem_x509_certificates(data))
    elif b"-----BEGIN X509 CRL-----" in data:
        crls.append(x509.load_pem_x509_crl(data))
    elif path.suffix.lower() in (".der", ".cer", ".crt"):
        certs.append(x509.load_der_x509_certificate(data))
    elif path.suffix.lower() == ".crl":
        crls.append(x509.load_der_x509_crl(data))
    return certs, crls


@dataclass(frozen=True)
class TrustFolder:
    """Certificates and CRLs of a folder (the ANTS directory layout: CA and leaves by CN)."""

    certificates: tuple[x509.Certificate, ...]
    crls: tuple[x509.CertificateRevocationList, ...]

    @classmethod
    def load(cls, folders: Iterable[Path]) -> TrustFolder:
        """Read every PEM/DER certificate and CRL in ``folders`` (not recursive)."""
        certs: list[x509.Certificate] = []
        crls: list[x509.CertificateRevocationList] = []
        for folder in folders:
            for path in sorted(Path(folder).iterdir()):
                if path.is_file():
                    c, r = _load_any(path)
                    certs += c
                    crls += r
        return cls(tuple(certs), tuple(crls))

    def ca(self, ca_id: str) -> x509.Certificate | None:
        """The self-signed CA certificate whose CN is ``ca_id``."""
        return next((c for c in self.certificates
                     if _cn(c.subject) == ca_id and c.subject == c.issuer), None)

    def leaves(self, ca_id: str, cert_id: str) -> list[x509.Certificate]:
        """Leaf certificates with subject CN ``cert_id`` and issuer CN ``ca_id``."""
        return [c for c in self.certificates
                if _cn(c.subject) == cert_id and _cn(c.issuer) == ca_id
                and c.subject != c.issuer]


def _verify_raw(public_key: ec.EllipticCurvePublicKey, raw: bytes, data: bytes) -> None:
    algorithm, length = _curve_hash(public_key)
    if len(raw) != length:
        raise BadSignatureError(f"signature has {len(raw)} bytes, the curve needs {length}")
    half = length // 2
    der = encode_dss_signature(int.from_bytes(raw[:half], "big"),
                               int.from_bytes(raw[half:], "big"))
    try:
        public_key.verify(der, data, ec.ECDSA(algorithm))
    except InvalidSignature as exc:
        raise BadSignatureError("ECDSA signature does not verify") from exc


def check_signature(reading: Reading, certificate: x509.Certificate) -> None:
    """Verify the ECDSA signature with ``certificate``'s key; hash and length from its curve.

    The curve, not the barcode, chooses the hash (§3.5.2 table, p.26). Raises
    :class:`BadSignatureError`.
    """
    key = certificate.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise BadSignatureError("not an EC certificate")
    _verify_raw(key, reading.signature, reading.signed_data)


def verify(reading: Reading, trust: TrustFolder) -> x509.Certificate:
    """Check signature, chain, CRL and validity at the signature date; return the leaf.

    Order: find the leaf (CN = cert id, issuer CN = CA id, §3.3 p.15), its signature over the
    signed data (§3.5), the leaf signed by the CA, not on a CRL the CA signed, valid on the
    header's signature date. Raises a :class:`SignatureCheckError` subclass.
    """
    h = reading.header
    candidates = trust.leaves(h.ca_id, h.cert_id)
    if not candidates:
        raise UnknownCertificateError(f"no certificate {h.ca_id}/{h.cert_id}")
    errors: list[BadSignatureError] = []
    leaf = None
    for cand in candidates:
        try:
            check_signature(reading, cand)
        except BadSignatureError as exc:
            errors.append(exc)
            continue
        leaf = cand
        break
    if leaf is None:
        raise errors[0]
    ca = trust.ca(h.ca_id)
    if ca is None:
        raise ChainError(f"CA {h.ca_id} not in the trust folder")
    try:
        leaf.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature) as exc:
        raise ChainError(f"{h.cert_id} not issued by {h.ca_id}: {exc}") from exc
    for crl in trust.crls:
        if (crl.issuer == ca.subject and crl.is_signature_valid(ca.public_key())
                and crl.get_revoked_certificate_by_serial_number(leaf.serial_number)
                is not None):
            raise CertificateRevokedError(f"{h.ca_id}/{h.cert_id} is revoked")
    day = h.signature_date
    assert day is not None
    if not (leaf.not_valid_before_utc.date() <= day <= leaf.not_valid_after_utc.date()):
        raise CertificateExpiredError(
            f"{h.cert_id} valid {leaf.not_valid_before_utc.date()}–"
            f"{leaf.not_valid_after_utc.date()}, signed {day}")
    return leaf
