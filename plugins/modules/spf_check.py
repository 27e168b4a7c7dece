#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: spf_check
short_description: Check the SPF record of a mail domain and evaluate it for the sending addresses
version_added: 0.1.0
description:
  - Looks up the SPF record of O(domain), checks its syntax (RFC 7208), follows C(include) and C(redirect)
    with loop detection, and counts DNS lookups and void lookups the way receiving servers count them.
  - Evaluates the record (RFC 7208 C(check_host)) for every address in O(ips), giving C(pass), C(fail),
    C(softfail), C(neutral), C(none), C(permerror) or C(temperror) per address, as a receiver would.
  - Flags C(ptr), C(+all) and C(?all).
  - Read-only; never changes anything. A failed lookup becomes an error on that item, not a crash.
author:
  - selfmail.smtp contributors (!UNKNOWN)
requirements:
  - dnspython >= 2.0 on the host that runs the module
extends_documentation_fragment:
  - selfmail.smtp.dns_check
options:
  domain:
    description: The mail domain (the domain of the envelope sender, C(MAIL FROM)).
    type: str
    required: true
  ips:
    description:
      - IPv4 and IPv6 addresses of the servers that send mail for O(domain).
      - The record is evaluated for each of them.
    type: list
    elements: str
    default: []
  helo:
    description:
      - The name the server says in C(EHLO). When set, the SPF record of that name is evaluated for O(ips) too.
    type: str
  sender:
    description:
      - The envelope sender used for macro expansion (C(%{s}), C(%{l}), C(%{o})).
      - Defaults to C(postmaster@<domain>).
    type: str
notes:
  - The lookup count RV(lookups) is what a receiver spends on a sender that matches nothing, the most
    expensive path; the per-address counts are in RV(details).
seealso:
  - name: RFC 7208
    description: Sender Policy Framework (SPF).
    link: https://www.rfc-editor.org/rfc/rfc7208
"""

EXAMPLES = r"""
- name: Check that the mail server may send for example.org
  selfmail.smtp.spf_check:
    domain: example.org
    ips:
      - 192.0.2.10
      - 2001:db8::10
    helo: mail.example.org

- name: Report only, do not fail
  selfmail.smtp.spf_check:
    domain: example.org
    ips: "{{ ansible_facts.all_ipv4_addresses }}"
    fail_on: never
  register: spf

- name: Show what to publish
  ansible.builtin.debug:
    var: spf.instructions
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
  sample: ["SPF example.org: 192.0.2.10: fail (matched '-all' in the record of example.org); mail from this server will not pass SPF"]
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
  sample: ['Replace the SPF record of example.org with: example.org. 3600 IN TXT "v=spf1 mx ip4:192.0.2.10 -all"']
findings:
  description: Every finding with its level (V(ok), V(warning), V(error)), subject, message and instruction.
  returned: always
  type: list
  elements: dict
record:
  description: The SPF record of O(domain), if there is exactly one.
  returned: always
  type: str
  sample: v=spf1 ip4:192.0.2.10 ip6:2001:db8::10 -all
lookups:
  description: DNS-querying terms (C(include), C(a), C(mx), C(ptr), C(exists), C(redirect)) in the whole tree; more than 10 is a permerror.
  returned: always
  type: int
  sample: 3
void_lookups:
  description: Terms whose lookup finds no record; more than 2 is a permerror.
  returned: always
  type: int
  sample: 0
verdicts:
  description:
    - The SPF result for each address of O(ips), as a receiver computes it (C(check_host)).
    - Named C(verdicts) because Ansible reserves C(results) for loops.
  returned: always
  type: dict
  sample: {"192.0.2.10": "pass", "2001:db8::10": "pass"}
details:
  description: Per address, the result, the reason, the matching term and the lookups spent.
  returned: always
  type: dict
  sample: {"192.0.2.10": {"result": "pass", "mechanism": "ip4:192.0.2.10", "lookups": 0, "void_lookups": 0,
           "reason": "matched 'ip4:192.0.2.10' in the record of example.org"}}
helo_results:
  description: The SPF result of the O(helo) name for each address, when O(helo) is set.
  returned: always
  type: dict
includes:
  description: >-
    The include/redirect tree: each node has C(domain), C(record), C(lookups), C(void_lookups),
    C(includes) (list of nodes), C(redirect) (node or null) and C(error).
  returned: always
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.selfmail.smtp.plugins.module_utils.check_report import CheckReport, exit_with_report
from ansible_collections.selfmail.smtp.plugins.module_utils.dns_client import (
    DNS_CHECK_ARGUMENT_SPEC,
    client_from_params,
    require_libraries,
)
from ansible_collections.selfmail.smtp.plugins.module_utils.spf import check_spf
from ansible_collections.selfmail.smtp.plugins.module_utils.validation import (
    OptionError,
    validate_domain,
    validate_email_address,
    validate_ips,
)


def main():
    argument_spec = dict(
        domain=dict(type='str', required=True),
        ips=dict(type='list', elements='str', default=[]),
        helo=dict(type='str'),
        sender=dict(type='str'),
    )
    argument_spec.update(DNS_CHECK_ARGUMENT_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    require_libraries(module)
    params = module.params
    try:
        domain = validate_domain(params['domain'], 'domain')
        addresses = validate_ips(params['ips'], 'ips')
        helo = validate_domain(params['helo'], 'helo') if params['helo'] else None
    except OptionError as exc:
        module.fail_json(msg=str(exc))
    sender = params['sender']
    if sender is not None and validate_email_address(sender) is None:
        module.fail_json(msg='sender: %r is not an e-mail address like user@example.org' % sender)
    client = client_from_params(module)

    report = CheckReport('SPF check of %s' % domain)
    details = check_spf(client, report, domain, addresses, helo=helo, sender=sender)
    exit_with_report(module, report, **details)


if __name__ == '__main__':
    main()
