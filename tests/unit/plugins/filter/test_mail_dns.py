# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.selfmail.smtp.plugins.filter.mail_dns import (
    FilterModule,
    check_rows,
    check_table,
    mail_records,
    rrset_merge,
)

HOST = {'name': 'mx1.example.org', 'ipv4': ['192.0.2.21'], 'ipv6': ['2001:db8::21']}


def test_registered():
    assert set(FilterModule().filters()) == {'mail_records', 'rrset_merge', 'check_rows', 'check_table'}


def test_bad_input_becomes_a_filter_error_naming_the_setting():
    with pytest.raises(AnsibleFilterError, match='mail_records: dmarc_policy'):
        mail_records(['example.org'], [HOST], {'dmarc_policy': 'maybe'})
    with pytest.raises(AnsibleFilterError, match='mail_records: mail_dns_dmarc_policy: '):
        mail_records(['example.org'], [HOST], {'dmarc_policy': 'maybe'}, variable_prefix='mail_dns_')
    bad_host = dict(HOST, ipv6=['2001:db8::g'])
    with pytest.raises(AnsibleFilterError, match=r"mail_records: mail_dns_ipv6: '2001:db8::g' \(an address of mx1"):
        mail_records(['example.org'], [bad_host], variable_prefix='mail_dns_')
    with pytest.raises(AnsibleFilterError, match='rrset_merge'):
        rrset_merge([], {'name': 'example.org'})
    with pytest.raises(AnsibleFilterError, match='check_rows'):
        check_rows('not a result', 'SPF')
    with pytest.raises(AnsibleFilterError, match='check_table'):
        check_table('not rows')


def test_plan_merge_and_report_work_together():
    plan = mail_records(['example.org'], [HOST])
    spf = [r for r in plan['records'] if r['owns'] == 'v=spf1'][0]
    assert rrset_merge(['"other=1"'], spf)['values'] == ['"other=1"', spf['values'][0]]
    rows = check_rows({'findings': [{'level': 'error', 'subject': 's', 'message': 'm', 'instruction': 'do'}]}, 'SPF')
    assert check_table(rows).splitlines()[-1] == '1 error(s), 0 warning(s), 0 ok'
