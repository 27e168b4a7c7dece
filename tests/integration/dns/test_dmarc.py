# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""DMARC records served by the loopback server."""

from __future__ import annotations

from ansible_collections.selfmail.smtp.plugins.module_utils.dmarc import check_dmarc


def test_good_record(client, report):
    details = check_dmarc(client, report, 'good.test')
    assert report.passed and not report.warnings, (report.errors, report.warnings)
    assert details['policy']['p'] == 'reject'
    assert details['policy']['adkim'] == 's'
    assert details['policy']['rua'] == ['dmarc@good.test']
    assert details['tags']['fo'] == '1'


def test_p_none_is_a_warning_with_instruction(client, report):
    details = check_dmarc(client, report, 'none.dmarc.test')
    assert report.passed
    assert any('p=none' in w for w in report.warnings)
    assert any('p=quarantine' in i for i in report.instructions)
    assert details['policy']['sp'] == 'none'


def test_external_rua_authorised(client, report):
    details = check_dmarc(client, report, 'ext.dmarc.test')
    assert report.passed, report.errors
    assert details['report_authorizations'] == {'reports.test': True}
    assert details['policy']['ruf'] == ['forensic@reports.test']


def test_external_rua_not_authorised(client, report):
    details = check_dmarc(client, report, 'extbad.dmarc.test')
    assert details['report_authorizations'] == {'reports.test': False}
    assert any('has not authorised' in e for e in report.errors)
    assert 'Ask the operator of reports.test to publish: extbad.dmarc.test._report._dmarc.reports.test. 3600 IN TXT "v=DMARC1"' \
        in report.instructions


def test_parent_domain_rua_needs_no_authorisation(client, report):
    details = check_dmarc(client, report, 'sub.org.dmarc.test')
    assert report.passed, report.errors
    assert details['report_authorizations'] == {}


def test_invalid_tags_each_reported(client, report):
    check_dmarc(client, report, 'bad.dmarc.test')
    text = ' '.join(report.errors)
    for fragment in ('p=block', 'pct=150', 'adkim=x', 'fo=2', 'only mailto:'):
        assert fragment in text
    assert not any('p=none' in w for w in report.warnings)


def test_two_records(client, report):
    details = check_dmarc(client, report, 'two.dmarc.test')
    assert any('2 DMARC records' in e for e in report.errors)
    assert details['policy'] is None


def test_v_not_first_is_no_record(client, report):
    check_dmarc(client, report, 'order.dmarc.test')
    assert any('does not start with "v=DMARC1"' in e for e in report.errors)


def test_missing_record_gets_instruction(client, report):
    check_dmarc(client, report, 'missing.dmarc.test')
    assert not report.passed
    assert ('Publish one TXT record: _dmarc.missing.dmarc.test. 3600 IN TXT '
            '"v=DMARC1; p=quarantine; rua=mailto:postmaster@missing.dmarc.test"') in report.instructions


def test_pct_unknown_tag_and_no_rua_warned(client, report):
    details = check_dmarc(client, report, 'pct.dmarc.test')
    assert report.passed
    warnings = ' '.join(report.warnings)
    assert 'pct=50' in warnings and "unknown tag 'foo'" in warnings and 'no rua' in warnings
    assert details['policy']['pct'] == 50


def test_module_good(run_module, dns_args):
    result = run_module('dmarc_check', dict(domain='good.test', **dns_args))
    assert result['_status'] == 'SUCCESS', result['_stdout']
    assert result['ok'] is True and result['changed'] is False
    assert result['record'].startswith('v=DMARC1; p=reject')
    assert result['policy']['p'] == 'reject'
    assert result['tags']['rua'] == 'mailto:dmarc@good.test'


def test_module_external_destination_fails(run_module, dns_args):
    result = run_module('dmarc_check', dict(domain='extbad.dmarc.test', **dns_args))
    assert result['_status'] == 'FAILED!'
    assert result['report_authorizations'] == {'reports.test': False}


def test_module_p_none_fails_only_with_fail_on_warning(run_module, dns_args):
    relaxed = run_module('dmarc_check', dict(domain='none.dmarc.test', **dns_args))
    strict = run_module('dmarc_check', dict(domain='none.dmarc.test', fail_on='warning', **dns_args))
    assert relaxed['_status'] == 'SUCCESS' and relaxed['ok'] is True
    assert any('p=none' in w for w in relaxed['check_warnings'])
    assert strict['_status'] == 'FAILED!'
