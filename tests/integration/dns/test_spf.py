# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SPF evaluation against crafted zones on the loopback server."""

from __future__ import annotations

import ipaddress

import pytest

from ansible_collections.selfmail.smtp.plugins.module_utils import spf

IP = ipaddress.ip_address


@pytest.mark.parametrize('domain, address, sender, expected', [
    ('good.test', '192.0.2.10', None, 'pass'),
    ('good.test', '2001:db8::10', None, 'pass'),
    ('good.test', '198.51.100.5', None, 'pass'),          # through include:_spf.good.test
    ('good.test', '198.51.100.16', None, 'fail'),         # just outside the /28
    ('good.test', '192.0.2.99', None, 'fail'),
    ('good.test', '::ffff:192.0.2.10', None, 'pass'),     # IPv4-mapped is the IPv4 sender
    ('chain.spf.test', '192.0.2.20', None, 'pass'),
    ('chain.spf.test', '2001:db8:20:ffff::1', None, 'pass'),
    ('chain.spf.test', '2001:db8:21::1', None, 'fail'),
    ('loop.spf.test', '192.0.2.1', None, 'permerror'),
    ('ten.spf.test', '192.0.2.21', None, 'pass'),
    ('eleven.spf.test', '192.0.2.22', None, 'permerror'),
    ('void2.spf.test', '192.0.2.30', None, 'pass'),
    ('void3.spf.test', '192.0.2.30', None, 'permerror'),
    ('macro.spf.test', '192.0.2.40', None, 'pass'),
    ('macro.spf.test', '2001:db8::40', None, 'pass'),
    ('macro.spf.test', '192.0.2.41', None, 'fail'),
    ('macrol.spf.test', '192.0.2.1', 'alice-admin@macrol.spf.test', 'pass'),
    ('macrol.spf.test', '192.0.2.1', 'admin-alice@macrol.spf.test', 'fail'),
    ('multi.spf.test', '192.0.2.10', None, 'permerror'),
    ('ip6.spf.test', '2001:db8:1:abcd::5', None, 'pass'),
    ('ip6.spf.test', '2001:db8:2::5', None, 'fail'),
    ('ip6.spf.test', '198.51.100.77', None, 'pass'),
    ('redirect.spf.test', '198.51.100.5', None, 'pass'),
    ('redirect.spf.test', '192.0.2.99', None, 'fail'),
    ('redirect-none.spf.test', '198.51.100.5', None, 'permerror'),
    ('ptrall.spf.test', '192.0.2.99', None, 'pass'),
    ('ptrmech.spf.test', '192.0.2.10', None, 'pass'),         # PTR mail.good.test, forward-confirmed
    ('ptrmech.spf.test', '192.0.2.12', None, 'fail'),         # PTR not forward-confirmed
    ('soft.spf.test', '192.0.2.99', None, 'softfail'),
    ('neutral.spf.test', '192.0.2.99', None, 'neutral'),
    ('nospf.spf.test', '192.0.2.99', None, 'none'),
    ('nonexistent.spf.test', '192.0.2.99', None, 'none'),
    ('mx.spf.test', '192.0.2.50', None, 'pass'),
    ('mx.spf.test', '2001:db8::50', None, 'pass'),
    ('mx.spf.test', '192.0.2.51', None, 'fail'),
    ('a.spf.test', '192.0.2.77', None, 'pass'),               # a/24
    ('a.spf.test', '192.0.3.1', None, 'fail'),
    ('syntax.spf.test', '192.0.2.1', None, 'permerror'),
    ('unknownmech.spf.test', '192.0.2.1', None, 'permerror'),
    ('temp.spf.test', '192.0.2.1', None, 'temperror'),
    ('long.spf.test', '192.0.2.3', None, 'pass'),             # record in two strings
])
def test_check_host_verdicts(client, domain, address, sender, expected):
    result, evaluation = spf.check_host(client, IP(address) if '::ffff:' not in address else IP(address).ipv4_mapped,
                                        domain, sender=sender)
    assert result == expected, evaluation.reason


