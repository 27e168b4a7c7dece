# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.selfmail.smtp.plugins.module_utils.mail_records import (
    OWN_SPF,
    build_records,
    merge_rrset,
    rdata_content,
    zone_of,
)
from ansible_collections.selfmail.smtp.plugins.module_utils.spf import parse_spf
from ansible_collections.selfmail.smtp.plugins.module_utils.validation import OptionError

MX1 = {'name': 'mx1.example.org', 'ipv4': ['192.0.2.21'], 'ipv6': ['2001:db8::21']}
MX2 = {'name': 'mx2.example.org', 'ipv4': ['192.0.2.22'], 'ipv6': ['2001:db8::22']}
KEY = {'domain': 'example.org', 'selector': 'mail', 'value': 'v=DKIM1; k=rsa; p=' + 'A' * 392}


def by(records, rtype, name):
    found = [r for r in records['records'] if r['type'] == rtype and r['name'] == name]
    assert len(found) == 1, found
    return found[0]


def test_one_host_gets_every_record_of_the_how_to():
    plan = build_records(['example.org'], [MX1], {'dmarc_rua': ['dmarc@example.org']}, [KEY])
    assert by(plan, 'A', 'mx1.example.org')['values'] == ['192.0.2.21']
    assert by(plan, 'AAAA', 'mx1.example.org')['values'] == ['2001:db8::21']
    assert by(plan, 'MX', 'example.org')['values'] == ['10 mx1.example.org.']
    spf = by(plan, 'TXT', 'example.org')
    assert spf['text'] == 'v=spf1 a mx include:_spf.example.org ~all'
    assert spf['owns'] == OWN_SPF
    assert by(plan, 'TXT', '_spf.example.org')['text'] == 'v=spf1 ip4:192.0.2.21 ip6:2001:db8::21 -all'
    assert by(plan, 'TXT', '_dmarc.example.org')['text'] == 'v=DMARC1; p=quarantine; rua=mailto:dmarc@example.org'
    dkim = by(plan, 'TXT', 'mail._domainkey.example.org')
    # split into strings of at most 255 bytes, which join back to the key
    assert dkim['values'][0].count('" "') == 1
    assert all(r['zone'] == 'example.org' for r in plan['records'])
    assert plan['unmanaged'] == [] and plan['warnings'] == []


def test_two_hosts_share_mx_and_spf_of_one_domain():
    plan = build_records(['example.org'], [MX1, MX2], {}, [KEY, dict(KEY)])
    assert by(plan, 'MX', 'example.org')['values'] == ['10 mx1.example.org.', '10 mx2.example.org.']
    hosts = by(plan, 'TXT', '_spf.example.org')['text']
    for address in ('ip4:192.0.2.21', 'ip6:2001:db8::21', 'ip4:192.0.2.22', 'ip6:2001:db8::22'):
        assert address in hosts
    parse_spf(hosts)
    # the same key handed in by both hosts is published once
    assert len([r for r in plan['records'] if '_domainkey' in r['name']]) == 1


def test_hosts_holding_different_keys_for_one_selector_are_refused():
    other = dict(KEY, value='v=DKIM1; k=rsa; p=BBBB')
    with pytest.raises(OptionError, match='different keys'):
        build_records(['example.org'], [MX1, MX2], {}, [KEY, other])


def test_host_outside_the_zones_is_unmanaged():
    host = {'name': 'mail.provider.net', 'ipv4': ['192.0.2.30']}
    plan = build_records(['example.org'], [host], {})
    assert plan['unmanaged'][0]['name'] == 'mail.provider.net'
    assert plan['unmanaged'][0]['row']['instruction'] == 'Publish mail.provider.net. IN A 192.0.2.30 in the zone that holds it.'
    assert by(plan, 'MX', 'example.org')['values'] == ['10 mail.provider.net.']
    assert 'no DKIM key' in plan['warnings'][0]


def test_host_sends_only_for_its_domains():
    one = dict(MX1, domains=['example.org'])
    two = dict(MX2, domains=['example.net'])
    plan = build_records(['example.org', 'example.net'], [one, two], {})
    assert by(plan, 'MX', 'example.net')['values'] == ['10 mx2.example.org.']
    assert '192.0.2.21' not in by(plan, 'TXT', '_spf.example.net')['text']


def test_policy_values_shape_the_records():
    policy = {'spf_all': '-all', 'spf_includes': ['_spf.google.com'], 'dmarc_policy': 'reject',
              'dmarc_subdomain_policy': 'quarantine', 'dmarc_ruf': ['mailto:f@example.org'], 'dmarc_fo': '1:d',
              'dmarc_pct': 50, 'dmarc_adkim': 's', 'tls_rpt_rua': ['tls@example.org'], 'mta_sts_id': '20261123',
              'ttl': 300, 'mx': False}
    plan = build_records(['example.org'], [MX1], policy)
    assert by(plan, 'TXT', 'example.org')['text'] == 'v=spf1 a mx include:_spf.example.org include:_spf.google.com -all'
    assert by(plan, 'TXT', '_dmarc.example.org')['text'] == (
        'v=DMARC1; p=reject; sp=quarantine; adkim=s; pct=50; ruf=mailto:f@example.org; fo=1:d')
    assert by(plan, 'TXT', '_smtp._tls.example.org')['text'] == 'v=TLSRPTv1; rua=mailto:tls@example.org'
    assert by(plan, 'TXT', '_mta-sts.example.org')['text'] == 'v=STSv1; id=20261123'
    assert not [r for r in plan['records'] if r['type'] == 'MX']
    assert {r['ttl'] for r in plan['records']} == {300}


