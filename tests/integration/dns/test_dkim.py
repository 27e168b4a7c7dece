# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dkim_key on disk and dkim_check against the loopback server."""

from __future__ import annotations

import os
import stat

import pytest
from cryptography.hazmat.primitives import serialization

from ansible_collections.selfmail.smtp.plugins.module_utils.dkim import check_dkim, parse_dkim_record


def test_multi_string_rsa_record_matches(client, report, dkim_keys):
    details = check_dkim(client, report, 'good.test', 'sel1', dkim_keys.rsa.public_key())
    assert report.passed, report.errors
    assert details['matches_local_key'] is True
    assert (details['key_type'], details['key_bits']) == ('rsa', 2048)
    assert len(details['record']) > 255      # joined from several strings


def test_ed25519_record(client, report, dkim_keys):
    details = check_dkim(client, report, 'good.test', 'ed1', dkim_keys.ed25519.public_key())
    assert report.passed, report.errors
    assert (details['key_type'], details['key_bits'], details['matches_local_key']) == ('ed25519', 256, True)


def test_mismatched_key_gives_the_record_to_publish(client, report, dkim_keys):
    details = check_dkim(client, report, 'good.test', 'other', dkim_keys.rsa.public_key())
    assert details['matches_local_key'] is False
    assert any('differs from the key the server signs with' in e for e in report.errors)
    instruction = report.instructions[0]
    assert instruction.startswith('Publish one TXT record: other._domainkey.good.test. 3600 IN TXT "v=DKIM1; k=rsa; p=')
    # the instruction's strings, joined, are the local key's record
    quoted = instruction.split(' IN TXT ', 1)[1]
    joined = ''.join(part for part in quoted.split('"')[1::2])
    assert parse_dkim_record(joined)['p'] in ''.join(dkim_keys.public_pem('rsa').splitlines()[1:-1])


@pytest.mark.parametrize('selector, level, fragment', [
    ('weak', 'warning', '1024 bits; 2048 is the recommended minimum'),
    ('tiny', 'error', 'receivers reject keys under 1024 bits'),
    ('testing', 'warning', 't=y'),
    ('revoked', 'error', 'revoked'),
    ('garbage', 'error', 'not valid base64'),
    ('unknownk', 'error', 'k=dsa'),
    ('two', 'error', '2 TXT records'),
    ('absent', 'error', 'no DKIM key record'),
])
def test_record_problems(client, report, selector, level, fragment):
    check_dkim(client, report, 'good.test', selector, None)
    messages = report.errors if level == 'error' else report.warnings
    assert any(fragment in m for m in messages), (report.errors, report.warnings)


def test_dkim_check_module_with_private_key_path(run_module, dns_args, dkim_keys):
    good = run_module('dkim_check', dict(domain='good.test', selector='sel1', private_key_path=dkim_keys.paths['rsa'], **dns_args))
    assert good['_status'] == 'SUCCESS', good['_stdout']
    assert good['ok'] is True and good['matches_local_key'] is True and good['changed'] is False
    bad = run_module('dkim_check', dict(domain='good.test', selector='other', private_key_path=dkim_keys.paths['rsa'], **dns_args))
    assert bad['_status'] == 'FAILED!'
    assert bad['matches_local_key'] is False


def test_dkim_check_module_with_public_key(run_module, dns_args, dkim_keys):
    result = run_module('dkim_check', dict(domain='good.test', selector='ed1', public_key=dkim_keys.public_pem('ed25519'), **dns_args))
    assert result['_status'] == 'SUCCESS', result['_stdout']
    assert result['key_type'] == 'ed25519' and result['matches_local_key'] is True


# --- dkim_key ---------------------------------------------------------------

