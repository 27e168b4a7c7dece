# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from ansible_collections.selfmail.smtp.plugins.module_utils.dkim import (
    DkimError,
    build_record_value,
    generate_private_key,
    is_pkcs8_pem,
    key_type_and_bits,
    load_private_key,
    load_public_key_text,
    parse_dkim_record,
    private_key_pem,
    public_key_from_p,
    record_facts,
    same_public_key,
)
from ansible_collections.selfmail.smtp.plugins.module_utils.txt_record import join_txt_strings


@pytest.fixture(scope='module')
def rsa_key():
    return generate_private_key('rsa', 2048)


def test_rsa_record_and_strings(rsa_key):
    facts = record_facts(rsa_key, 'mail2024', 'example.org')
    assert facts['record_name'] == 'mail2024._domainkey.example.org'
    assert facts['record_value'].startswith('v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA')
    assert (facts['key_type'], facts['key_bits']) == ('rsa', 2048)
    assert len(facts['record_strings']) == 2
    unquoted = [s[1:-1] for s in facts['record_strings']]
    assert all(len(s) <= 255 for s in unquoted)
    assert join_txt_strings(unquoted) == facts['record_value']
    tags = parse_dkim_record(facts['record_value'])
    assert same_public_key(public_key_from_p('rsa', tags['p']), rsa_key.public_key())


def test_ed25519_record_is_raw_key():
    key = generate_private_key('ed25519')
    value = build_record_value(key.public_key())
    p = parse_dkim_record(value)['p']
    assert len(base64.b64decode(p)) == 32
    assert key_type_and_bits(key) == ('ed25519', 256)
    assert same_public_key(public_key_from_p('ed25519', p), key.public_key())


def test_pkcs8_output_and_pkcs1_input(rsa_key):
    pem = private_key_pem(rsa_key)
    assert pem.startswith(b'-----BEGIN PRIVATE KEY-----') and is_pkcs8_pem(pem)
    legacy = rsa_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                   serialization.NoEncryption())
    assert not is_pkcs8_pem(legacy)
    assert same_public_key(load_private_key(legacy).public_key(), rsa_key.public_key())


def test_load_private_key_rejects_garbage_and_other_types():
    with pytest.raises(DkimError):
        load_private_key(b'not a key')
    from cryptography.hazmat.primitives.asymmetric import ec
    ec_pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    with pytest.raises(DkimError, match='neither RSA nor Ed25519'):
        load_private_key(ec_pem)


def test_generate_rejects_other_sizes():
    with pytest.raises(DkimError, match='bits'):
        generate_private_key('rsa', 1024)
    with pytest.raises(DkimError, match='type'):
        generate_private_key('dsa')


def test_bare_pkcs1_p_value_is_accepted(rsa_key):
    pkcs1 = rsa_key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    key = public_key_from_p('rsa', base64.b64encode(pkcs1).decode('ascii'))
    assert same_public_key(key, rsa_key.public_key())


def test_public_key_text_forms(rsa_key):
    public = rsa_key.public_key()
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode('ascii')
    record = build_record_value(public)
    p = parse_dkim_record(record)['p']
    for text in (pem, record, p, ' '.join([p[:100], p[100:]])):
        assert same_public_key(load_public_key_text(text), public)
    ed = ed25519.Ed25519PrivateKey.generate().public_key()
    assert isinstance(load_public_key_text(parse_dkim_record(build_record_value(ed))['p']), ed25519.Ed25519PublicKey)
    with pytest.raises(DkimError):
        load_public_key_text('not a key!')


def test_parse_record_whitespace_and_order():
    tags = parse_dkim_record('v=DKIM1 ;  k = rsa ; t=y:s; p=AB CD\tEF ;')
    assert tags == {'v': 'DKIM1', 'k': 'rsa', 't': 'y:s', 'p': 'ABCDEF'}
    assert parse_dkim_record('k=rsa; p=AAAA')['k'] == 'rsa'      # v is optional


@pytest.mark.parametrize('text, fragment', [
    ('k=rsa; v=DKIM1; p=AA', 'first tag'),
    ('v=DKIM2; p=AA', 'DKIM1'),
    ('v=DKIM1; k=rsa', '"p" is missing'),
    ('v=DKIM1; p=AA; p=BB', 'more than once'),
    ('v=DKIM1; garbage; p=AA', 'tag=value'),
])
def test_parse_record_errors(text, fragment):
    with pytest.raises(DkimError, match=fragment):
        parse_dkim_record(text)


@pytest.mark.parametrize('key_type, p, fragment', [
    ('rsa', 'not base64!', 'base64'),
    ('ed25519', base64.b64encode(b'x' * 31).decode(), '32 bytes'),
    ('rsa', base64.b64encode(b'\x30\x03\x02\x01\x01').decode(), 'not an RSA public key'),
])
def test_bad_p_values(key_type, p, fragment):
    with pytest.raises(DkimError, match=fragment):
        public_key_from_p(key_type, p)


def test_key_sizes_reported():
    assert key_type_and_bits(rsa.generate_private_key(65537, 3072).public_key()) == ('rsa', 3072)
