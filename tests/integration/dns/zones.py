# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Crafted zones for the loopback DNS server.

Names are under the reserved .test TLD; addresses are documentation
prefixes (192.0.2.0/24, 198.51.100.0/24, 2001:db8::/32). The DKIM records
are split into strings here with a fixed 200-character cut, independently
of the collection's own TXT splitter.
"""

from __future__ import annotations

import base64
import ipaddress
import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

GOOD = 'good.test'
MAIL_HOST = 'mail.good.test'
MAIL_V4 = '192.0.2.10'
MAIL_V6 = '2001:db8::10'
INCLUDED_V4 = '198.51.100.5'        # authorised through include:_spf.good.test
STRANGER_V4 = '192.0.2.99'          # authorised nowhere
STRANGER_V6 = '2001:db8:ffff::99'

SOA = '@ 300 IN SOA ns.good.test. hostmaster.good.test. 1 3600 600 86400 300\n@ 300 IN NS ns.good.test.\n'


def _header(origin):
    return '$ORIGIN %s.\n$TTL 300\n%s' % (origin, SOA)


def _quoted_chunks(value, size=200):
    return ' '.join('"%s"' % value[i:i + size] for i in range(0, len(value), size))


def _spki_b64(public_key):
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode('ascii')


def _ed25519_b64(public_key):
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode('ascii')


def _weak_512_public_key():
    # cryptography refuses to generate keys this small; a 512-bit modulus
    # is enough to test that the size check rejects it
    n = int.from_bytes(os.urandom(64), 'big') | (1 << 511) | 1
    return rsa.RSAPublicNumbers(65537, n).public_key()


class DkimKeys(object):
    """Keys generated once per test session; private keys written to ``directory``."""

    def __init__(self, directory):
        self.directory = str(directory)
        os.makedirs(self.directory, exist_ok=True)
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.rsa_other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.rsa_1024 = rsa.generate_private_key(public_exponent=65537, key_size=1024)
        self.ed25519 = ed25519.Ed25519PrivateKey.generate()
        self.weak_512 = _weak_512_public_key()
        self.paths = {}
        for name in ('rsa', 'rsa_other', 'ed25519'):
            key = getattr(self, name)
            path = os.path.join(self.directory, '%s.pem' % name)
            with open(path, 'wb') as handle:
                handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
            self.paths[name] = path

    def public_pem(self, name):
        return getattr(self, name).public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode('ascii')


def good_zone(keys):
    rsa_value = 'v=DKIM1; k=rsa; p=%s' % _spki_b64(keys.rsa.public_key())
    return _header(GOOD) + '\n'.join([
        'ns A 192.0.2.53',
        '@ MX 10 mail.good.test.',
        'mail A %s' % MAIL_V4,
        'mail AAAA %s' % MAIL_V6,
        '@ TXT "v=spf1 ip4:%s ip6:%s include:_spf.good.test -all"' % (MAIL_V4, MAIL_V6),
        '@ TXT "google-site-verification=unrelated-token"',
        '_spf TXT "v=spf1 ip4:198.51.100.0/28 -all"',
        'mail TXT "v=spf1 a -all"',
        '_dmarc TXT "v=DMARC1; p=reject; sp=reject; adkim=s; aspf=r; pct=100; fo=1; ri=86400; '
        'rf=afrf; rua=mailto:dmarc@good.test; ruf=mailto:dmarc@good.test"',
        'sel1._domainkey TXT %s' % _quoted_chunks(rsa_value),
        'ed1._domainkey TXT "v=DKIM1; k=ed25519; p=%s"' % _ed25519_b64(keys.ed25519.public_key()),
        'weak._domainkey TXT %s' % _quoted_chunks('v=DKIM1; k=rsa; p=%s' % _spki_b64(keys.rsa_1024.public_key())),
        'tiny._domainkey TXT %s' % _quoted_chunks('v=DKIM1; k=rsa; p=%s' % _spki_b64(keys.weak_512)),
        'testing._domainkey TXT %s' % _quoted_chunks('v=DKIM1; k=rsa; t=y; p=%s' % _spki_b64(keys.rsa.public_key())),
        'other._domainkey TXT %s' % _quoted_chunks('v=DKIM1; k=rsa; p=%s' % _spki_b64(keys.rsa_other.public_key())),
        'revoked._domainkey TXT "v=DKIM1; k=rsa; p="',
        'garbage._domainkey TXT "v=DKIM1; k=rsa; p=this-is-not-base64!"',
        'unknownk._domainkey TXT "v=DKIM1; k=dsa; p=AAAA"',
        'two._domainkey TXT "v=DKIM1; k=rsa; p=AAAA"',
        'two._domainkey TXT "v=DKIM1; k=rsa; p=BBBB"',
        # reverse-DNS targets
        'unconfirmed A 192.0.2.99',
        'other A 192.0.2.13',
        'other14 A 192.0.2.14',
        'unconfirmed6 AAAA 2001:db8::99',
        'out A %s' % INCLUDED_V4,
    ]) + '\n'


def _chain(prefix, length, final):
    """An include chain prefix1 -> prefix2 -> ... -> prefixN; N holds ``final``."""
    lines = []
    for index in range(1, length):
        lines.append('%s%d TXT "v=spf1 include:%s%d.spf.test -all"' % (prefix, index, prefix, index + 1))
    lines.append('%s%d TXT "v=spf1 %s -all"' % (prefix, length, final))
    return lines


def spf_zone():
    lines = [
        # include chain, 3 lookups deep
        'chain TXT "v=spf1 include:l1.chain.spf.test -all"',
        'l1.chain TXT "v=spf1 include:l2.chain.spf.test -all"',
        'l2.chain TXT "v=spf1 ip4:192.0.2.20 ip6:2001:db8:20::/48 -all"',
        # include loop
        'loop TXT "v=spf1 include:loop2.spf.test -all"',
        'loop2 TXT "v=spf1 include:loop.spf.test -all"',
        # exactly 10 lookups: allowed; 11: permerror
        'ten TXT "v=spf1 include:t1.spf.test -all"',
        'eleven TXT "v=spf1 include:e1.spf.test -all"',
        # void lookups: 2 allowed, the third is permerror
        'void2 TXT "v=spf1 a:nx1.spf.test a:nx2.spf.test ip4:192.0.2.30 -all"',
        'void3 TXT "v=spf1 a:nx1.spf.test a:nx2.spf.test mx:nx3.spf.test ip4:192.0.2.30 -all"',
        # macros
        'macro TXT "v=spf1 exists:%{ir}.%{v}._spf.%{d} -all"',
        '40.2.0.192.in-addr._spf.macro A 127.0.0.2',
        '%s.ip6._spf.macro A 127.0.0.2' % '.'.join(reversed(ipaddress.ip_address('2001:db8::40').exploded.replace(':', ''))),
        'macrol TXT "v=spf1 exists:%{l1r-}.u._spf.%{o} -all"',
        'alice.u._spf.macrol A 127.0.0.2',
        # two SPF records
        'multi TXT "v=spf1 ip4:192.0.2.10 -all"',
        'multi TXT "v=spf1 -all"',
        # IPv6 ranges
        'ip6 TXT "v=spf1 ip6:2001:db8:1::/48 ip4:198.51.100.0/24 -all"',
        # redirect
        'redirect TXT "v=spf1 redirect=_spf.good.test"',
        'redirect-none TXT "v=spf1 redirect=nospf.spf.test"',
        # dangerous / weak endings
        'ptrall TXT "v=spf1 ptr +all"',
        'ptrmech TXT "v=spf1 ptr:good.test -all"',
        'soft TXT "v=spf1 ip4:192.0.2.10 ~all"',
        'neutral TXT "v=spf1 ?all"',
        'nospf TXT "just a verification token"',
        # mx and a with CIDR
        'mx TXT "v=spf1 mx -all"',
        'mx MX 10 mx-host.spf.test.',
        'mx-host A 192.0.2.50',
        'mx-host AAAA 2001:db8::50',
        'a TXT "v=spf1 a/24 -all"',
        'a A 192.0.2.60',
        # syntax errors
        'syntax TXT "v=spf1 ip4:192.0.2.300 -all"',
        'unknownmech TXT "v=spf1 foo:bar.test -all"',
        # a referenced zone this server does not serve: REFUSED -> temperror
        'temp TXT "v=spf1 include:spf.unserved.invalid -all"',
        # long record spread over two strings
        'long TXT "v=spf1 ip4:192.0.2.1 ip4:192.0.2.2 " "ip4:192.0.2.3 -all"',
    ]
    lines += _chain('t', 10, 'ip4:192.0.2.21')
    lines += _chain('e', 11, 'ip4:192.0.2.22')
    return _header('spf.test') + '\n'.join(lines) + '\n'


def dmarc_zone():
    return _header('dmarc.test') + '\n'.join([
        '_dmarc.none TXT "v=DMARC1; p=none; rua=mailto:dmarc@dmarc.test"',
        '_dmarc.ext TXT "v=DMARC1; p=quarantine; rua=mailto:agg@reports.test; ruf=mailto:forensic@reports.test!10m"',
        '_dmarc.extbad TXT "v=DMARC1; p=reject; rua=mailto:agg@reports.test"',
        '_dmarc.bad TXT "v=DMARC1; p=block; pct=150; adkim=x; fo=2; rua=https://reports.test/r"',
        '_dmarc.two TXT "v=DMARC1; p=reject"',
        '_dmarc.two TXT "v=DMARC1; p=none"',
        '_dmarc.order TXT "p=reject; v=DMARC1"',
        '_dmarc.sub.org TXT "v=DMARC1; p=reject; rua=mailto:d@dmarc.test"',
        '_dmarc.pct TXT "v=DMARC1; p=quarantine; pct=50; foo=bar"',
    ]) + '\n'


def reports_zone():
    return _header('reports.test') + '\n'.join([
        'ext.dmarc.test._report._dmarc TXT "v=DMARC1"',
    ]) + '\n'


def mx_zone():
    return _header('mx.test') + '\n'.join([
        'cname MX 10 alias.mx.test.',
        'alias CNAME mail.good.test.',
        'null MX 0 .',
        'noaddr MX 10 ghost.mx.test.',
        'nomx TXT "no mail here"',
        'multi MX 10 mail.good.test.',
        'multi MX 20 backup.mx.test.',
        'backup A 192.0.2.70',
    ]) + '\n'


def _relative_ptr(address, zone):
    name = ipaddress.ip_address(address).reverse_pointer
    return name[:-len(zone) - 1]


def reverse_v4_zone():
    zone = '2.0.192.in-addr.arpa'
    return _header(zone) + '\n'.join([
        '10 PTR mail.good.test.',
        '12 PTR unconfirmed.good.test.',
        '13 PTR mail.good.test.',
        '13 PTR other.good.test.',
        '14 PTR other14.good.test.',
    ]) + '\n'


def reverse_v4_included_zone():
    zone = '100.51.198.in-addr.arpa'
    return _header(zone) + '5 PTR out.good.test.\n'


def reverse_v6_zone():
    zone = '8.b.d.0.1.0.0.2.ip6.arpa'
    return _header(zone) + '\n'.join([
        '%s PTR mail.good.test.' % _relative_ptr('2001:db8::10', zone),
        '%s PTR unconfirmed6.good.test.' % _relative_ptr('2001:db8::12', zone),
    ]) + '\n'


def all_zones(keys):
    return {
        GOOD: good_zone(keys),
        'spf.test': spf_zone(),
        'dmarc.test': dmarc_zone(),
        'reports.test': reports_zone(),
        'mx.test': mx_zone(),
        '2.0.192.in-addr.arpa': reverse_v4_zone(),
        '100.51.198.in-addr.arpa': reverse_v4_included_zone(),
        '8.b.d.0.1.0.0.2.ip6.arpa': reverse_v6_zone(),
    }
