# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reverse DNS, v4 and v6, served from the loopback server's reverse zones."""

from __future__ import annotations

import ipaddress

from ansible_collections.selfmail.smtp.plugins.module_utils.ptr import check_ptr

IP = ipaddress.ip_address


def test_correct_ptr_v4_and_v6(client, report):
    details = check_ptr(client, report, [IP('192.0.2.10'), IP('2001:db8::10')], 'mail.good.test')
    assert report.passed, report.errors
    for address in ('192.0.2.10', '2001:db8::10'):
        assert details[address]['ptr'] == ['mail.good.test']
        assert details[address]['forward_confirmed'] is True
        assert details[address]['matches_hostname'] is True
    assert details['2001:db8::10']['reverse_name'].endswith('.8.b.d.0.1.0.0.2.ip6.arpa')


def test_missing_ptr_says_hosting_provider(client, report):
    details = check_ptr(client, report, [IP('192.0.2.11'), IP('2001:db8::11')], 'mail.good.test')
    assert details['192.0.2.11']['ptr'] == [] and details['2001:db8::11']['ptr'] == []
    assert len(report.errors) == 2
    assert all('hosting provider' in i for i in report.instructions)
    assert any('Set the reverse DNS (PTR) of 2001:db8::11 to mail.good.test' in i for i in report.instructions)


def test_not_forward_confirmed(client, report):
    details = check_ptr(client, report, [IP('192.0.2.12'), IP('2001:db8::12')], 'mail.good.test')
    assert details['192.0.2.12']['forward_confirmed'] is False
    assert details['192.0.2.12']['forward_addresses'] == ['192.0.2.99']
    assert details['2001:db8::12']['forward_confirmed'] is False
    assert details['2001:db8::12']['forward_addresses'] == ['2001:db8::99']
    assert sum('not forward-confirmed' in e for e in report.errors) == 2


def test_two_names_warned(client, report):
    details = check_ptr(client, report, [IP('192.0.2.13')], 'mail.good.test')
    assert sorted(details['192.0.2.13']['ptr']) == ['mail.good.test', 'other.good.test']
    assert any('2 PTR names' in w for w in report.warnings)


def test_confirmed_but_not_the_ehlo_name(client, report):
    details = check_ptr(client, report, [IP('192.0.2.14')], 'mail.good.test')
    assert details['192.0.2.14']['forward_confirmed'] is True
    assert details['192.0.2.14']['matches_hostname'] is False
    assert any('differs from the EHLO name' in e for e in report.errors)


def test_partial_results(client, report):
    """A broken address does not hide the result of a good one."""
    details = check_ptr(client, report, [IP('192.0.2.10'), IP('192.0.2.11')], 'mail.good.test')
    assert details['192.0.2.10']['forward_confirmed'] is True
    assert details['192.0.2.11']['ptr'] == []


def test_module_good(run_module, dns_args):
    result = run_module('ptr_check', dict(ips=['192.0.2.10', '2001:db8::10'], hostname='mail.good.test', **dns_args))
    assert result['_status'] == 'SUCCESS', result['_stdout']
    assert result['ok'] is True and result['changed'] is False
    assert result['addresses']['2001:db8::10']['forward_confirmed'] is True


def test_module_broken(run_module, dns_args):
    result = run_module('ptr_check', dict(ips=['192.0.2.12', '2001:db8::11', '192.0.2.10'], hostname='mail.good.test',
                                          fail_on='never', **dns_args))
    assert result['_status'] == 'SUCCESS'
    assert result['ok'] is False
    assert result['addresses']['192.0.2.10']['matches_hostname'] is True
    assert result['addresses']['192.0.2.12']['forward_confirmed'] is False
    assert any('hosting provider' in i for i in result['instructions'])
