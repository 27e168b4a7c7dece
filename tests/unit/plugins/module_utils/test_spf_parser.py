# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SPF record syntax (RFC 7208 4.6, 5, 6) and macro expansion (RFC 7208 7)."""

from __future__ import annotations

import ipaddress

import pytest

from ansible_collections.selfmail.smtp.plugins.module_utils.spf import (
    MacroContext,
    SpfSyntaxError,
    expand_macros,
    is_spf_record,
    parse_spf,
    suggest_record,
)


@pytest.mark.parametrize('text, expected', [
    ('v=spf1', True),
    ('v=spf1 -all', True),
    ('V=SPF1 -all', True),
    ('v=spf10 -all', False),
    ('v=spf1-all', False),
    ('spf1 -all', False),
    (' v=spf1 -all', False),
])
def test_is_spf_record(text, expected):
    assert is_spf_record(text) is expected


def test_parse_full_record():
    record = parse_spf('v=spf1 +ip4:192.0.2.0/24 -ip6:2001:db8::/32 ~a ?mx:example.org/24//64 '
                       'include:_spf.example.org exists:%{i}._spf.example.org ptr:example.org '
                       'redirect=_spf.example.net exp=explain.example.org foo=bar -all')
    names = [(t.qualifier, t.name) for t in record.mechanisms]
    assert names == [('+', 'ip4'), ('-', 'ip6'), ('~', 'a'), ('?', 'mx'), ('+', 'include'), ('+', 'exists'),
                     ('+', 'ptr'), ('-', 'all')]
    mx = record.mechanisms[3]
    assert (mx.value, mx.cidr4, mx.cidr6) == ('example.org', 24, 64)
    assert record.mechanisms[0].network == ipaddress.ip_network('192.0.2.0/24')
    assert record.mechanisms[1].network == ipaddress.ip_network('2001:db8::/32')
    assert record.redirect.value == '_spf.example.net'
    assert record.modifier('exp').value == 'explain.example.org'
    assert record.modifier('foo').value == 'bar'
    assert record.all_term.qualifier == '-'


def test_dns_querying_terms():
    record = parse_spf('v=spf1 a mx ptr include:a.example exists:b.example ip4:192.0.2.1 all redirect=c.example')
    assert [t.name for t in record.terms if t.queries_dns] == ['a', 'mx', 'ptr', 'include', 'exists', 'redirect']


def test_host_bits_in_network_are_accepted():
    record = parse_spf('v=spf1 ip4:192.0.2.77/24 -all')
    assert record.mechanisms[0].network == ipaddress.ip_network('192.0.2.0/24')


def test_cidr_only_forms():
    record = parse_spf('v=spf1 a//64 mx/24 -all')
    assert (record.mechanisms[0].value, record.mechanisms[0].cidr4, record.mechanisms[0].cidr6) == (None, None, 64)
    assert (record.mechanisms[1].cidr4, record.mechanisms[1].cidr6) == (24, None)


def test_multiple_spaces_are_allowed():
    assert len(parse_spf('v=spf1  ip4:192.0.2.1   -all').terms) == 2


@pytest.mark.parametrize('text, fragment', [
    ('v=spf1 ip4:192.0.2.300 -all', 'not a valid IPv4'),
    ('v=spf1 ip4:192.0.2.0/33 -all', 'CIDR'),
    ('v=spf1 ip4:192.0.2.0/024 -all', 'leading zeros'),
    ('v=spf1 ip6:2001:db8::/129 -all', 'CIDR'),
    ('v=spf1 ip6:192.0.2.1 -all', 'not a valid IPv6'),
    ('v=spf1 ip4 -all', 'needs an address'),
    ('v=spf1 include -all', 'needs a domain'),
    ('v=spf1 include: -all', 'domain is missing'),
    ('v=spf1 a:192.0.2.1 -all', 'ip4:/ip6:'),
    ('v=spf1 include:localhost -all', 'not a valid domain'),
    ('v=spf1 foo:bar.example -all', "unknown mechanism 'foo'"),
    ('v=spf1 all:example.org', 'takes no argument'),
    ('v=spf1 redirect=a.example redirect=b.example', 'more than once'),
    ('v=spf1 exp=a.example exp=b.example -all', 'more than once'),
    ('v=spf1 exists:%{x}.example.org -all', 'unknown macro letter'),
    ('v=spf1 exists:%{c}.example.org -all', 'only allowed in exp'),
    ('v=spf1 exists:%{d0}.example.org -all', 'must not be zero'),
    ('v=spf1 exists:%x.example.org -all', 'invalid macro'),
    ('v=spf1 -all ip4:192.0.2.1/', 'CIDR'),
    ('spf1 -all', 'does not start'),
])
def test_syntax_errors(text, fragment):
    with pytest.raises(SpfSyntaxError) as caught:
        parse_spf(text)
    assert fragment in str(caught.value)


