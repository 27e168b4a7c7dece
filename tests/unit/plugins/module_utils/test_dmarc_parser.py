# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.selfmail.smtp.plugins.module_utils.dmarc import (
    effective_policy,
    is_dmarc_record,
    parse_dmarc,
    parse_report_uris,
    same_organisation,
)


@pytest.mark.parametrize('text, expected', [
    ('v=DMARC1; p=none', True),
    ('v=DMARC1;p=none', True),
    ('v = DMARC1 ; p=none', True),
    ('v=DMARC1', True),
    ('p=none; v=DMARC1', False),
    ('v=dmarc1; p=none', False),
    ('v=DMARC10; p=none', False),
])
def test_is_dmarc_record(text, expected):
    assert is_dmarc_record(text) is expected


def test_parse_all_tags():
    record = parse_dmarc('v=DMARC1; p=quarantine; sp=reject; adkim=s; aspf=r; pct=20; fo=0:1:d:s; '
                         'rua=mailto:a@example.org,mailto:b@example.net!10m; ruf=mailto:f@example.org; ri=3600; rf=afrf;')
    assert record.errors == [] and record.warnings == []
    assert record.tags['p'] == 'quarantine'
    assert [u['address'] for u in record.report_uris['rua']] == ['a@example.org', 'b@example.net']
    assert record.report_uris['rua'][1]['max_size'] == '10m'
    policy = effective_policy(record.tags)
    assert policy == {'p': 'quarantine', 'sp': 'reject', 'pct': 20, 'adkim': 's', 'aspf': 'r', 'fo': '0:1:d:s',
                      'ri': 3600, 'rua': ['a@example.org', 'b@example.net'], 'ruf': ['f@example.org']}


def test_defaults():
    policy = effective_policy(parse_dmarc('v=DMARC1; p=reject').tags)
    assert policy['sp'] == 'reject' and policy['pct'] == 100 and policy['adkim'] == 'r' and policy['ri'] == 86400


@pytest.mark.parametrize('text, fragment', [
    ('v=DMARC1', '"p" is missing'),
    ('v=DMARC1; p=block', 'p=block'),
    ('v=DMARC1; p=none; sp=maybe', 'sp=maybe'),
    ('v=DMARC1; p=none; adkim=x', 'adkim=x'),
    ('v=DMARC1; p=none; aspf=relaxed', 'aspf=relaxed'),
    ('v=DMARC1; p=none; pct=101', 'pct=101'),
    ('v=DMARC1; p=none; pct=-1', 'pct=-1'),
    ('v=DMARC1; p=none; fo=2', 'fo=2'),
    ('v=DMARC1; p=none; rf=iodef', 'rf=iodef'),
    ('v=DMARC1; p=none; ri=daily', 'ri=daily'),
    ('v=DMARC1; p=none; rua=dmarc@example.org', 'only mailto:'),
    ('v=DMARC1; p=none; rua=mailto:a@example.org!big', 'not a valid report URI'),
    ('v=DMARC1; p=none; rua=https://example.org/r', 'only mailto:'),
    ('v=DMARC1; p=none; rua=mailto:nobody', 'not an e-mail address'),
    ('v=DMARC1; p=none; rua=mailto:a@bad..example', 'empty label'),
    ('v=DMARC1; p=none; p=reject', 'more than once'),
    ('v=DMARC1; p=none; junk', 'not a tag=value pair'),
    ('p=none; v=DMARC1', 'must start with "v=DMARC1"'),
])
def test_errors(text, fragment):
    record = parse_dmarc(text)
    assert any(fragment in e for e in record.errors), record.errors


def test_unknown_tag_is_a_warning():
    record = parse_dmarc('v=DMARC1; p=none; np=reject')
    assert record.errors == []
    assert record.warnings == ["unknown tag 'np' is ignored by receivers"]


def test_report_uri_list():
    uris, errors = parse_report_uris('mailto:a@example.org, mailto:b@Example.NET!50k')
    assert errors == []
    assert [(u['domain'], u['max_size']) for u in uris] == [('example.org', None), ('example.net', '50k')]


def test_same_organisation_approximation():
    assert same_organisation('example.org', 'example.org')
    assert same_organisation('mail.example.org', 'example.org')
    assert same_organisation('example.org', 'reports.example.org')
    assert not same_organisation('example.org', 'example.net')
    assert not same_organisation('example.org', 'badexample.org')
