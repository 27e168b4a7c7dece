# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import ipaddress

import pytest

from ansible_collections.selfmail.smtp.plugins.module_utils.validation import (
    OptionError,
    is_valid_dns_name,
    validate_domain,
    validate_email_address,
    validate_ip,
    validate_ips,
    validate_nameservers,
    validate_selector,
)


@pytest.mark.parametrize('value, expected', [
    ('Example.ORG', 'example.org'),
    ('mail.example.org.', 'mail.example.org'),
    ('xn--bcher-kva.example', 'xn--bcher-kva.example'),
    ('b\u00fccher.example', 'xn--bcher-kva.example'),
    ('a-b.c-d.test', 'a-b.c-d.test'),
])
def test_valid_domains(value, expected):
    assert validate_domain(value) == expected


@pytest.mark.parametrize('value, fragment', [
    ('', 'empty'),
    ('localhost', 'fully qualified'),
    ('a..b.test', 'empty label'),
    ('-a.test', 'hyphen'),
    ('a-.test', 'hyphen'),
    ('a_b.test', 'letters, digits and hyphens'),
    ('a b.test', 'letters, digits and hyphens'),
    ('%s.test' % ('a' * 64), 'longer than 63'),
    ('.'.join(['abcdefghi'] * 26), 'longer than 253'),
    ('192.0.2.1', 'IP address'),
])
def test_invalid_domains_name_the_option(value, fragment):
    with pytest.raises(OptionError) as caught:
        validate_domain(value, 'hostname')
    assert str(caught.value).startswith('hostname: ')
    assert fragment in str(caught.value)


def test_underscore_allowed_for_dns_names_when_asked():
    assert validate_domain('_dmarc.example.org', allow_underscore=True) == '_dmarc.example.org'


def test_ips():
    assert validate_ip('192.0.2.1') == ipaddress.ip_address('192.0.2.1')
    assert validate_ip('2001:DB8::1') == ipaddress.ip_address('2001:db8::1')
    assert validate_ip('::ffff:192.0.2.1') == ipaddress.ip_address('192.0.2.1')
    assert validate_ips(['192.0.2.1', '192.0.2.1', '2001:db8::1']) == [
        ipaddress.ip_address('192.0.2.1'), ipaddress.ip_address('2001:db8::1')]
    for bad in ('192.0.2.256', '192.0.2', '01.2.3.4', '2001:db8::g', 'mail.example.org'):
        with pytest.raises(OptionError, match='^ips: '):
            validate_ip(bad)


def test_nameservers_must_be_addresses():
    assert validate_nameservers(['127.0.0.1', '::1']) == ['127.0.0.1', '::1']
    with pytest.raises(OptionError, match='^nameservers: '):
        validate_nameservers(['ns1.example.org'])


@pytest.mark.parametrize('value', ['mail2024', 's1.rotation', 'a', 'A-1'])
def test_valid_selectors(value):
    assert validate_selector(value) == value.lower()


@pytest.mark.parametrize('value', ['', 'sel_1', 'sel.', '.sel', '-sel', 'sel-', 'sel 1', 'sel/1', 'x' * 64])
def test_invalid_selectors(value):
    with pytest.raises(OptionError, match='^selector: '):
        validate_selector(value)


def test_dns_name_lengths():
    assert is_valid_dns_name('a.b')
    assert not is_valid_dns_name('')
    assert not is_valid_dns_name('a..b')
    assert not is_valid_dns_name('x' * 64 + '.test')


def test_email_address():
    assert validate_email_address('a-b@Example.org') == ('a-b', 'example.org')
    assert validate_email_address('nobody') is None
    assert validate_email_address('@example.org') is None
