#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: mx_check
short_description: Check the MX records of a mail domain
version_added: 0.1.0
description:
  - Checks that O(domain) has MX records (a null MX, RFC 7505, is recognised), that no MX target is an alias
    (CNAME), that every target resolves to A/AAAA addresses and that the targets include O(expected_hosts).
  - Read-only; never changes anything.
author:
  - selfmail.smtp contributors (!UNKNOWN)
requirements:
  - dnspython >= 2.0 on the host that runs the module
extends_documentation_fragment:
  - selfmail.smtp.dns_check
options:
  domain:
    description: The mail domain.
    type: str
    required: true
  expected_hosts:
    description: Host names that must be among the MX targets.
    type: list
    elements: str
    default: []
"""

EXAMPLES = r"""
- name: Check that mail for example.org goes to the mail server
  selfmail.smtp.mx_check:
    domain: example.org
    expected_hosts:
      - mail.example.org
"""

RETURN = r"""
ok:
  description: Whether no error was found.
  returned: always
  type: bool
errors:
  description: Error messages, each prefixed with what it is about.
  returned: always
  type: list
  elements: str
check_warnings:
  description:
    - Warning messages. They are also shown as Ansible warnings.
    - Named C(check_warnings) because Ansible consumes a C(warnings) key.
  returned: always
  type: list
  elements: str
instructions:
  description: What exactly to publish or change, paste-ready.
  returned: always
  type: list
  elements: str
findings:
  description: Every finding with its level (V(ok), V(warning), V(error)), subject, message and instruction.
  returned: always
  type: list
  elements: dict
mx:
  description: The MX records by preference, each with C(preference), C(host), C(addresses) and C(cname) (the alias target, or null).
  returned: always
  type: list
  elements: dict
  sample: [{"preference": 10, "host": "mail.example.org", "addresses": ["192.0.2.10", "2001:db8::10"], "cname": null}]
null_mx:
  description: Whether the domain publishes a null MX (C(MX 0 .)), meaning it accepts no mail.
  returned: always
  type: bool
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.selfmail.smtp.plugins.module_utils.check_report import CheckReport, exit_with_report
from ansible_collections.selfmail.smtp.plugins.module_utils.dns_client import (
    DNS_CHECK_ARGUMENT_SPEC,
    client_from_params,
    require_libraries,
)
from ansible_collections.selfmail.smtp.plugins.module_utils.mx import check_mx
from ansible_collections.selfmail.smtp.plugins.module_utils.validation import OptionError, validate_domain


def main():
    argument_spec = dict(
        domain=dict(type='str', required=True),
        expected_hosts=dict(type='list', elements='str', default=[]),
    )
    argument_spec.update(DNS_CHECK_ARGUMENT_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    require_libraries(module)
    try:
        domain = validate_domain(module.params['domain'], 'domain')
        expected = [validate_domain(h, 'expected_hosts') for h in module.params['expected_hosts']]
    except OptionError as exc:
        module.fail_json(msg=str(exc))
    client = client_from_params(module)

    report = CheckReport('MX check of %s' % domain)
    details = check_mx(client, report, domain, expected)
    exit_with_report(module, report, **details)


if __name__ == '__main__':
    main()
