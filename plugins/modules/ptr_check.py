#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ptr_check
short_description: Check the reverse DNS (PTR) of the sending addresses
version_added: 0.1.0
description:
  - For every IPv4 and IPv6 address in O(ips), checks that a PTR record exists, that there is one name,
    that the name resolves back to the same address (forward-confirmed reverse DNS) and that it equals
    O(hostname), the name the server says in C(EHLO).
  - Reverse zones belong to the owner of the address block, so the instructions say to set reverse DNS at
    the hosting provider.
  - Addresses are checked concurrently. Read-only; never changes anything.
author:
  - selfmail.smtp contributors (!UNKNOWN)
requirements:
  - dnspython >= 2.0 on the host that runs the module
extends_documentation_fragment:
  - selfmail.smtp.dns_check
options:
  ips:
    description: IPv4 and IPv6 addresses of the sending server.
    type: list
    elements: str
    required: true
  hostname:
    description: The fully qualified name the server uses in C(EHLO)/C(HELO).
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Check forward-confirmed reverse DNS of the mail server
  selfmail.smtp.ptr_check:
    ips:
      - 192.0.2.10
      - 2001:db8::10
    hostname: mail.example.org
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
addresses:
  description: >-
    Per address (named C(addresses) because Ansible reserves C(results) for loops): C(reverse_name),
    C(ptr) (the PTR names), C(forward_addresses) (what those names resolve to),
    C(forward_confirmed), C(matches_hostname) and C(error) (a lookup failure, or null).
  returned: always
  type: dict
  sample: {"192.0.2.10": {"reverse_name": "10.2.0.192.in-addr.arpa", "ptr": ["mail.example.org"],
           "forward_addresses": ["192.0.2.10"], "forward_confirmed": true, "matches_hostname": true, "error": null}}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.selfmail.smtp.plugins.module_utils.check_report import CheckReport, exit_with_report
from ansible_collections.selfmail.smtp.plugins.module_utils.dns_client import (
    DNS_CHECK_ARGUMENT_SPEC,
    client_from_params,
    require_libraries,
)
from ansible_collections.selfmail.smtp.plugins.module_utils.ptr import check_ptr
from ansible_collections.selfmail.smtp.plugins.module_utils.validation import (
    OptionError,
    validate_domain,
    validate_ips,
)


def main():
    argument_spec = dict(
        ips=dict(type='list', elements='str', required=True),
        hostname=dict(type='str', required=True),
    )
    argument_spec.update(DNS_CHECK_ARGUMENT_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    require_libraries(module)
    try:
        addresses = validate_ips(module.params['ips'], 'ips')
        hostname = validate_domain(module.params['hostname'], 'hostname')
    except OptionError as exc:
        module.fail_json(msg=str(exc))
    if not addresses:
        module.fail_json(msg='ips: give at least one address')
    client = client_from_params(module)

    report = CheckReport('Reverse DNS check of %s' % hostname)
    per_address = check_ptr(client, report, addresses, hostname)
    exit_with_report(module, report, addresses=per_address)


if __name__ == '__main__':
    main()