# RFC 7208 7.4 examples: sender strong-bad@email.example.com, IP 192.0.2.3
RFC_CONTEXT = MacroContext(ipaddress.ip_address('192.0.2.3'), 'strong-bad@email.example.com', 'mx.example.org',
                           'email.example.com')


@pytest.mark.parametrize('macro, expected', [
    ('%{s}', 'strong-bad@email.example.com'),
    ('%{o}', 'email.example.com'),
    ('%{d}', 'email.example.com'),
    ('%{d4}', 'email.example.com'),
    ('%{d3}', 'email.example.com'),
    ('%{d2}', 'example.com'),
    ('%{d1}', 'com'),
    ('%{dr}', 'com.example.email'),
    ('%{d2r}', 'example.email'),
    ('%{l}', 'strong-bad'),
    ('%{l-}', 'strong.bad'),
    ('%{lr}', 'strong-bad'),
    ('%{lr-}', 'bad.strong'),
    ('%{l1r-}', 'strong'),
    ('%{ir}.%{v}._spf.%{d2}', '3.2.0.192.in-addr._spf.example.com'),
    ('%{lr-}.lp._spf.%{d2}', 'bad.strong.lp._spf.example.com'),
    ('%{lr-}.lp.%{ir}.%{v}._spf.%{d2}', 'bad.strong.lp.3.2.0.192.in-addr._spf.example.com'),
    ('%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}', '3.2.0.192.in-addr.strong.lp._spf.example.com'),
    ('%{d2}.trusted-domains.example.net', 'example.com.trusted-domains.example.net'),
    ('%{h}', 'mx.example.org'),
    ('%%%_%-', '% %20'),
])
def test_rfc_macro_examples(macro, expected):
    assert expand_macros(macro, RFC_CONTEXT, is_domain=False) == expected


def test_rfc_ipv6_macro_example():
    context = MacroContext(ipaddress.ip_address('2001:db8::cb01'), 'strong-bad@email.example.com', None, 'email.example.com')
    assert expand_macros('%{ir}.%{v}._spf.%{d2}', context) == \
        '1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com'


def test_uppercase_macro_is_url_escaped():
    assert expand_macros('%{S}', RFC_CONTEXT, is_domain=False) == 'strong-bad%40email.example.com'


def test_sender_without_local_part_is_postmaster():
    context = MacroContext(ipaddress.ip_address('192.0.2.3'), 'example.org', None, 'example.org')
    assert expand_macros('%{l}', context, is_domain=False) == 'postmaster'


def test_long_expansion_is_cut_from_the_left():
    context = MacroContext(ipaddress.ip_address('192.0.2.3'), '%s@example.org' % ('a.' * 150 + 'b'), None, 'example.org')
    result = expand_macros('%{l}.example.org', context)
    assert len(result) <= 253
    assert result.endswith('a.b.example.org')


def test_suggest_record_inserts_before_all_or_redirect():
    ips = [ipaddress.ip_address('192.0.2.1'), ipaddress.ip_address('2001:db8::1')]
    assert suggest_record('v=spf1 mx -all', ips) == 'v=spf1 mx ip4:192.0.2.1 ip6:2001:db8::1 -all'
    assert suggest_record('v=spf1 redirect=_spf.example.org', ips[:1]) == 'v=spf1 ip4:192.0.2.1 redirect=_spf.example.org'
    assert suggest_record('v=spf1 mx', ips[:1]) == 'v=spf1 mx ip4:192.0.2.1'
    assert suggest_record(None, ips) == 'v=spf1 ip4:192.0.2.1 ip6:2001:db8::1 -all'
