#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: dmarc_check
short_description: Check the DMARC record of a mail domain
version_added: 0.1.0
description:
  - Looks up the C(_dmarc) TXT record of O(domain) (exactly one, starting with C(v=DMARC1)) and parses and
    validates every tag (RFC 7489) C(p), C(sp), C(adkim), C(aspf), C(pct), C(fo), C(rua), C(ruf), C(ri), C(rf).
  - Warns about C(p=none), C(pct) below 100 and a missing C(rua).
  - For a report address outside the domain, verifies that the destination authorises the reports
    (the C(<domain>._report._dmarc.<destination>) record, RFC 7489 7.1).
  - Read-only; never changes anything.
author:
  - selfmail.smtp contributors (!UNKNOWN)
requirements:
  - dnspython >= 2.0 on the host that runs the module
extends_documentation_fragment:
  - selfmail.smtp.dns_check
options:
  domain:
    description: The mail domain (the domain of the C(From) header).
    type: str
    required: true
notes:
  - A report address is taken as inside the domain when its domain is O(domain), a subdomain of it or a parent
    of it; other destinations must publish the authorisation record.
seealso:
  - name: RFC 7489
    description: Domain-based Message Authentication, Reporting, and Conformance (DMARC).
    link: https://www.rfc-editor.org/rfc/rfc7489
"""

EXAMPLES = r"""
- name: Check the DMARC policy of example.org
  selfmail.smtp.dmarc_check:
    domain: example.org

- name: Fail on warnings too (for example p=none)
  selfmail.smtp.dmarc_check:
    domain: example.org
    fail_on: warning
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
record:
  description: The DMARC record, if there is exactly one.
  returned: always
  type: str
  sample: v=DMARC1; p=reject; rua=mailto:dmarc@example.org
record_name:
  description: The name the record is published at.
  returned: always
  type: str
  sample: _dmarc.example.org
tags:
  description: The tags as published.
  returned: always
  type: dict
  sample: {"v": "DMARC1", "p": "reject", "rua": "mailto:dmarc@example.org"}
policy:
  description: The policy receivers apply, with the defaults of RFC 7489 filled in; null without a record.
  returned: always
  type: dict
  sample: {"p": "reject", "sp": "reject", "pct": 100, "adkim": "r", "aspf": "r", "fo": "0", "ri": 86400,
           "rua": ["dmarc@example.org"], "ruf": []}
report_authorizations:
  description: For each report destination outside the domain, whether it authorises the reports.
  returned: always
  type: dict
  sample: {"reports.example.net": true}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.selfmail.smtp.plugins.module_utils.check_report import CheckReport, exit_with_report
from ansible_collections.selfmail.smtp.plugins.module_utils.dmarc import check_dmarc
from ansible_collections.selfmail.smtp.plugins.module_utils.dns_client import (
    DNS_CHECK_ARGUMENT_SPEC,
    client_from_params,
    require_libraries,
)
from ansible_collections.selfmail.smtp.plugins.module_utils.validation import OptionError, validate_domain


def main():
    argument_spec = dict(
        domain=dict(type='str', required=True),
    )
    argument_spec.update(DNS_CHECK_ARGUMENT_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    require_libraries(module)
    try:
        domain = validate_domain(module.params['domain'], 'domain')
    except OptionError as exc:
        module.fail_json(msg=str(exc))
    client = client_from_params(module)

    report = CheckReport('DMARC check of %s' % domain)
    details = check_dmarc(client, report, domain)
    exit_with_report(module, report, **details)


if __name__ == '__main__':
    main()
