# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A DNS server that does not answer gives errors on the items, not a crash."""

from __future__ import annotations

import ipaddress
import socket

from ansible_collections.selfmail.smtp.plugins.module_utils import dns_client
from ansible_collections.selfmail.smtp.plugins.module_utils.check_report import CheckReport
from ansible_collections.selfmail.smtp.plugins.module_utils.dmarc import check_dmarc
from ansible_collections.selfmail.smtp.plugins.module_utils.mx import check_mx
from ansible_collections.selfmail.smtp.plugins.module_utils.ptr import check_ptr
from ansible_collections.selfmail.smtp.plugins.module_utils.spf import check_spf


def _silent_port():
    """A loopback UDP port bound by a socket that never answers (queries time out)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(('127.0.0.1', 0))
    return sock


def test_lookup_statuses(client):
    assert client.lookup('good.test', 'MX').status == dns_client.OK
    assert client.lookup('nonexistent.good.test', 'A').status == dns_client.NXDOMAIN
    assert client.lookup('good.test', 'CNAME').status == dns_client.NODATA
    refused = client.lookup('example.invalid', 'A')
    assert refused.status == dns_client.ERROR and 'REFUSED' in refused.error


def test_timeouts_become_errors():
    sock = _silent_port()
    try:
        client = dns_client.DnsClient(['127.0.0.1'], port=sock.getsockname()[1], timeout=0.5)
        answer = client.lookup('good.test', 'TXT')
        assert answer.status == dns_client.ERROR and 'timed out' in answer.error
        report = CheckReport('test')
        details = check_spf(client, report, 'good.test', [ipaddress.ip_address('192.0.2.10')])
        assert details['record'] is None and details['verdicts'] == {}
        check_dmarc(client, report, 'good.test')
        check_mx(client, report, 'good.test', [])
        check_ptr(client, report, [ipaddress.ip_address('192.0.2.10')], 'mail.good.test')
        assert len(report.errors) == 4
        assert all('timed out' in e for e in report.errors)
    finally:
        sock.close()


def test_module_with_dead_server_fails_cleanly(run_module):
    sock = _silent_port()
    try:
        result = run_module('mx_check', dict(domain='good.test', nameservers=['127.0.0.1'], port=sock.getsockname()[1],
                                             timeout=0.5, fail_on='never'))
    finally:
        sock.close()
    assert result['_status'] == 'SUCCESS', result['_stdout']
    assert result['ok'] is False
    assert 'timed out' in result['errors'][0]
