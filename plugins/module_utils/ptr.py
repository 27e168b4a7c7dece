# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reverse DNS (PTR) of the sending addresses.

Receivers reject or score down mail from an address without forward-
confirmed reverse DNS, and many compare it with the EHLO name.
"""

from __future__ import annotations

import ipaddress
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.selfmail.smtp.plugins.module_utils.dns_client import normalize_name, reverse_name


def _provider_instruction(address, hostname):
    return ('Set the reverse DNS (PTR) of %s to %s in the control panel of your hosting provider '
            '(the reverse zone belongs to whoever owns the address block; it cannot be set in your own zone).'
            % (address, hostname))


def check_one_address(client, report, address, hostname):
    subject = 'PTR %s' % address
    name = reverse_name(address)
    detail = {'reverse_name': name, 'ptr': [], 'forward_addresses': [], 'forward_confirmed': False,
              'matches_hostname': False, 'error': None}
    answer = client.reverse(address)
    if answer.failed:
        detail['error'] = answer.error
        report.error(subject, 'the PTR lookup of %s failed: %s' % (name, answer.error))
        return detail
    names = [normalize_name(r.target.to_text()) for r in answer.records] if answer.ok else []
    detail['ptr'] = names
    if not names:
        report.error(subject, 'no reverse DNS (%s)' % answer.describe(), _provider_instruction(address, hostname))
        return detail
    if len(names) > 1:
        report.warning(subject, '%d PTR names (%s): receivers may pick any of them' % (len(names), ', '.join(names)),
                       _provider_instruction(address, hostname) + ' Keep only that one PTR record.')

    confirmed_names = []
    for ptr_name in names:
        forward = client.addresses(ptr_name, address.version)
        if forward.failed:
            report.error(subject, 'the %s lookup of %s failed: %s' % ('A' if address.version == 4 else 'AAAA', ptr_name, forward.error))
            continue
        found = [ipaddress.ip_address(r.address) for r in forward.records] if forward.ok else []
        detail['forward_addresses'].extend(str(a) for a in found if str(a) not in detail['forward_addresses'])
        if address in found:
            confirmed_names.append(ptr_name)
    detail['forward_confirmed'] = bool(confirmed_names)
    detail['matches_hostname'] = hostname in names
    record_type = 'A' if address.version == 4 else 'AAAA'

    if not confirmed_names:
        report.error(subject, 'the PTR name %s does not resolve back to %s (not forward-confirmed)' % (names[0], address),
                     'Publish %s. 3600 IN %s %s in the zone of %s, or change the PTR.' % (names[0], record_type, address, names[0]))
    else:
        report.ok(subject, 'forward-confirmed: %s -> %s' % (address, ', '.join(confirmed_names)))
    if hostname in names:
        if hostname in confirmed_names:
            report.ok(subject, 'the PTR name equals the EHLO name %s' % hostname)
        elif confirmed_names:
            report.error(subject, '%s does not resolve back to %s' % (hostname, address),
                         'Publish %s. 3600 IN %s %s.' % (hostname, record_type, address))
    else:
        report.error(subject, 'the PTR name %s differs from the EHLO name %s' % (', '.join(names), hostname),
                     _provider_instruction(address, hostname))
    return detail


def check_ptr(client, report, addresses, hostname, max_workers=8):
    """Check every address concurrently; return {address: detail}."""
    if not addresses:
        return {}
    with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(addresses)))) as pool:
        details = list(pool.map(lambda a: (str(a), check_one_address(client, report, a, hostname)), addresses))
    return dict(details)
