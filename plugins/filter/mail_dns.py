# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the mail_dns role: the records to publish and the report."""

from __future__ import annotations

import re

from ansible.errors import AnsibleFilterError

from ansible_collections.selfmail.smtp.plugins.module_utils.check_report import render_table, report_rows
from ansible_collections.selfmail.smtp.plugins.module_utils.mail_records import build_records, merge_rrset
from ansible_collections.selfmail.smtp.plugins.module_utils.validation import OptionError


def mail_records(domains, hosts, policy=None, dkim_records=None, zones=None, variable_prefix=''):
    try:
        return build_records(domains, hosts, policy, dkim_records, zones)
    except OptionError as exc:
        # Messages start with the setting's name; a role names its variable.
        message = re.sub(r'^([a-z0-9_]+):', lambda match: variable_prefix + match.group(1) + ':', str(exc))
        raise AnsibleFilterError('mail_records: %s' % message) from None


def rrset_merge(current, record):
    if not isinstance(record, dict) or 'values' not in record:
        raise AnsibleFilterError('rrset_merge: the record must be one of mail_records\' records')
    return merge_rrset(current, record)


def check_rows(result, check):
    if not isinstance(result, dict):
        raise AnsibleFilterError('check_rows: expected the result of a check module')
    # One result of a loop: what it checked names the row.
    item = result.get('item')
    if isinstance(item, dict):
        item = item.get('name')
    if isinstance(item, str) and item:
        check = '%s %s' % (check, item)
    return report_rows(check, result)


def check_table(rows):
    if not isinstance(rows, (list, tuple)):
        raise AnsibleFilterError('check_table: expected a list of rows, got %s' % type(rows).__name__)
    return render_table(rows)


class FilterModule(object):
    def filters(self):
        return {
            'mail_records': mail_records,
            'rrset_merge': rrset_merge,
            'check_rows': check_rows,
            'check_table': check_table,
        }
