# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures: a real Knot DNS server on loopback and a way to run the modules through Ansible."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from loopback_dns import KnotServer  # noqa: E402
from zones import DkimKeys, all_zones  # noqa: E402


def _collections_path():
    """A directory holding ansible_collections/selfmail/smtp -> this checkout.

    An ANSIBLE_COLLECTIONS_PATH that already provides the collection is used
    as it is; otherwise a private link is made in a temporary directory.
    """
    for entry in os.environ.get('ANSIBLE_COLLECTIONS_PATH', '').split(os.pathsep):
        candidate = os.path.join(entry, 'ansible_collections', 'selfmail', 'smtp')
        if entry and os.path.isdir(os.path.join(candidate, 'plugins', 'modules')):
            return entry, None
    # the checkout may itself sit at .../ansible_collections/selfmail/smtp
    parts = REPO.split(os.sep)
    if parts[-3:-1] == ['ansible_collections', 'selfmail'] and parts[-1] == 'smtp':
        return os.sep.join(parts[:-3]), None
    scratch = tempfile.mkdtemp(prefix='selfmail-collections-')
    os.makedirs(os.path.join(scratch, 'ansible_collections', 'selfmail'))
    os.symlink(REPO, os.path.join(scratch, 'ansible_collections', 'selfmail', 'smtp'))
    return scratch, scratch


COLLECTIONS_PATH, _SCRATCH = _collections_path()
if COLLECTIONS_PATH not in sys.path:
    sys.path.insert(0, COLLECTIONS_PATH)


def pytest_sessionfinish(session, exitstatus):
    if _SCRATCH:
        shutil.rmtree(_SCRATCH, ignore_errors=True)


@pytest.fixture(scope='session')
def dkim_keys(tmp_path_factory):
    return DkimKeys(tmp_path_factory.mktemp('dkim-keys'))


@pytest.fixture(scope='session')
def dns_server(tmp_path_factory, dkim_keys):
    server = KnotServer(all_zones(dkim_keys), tmp_path_factory.mktemp('knot'))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope='session')
def dns_args(dns_server):
    """The common module options that point the checks at the loopback server."""
    return {'nameservers': ['127.0.0.1', '::1'], 'port': dns_server.port, 'timeout': 3}


@pytest.fixture
def client(dns_server):
    from ansible_collections.selfmail.smtp.plugins.module_utils.dns_client import DnsClient
    return DnsClient(nameservers=['127.0.0.1'], port=dns_server.port, timeout=3)


@pytest.fixture
def report():
    from ansible_collections.selfmail.smtp.plugins.module_utils.check_report import CheckReport
    return CheckReport('test')


def _ansible_binary():
    candidate = os.path.join(os.path.dirname(sys.executable), 'ansible')
    return candidate if os.path.exists(candidate) else shutil.which('ansible')


class ModuleRunner(object):
    """Run one module through ``ansible localhost -m`` (argument-spec validation included)."""

    def __init__(self, workdir):
        self.workdir = str(workdir)
        self.ansible = _ansible_binary()
        self.config = os.path.join(self.workdir, 'ansible.cfg')
        with open(self.config, 'w') as handle:
            handle.write('[defaults]\n')

    def __call__(self, module, args, check=False, diff=False):
        if self.ansible is None:
            pytest.fail('the ansible command is not installed')
        env = dict(os.environ)
        env.update({
            'ANSIBLE_COLLECTIONS_PATH': COLLECTIONS_PATH,
            # the project's ansible.cfg must not change how results are printed
            'ANSIBLE_CONFIG': self.config,
            'ANSIBLE_CALLBACK_RESULT_FORMAT': 'json',
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_LOCALHOST_WARNING': '0',
            'ANSIBLE_INVENTORY_UNPARSED_WARNING': '0',
            'ANSIBLE_DEPRECATION_WARNINGS': '0',
            'ANSIBLE_LOCAL_TEMP': os.path.join(self.workdir, 'tmp'),
            'ANSIBLE_REMOTE_TEMP': os.path.join(self.workdir, 'remote-tmp'),
        })
        command = [self.ansible, 'localhost', '-m', 'selfmail.smtp.%s' % module,
                   '-a', json.dumps(args), '-e', 'ansible_python_interpreter=%s' % sys.executable]
        if check:
            command.append('--check')
        if diff:
            command.append('--diff')
        process = subprocess.run(command, capture_output=True, text=True, env=env, cwd=self.workdir, timeout=300, check=False)
        # the default callback prints 'localhost | STATUS => {json}' after
        # any diff and warnings, which stay readable in '_stdout'
        result = None
        marker = process.stdout.find('localhost | ')
        if marker != -1:
            arrow = process.stdout.find(' => ', marker)
            status = process.stdout[marker + len('localhost | '):arrow].strip()
            result, _end = json.JSONDecoder().raw_decode(process.stdout, arrow + len(' => '))
            result['_status'] = status
        if result is None:
            raise AssertionError('no module result from ansible (rc %d)\nstdout:\n%s\nstderr:\n%s'
                                 % (process.returncode, process.stdout, process.stderr))
        result['_rc'] = process.returncode
        result['_stdout'] = process.stdout
        result['_stderr'] = process.stderr
        return result


@pytest.fixture(scope='session')
def run_module(tmp_path_factory):
    return ModuleRunner(tmp_path_factory.mktemp('ansible'))
