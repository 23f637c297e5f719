"""Build the verifier's test PKI: CAs, signing certificates, CRLs and TSL files with known flaws.

Why: the verifier's trust rules (chain, CN matching, CRLs, TSL status) are tested on real X.509
objects built with ``cryptography``, never on stubs (STYLE §8). Dates, serials and key scalars are
fixed so that every run describes the same PKI; only the ECDSA signatures differ between runs.

Usage: ``python tests/vectors/build_test_pki.py [--force] DIR``. An existing DIR is left alone
unless ``--force`` is given. Tests call :func:`build` on a temporary folder.

Layout written under DIR (each name says its flaw, STYLE §2):

``trust/``                       a folder the verifier is given with ``--trust``
    ``FR0T.pem``                 CA ``FR0T``, self-signed, valid 2020-01-01 … 2040-01-01
    ``FR0T_T001.pem``            good leaf ``T001``, valid 2024-01-01 … 2030-01-01
    ``FR0T_T002_revoked.pem``    leaf ``T002``, listed in ``FR0T.crl.pem``
    ``FR0T_T003_expired.pem``    leaf ``T003``, valid 2020-01-01 … 2021-01-01
    ``leaf_cn_mismatch.pem``     leaf with subject CN ``T005``, meant to sign as ``T004``
    ``FR0T.crl.pem``             CRL of ``FR0T`` revoking ``T002`` (revoked 2025-06-01)
    ``FR0U_U001_no_ca.pem``      leaf ``U001`` of CA ``FR0U`` whose certificate is not given
``extra/crl_bad_signature.pem``  a CRL naming ``FR0T`` as issuer, signed by another key
``extra/FR0V.pem``, ``extra/FR0V_V001.pem`` a second CA and leaf, for the TSL tests
``tsl/tsl_fr0t_inaccord.xml``    a TSL listing ``FR0T`` with status ``…/inaccord``
``tsl/tsl_fr0v_withdrawn.xml``   a TSL listing ``FR0V`` with status ``…/withdrawn``
``keys/<CA>_<CERT>.key.pem``     the leaves' private keys (test only; never in ``trust/``)
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

UTC = dt.UTC


def _key(scalar: int) -> ec.EllipticCurvePrivateKey:
    """A P-256 key from a fixed scalar, so that the PKI's keys are the same on every run."""
    return ec.derive_private_key(scalar, ec.SECP256R1())


def _name(cn: str, org: str = "PERMIS2D TEST") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def _day(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def _ca(ca_id: str, key: ec.EllipticCurvePrivateKey, serial: int) -> x509.Certificate:
    name = _name(ca_id, "PERMIS2D TEST CA")
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(_day("2020-01-01"))
        .not_valid_after(_day("2040-01-01"))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )


def _leaf(
    cn: str,
    ca: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    key: ec.EllipticCurvePrivateKey,
    serial: int,
    start: str = "2024-01-01",
    end: str = "2030-01-01",
) -> x509.Certificate:
    return (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(_day(start))
        .not_valid_after(_day(end))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )


def _crl(
    ca: x509.Certificate, signing_key: ec.EllipticCurvePrivateKey, serials: list[int]
) -> x509.CertificateRevocationList:
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.subject)
        .last_update(_day("2025-06-01"))
        .next_update(_day("2035-06-01"))
    )
    for serial in serials:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(_day("2025-06-01"))
            .build()
        )
    return builder.sign(signing_key, hashes.SHA256())


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),  # test-only keys of a throw-away PKI
    )


def tsl_xml(ca_id: str, ca: x509.Certificate, status: str) -> str:
    """A minimal ETSI TS 102 231 trust service list with one provider (the ANTS shape)."""
    der = base64.b64encode(ca.public_bytes(serialization.Encoding.DER)).decode()
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<tsl:TrustServiceStatusList xmlns:tsl="http://uri.etsi.org/02231/v2#" TSLTag="http://uri.etsi.org/02231/TSLTag">
  <tsl:SchemeInformation><tsl:TSLSequenceNumber>1</tsl:TSLSequenceNumber></tsl:SchemeInformation>
  <tsl:TrustServiceProviderList>
    <tsl:TrustServiceProvider>
      <tsl:TSPInformation>
        <tsl:TSPName><tsl:Name xml:lang="fr">PERMIS2D TEST</tsl:Name></tsl:TSPName>
        <tsl:TSPTradeName><tsl:Name xml:lang="fr">{ca_id}</tsl:Name></tsl:TSPTradeName>
      </tsl:TSPInformation>
      <tsl:TSPServices><tsl:TSPService><tsl:ServiceInformation>
        <tsl:ServiceTypeIdentifier>http://uri.etsi.org/TrstSvc/Svctype/CA/PKC</tsl:ServiceTypeIdentifier>
        <tsl:ServiceDigitalIdentity><tsl:DigitalId>
          <tsl:X509Certificate>{der}</tsl:X509Certificate>
        </tsl:DigitalId></tsl:ServiceDigitalIdentity>
        <tsl:ServiceStatus>http://uri.etsi.org/TrstSvc/Svcstatus/{status}</tsl:ServiceStatus>
      </tsl:ServiceInformation></tsl:TSPService></tsl:TSPServices>
    </tsl:TrustServiceProvider>
  </tsl:TrustServiceProviderList>
