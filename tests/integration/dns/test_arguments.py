# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Invalid module arguments fail with a message that names the option."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize('module, args, fragments', [
    ('spf_check', {'domain': 'good.test', 'ips': ['192.0.2.300']}, ['ips', '192.0.2.300', 'not a valid IPv4 or IPv6']),
    ('spf_check', {'domain': 'bad..test'}, ['domain', 'empty label']),
    ('spf_check', {'domain': 'under_score.test'}, ['domain', 'under_score']),
    ('spf_check', {'domain': 'good.test', 'helo': 'localhost'}, ['helo', 'fully qualified']),
    ('spf_check', {'domain': 'good.test', 'sender': 'no-at-sign'}, ['sender', 'e-mail address']),
    ('spf_check', {'domain': 'good.test', 'fail_on': 'sometimes'}, ['fail_on', 'error, warning, never']),
    ('spf_check', {'domain': 'good.test', 'nameservers': ['ns1.example.test']}, ['nameservers', 'ns1.example.test']),
    ('spf_check', {'domain': 'good.test', 'nameservers': ['127.0.0.1'], 'port': 70000}, ['port', '70000']),
    ('dmarc_check', {'domain': '-bad-.test'}, ['domain', '-bad-']),
    ('dmarc_check', {'timeout': 2}, ['missing required arguments: domain']),
    ('ptr_check', {'ips': ['2001:db8::zz'], 'hostname': 'mail.good.test'}, ['ips', '2001:db8::zz']),
    ('ptr_check', {'ips': ['192.0.2.10'], 'hostname': '192.0.2.10'}, ['hostname', 'IP address']),
    ('dkim_check', {'domain': 'good.test', 'selector': 'sel_1'}, ['selector', 'sel_1', 'RFC 6376']),
    ('dkim_check', {'domain': 'good.test', 'selector': 'sel1', 'public_key': 'x', 'private_key_path': '/x'},
     ['mutually exclusive', 'public_key', 'private_key_path']),
    ('dkim_check', {'domain': 'good.test', 'selector': 'sel1', 'public_key': 'not a key!'}, ['public_key']),
    ('dkim_check', {'domain': 'good.test', 'selector': 'sel1', 'private_key_path': '/nonexistent/key.pem'},
     ['private_key_path', 'cannot read']),
    ('mx_check', {'domain': 'good.test', 'expected_hosts': ['mail .good.test']}, ['expected_hosts', 'mail .good.test']),
    ('dkim_key', {'path': '/tmp/x.pem', 'selector': 'a..b', 'domain': 'example.test'}, ['selector', 'empty label']),
    ('dkim_key', {'path': '/tmp/x.pem', 'selector': 's', 'domain': 'example.test', 'bits': 1024}, ['bits', '2048, 3072, 4096']),
    ('dkim_key', {'path': '/tmp/x.pem', 'selector': 's', 'domain': 'example.test', 'mode': 'u=rw,o=r'}, ['mode', 'octal']),
    ('dkim_key', {'path': '/tmp/x.pem', 'selector': 's', 'domain': 'example.test', 'group': 'no-such-group-here'},
     ['group', 'no-such-group-here']),
])
def test_invalid_arguments(run_module, dns_args, module, args, fragments):
    if module.endswith('_check') and 'nameservers' not in args and 'fail_on' not in args:
        # should validation ever let the value through, the lookups stay on loopback
        args = dict(dns_args, **args)
    result = run_module(module, args)
    assert result['_status'] == 'FAILED!', result['_stdout']
    for fragment in fragments:
        assert fragment in result['msg'], result['msg']
