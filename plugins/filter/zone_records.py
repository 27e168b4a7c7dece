# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render DNS records as a zone-file snippet."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.selfmail.smtp.plugins.module_utils.txt_record import (
    TXT_STRING_MAX,
    split_txt_value,
    txt_rdata,
    txt_record_strings,
)

QUOTED_TYPES = ('TXT', 'SPF')


def _owner(name, origin):
    name = name.strip()
    if name in ('@', ''):
        if origin is None:
            raise AnsibleFilterError('zone_records: the name "@" needs the origin argument')
        return '@'
    absolute = name.rstrip('.').lower()
    if origin is not None:
        zone = origin.rstrip('.').lower()
        if absolute == zone:
            return '@'
        if absolute.endswith('.' + zone):
            return absolute[:-len(zone) - 1]
    return absolute + '.'


def _rdata(rtype, value):
    if rtype in QUOTED_TYPES:
        if isinstance(value, (list, tuple)):
            # already split strings (for example dkim_key's record_strings)
            strings = []
            for item in value:
                item = str(item)
                if len(item) >= 2 and item.startswith('"') and item.endswith('"'):
                    strings.append(item)
                else:
                    strings.extend(txt_record_strings(item))
            return ' '.join(strings)
        return txt_rdata(str(value))
    if isinstance(value, (list, tuple)):
        raise AnsibleFilterError('zone_records: a %s record takes one value, got a list' % rtype)
    return str(value)


def zone_records(records, origin=None, ttl=3600):
    """Render ``records`` (dicts with name, type, value, optional ttl) one per line."""
    if isinstance(records, dict):
        records = [records]
    if not isinstance(records, (list, tuple)):
        raise AnsibleFilterError('zone_records: expected a list of records, got %s' % type(records).__name__)
    lines = []
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise AnsibleFilterError('zone_records: record %d is not a dict' % index)
        missing = [key for key in ('name', 'type', 'value') if key not in record]
        if missing:
            raise AnsibleFilterError('zone_records: record %d lacks %s' % (index, ', '.join(missing)))
        rtype = str(record['type']).upper()
        record_ttl = record.get('ttl', ttl)
        try:
            record_ttl = int(record_ttl)
        except (TypeError, ValueError):
            raise AnsibleFilterError('zone_records: record %d: ttl %r is not a number' % (index, record_ttl)) from None
        owner = _owner(str(record['name']), origin)
        lines.append('%s %d IN %s %s' % (owner, record_ttl, rtype, _rdata(rtype, record['value'])))
    return '\n'.join(lines) + ('\n' if lines else '')


def txt_strings(value, limit=TXT_STRING_MAX, quote=True):
    """A TXT value as strings of at most ``limit`` bytes, quoted by default."""
    if not isinstance(value, str):
        raise AnsibleFilterError('txt_strings: expected a string, got %s' % type(value).__name__)
    if quote:
        return txt_record_strings(value, int(limit))
    return split_txt_value(value, int(limit))


def zone_snippet_entries(records):
    """Records of mail_records (several values each) as zone_records entries (one value each)."""
    if not isinstance(records, (list, tuple)):
        raise AnsibleFilterError('zone_snippet_entries: expected a list of records, got %s' % type(records).__name__)
    entries = []
    for record in records:
        if record.get('type') == 'TXT' and 'text' in record:
            # the text again, so that zone_records splits it at 255 bytes itself
            entries.append({'name': record['name'], 'type': 'TXT', 'value': record['text'], 'ttl': record['ttl']})
            continue
        for value in record.get('values') or []:
            entries.append({'name': record['name'], 'type': record['type'], 'value': value, 'ttl': record['ttl']})
    return entries


class FilterModule(object):
    def filters(self):
        return {
            'zone_records': zone_records,
            'txt_strings': txt_strings,
            'zone_snippet_entries': zone_snippet_entries,
        }