</tsl:TrustServiceStatusList>
"""


def sign_tsl(
    xml: bytes,
    key: ec.EllipticCurvePrivateKey,
    cert: x509.Certificate,
    *,
    reference_uri: str = "",
) -> bytes:
    """Sign a TSL as ETSI TS 102 231 §5.7 asks: an enveloped XML-DSig signature, child of the root.

    ECDSA-SHA256 over exclusive C14N; the certificate goes in ``KeyInfo/X509Data``. A
    ``reference_uri`` other than ``""`` signs only the element with that ``Id`` (a flaw).
    """
    import xmlsec
    from lxml import etree

    root = etree.fromstring(xml)
    signature = xmlsec.template.create(
        root, xmlsec.constants.TransformExclC14N, xmlsec.constants.TransformEcdsaSha256, ns="ds"
    )
    root.append(signature)
    reference = xmlsec.template.add_reference(
        signature, xmlsec.constants.TransformSha256, uri=reference_uri
    )
    xmlsec.template.add_transform(reference, xmlsec.constants.TransformEnveloped)
    xmlsec.template.add_transform(reference, xmlsec.constants.TransformExclC14N)
    xmlsec.template.add_x509_data(xmlsec.template.ensure_key_info(signature))
    if reference_uri:
        xmlsec.tree.add_ids(root, ["Id"])
    signing_key = xmlsec.Key.from_memory(_key_pem(key), xmlsec.constants.KeyDataFormatPem, None)
    signing_key.load_cert_from_memory(_pem(cert), xmlsec.constants.KeyDataFormatCertPem)
    context = xmlsec.SignatureContext()
    context.key = signing_key
    context.sign(signature)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def build(directory: Path, *, force: bool = False) -> Path:
    """Write the test PKI under ``directory``; leave an existing one alone unless ``force``."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()) and not force:
        return directory
    for sub in ("trust", "extra", "tsl", "keys"):
        (directory / sub).mkdir(parents=True, exist_ok=True)
    ca_key = _key(0x1000)
    ca = _ca("FR0T", ca_key, 0x1000)
    files: dict[str, bytes] = {"trust/FR0T.pem": _pem(ca)}
    leaves = {
        "T001": ("trust/FR0T_T001.pem", 0x1001, "2024-01-01", "2030-01-01"),
        "T002": ("trust/FR0T_T002_revoked.pem", 0x1002, "2024-01-01", "2030-01-01"),
        "T003": ("trust/FR0T_T003_expired.pem", 0x1003, "2020-01-01", "2021-01-01"),
        "T005": ("trust/leaf_cn_mismatch.pem", 0x1005, "2024-01-01", "2030-01-01"),
    }
    for cn, (path, serial, start, end) in leaves.items():
        key = _key(serial)
        files[path] = _pem(_leaf(cn, ca, ca_key, key, serial, start, end))
        files[f"keys/FR0T_{cn}.key.pem"] = _key_pem(key)
    files["keys/FR0T_T004.key.pem"] = files["keys/FR0T_T005.key.pem"]
    files["trust/FR0T.crl.pem"] = _crl(ca, ca_key, [0x1002]).public_bytes(
        serialization.Encoding.PEM
    )
    other_key = _key(0x2000)
    other_ca = _ca("FR0U", other_key, 0x2000)
    u_key = _key(0x2001)
    files["trust/FR0U_U001_no_ca.pem"] = _pem(_leaf("U001", other_ca, other_key, u_key, 0x2001))
    files["keys/FR0U_U001.key.pem"] = _key_pem(u_key)
    files["extra/crl_bad_signature.pem"] = _crl(ca, other_key, [0x1001]).public_bytes(
        serialization.Encoding.PEM
    )
    v_key, v1_key = _key(0x3000), _key(0x3001)
    v_ca = _ca("FR0V", v_key, 0x3000)
    files["extra/FR0V.pem"] = _pem(v_ca)
    files["extra/FR0V_V001.pem"] = _pem(_leaf("V001", v_ca, v_key, v1_key, 0x3001))
    files["keys/FR0V_V001.key.pem"] = _key_pem(v1_key)
    files["tsl/tsl_fr0t_inaccord.xml"] = tsl_xml("FR0T", ca, "inaccord").encode()
    files["tsl/tsl_fr0v_withdrawn.xml"] = tsl_xml("FR0V", v_ca, "withdrawn").encode()
    for rel, data in files.items():
        (directory / rel).write_bytes(data)
    return directory


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: build into DIR, refusing to overwrite without --force."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--force", action="store_true", help="overwrite an existing PKI")
    args = parser.parse_args(argv)
    if args.directory.exists() and any(args.directory.iterdir()) and not args.force:
        print(f"{args.directory} exists; pass --force to overwrite", file=sys.stderr)
        return 1
    build(args.directory, force=True)
    print(f"test PKI written to {args.directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
