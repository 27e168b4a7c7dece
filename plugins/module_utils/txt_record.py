# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""TXT record strings: the one place that splits, quotes and joins them.

A TXT record is a sequence of character-strings of at most 255 bytes each
(RFC 1035 3.3). DKIM keys are longer, so they are published as several
strings that receivers concatenate without separators (RFC 6376 3.6.2.2,
RFC 7208 3.3).
"""

from __future__ import annotations

TXT_STRING_MAX = 255


def split_txt_value(value, limit=TXT_STRING_MAX):
    """Split ``value`` into chunks of at most ``limit`` UTF-8 bytes.

    A multi-byte character is never cut in half, so every chunk decodes on
    its own and the chunks join back to ``value``.
    """
    if limit < 4:
        raise ValueError('limit must be at least 4 bytes')
    data = value.encode('utf-8')
    if not data:
        return ['']
    chunks = []
    start = 0
    while start < len(data):
        end = min(start + limit, len(data))
        # back off to a character boundary: continuation bytes are 10xxxxxx
        while end < len(data) and (data[end] & 0xC0) == 0x80:
            end -= 1
        chunks.append(data[start:end].decode('utf-8'))
        start = end
    return chunks


def quote_txt_string(chunk):
    """Quote one character-string for a zone file or nsupdate.

    Backslash and double quote are escaped; control characters become
    ``\\DDD`` as in RFC 1035 5.1.
    """
    out = []
    for char in chunk:
        if char in ('"', '\\'):
            out.append('\\' + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append('\\%03d' % ord(char))
        else:
            out.append(char)
    return '"' + ''.join(out) + '"'


def txt_record_strings(value, limit=TXT_STRING_MAX):
    """The value as a list of quoted strings, each at most ``limit`` bytes."""
    return [quote_txt_string(chunk) for chunk in split_txt_value(value, limit)]


def txt_rdata(value, limit=TXT_STRING_MAX):
    """The value as one line of zone-file RDATA: quoted strings joined by spaces."""
    return ' '.join(txt_record_strings(value, limit))


def join_txt_strings(strings):
    """Concatenate the character-strings of one TXT record, as receivers do.

    Accepts ``bytes`` (as dnspython returns them) or ``str``. Bytes that are
    not UTF-8 are kept visible with backslash escapes instead of failing.
    """
    parts = []
    for item in strings:
        if isinstance(item, bytes):
            item = item.decode('utf-8', errors='backslashreplace')
        parts.append(item)
    return ''.join(parts)
