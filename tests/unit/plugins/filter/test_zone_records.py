# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.selfmail.smtp.plugins.filter.zone_records import FilterModule, txt_strings, zone_records


def test_registered():
    assert set(FilterModule().filters()) == {'zone_records', 'txt_strings', 'zone_snippet_entries'}


def test_snippet_relative_to_origin():
    dkim = 'v=DKIM1; k=rsa; p=' + 'A' * 392
    text = zone_records([
        {'name': 'example.org', 'type': 'txt', 'value': 'v=spf1 ip4:192.0.2.10 -all'},
        {'name': 'mail2024._domainkey.example.org.', 'type': 'TXT', 'value': dkim, 'ttl': 300},
        {'name': '@', 'type': 'MX', 'value': '10 mail.example.org.'},
        {'name': 'mail.example.net', 'type': 'A', 'value': '192.0.2.10'},
    ], origin='example.org')
    lines = text.splitlines()
    assert lines[0] == '@ 3600 IN TXT "v=spf1 ip4:192.0.2.10 -all"'
    assert lines[1] == 'mail2024._domainkey 300 IN TXT "%s" "%s"' % (dkim[:255], dkim[255:])
    assert lines[2] == '@ 3600 IN MX 10 mail.example.org.'
    assert lines[3] == 'mail.example.net. 3600 IN A 192.0.2.10'
    assert text.endswith('\n')


def test_absolute_names_without_origin_and_presplit_strings():
    text = zone_records({'name': 's._domainkey.example.org', 'type': 'TXT', 'value': ['"v=DKIM1; k=ed25519; "', 'p=abc']},
                        ttl=60)
    assert text == 's._domainkey.example.org. 60 IN TXT "v=DKIM1; k=ed25519; " "p=abc"\n'


def test_quotes_escaped():
    assert zone_records([{'name': 'a.example', 'type': 'TXT', 'value': 'say "hi"'}]) == 'a.example. 3600 IN TXT "say \\"hi\\""\n'


@pytest.mark.parametrize('records, fragment', [
    ('nope', 'expected a list'),
    ([{'name': 'a.example', 'type': 'A'}], 'lacks value'),
    ([{'name': '@', 'type': 'A', 'value': '192.0.2.1'}], 'origin'),
    ([{'name': 'a.example', 'type': 'A', 'value': '192.0.2.1', 'ttl': 'long'}], 'ttl'),
    ([{'name': 'a.example', 'type': 'A', 'value': ['192.0.2.1']}], 'one value'),
])
def test_errors(records, fragment):
    with pytest.raises(AnsibleFilterError, match=fragment):
        zone_records(records)


def test_txt_strings():
    assert txt_strings('x' * 300) == ['"%s"' % ('x' * 255), '"%s"' % ('x' * 45)]
    assert txt_strings('x' * 300, 200, False) == ['x' * 200, 'x' * 100]
    with pytest.raises(AnsibleFilterError):
        txt_strings(['not', 'a', 'string'])


def test_snippet_entries_give_txt_text_and_one_entry_per_value():
    from ansible_collections.selfmail.smtp.plugins.filter.zone_records import zone_snippet_entries

    records = [
        {'name': 'example.org', 'type': 'MX', 'values': ['10 mx1.example.org.', '10 mx2.example.org.'], 'ttl': 60},
        {'name': 'example.org', 'type': 'TXT', 'values': ['"v=spf1 -all"'], 'text': 'v=spf1 -all', 'ttl': 60},
    ]
    assert zone_records(zone_snippet_entries(records), origin='example.org') == (
        '@ 60 IN MX 10 mx1.example.org.\n@ 60 IN MX 10 mx2.example.org.\n@ 60 IN TXT "v=spf1 -all"\n')
