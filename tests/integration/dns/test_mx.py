# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""MX records served by the loopback server."""

from __future__ import annotations

from ansible_collections.selfmail.smtp.plugins.module_utils.mx import check_mx


def test_good(client, report):
    details = check_mx(client, report, 'good.test', ['mail.good.test'])
    assert report.passed, report.errors
    assert details['mx'] == [{'preference': 10, 'host': 'mail.good.test',
                              'addresses': ['192.0.2.10', '2001:db8::10'], 'cname': None}]


def test_cname_target(client, report):
    details = check_mx(client, report, 'cname.mx.test', [])
    assert details['mx'][0]['cname'] == 'mail.good.test'
    assert any('alias (CNAME' in e for e in report.errors)
    assert 'Point the MX at the canonical name: cname.mx.test. 3600 IN MX 10 mail.good.test.' in report.instructions


def test_null_mx(client, report):
    details = check_mx(client, report, 'null.mx.test', [])
    assert details['null_mx'] is True
    assert report.passed and any('null MX' in w for w in report.warnings)
    check_mx(client, report, 'null.mx.test', ['mail.good.test'])
    assert not report.passed


def test_target_without_address(client, report):
    check_mx(client, report, 'noaddr.mx.test', [])
    assert any('ghost.mx.test has no A or AAAA' in e for e in report.errors)


def test_no_mx_and_no_domain(client, report):
    check_mx(client, report, 'nomx.mx.test', [])
    check_mx(client, report, 'nonexistent.mx.test', [])
    assert any('nomx.mx.test: no MX record' in e for e in report.errors)
    assert any('NXDOMAIN' in e for e in report.errors)


def test_expected_host_missing(client, report):
    check_mx(client, report, 'multi.mx.test', ['mail.good.test', 'mx2.good.test'])
    assert report.errors == ['MX multi.mx.test: the MX records (mail.good.test, backup.mx.test) do not include mx2.good.test']


def test_module(run_module, dns_args):
    good = run_module('mx_check', dict(domain='good.test', expected_hosts=['mail.good.test'], **dns_args))
    assert good['_status'] == 'SUCCESS' and good['ok'] is True
    assert good['mx'][0]['host'] == 'mail.good.test'
    bad = run_module('mx_check', dict(domain='cname.mx.test', expected_hosts=['mail.good.test'], **dns_args))
    assert bad['_status'] == 'FAILED!'
    assert bad['mx'][0]['cname'] == 'mail.good.test'