def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_dkim_key_creates_pkcs8_and_is_idempotent(run_module, tmp_path):
    path = str(tmp_path / 'dkim.pem')
    args = dict(path=path, selector='mail2024', domain='example.test')
    first = run_module('dkim_key', args)
    assert first['_status'] == 'CHANGED', first['_stdout']
    with open(path, 'rb') as handle:
        data = handle.read()
    assert data.startswith(b'-----BEGIN PRIVATE KEY-----')
    assert _mode(path) == 0o640
    assert first['record_name'] == 'mail2024._domainkey.example.test'
    assert first['record_value'].startswith('v=DKIM1; k=rsa; p=MIIBIjAN')
    assert (first['key_type'], first['key_bits']) == ('rsa', 2048)
    assert all(len(s.strip('"')) <= 255 for s in first['record_strings'])
    assert ''.join(s.strip('"') for s in first['record_strings']) == first['record_value']
    # the returned public key is the key on disk
    key = serialization.load_pem_private_key(data, password=None)
    assert key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo) \
        .decode('ascii') == first['public_key']

    second = run_module('dkim_key', args)
    assert second['_status'] == 'SUCCESS' and second['changed'] is False
    assert second['record_value'] == first['record_value']


def test_dkim_key_check_mode_writes_nothing(run_module, tmp_path):
    path = str(tmp_path / 'dkim.pem')
    result = run_module('dkim_key', dict(path=path, selector='s1', domain='example.test'), check=True)
    assert result['changed'] is True
    assert result['record_value'] is None
    assert not os.path.exists(path)


def test_dkim_key_force_replaces_and_diff_hides_private_key(run_module, tmp_path):
    path = str(tmp_path / 'dkim.pem')
    args = dict(path=path, selector='s1', domain='example.test', type='ed25519', mode='0600')
    first = run_module('dkim_key', args)
    assert first['key_type'] == 'ed25519' and _mode(path) == 0o600
    assert first['record_value'].startswith('v=DKIM1; k=ed25519; p=')
    forced = run_module('dkim_key', dict(args, force=True), diff=True)
    assert forced['changed'] is True
    assert forced['record_value'] != first['record_value']
    diff = forced['_stdout'].split('localhost | ')[0]
    assert '-' + first['record_value'] + '\n' in diff
    assert '+' + forced['record_value'] + '\n' in diff
    assert 'PRIVATE KEY' not in forced['_stdout']


def test_dkim_key_fixes_mode_and_converts_pkcs1(run_module, tmp_path, dkim_keys):
    path = str(tmp_path / 'legacy.pem')
    with open(path, 'wb') as handle:
        handle.write(dkim_keys.rsa.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                                 serialization.NoEncryption()))
    os.chmod(path, 0o644)
    result = run_module('dkim_key', dict(path=path, selector='sel1', domain='good.test'))
    assert result['changed'] is True
    assert _mode(path) == 0o640
    with open(path, 'rb') as handle:
        assert handle.read().startswith(b'-----BEGIN PRIVATE KEY-----')
    # the same key: its record is the one published for sel1
    assert result['public_key'] == dkim_keys.public_pem('rsa')


def test_dkim_key_keeps_a_key_of_another_type_with_a_warning(run_module, tmp_path):
    path = str(tmp_path / 'dkim.pem')
    first = run_module('dkim_key', dict(path=path, selector='s1', domain='example.test', type='ed25519'))
    again = run_module('dkim_key', dict(path=path, selector='s1', domain='example.test', type='rsa'))
    assert again['changed'] is False and again['key_type'] == 'ed25519'
    assert again['record_value'] == first['record_value']
    assert 'Use force: true to replace it.' in ' '.join((again['_stdout'] + again['_stderr']).split())


@pytest.mark.parametrize('mode', ['0644', '0604', '0666', '0641'])
def test_dkim_key_refuses_world_accessible_modes(run_module, tmp_path, mode):
    path = str(tmp_path / 'dkim.pem')
    result = run_module('dkim_key', dict(path=path, selector='s1', domain='example.test', mode=mode))
    assert result['_status'] == 'FAILED!'
    assert 'mode' in result['msg'] and 'other users' in result['msg']
    assert not os.path.exists(path)


def test_dkim_key_refuses_to_overwrite_garbage(run_module, tmp_path):
    path = str(tmp_path / 'dkim.pem')
    with open(path, 'w') as handle:
        handle.write('not a key\n')
    result = run_module('dkim_key', dict(path=path, selector='s1', domain='example.test'))
    assert result['_status'] == 'FAILED!'
    assert 'force: true' in result['msg']
    with open(path) as handle:
        assert handle.read() == 'not a key\n'
