# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""DKIM keys (RFC 6376, RFC 8463) and the published key record."""

from __future__ import annotations

import base64
import binascii
import re
import traceback

from ansible_collections.selfmail.smtp.plugins.module_utils.txt_record import txt_rdata, txt_record_strings

try:
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
except ImportError:
    HAS_CRYPTOGRAPHY = False
    CRYPTOGRAPHY_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_CRYPTOGRAPHY = True
    CRYPTOGRAPHY_IMPORT_ERROR = None

KEY_TYPES = ('rsa', 'ed25519')
RSA_SIZES = (2048, 3072, 4096)
RSA_MINIMUM_BITS = 1024    # RFC 8301: verifiers must not accept less
RSA_RECOMMENDED_BITS = 2048
RSA_PUBLIC_EXPONENT = 65537


class DkimError(ValueError):
    pass


def record_name(selector, domain):
    return '%s._domainkey.%s' % (selector, domain)


# --- keys -----------------------------------------------------------------

def generate_private_key(key_type='rsa', bits=2048):
    if key_type == 'rsa':
        if bits not in RSA_SIZES:
            raise DkimError('bits: %r is not one of %s' % (bits, ', '.join(str(b) for b in RSA_SIZES)))
        return rsa.generate_private_key(public_exponent=RSA_PUBLIC_EXPONENT, key_size=bits)
    if key_type == 'ed25519':
        return ed25519.Ed25519PrivateKey.generate()
    raise DkimError('type: %r is not one of %s' % (key_type, ', '.join(KEY_TYPES)))


def load_private_key(data):
    """Load an unencrypted PEM private key (PKCS#8 or PKCS#1)."""
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise DkimError('not an unencrypted PEM private key: %s' % exc) from exc
    if not isinstance(key, (rsa.RSAPrivateKey, ed25519.Ed25519PrivateKey)):
        raise DkimError('the key is neither RSA nor Ed25519, which are the only DKIM key types')
    return key


def private_key_pem(key):
    """PKCS#8 PEM: chasquid (>= 1.14) and other signers reject PKCS#1."""
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )


def is_pkcs8_pem(data):
    return b'-----BEGIN PRIVATE KEY-----' in data


def key_type_and_bits(key):
    """('rsa', 2048) or ('ed25519', 256) for a private or public key."""
    if isinstance(key, (rsa.RSAPrivateKey, rsa.RSAPublicKey)):
        return 'rsa', key.key_size
    if isinstance(key, (ed25519.Ed25519PrivateKey, ed25519.Ed25519PublicKey)):
        return 'ed25519', 256
    raise DkimError('unsupported key type %s' % type(key).__name__)


def public_key_p_value(public_key):
    """The p= value: SubjectPublicKeyInfo for RSA, the raw 32 bytes for Ed25519 (RFC 8463 4.2)."""
    if isinstance(public_key, ed25519.Ed25519PublicKey):
        raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    else:
        raw = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(raw).decode('ascii')


def public_key_pem(public_key):
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode('ascii')


def public_key_from_p(key_type, p_value):
    """Decode the p= value of a record into a cryptography public key."""
    compact = re.sub(r'\s+', '', p_value)
    try:
        raw = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise DkimError('p= is not valid base64') from None
    if key_type == 'ed25519':
        if len(raw) != 32:
            raise DkimError('p= for k=ed25519 must be 32 bytes, got %d' % len(raw))
        return ed25519.Ed25519PublicKey.from_public_bytes(raw)
    try:
        key = serialization.load_der_public_key(raw)
    except (ValueError, UnsupportedAlgorithm):
        # some publishers use the bare PKCS#1 RSAPublicKey; receivers accept it
        try:
            key = serialization.load_der_public_key(_wrap_pkcs1(raw))
        except (ValueError, UnsupportedAlgorithm):
            raise DkimError('p= is not an RSA public key') from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise DkimError('p= holds a %s key, but k=rsa' % type(key).__name__)
    return key


