# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One collector for every finding of every check.

Each check reports what it found through ``ok``, ``warning`` and ``error``;
an instruction says what exactly to publish or change. The report is then
rendered the same way by every module, so a mail admin reads the same
shape of answer whatever was checked.
"""

from __future__ import annotations

import threading

OK = 'ok'
WARNING = 'warning'
ERROR = 'error'

FAIL_ON_CHOICES = ['error', 'warning', 'never']


class CheckReport(object):
    """Findings of one check run, in the order they were made.

    Safe to use from several threads: concurrent lookups report into the
    same collector.
    """

    def __init__(self, check):
        self.check = check
        self.findings = []
        self._lock = threading.Lock()

    def _add(self, level, subject, message, instruction):
        finding = {'level': level, 'subject': subject, 'message': message}
        if instruction:
            finding['instruction'] = instruction
        with self._lock:
            self.findings.append(finding)
        return finding

    def ok(self, subject, message):
        return self._add(OK, subject, message, None)

    def warning(self, subject, message, instruction=None):
        return self._add(WARNING, subject, message, instruction)

    def error(self, subject, message, instruction=None):
        return self._add(ERROR, subject, message, instruction)

    def _messages(self, level):
        return ['%s: %s' % (f['subject'], f['message']) for f in self.findings if f['level'] == level]

    @property
    def errors(self):
        return self._messages(ERROR)

    @property
    def warnings(self):
        return self._messages(WARNING)

    @property
    def instructions(self):
        seen = []
        for finding in self.findings:
            text = finding.get('instruction')
            if text and text not in seen:
                seen.append(text)
        return seen

    @property
    def passed(self):
        return not any(f['level'] == ERROR for f in self.findings)

    def should_fail(self, fail_on):
        if fail_on == 'never':
            return False
        if fail_on == 'warning':
            return any(f['level'] in (ERROR, WARNING) for f in self.findings)
        return not self.passed

    def as_result(self):
        return {
            'ok': self.passed,
            'errors': self.errors,
            'warnings': self.warnings,
            'instructions': self.instructions,
            'findings': list(self.findings),
        }

    def summary(self):
        errors = self.errors
        warnings = self.warnings
        if not errors and not warnings:
            return '%s: all checks passed' % self.check
        parts = []
        if errors:
            parts.append('%d error(s): %s' % (len(errors), '; '.join(errors)))
        if warnings:
            parts.append('%d warning(s): %s' % (len(warnings), '; '.join(warnings)))
        return '%s: %s' % (self.check, ' | '.join(parts))


def exit_with_report(module, report, **details):
    """End a check module: ``changed`` is always false, ``fail_on`` decides failure."""
    result = dict(details)
    result.update(report.as_result())
    result['changed'] = False
    # Ansible consumes a "warnings" key (it displays and removes it), so the
    # warnings are shown that way and also returned as check_warnings
    result['check_warnings'] = result.pop('warnings')
    for warning in result['check_warnings']:
        module.warn(warning)
    if report.should_fail(module.params.get('fail_on', 'error')):
        module.fail_json(msg=report.summary(), **result)
    result['msg'] = report.summary()
    module.exit_json(**result)


def report_rows(check, result):
    """One row per finding of a check module's result, for the site report."""
    rows = []
    for finding in result.get('findings') or []:
        rows.append({
            'check': check,
            'status': finding.get('level', ERROR),
            'subject': finding.get('subject', ''),
            'message': finding.get('message', ''),
            'instruction': finding.get('instruction', ''),
        })
    # Lookups run concurrently, so findings arrive in any order: sorted, the
    # same DNS gives the same report (and an unchanged report file).
    rows.sort(key=lambda row: (str(row['subject']), str(row['message'])))
    if not rows and result.get('failed'):
        # a check that could not run at all is one error, with its reason
        rows.append({'check': check, 'status': ERROR, 'subject': check,
                     'message': result.get('msg', 'the check failed'), 'instruction': ''})
    return rows


def render_table(rows):
    """Rows as a plain-text table for people: check, status, what it found or what to do.

    Errors first, then warnings, then what is fine, so the lines that need
    work are the ones read first.
    """
    order = {ERROR: 0, WARNING: 1, OK: 2}
    rows = sorted(rows, key=lambda row: order.get(row.get('status'), 0))
    check_width = max([len('CHECK')] + [len(str(row.get('check', ''))) for row in rows])
    lines = ['%-*s  %-7s  %s' % (check_width, 'CHECK', 'STATUS', 'FINDING / WHAT TO DO')]
    for row in rows:
        subject = row.get('subject', '')
        # the subject is left out where the check's name already says it
        text = row.get('message', '') if subject in ('', row.get('check')) else '%s: %s' % (subject, row.get('message', ''))
        lines.append('%-*s  %-7s  %s' % (check_width, row.get('check', ''), str(row.get('status', '')).upper(), text))
        if row.get('instruction'):
            lines.append('%-*s  %-7s  -> %s' % (check_width, '', '', row['instruction']))
    counts = {level: sum(1 for row in rows if row.get('status') == level) for level in (ERROR, WARNING, OK)}
    lines.append('%d error(s), %d warning(s), %d ok' % (counts[ERROR], counts[WARNING], counts[OK]))
    return '\n'.join(lines) + '\n'
