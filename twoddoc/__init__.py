"""twoddoc: encode and decode signed 2D-Doc barcodes (ANTS specification v3.2.6), without I/O.

Typical use::

    from datetime import date
    from cryptography.hazmat.primitives.asymmetric import ec
    from twoddoc import Header, EcdsaSigner, decode, encode, verify_signature

    key = ec.generate_private_key(ec.SECP256R1())
    header = Header(version=4, ca_id="FR00", cert_id="0001", emission_date=date(2024, 2, 29),
                    signature_date=date(2024, 2, 29), doc_type="AB", perimeter="01",
                    country="FR")
    text = encode(header, [("6G", "Dupont"), ("60", "François"), ...], EcdsaSigner(key))
    doc = decode(text)                       # strict: unknown DIs raise UnknownFieldError
    verify_signature(doc, key.public_key())  # raises SignatureError when it does not hold
    doc.get("60")                            # 'FRANCOIS'

Verifiers decode with ``strict=False`` so that DIs newer than our catalogue are kept raw.
Text convention: a ``str`` whose characters are bytes 0-255; GS=\\x1d, RS=\\x1e, US=\\x1f.
"""

from twoddoc.catalog import DataId, DocumentType, data_id, document_type
from twoddoc.codec import Document, decode, encode
from twoddoc.errors import (
    EncodeError,
    FieldError,
    HeaderError,
    SignatureError,
    SignatureFormatError,
    SignatureLengthError,
    TwoDDocError,
    UnknownFieldError,
)
from twoddoc.header import Header
from twoddoc.message import Field
from twoddoc.signing import EcdsaSigner, Signer, verify_signature

__all__ = [
    "DataId",
    "Document",
    "DocumentType",
    "EcdsaSigner",
    "EncodeError",
    "Field",
    "FieldError",
    "Header",
    "HeaderError",
    "SignatureError",
    "SignatureFormatError",
    "SignatureLengthError",
    "Signer",
    "TwoDDocError",
    "UnknownFieldError",
    "data_id",
    "decode",
    "document_type",
    "encode",
    "verify_signature",
]
