"""The expiry (``notAfter``) of an X.509 certificate, read from its DER bytes.

Python's ``ssl`` gives a peer's certificate as a dictionary only when it was verified; a
probe with ``tlsVerify: false`` still gets the DER bytes (``getpeercert(binary_form=True)``).
Reading one field of it needs no ASN.1 library: RFC 5280, section 4.1, fixes the order

    Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
    TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer,
                                  validity, ... }
    Validity ::= SEQUENCE { notBefore Time, notAfter Time }
    Time ::= UTCTime (YYMMDDHHMMSSZ) | GeneralizedTime (YYYYMMDDHHMMSSZ)
"""

from __future__ import annotations

import datetime as dt

_SEQUENCE = 0x30
_VERSION = 0xA0  # [0] EXPLICIT, constructed
_UTC_TIME = 0x17
_GENERALIZED_TIME = 0x18


class CertificateFormatError(ValueError):
    """The bytes are not a DER certificate as RFC 5280 lays it out."""


def _element(der: bytes, at: int) -> tuple[int, int, int]:
    """The tag of the DER element at ``at``, and where its content starts and ends."""
    if at + 2 > len(der):
        raise CertificateFormatError("truncated certificate")
    tag, length = der[at], der[at + 1]
    start = at + 2
    if length & 0x80:  # long form: the next (length & 0x7f) bytes hold the length
        size = length & 0x7F
        if size == 0 or size > 4:
            raise CertificateFormatError("unsupported length")
        length = int.from_bytes(der[start : start + size], "big")
        start += size
    end = start + length
    if end > len(der):
        raise CertificateFormatError("truncated certificate")
    return tag, start, end


def _time(tag: int, text: str) -> dt.datetime:
    if tag == _UTC_TIME and len(text) == 13 and text.endswith("Z"):
        # RFC 5280, 4.1.2.5.1: YY of 50 or more is 19YY, else 20YY.
        year = int(text[:2])
        text = f"{1900 + year if year >= 50 else 2000 + year}{text[2:]}"
    elif not (tag == _GENERALIZED_TIME and len(text) == 15 and text.endswith("Z")):
        raise CertificateFormatError(f"unsupported time {text!r}")
    return dt.datetime.strptime(text, "%Y%m%d%H%M%SZ").replace(tzinfo=dt.UTC)


def certificate_not_after(der: bytes) -> dt.datetime:
    """The instant after which the certificate is no longer valid (UTC)."""
    tag, start, _ = _element(der, 0)
    if tag != _SEQUENCE:
        raise CertificateFormatError("not a certificate")
    tag, at, _ = _element(der, start)  # tbsCertificate
    if tag != _SEQUENCE:
        raise CertificateFormatError("not a certificate")
    tag, _, end = _element(der, at)
    if tag == _VERSION:
        at = end
    for _field in ("serialNumber", "signature", "issuer"):
        _, _, at = _element(der, at)
    tag, validity, _ = _element(der, at)
    if tag != _SEQUENCE:
        raise CertificateFormatError("no validity")
    _, _, after = _element(der, validity)  # notBefore
    tag, start, end = _element(der, after)
    return _time(tag, der[start:end].decode("ascii", errors="replace"))
