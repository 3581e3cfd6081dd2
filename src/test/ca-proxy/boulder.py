"""What the test CA computes the way Let's Encrypt's CA software, Boulder, does.

- The renewal window of a certificate (RFC 9773 renewalInfo), as Boulder's RenewalInfoSimple in
  core/objects.go: validity = notAfter + 1 s - notBefore; the ideal moment a third of the validity
  before notAfter (half of it when the validity is under 10 days); the window 1 % of the validity
  either side of it (3.2 hours wide for a 160-hour `shortlived` certificate, 1.8 days for 90 days).
- The certificate's ARI identifier (RFC 9773 section 4.1): base64url of the Authority Key
  Identifier's keyIdentifier, ".", base64url of the serial number's DER content octets.

The leaf is read with a small DER reader (the standard library has no X.509 parser, and the tests
run on the system Python, so nothing may be installed for them).
"""
import base64
import datetime

AKI_OID = bytes.fromhex("551d23")  # 2.5.29.35


def _tlv(data, i):
    """(tag, start of the value, end of the value) of the DER element at data[i]."""
    tag = data[i]
    length = data[i + 1]
    start = i + 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[start:start + count], "big")
        start += count
    return tag, start, start + length


def _children(data, start, end):
    items = []
    i = start
    while i < end:
        tag, value_start, value_end = _tlv(data, i)
        items.append((tag, value_start, value_end))
        i = value_end
    return items


def _time(data, tag, start, end):
    text = data[start:end].decode("ascii")
    form = "%y%m%d%H%M%SZ" if tag == 0x17 else "%Y%m%d%H%M%SZ"
    return datetime.datetime.strptime(text, form).replace(tzinfo=datetime.timezone.utc)


def leaf_facts(der):
    """notBefore, notAfter and ARI certID of a DER certificate."""
    _, cert_start, cert_end = _tlv(der, 0)
    tbs_tag, tbs_start, tbs_end = _children(der, cert_start, cert_end)[0]
    fields = _children(der, tbs_start, tbs_end)
    if fields[0][0] == 0xA0:  # [0] version
        fields = fields[1:]
    serial = der[fields[0][1]:fields[0][2]]
    validity = _children(der, fields[3][1], fields[3][2])
    not_before = _time(der, validity[0][0], validity[0][1], validity[0][2])
    not_after = _time(der, validity[1][0], validity[1][1], validity[1][2])
    key_id = None
    for tag, start, end in fields:
        if tag != 0xA3:  # [3] extensions
            continue
        for _, ext_start, ext_end in _children(der, *_tlv(der, start)[1:]):
            parts = _children(der, ext_start, ext_end)
            if der[parts[0][1]:parts[0][2]] == AKI_OID:
                octets = parts[-1]
                _, aki_start, aki_end = _tlv(der, octets[1])
                for aki_tag, id_start, id_end in _children(der, aki_start, aki_end):
                    if aki_tag == 0x80:
                        key_id = der[id_start:id_end]
    if key_id is None:
        raise ValueError("no Authority Key Identifier")
    return {"notBefore": not_before, "notAfter": not_after, "certID": cert_id(key_id, serial)}


def _b64(raw):
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def cert_id(key_id, serial):
    return _b64(key_id) + "." + _b64(serial)


def well_formed(cert_id_text):
    """Whether a certID is two base64url parts, as Boulder parses it (else 400 malformed)."""
    parts = cert_id_text.split(".")
    if len(parts) != 2 or not all(parts):
        return False
    try:
        for part in parts:
            base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except ValueError:
        return False
    return True


def window(not_before, not_after):
    """(start, end) of the renewal window Boulder's RenewalInfoSimple serves."""
    validity = not_after + datetime.timedelta(seconds=1) - not_before
    offset = validity / 2 if validity < datetime.timedelta(days=10) else validity / 3
    ideal = not_after - offset
    margin = validity / 100
    return ideal - margin, ideal + margin


def pem_leaf(body):
    """The DER of the first certificate of a PEM chain."""
    text = body.decode("ascii")
    begin = text.index("-----BEGIN CERTIFICATE-----") + len("-----BEGIN CERTIFICATE-----")
    end = text.index("-----END CERTIFICATE-----", begin)
    return base64.b64decode("".join(text[begin:end].split()))