def _der_length(length):
    if length < 0x80:
        return bytes([length])
    encoded = length.to_bytes((length.bit_length() + 7) // 8, 'big')
    return bytes([0x80 | len(encoded)]) + encoded


def _wrap_pkcs1(raw):
    """Wrap an RSAPublicKey in a SubjectPublicKeyInfo (rsaEncryption OID)."""
    algorithm = bytes.fromhex('300d06092a864886f70d0101010500')
    bit_string = b'\x03' + _der_length(len(raw) + 1) + b'\x00' + raw
    body = algorithm + bit_string
    return b'\x30' + _der_length(len(body)) + body


def load_public_key_text(text):
    """A public key given by the user: PEM, a DKIM record, or a bare p= value."""
    text = text.strip()
    if text.startswith('-----BEGIN'):
        try:
            key = serialization.load_pem_public_key(text.encode('ascii'))
        except (ValueError, UnsupportedAlgorithm) as exc:
            raise DkimError('not a PEM public key: %s' % exc) from exc
        if not isinstance(key, (rsa.RSAPublicKey, ed25519.Ed25519PublicKey)):
            raise DkimError('the key is neither RSA nor Ed25519')
        return key
    if '=' in text and ';' in text or text.lower().startswith('v=dkim1'):
        tags = parse_dkim_record(text)
        return public_key_from_p(tags.get('k', 'rsa').lower(), tags.get('p', ''))
    compact = re.sub(r'\s+', '', text)
    try:
        raw = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise DkimError('public_key is neither PEM, a DKIM record, nor a base64 p= value') from None
    return public_key_from_p('ed25519' if len(raw) == 32 else 'rsa', compact)


def same_public_key(left, right):
    def canonical(key):
        return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return canonical(left) == canonical(right)


# --- record ---------------------------------------------------------------

def build_record_value(public_key):
    key_type, _bits = key_type_and_bits(public_key)
    return 'v=DKIM1; k=%s; p=%s' % (key_type, public_key_p_value(public_key))


def record_facts(private_key, selector, domain):
    """Everything dkim_key returns about a key, except the key itself."""
    public_key = private_key.public_key()
    key_type, bits = key_type_and_bits(private_key)
    value = build_record_value(public_key)
    return {
        'selector': selector,
        'domain': domain,
        'record_name': record_name(selector, domain),
        'record_value': value,
        'record_strings': txt_record_strings(value),
        'public_key': public_key_pem(public_key),
        'key_type': key_type,
        'key_bits': bits,
    }


def parse_dkim_record(text):
    """Parse a DKIM key record tag-list (RFC 6376 3.2, 3.6.1)."""
    tags = {}
    parts = [p.strip() for p in text.split(';')]
    if parts and parts[-1] == '':
        parts.pop()
    for index, part in enumerate(parts):
        name, sep, value = part.partition('=')
        name = name.strip()
        if not sep or not re.match(r'^[A-Za-z][A-Za-z0-9_]*$', name):
            raise DkimError('%r is not a tag=value pair' % part)
        if name in tags:
            raise DkimError('tag %r appears more than once' % name)
        if name == 'v':
            if index != 0:
                raise DkimError('"v=DKIM1" must be the first tag')
            if value.strip() != 'DKIM1':
                raise DkimError('v=%s: the version must be DKIM1' % value.strip())
        # folding white space is allowed inside values (the base64 of p=)
        tags[name] = re.sub(r'\s+', '', value) if name == 'p' else value.strip()
    if 'p' not in tags:
        raise DkimError('the required tag "p" is missing')
    return tags


def _zone_line(name, value):
    return '%s. 3600 IN TXT %s' % (name, txt_rdata(value))


def check_dkim(client, report, domain, selector, local_key=None):
    """Run the DKIM record check and return the structured details.

    ``local_key`` is the cryptography public key the signer uses, if known.
    """
    name = record_name(selector, domain)
    subject = 'DKIM %s' % name
    details = {'record_name': name, 'record': None, 'tags': {}, 'key_type': None, 'key_bits': None,
               'matches_local_key': None}
    expected = build_record_value(local_key) if local_key is not None else None
    publish = ('Publish one TXT record: %s' % _zone_line(name, expected)) if expected else None

    answer = client.lookup(name, 'TXT')
    if answer.failed:
        report.error(subject, 'the TXT lookup failed: %s' % answer.error,
                     'Make sure the authoritative nameservers of %s answer, then check again.' % domain)
        return details
    texts = answer.texts() if answer.ok else []
    if not texts:
        report.error(subject, 'no DKIM key record (%s)' % answer.describe(), publish)
        return details
    if len(texts) > 1:
        report.error(subject, '%d TXT records at %s: receivers cannot tell which key to use' % (len(texts), name),
                     publish or 'Keep exactly one DKIM key record at %s.' % name)
        details['record'] = texts
        return details
    text = texts[0]
    details['record'] = text
    try:
        tags = parse_dkim_record(text)
    except DkimError as exc:
        report.error(subject, 'the record does not parse: %s' % exc, publish)
        return details
    details['tags'] = tags

    key_type = tags.get('k', 'rsa').lower()
    if key_type not in KEY_TYPES:
        report.error(subject, 'k=%s: unknown key type (rsa or ed25519)' % key_type, publish)
        return details
    details['key_type'] = key_type
    if 'h' in tags:
        hashes = [h.strip().lower() for h in tags['h'].split(':')]
        if 'sha256' not in hashes:
            report.error(subject, 'h=%s: receivers require sha256' % tags['h'], publish)
    if 's' in tags:
        services = [s.strip() for s in tags['s'].split(':')]
        if '*' not in services and 'email' not in services:
            report.error(subject, 's=%s: the key is not usable for e-mail' % tags['s'], publish)
    flags = [f.strip() for f in tags.get('t', '').split(':') if f.strip()]
    if 'y' in flags:
        report.warning(subject, 't=y: the domain is in DKIM testing mode; receivers may ignore failures and DMARC treats it loosely',
                       'Remove "t=y" from the record at %s once signing works.' % name)

    if not tags['p']:
        report.error(subject, 'p= is empty: the key has been revoked', publish)
        return details
    try:
        published = public_key_from_p(key_type, tags['p'])
    except DkimError as exc:
        report.error(subject, str(exc), publish)
        return details
    _type, bits = key_type_and_bits(published)
    details['key_bits'] = bits
    if key_type == 'rsa' and bits < RSA_MINIMUM_BITS:
        report.error(subject, 'the RSA key has %d bits; receivers reject keys under %d bits (RFC 8301)' % (bits, RSA_MINIMUM_BITS),
                     'Generate a 2048-bit key (selfmail.smtp.dkim_key) and publish its record.')
    elif key_type == 'rsa' and bits < RSA_RECOMMENDED_BITS:
        report.warning(subject, 'the RSA key has %d bits; 2048 is the recommended minimum' % bits,
                       'Generate a 2048-bit key under a new selector and publish its record.')
    else:
        report.ok(subject, 'published %s key, %d bits' % (key_type, bits))

    if local_key is not None:
        matches = same_public_key(published, local_key)
        details['matches_local_key'] = matches
        if matches:
            report.ok(subject, 'the published key equals the local key')
        else:
            report.error(subject, 'the published key differs from the key the server signs with: '
                                  'every signature will fail verification', publish)
    return details
