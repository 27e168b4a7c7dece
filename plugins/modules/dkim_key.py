#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: dkim_key
short_description: Generate a DKIM key pair and return the DNS record to publish
version_added: 0.1.0
description:
  - Generates an RSA (2048, 3072 or 4096 bits) or Ed25519 DKIM private key and writes it as a PKCS#8 PEM file
    (chasquid 1.14 and later reject PKCS#1 keys) to O(path), never readable by other users.
  - An existing valid key is kept and its record returned, so the published record stays the same across runs;
    O(force=true) replaces it. An existing PKCS#1 key is rewritten as PKCS#8 (the same key).
  - Returns the DKIM record to publish at C(<selector>._domainkey.<domain>), also split into quoted strings of at
    most 255 bytes for a zone file or nsupdate.
  - Works on the managed host, and with C(delegate_to) set to V(localhost) to keep the keys on the controller so
    that a rebuilt host keeps the same published record.
author:
  - selfmail.smtp contributors (!UNKNOWN)
requirements:
  - cryptography >= 3.0 on the host that runs the module
attributes:
  check_mode:
    support: full
    description: Reports whether a key would be created or replaced, without writing it.
  diff_mode:
    support: full
    description: The diff shows the published record before and after, never the private key.
options:
  path:
    description: Where the private key is written (PEM, PKCS#8).
    type: path
    required: true
  selector:
    description: The DKIM selector (RFC 6376 sub-domain syntax, for example V(mail2024)).
    type: str
    required: true
  domain:
    description: The signing domain.
    type: str
    required: true
  type:
    description: The key algorithm. V(ed25519) keys are short but not verified by every receiver yet; sign with both to use them.
    type: str
    default: rsa
    choices: [rsa, ed25519]
  bits:
    description: The RSA key size. Ignored for V(ed25519).
    type: int
    default: 2048
    choices: [2048, 3072, 4096]
  force:
    description:
      - Replace an existing key with a new one. The new record must then be published before the server signs
        with the new key.
    type: bool
    default: false
  owner:
    description: The owner of the key file (name or uid). Defaults to the user running the module.
    type: str
  group:
    description: The group of the key file (name or gid), for example the group the mail server runs as.
    type: str
  mode:
    description:
      - The permissions of the key file, as an octal string like V('0640').
      - Modes that grant any permission to other users are refused.
    type: raw
    default: '0640'
notes:
  - The private key is written atomically (a temporary file in the same directory, restricted before the key is
    written, then renamed).
seealso:
  - module: selfmail.smtp.dkim_check
  - name: RFC 6376
    description: DomainKeys Identified Mail (DKIM) Signatures.
    link: https://www.rfc-editor.org/rfc/rfc6376
  - name: RFC 8463
    description: A New Cryptographic Signature Method for DKIM (Ed25519).
    link: https://www.rfc-editor.org/rfc/rfc8463
"""

EXAMPLES = r"""
- name: Create the DKIM key chasquid signs with
  selfmail.smtp.dkim_key:
    path: "/etc/chasquid/domains/example.org/dkim:mail2024.pem"
    selector: mail2024
    domain: example.org
    owner: root
    group: chasquid
    mode: "0640"
  become: true
  register: dkim

- name: Keep the key on the controller so that a rebuilt server keeps the published record
  selfmail.smtp.dkim_key:
    path: "{{ playbook_dir }}/keys/example.org-mail2024.pem"
    selector: mail2024
    domain: example.org
    mode: "0600"
  delegate_to: localhost
  register: dkim

- name: Show the record to publish
  ansible.builtin.debug:
    msg: "{{ dkim.record_name }}. 3600 IN TXT {{ dkim.record_strings | join(' ') }}"
"""

RETURN = r"""
selector:
  description: The selector.
  returned: always
  type: str
  sample: mail2024
domain:
  description: The signing domain.
  returned: always
  type: str
  sample: example.org
path:
  description: The path of the private key.
  returned: always
  type: str
record_name:
  description: The name to publish the record at.
  returned: always
  type: str
  sample: mail2024._domainkey.example.org
record_value:
  description: The TXT record value. Null in check mode when a new key would be generated.
  returned: always
  type: str
  sample: v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA...
record_strings:
  description: >-
    The record value as double-quoted strings of at most 255 bytes each, ready for a zone file
    (joined by spaces) and for nsupdate. Empty in check mode when a new key would be generated.
  returned: always
  type: list
  elements: str
  sample: ['"v=DKIM1; k=rsa; p=MIIBIjANBgkq..."', '"...IDAQAB"']
public_key:
  description: The public key, PEM (SubjectPublicKeyInfo). Null in check mode when a new key would be generated.
  returned: always
  type: str
key_type:
  description: V(rsa) or V(ed25519), of the key on disk (which may differ from O(type) when an existing key is kept).
  returned: always
  type: str
key_bits:
  description: The key size in bits (256 for Ed25519).
  returned: always
  type: int
  sample: 2048
"""

import grp
import os
import pwd
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.selfmail.smtp.plugins.module_utils.dkim import (
    DkimError,
    generate_private_key,
    is_pkcs8_pem,
    key_type_and_bits,
    load_private_key,
    private_key_pem,
    record_facts,
    record_name,
)
from ansible_collections.selfmail.smtp.plugins.module_utils.dns_client import require_libraries
from ansible_collections.selfmail.smtp.plugins.module_utils.validation import (
    OptionError,
    validate_domain,
    validate_selector,
)


def parse_mode(value):
    """An octal mode as int; refuse anything other users could read or write."""
    if isinstance(value, int):
        mode = value
    else:
        text = str(value).strip()
        if not text or any(c not in '01234567' for c in text):
            raise OptionError("mode: %r is not an octal mode like '0640' (symbolic modes are not supported here)" % value)
        mode = int(text, 8)
    if mode > 0o7777:
        raise OptionError('mode: %r is not a valid file mode' % value)
    if mode & 0o007:
        raise OptionError('mode: %s would let other users access the DKIM private key; use 0640 or 0600' % oct(mode))
    return mode


def resolve_owner(module, owner, group):
    uid = gid = -1
    if owner is not None:
        try:
            uid = int(owner) if owner.isdigit() else pwd.getpwnam(owner).pw_uid
        except KeyError:
            module.fail_json(msg='owner: no such user %r' % owner)
    if group is not None:
        try:
            gid = int(group) if group.isdigit() else grp.getgrnam(group).gr_gid
        except KeyError:
            module.fail_json(msg='group: no such group %r' % group)
    return uid, gid


def write_key(module, path, data, mode, uid, gid):
    """Write the key atomically, restricted before it holds the key.

    AnsibleModule.atomic_move gives a new file the umask-default mode
    (usually world-readable) after the rename, so the equivalent is done
    here: mkstemp (0600), write, chmod/chown, then rename in place.
    """
    directory = os.path.dirname(path) or '.'
    if not os.path.isdir(directory):
        module.fail_json(msg='path: the directory %s does not exist' % directory)
    fd, tmp_path = tempfile.mkstemp(prefix='.dkim-', suffix='.tmp', dir=directory)
    try:
        with os.fdopen(fd, 'wb') as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_path, mode)
        if uid != -1 or gid != -1:
            os.chown(tmp_path, uid, gid)
        os.rename(tmp_path, path)
    except (IOError, OSError) as exc:
        if os.path.exists(tmp_path):
            os.unlink(tmp_path)
        module.fail_json(msg='path: cannot write %s: %s' % (path, to_native(exc)))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type='path', required=True),
            selector=dict(type='str', required=True),
            domain=dict(type='str', required=True),
            type=dict(type='str', default='rsa', choices=['rsa', 'ed25519']),
            bits=dict(type='int', default=2048, choices=[2048, 3072, 4096]),
            force=dict(type='bool', default=False),
            owner=dict(type='str'),
            group=dict(type='str'),
            mode=dict(type='raw', default='0640'),
        ),
        supports_check_mode=True,
    )
    require_libraries(module, dnspython=False, cryptography=True)
    params = module.params
    path = params['path']
    try:
        domain = validate_domain(params['domain'], 'domain')
        selector = validate_selector(params['selector'], 'selector')
        mode = parse_mode(params['mode'])
    except OptionError as exc:
        module.fail_json(msg=str(exc))
    uid, gid = resolve_owner(module, params['owner'], params['group'])

    existing_key = None
    existing_data = None
    if os.path.lexists(path):
        if not os.path.isfile(path):
            module.fail_json(msg='path: %s exists and is not a regular file' % path)
        try:
            with open(path, 'rb') as handle:
                existing_data = handle.read()
        except (IOError, OSError) as exc:
            module.fail_json(msg='path: cannot read %s: %s' % (path, to_native(exc)))
        if not params['force']:
            try:
                existing_key = load_private_key(existing_data)
            except DkimError as exc:
                module.fail_json(msg='path: %s holds no usable key (%s); use force: true to replace it' % (path, exc))

    warnings = []
    old_facts = None
    if existing_data is not None:
        try:
            old_facts = record_facts(load_private_key(existing_data), selector, domain)
        except DkimError:
            old_facts = None

    changed = False
    if existing_key is not None:
        key = existing_key
        key_type, bits = key_type_and_bits(key)
        if key_type != params['type'] or (key_type == 'rsa' and bits != params['bits']):
            warnings.append('%s holds a %s key of %d bits, not the requested %s%s; it is kept because the published '
                            'record depends on it. Use force: true to replace it.'
                            % (path, key_type, bits, params['type'], ' %d' % params['bits'] if params['type'] == 'rsa' else ''))
        if not is_pkcs8_pem(existing_data):
            # same key, rewritten in the format chasquid accepts
            changed = True
            if not module.check_mode:
                write_key(module, path, private_key_pem(key), mode, uid, gid)
        facts = record_facts(key, selector, domain)
    else:
        changed = True
        if module.check_mode:
            key = None
            facts = {'selector': selector, 'domain': domain, 'record_name': record_name(selector, domain),
                     'record_value': None, 'record_strings': [], 'public_key': None,
                     'key_type': params['type'], 'key_bits': params['bits'] if params['type'] == 'rsa' else 256}
        else:
            try:
                key = generate_private_key(params['type'], params['bits'])
            except DkimError as exc:
                module.fail_json(msg=str(exc))
            write_key(module, path, private_key_pem(key), mode, uid, gid)
            facts = record_facts(key, selector, domain)

    # owner/group/mode of a kept key, and SELinux context, the standard way
    file_args = module.load_file_common_arguments(
        dict(path=path, mode=mode, owner=params['owner'], group=params['group']))
    if os.path.exists(path):
        changed = module.set_fs_attributes_if_different(file_args, changed)

    result = dict(changed=changed, path=path, **facts)
    if module._diff:
        before = (old_facts['record_value'] + '\n') if old_facts else ''
        after = (facts['record_value'] + '\n') if facts['record_value'] else ('<new key>\n' if changed else before)
        result['diff'] = dict(before=before, after=after,
                              before_header='%s (published record)' % facts['record_name'],
                              after_header='%s (published record)' % facts['record_name'])
    for warning in warnings:
        module.warn(warning)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