@pytest.mark.parametrize('policy, message', [
    ({'dmarc_policy': 'maybe'}, 'dmarc_policy'),
    ({'dmarc_subdomain_policy': 'sometimes'}, 'dmarc_subdomain_policy'),
    ({'spf_all': '+all'}, 'spf_all'),
    ({'spf_includes': ['not a domain']}, 'spf_includes'),
    ({'dmarc_rua': ['https://example.org/report']}, 'dmarc_rua'),
    ({'dmarc_rua': ['nobody']}, 'dmarc_rua'),
    ({'dmarc_fo': 'x'}, 'dmarc_fo'),
    ({'dmarc_pct': 101}, 'dmarc_pct'),
    ({'dmarc_adkim': 'x'}, 'dmarc_adkim'),
    ({'ttl': 5}, 'ttl'),
    ({'ttl': 'soon'}, 'ttl'),
    ({'mx_priority': 70000}, 'mx_priority'),
    ({'colour': 'blue'}, 'colour'),
])
def test_bad_policy_names_the_setting(policy, message):
    with pytest.raises(OptionError, match=message):
        build_records(['example.org'], [MX1], policy)


@pytest.mark.parametrize('domains, hosts, message', [
    ([], [MX1], 'at least one sending domain'),
    (['example.org'], [], 'at least one mail host'),
    (['not_a.domain!'], [MX1], 'domains'),
    (['example.org'], [{'name': 'mx1.example.org', 'ipv4': ['2001:db8::g']}], 'ipv4: .*not an IP address'),
    (['example.org'], [{'name': 'mx1.example.org', 'ipv4': ['2001:db8::1']}], 'not an IPv4'),
    (['example.org'], [{'name': 'mx1.example.org', 'ipv6': ['::1']}], 'cannot send mail'),
    (['example.org'], [{'name': 'mx1.example.org'}], 'no IPv4 and no IPv6'),
    (['example.org'], [{'name': 'mx1'}], 'fully qualified'),
    (['example.org'], [dict(MX1, domains=['example.net'])], 'no mail host sends for example.org'),
])
def test_bad_hosts_and_domains_are_refused(domains, hosts, message):
    with pytest.raises(OptionError, match=message):
        build_records(domains, hosts, {})


def test_zone_is_the_longest_that_holds_the_name():
    assert zone_of('mx1.mail.example.org', ['example.org', 'mail.example.org']) == 'mail.example.org'
    assert zone_of('example.org', ['example.org']) == 'example.org'
    assert zone_of('notexample.org', ['example.org']) is None
    plan = build_records(['mail.example.org'], [MX1], {}, zones=['example.org'])
    assert {r['zone'] for r in plan['records']} == {'example.org'}
    with pytest.raises(OptionError, match='no zone holds'):
        build_records(['example.org'], [MX1], {}, zones=['example.net'])


def test_merge_keeps_other_txt_at_the_apex_and_replaces_the_old_spf():
    spf = by(build_records(['example.org'], [MX1], {}), 'TXT', 'example.org')
    served = ['"google-site-verification=abc"', '"v=spf1 ip4:192.0.2.1 -all"']
    merged = merge_rrset(served, spf)
    assert merged['values'] == ['"google-site-verification=abc"', '"v=spf1 a mx include:_spf.example.org ~all"']
    assert merged['add'] == spf['values']
    assert merged['remove'] == ['"v=spf1 ip4:192.0.2.1 -all"']
    assert merged['remove_content'] == [{'value': 'v=spf1 ip4:192.0.2.1 -all'}]
    # published already: nothing to add or remove
    again = merge_rrset(merged['values'], spf)
    assert again['add'] == [] and again['remove'] == []


def test_merge_of_an_owned_rrset_drops_stale_values():
    mx = by(build_records(['example.org'], [MX1], {}), 'MX', 'example.org')
    merged = merge_rrset(['10 MX1.example.org.', '10 old.example.org.'], mx)
    assert merged['values'] == ['10 mx1.example.org.']
    assert merged['add'] == []
    assert merged['remove'] == ['10 old.example.org.']
    assert merged['remove_content'] == [{'value': 'old.example.org', 'priority': 10}]


def test_txt_comparison_is_case_sensitive():
    dkim = by(build_records(['example.org'], [MX1], {}, [KEY]), 'TXT', 'mail._domainkey.example.org')
    merged = merge_rrset([dkim['values'][0].lower()], dkim)
    assert merged['add'] == dkim['values']


def test_rdata_content_unquotes_txt_strings():
    assert rdata_content('"v=DKIM1; p=ab" "cd"', 'TXT') == {'value': 'v=DKIM1; p=abcd'}
    assert rdata_content('"say \\"hi\\"\\059"', 'TXT') == {'value': 'say "hi";'}
    assert rdata_content('20 mx.example.org.', 'MX') == {'value': 'mx.example.org', 'priority': 20}
    assert rdata_content('192.0.2.1', 'A') == {'value': '192.0.2.1'}


def test_merge_takes_txt_as_the_dig_lookup_returns_it():
    plan = build_records(['example.org'], [MX1], {}, [KEY])
    spf = by(plan, 'TXT', 'example.org')
    merged = merge_rrset(['google-site-verification=abc', 'v=spf1 a mx include:_spf.example.org ~all', ''], spf)
    assert merged['values'] == ['"google-site-verification=abc"', '"v=spf1 a mx include:_spf.example.org ~all"']
    assert merged['add'] == [] and merged['remove'] == []
    dkim = by(plan, 'TXT', 'mail._domainkey.example.org')
    served = dkim['values'][0][1:-1]  # 'p1" "p2'
    assert merge_rrset([served], dkim)['add'] == []