def test_lookup_limit_is_counted_across_the_include_chain(client):
    result, evaluation = spf.check_host(client, IP('192.0.2.21'), 'ten.spf.test')
    assert (result, evaluation.lookups) == ('pass', 10)
    result, evaluation = spf.check_host(client, IP('192.0.2.22'), 'eleven.spf.test')
    assert result == 'permerror'
    assert evaluation.lookups == 11
    assert 'more than 10' in evaluation.reason


def test_void_lookups_counted(client):
    result, evaluation = spf.check_host(client, IP('192.0.2.30'), 'void2.spf.test')
    assert evaluation.void_lookups == 2 and result == 'pass'
    result, evaluation = spf.check_host(client, IP('192.0.2.30'), 'void3.spf.test')
    assert evaluation.void_lookups == 3 and 'void' in evaluation.reason


def test_loop_is_reported_as_a_loop(client):
    result, evaluation = spf.check_host(client, IP('192.0.2.1'), 'loop.spf.test')
    assert result == 'permerror'
    assert 'loop' in evaluation.reason and 'loop2.spf.test' in evaluation.reason


def test_matched_mechanism_inside_include(client):
    result, evaluation = spf.check_host(client, IP('192.0.2.20'), 'chain.spf.test')
    assert result == 'pass'
    assert evaluation.matched == 'ip4:192.0.2.20'
    assert evaluation.matched_domain == 'l2.chain.spf.test'


def test_analysis_tree_and_counts(client, report):
    details = spf.check_spf(client, report, 'chain.spf.test', [IP('192.0.2.20')])
    tree = details['includes']
    assert tree['domain'] == 'chain.spf.test'
    assert tree['includes'][0]['domain'] == 'l1.chain.spf.test'
    assert tree['includes'][0]['includes'][0]['domain'] == 'l2.chain.spf.test'
    assert tree['includes'][0]['includes'][0]['record'].startswith('v=spf1 ip4:192.0.2.20')
    assert details['lookups'] == 2
    assert details['void_lookups'] == 0
    assert report.passed, report.errors


def test_eleven_lookups_reported_with_instruction(client, report):
    details = spf.check_spf(client, report, 'eleven.spf.test', [IP('192.0.2.22')])
    assert details['lookups'] == 11
    assert details['verdicts'] == {'192.0.2.22': 'permerror'}
    assert any('11 DNS-querying terms' in e for e in report.errors)
    assert any('ip4:/ip6:' in i for i in report.instructions)


def test_void_limit_reported(client, report):
    details = spf.check_spf(client, report, 'void3.spf.test', [])
    assert details['void_lookups'] == 3
    assert any('names without records' in e for e in report.errors)


def test_ptr_and_plus_all_flagged(client, report):
    spf.check_spf(client, report, 'ptrall.spf.test', [])
    assert any('"+all"' in e for e in report.errors)
    assert any('"ptr"' in w for w in report.warnings)


def test_question_all_warned(client, report):
    spf.check_spf(client, report, 'neutral.spf.test', [])
    assert any('"?all"' in w for w in report.warnings)


def test_missing_address_gets_a_paste_ready_record(client, report):
    details = spf.check_spf(client, report, 'good.test', [IP('192.0.2.10'), IP('192.0.2.99')])
    assert details['verdicts'] == {'192.0.2.10': 'pass', '192.0.2.99': 'fail'}
    assert ('Replace the SPF record of good.test with: good.test. 3600 IN TXT '
            '"v=spf1 ip4:192.0.2.10 ip6:2001:db8::10 include:_spf.good.test ip4:192.0.2.99 -all"') in report.instructions


def test_no_record_instruction_lists_the_addresses(client, report):
    spf.check_spf(client, report, 'nospf.spf.test', [IP('192.0.2.10'), IP('2001:db8::10')])
    assert 'Publish one TXT record at nospf.spf.test: nospf.spf.test. 3600 IN TXT "v=spf1 ip4:192.0.2.10 ip6:2001:db8::10 -all"' \
        in report.instructions


