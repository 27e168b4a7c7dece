# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.selfmail.smtp.plugins.module_utils.check_report import CheckReport, render_table, report_rows


def test_levels_and_rendering():
    report = CheckReport('SPF check of example.org')
    report.ok('SPF example.org', 'one record')
    report.warning('SPF example.org', '"?all" is weak', 'Use -all.')
    report.error('SPF example.org', '192.0.2.1: fail', 'Add ip4:192.0.2.1.')
    report.error('SPF example.org', '192.0.2.2: fail', 'Add ip4:192.0.2.1.')    # same instruction once
    result = report.as_result()
    assert result['ok'] is False
    assert result['errors'] == ['SPF example.org: 192.0.2.1: fail', 'SPF example.org: 192.0.2.2: fail']
    assert result['warnings'] == ['SPF example.org: "?all" is weak']
    assert result['instructions'] == ['Use -all.', 'Add ip4:192.0.2.1.']
    assert [f['level'] for f in result['findings']] == ['ok', 'warning', 'error', 'error']
    assert 'instruction' not in result['findings'][0]
    assert report.summary().startswith('SPF check of example.org: 2 error(s): ')


def test_fail_on():
    clean = CheckReport('x')
    clean.ok('a', 'fine')
    warned = CheckReport('x')
    warned.warning('a', 'hmm')
    failed = CheckReport('x')
    failed.error('a', 'bad')
    assert [r.should_fail('error') for r in (clean, warned, failed)] == [False, False, True]
    assert [r.should_fail('warning') for r in (clean, warned, failed)] == [False, True, True]
    assert [r.should_fail('never') for r in (clean, warned, failed)] == [False, False, False]
    assert clean.summary() == 'x: all checks passed'


def test_report_rows_and_table_put_errors_first_with_their_instruction():
    report = CheckReport('spf')
    report.ok('example.org', 'record found')
    report.error('192.0.2.1', 'not authorised', 'Add ip4:192.0.2.1 to _spf.example.org')
    report.warning('example.org', 'uses ~all')
    rows = report_rows('SPF example.org', report.as_result())
    # sorted by subject and message, whatever order the lookups finished in
    assert [row['message'] for row in rows] == ['not authorised', 'record found', 'uses ~all']
    assert report_rows('SPF example.org', dict(report.as_result(), findings=report.findings[::-1])) == rows
    table = render_table(rows).splitlines()
    assert table[0].split()[:2] == ['CHECK', 'STATUS']
    assert 'ERROR' in table[1] and 'not authorised' in table[1]
    assert table[2].strip() == '-> Add ip4:192.0.2.1 to _spf.example.org'
    assert 'WARNING' in table[3] and 'OK' in table[4]
    assert table[-1] == '1 error(s), 1 warning(s), 1 ok'


def test_a_check_that_could_not_run_is_one_error_row():
    rows = report_rows('PTR mx1', {'failed': True, 'msg': 'nameserver unreachable'})
    assert rows == [{'check': 'PTR mx1', 'status': 'error', 'subject': 'PTR mx1',
                     'message': 'nameserver unreachable', 'instruction': ''}]
