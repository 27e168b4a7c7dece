# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.selfmail.smtp.plugins.module_utils.txt_record import (
    join_txt_strings,
    quote_txt_string,
    split_txt_value,
    txt_rdata,
    txt_record_strings,
)


def test_short_value_is_one_string():
    assert split_txt_value('v=spf1 -all') == ['v=spf1 -all']
    assert txt_record_strings('v=spf1 -all') == ['"v=spf1 -all"']


def test_empty_value():
    assert split_txt_value('') == ['']


@pytest.mark.parametrize('length', [254, 255, 256, 510, 511, 700])
def test_split_at_255_bytes(length):
    value = ''.join(chr(ord('a') + i % 26) for i in range(length))
    chunks = split_txt_value(value)
    assert ''.join(chunks) == value
    assert all(len(c.encode('utf-8')) <= 255 for c in chunks)
    assert [len(c) for c in chunks[:-1]] == [255] * (len(chunks) - 1)
    assert len(chunks) == -(-length // 255)


def test_multibyte_characters_are_not_cut():
    value = 'a' + '\u00e9' * 200   # 1 + 400 bytes
    chunks = split_txt_value(value)
    assert ''.join(chunks) == value
    assert all(len(c.encode('utf-8')) <= 255 for c in chunks)
    assert len(chunks[0].encode('utf-8')) == 255


def test_quote_escapes():
    assert quote_txt_string('a"b\\c') == '"a\\"b\\\\c"'
    assert quote_txt_string('tab\there') == '"tab\\009here"'


def test_rdata_joins_quoted_strings():
    value = 'x' * 300
    assert txt_rdata(value) == '"%s" "%s"' % ('x' * 255, 'x' * 45)


def test_join_bytes_as_receivers_do():
    assert join_txt_strings([b'v=DKIM1; p=ab', b'cd']) == 'v=DKIM1; p=abcd'
    assert join_txt_strings([b'\xff']) == '\\xff'


def test_limit_must_be_sane():
    with pytest.raises(ValueError):
        split_txt_value('abc', limit=2)
