# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The chasquid role's sender check, run as the post-data hook runs it: a
python3 process with the message on stdin and chasquid's environment."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest

CHECK = pathlib.Path(__file__).resolve().parents[3] / 'roles' / 'chasquid' / 'files' / 'sender-check'
SENDERS = {'alice@example.test': ['postmaster@example.test', '@lists.example.test'],
           'bob@example.test': []}


def run(tmp_path, auth_as, mail_from, headers, senders=None):
    senders_file = tmp_path / 'senders.json'
    senders_file.write_text(json.dumps(SENDERS if senders is None else senders))
    message = ''.join('%s: %s\r\n' % header for header in headers) + '\r\nHello.\r\n'
    env = dict(os.environ, AUTH_AS=auth_as, MAIL_FROM=mail_from)
    proc = subprocess.run([sys.executable, str(CHECK), str(senders_file)], input=message.encode(), env=env,
                          capture_output=True, check=False)
    return proc.returncode, proc.stdout.decode().strip()


@pytest.mark.parametrize(('mail_from', 'header_from'), [
    ('alice@example.test', 'Alice <alice@example.test>'),
    ('Alice@Example.Test', 'alice@EXAMPLE.test'),
    ('alice+news@example.test', '"Alice, news" <alice+news@example.test>'),
    ('a.lice@example.test', 'a.lice@example.test'),
    ('postmaster@example.test', 'Postmaster <postmaster@example.test>'),
    ('announce@lists.example.test', 'announce@lists.example.test'),
    ('alice@example.test', 'Postmaster <postmaster@example.test>'),
])
def test_own_and_listed_addresses_pass(tmp_path, mail_from, header_from):
    assert run(tmp_path, 'alice@example.test', mail_from, [('From', header_from)]) == (0, '')


@pytest.mark.parametrize(('auth_as', 'mail_from', 'header_from', 'refusal'), [
    ('alice@example.test', 'boss@example.test', 'boss@example.test', 'may not send as boss@example.test (envelope'),
    ('alice@example.test', 'ceo@bank.test', 'ceo@bank.test', 'may not send as ceo@bank.test (envelope'),
    ('alice@example.test', '<>', 'alice@example.test', 'may not send as <> (envelope'),
    ('alice@example.test', 'alice@example.test', 'Boss <boss@example.test>', 'may not send as boss@example.test (From'),
    ('alice@example.test', 'alice@example.test', 'alice@example.test, boss@example.test', 'boss@example.test (From'),
    ('alice@example.test', 'alice@example.test.evil', 'alice@example.test', 'alice@example.test.evil (envelope'),
    ('alice@example.test', 'x@evillists.example.test', 'alice@example.test', 'x@evillists.example.test'),
    ('bob@example.test', 'postmaster@example.test', 'bob@example.test', 'bob@example.test may not send as postmaster'),
    ('carol@example.test', 'carol@example.test.', 'carol@example.test', None),
])
def test_other_senders_are_refused(tmp_path, auth_as, mail_from, header_from, refusal):
    code, reply = run(tmp_path, auth_as, mail_from, [('From', header_from)])
    if refusal is None:
        # A user missing from the file still has its own address.
        assert (code, reply) == (0, '')
        return
    assert code == 1
    assert reply.startswith('5.7.1 ') and refusal in reply, reply


def test_from_header_missing_or_unreadable_is_refused(tmp_path):
    assert run(tmp_path, 'alice@example.test', 'alice@example.test', [('Subject', 'x')]) == (
        1, '5.6.0 the message has no From: header')
    code, reply = run(tmp_path, 'alice@example.test', 'alice@example.test', [('From', '<<<')])
    assert code == 1 and reply.startswith('5.'), reply


def test_a_second_from_header_is_checked_too(tmp_path):
    code, reply = run(tmp_path, 'alice@example.test', 'alice@example.test',
                      [('From', 'alice@example.test'), ('From', 'boss@example.test')])
    assert code == 1 and 'boss@example.test (From' in reply, reply


def test_unreadable_senders_file_is_a_temporary_failure(tmp_path):
    env = dict(os.environ, AUTH_AS='alice@example.test', MAIL_FROM='alice@example.test')
    proc = subprocess.run([sys.executable, str(CHECK), str(tmp_path / 'missing.json')], input=b'From: a@b\r\n\r\n',
                          env=env, capture_output=True, check=False)
    assert proc.returncode == 2 and b'sender check failed' in proc.stdout
