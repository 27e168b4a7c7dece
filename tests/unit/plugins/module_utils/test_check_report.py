# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.selfmail.smtp.plugins.module_utils.check_report import CheckReport


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
