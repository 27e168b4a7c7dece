#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: dkim_check
short_description: Check a published DKIM key record against the signing key
version_added: 0.1.0
description:
  - Looks up C(<selector>._domainkey.<domain>), joins multi-string TXT records as receivers do, parses the
    tags (RFC 6376), checks C(k) and C(p), the key size (error under 1024 bits, warning under 2048) and
    C(t=y) (testing mode).
  - With O(public_key) or O(private_key_path), checks that the published key B(equals) the key the server
    signs with, and gives the exact record to publish when it does not.
  - Read-only; never changes anything.
author:
  - selfmail.smtp contributors (!UNKNOWN)
requirements:
  - dnspython >= 2.0 and cryptography >= 3.0 on the host that runs the module
extends_documentation_fragment:
  - selfmail.smtp.dns_check
options:
  domain:
    description: The signing domain (C(d=) of the signatures).
    type: str
    required: true
  selector:
    description: The selector (C(s=) of the signatures).
    type: str
    required: true
  public_key:
    description:
      - The public key the server signs with, as PEM, as a complete C(v=DKIM1) record, or as the base64 C(p=) value.
      - Use the RV(selfmail.smtp.dkim_key#module:public_key) or RV(selfmail.smtp.dkim_key#module:record_value) returned by M(selfmail.smtp.dkim_key).
    type: str
  private_key_path:
    description: Path, on the host that runs the module, of the PEM private key the server signs with.
    type: path
"""

EXAMPLES = r"""
- name: Check the published DKIM record against the key on the server
  selfmail.smtp.dkim_check:
    domain: example.org
    selector: mail2024
    private_key_path: /etc/chasquid/domains/example.org/dkim:mail2024.pem
  become: true

- name: Check against the key generated on the controller
  selfmail.smtp.dkim_check:
    domain: example.org
    selector: mail2024
    public_key: "{{ dkim.public_key }}"
  delegate_to: localhost
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
record_name:
  description: The name the key record is published at.
  returned: always
  type: str
  sample: mail2024._domainkey.example.org
record:
  description: The published record, its strings joined.
  returned: always
  type: str
tags:
  description: The tags of the record.
  returned: always
  type: dict
  sample: {"v": "DKIM1", "k": "rsa", "p": "MIIBIjANBgkqh..."}
key_type:
  description: The published key type, V(rsa) or V(ed25519).
  returned: always
  type: str
key_bits:
  description: The size of the published key in bits.
  returned: always
  type: int
matches_local_key:
  description: Whether the published key equals the local key; null when no local key was given.
  returned: always
  type: bool
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.selfmail.smtp.plugins.module_utils.check_report import CheckReport, exit_with_report
from ansible_collections.selfmail.smtp.plugins.module_utils.dkim import (
    DkimError,
    check_dkim,
    load_private_key,
    load_public_key_text,
)
from ansible_collections.selfmail.smtp.plugins.module_utils.dns_client import (
    DNS_CHECK_ARGUMENT_SPEC,
    client_from_params,
    require_libraries,
)
from ansible_collections.selfmail.smtp.plugins.module_utils.validation import (
    OptionError,
    validate_domain,
    validate_selector,
)


def main():
    argument_spec = dict(
        domain=dict(type='str', required=True),
        selector=dict(type='str', required=True),
        public_key=dict(type='str'),
        private_key_path=dict(type='path'),
    )
    argument_spec.update(DNS_CHECK_ARGUMENT_SPEC)
    module = AnsibleModule(
        argument_spec=argument_spec,
        mutually_exclusive=[('public_key', 'private_key_path')],
        supports_check_mode=True,
    )
    require_libraries(module, cryptography=True)
    params = module.params
    try:
        domain = validate_domain(params['domain'], 'domain')
        selector = validate_selector(params['selector'], 'selector')
    except OptionError as exc:
        module.fail_json(msg=str(exc))

    local_key = None
    if params['public_key']:
        try:
            local_key = load_public_key_text(params['public_key'])
        except DkimError as exc:
            module.fail_json(msg='public_key: %s' % exc)
    elif params['private_key_path']:
        path = params['private_key_path']
        try:
            with open(path, 'rb') as handle:
                data = handle.read()
        except (IOError, OSError) as exc:
            module.fail_json(msg='private_key_path: cannot read %s: %s' % (path, exc))
        try:
            local_key = load_private_key(data).public_key()
        except DkimError as exc:
            module.fail_json(msg='private_key_path: %s: %s' % (path, exc))
    client = client_from_params(module)

    report = CheckReport('DKIM check of %s._domainkey.%s' % (selector, domain))
    details = check_dkim(client, report, domain, selector, local_key)
    exit_with_report(module, report, **details)


if __name__ == '__main__':
    main()