def test_temperror_is_partial_not_fatal(client, report):
    details = spf.check_spf(client, report, 'temp.spf.test', [IP('192.0.2.1'), IP('2001:db8::1')])
    assert details['record'] == 'v=spf1 include:spf.unserved.invalid -all'
    assert details['verdicts'] == {'192.0.2.1': 'temperror', '2001:db8::1': 'temperror'}
    assert details['includes']['includes'][0]['error'].startswith('TXT lookup failed')


def test_helo_identity(client, report):
    details = spf.check_spf(client, report, 'good.test', [IP('192.0.2.10'), IP('2001:db8::10')], helo='mail.good.test')
    assert details['helo_results'] == {'192.0.2.10': 'pass', '2001:db8::10': 'pass'}
    assert report.passed, report.errors


# --- through Ansible ---------------------------------------------------------

def test_module_good_domain(run_module, dns_args):
    result = run_module('spf_check', dict(domain='good.test', ips=['192.0.2.10', '2001:db8::10', '198.51.100.5'],
                                          **dns_args))
    assert result['_status'] == 'SUCCESS', result['_stdout']
    assert result['ok'] is True and result['changed'] is False
    assert result['verdicts'] == {'192.0.2.10': 'pass', '2001:db8::10': 'pass', '198.51.100.5': 'pass'}
    assert result['record'] == 'v=spf1 ip4:192.0.2.10 ip6:2001:db8::10 include:_spf.good.test -all'
    assert result['lookups'] == 1
    assert result['includes']['includes'][0]['domain'] == '_spf.good.test'


def test_module_helo_without_spf_is_a_warning(run_module, dns_args):
    result = run_module('spf_check', dict(domain='good.test', ips=['192.0.2.10'], helo='ns.good.test', **dns_args))
    assert result['_status'] == 'SUCCESS', result['_stdout']
    assert result['helo_results'] == {'192.0.2.10': 'none'}
    assert any('HELO name' in w for w in result['check_warnings'])
    assert 'Publish one TXT record at ns.good.test: ns.good.test. 3600 IN TXT "v=spf1 a -all"' in result['instructions']


def test_module_fails_on_eleven_lookups(run_module, dns_args):
    result = run_module('spf_check', dict(domain='eleven.spf.test', ips=['192.0.2.22'], **dns_args))
    assert result['_status'] == 'FAILED!'
    assert result['ok'] is False
    assert result['lookups'] == 11
    assert result['verdicts'] == {'192.0.2.22': 'permerror'}
    assert 'limit 10' in result['msg']


def test_module_fail_on_never_reports_without_failing(run_module, dns_args):
    result = run_module('spf_check', dict(domain='multi.spf.test', ips=['192.0.2.10'], fail_on='never', **dns_args))
    assert result['_status'] == 'SUCCESS'
    assert result['ok'] is False
    assert result['record'] is None
    assert any('2 SPF records' in e for e in result['errors'])


def test_module_fail_on_warning(run_module, dns_args):
    result = run_module('spf_check', dict(domain='ptrmech.spf.test', ips=['192.0.2.10'], fail_on='warning', **dns_args))
    assert result['_status'] == 'FAILED!'
    assert result['ok'] is True            # no error, only the ptr warning
    assert result['verdicts'] == {'192.0.2.10': 'pass'}


def test_module_macros_ipv6_in_check_mode(run_module, dns_args):
    result = run_module('spf_check', dict(domain='macro.spf.test', ips=['2001:db8::40', '192.0.2.41'],
                                          fail_on='never', **dns_args), check=True)
    assert result['verdicts'] == {'2001:db8::40': 'pass', '192.0.2.41': 'fail'}
    assert result['changed'] is False
    assert result['details']['2001:db8::40']['mechanism'] == 'exists:%{ir}.%{v}._spf.%{d}'
