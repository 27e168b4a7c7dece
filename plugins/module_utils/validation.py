# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validation of module options: domains, IP addresses, DKIM selectors.

Every message names the option so that a playbook author sees which value
to fix.
"""

from __future__ import annotations

import ipaddress
import re

_LDH_LABEL = re.compile(r'^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$')
# DNS labels as they appear in mail records (_dmarc, _domainkey, _spf...)
_DNS_LABEL = re.compile(r'^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$')


class OptionError(ValueError):
    """A module option has an invalid value; the message names the option."""


def _to_ascii(value, option):
    if not isinstance(value, str):
        raise OptionError('%s: expected a string, got %r' % (option, value))
    text = value.strip()
    try:
        text.encode('ascii')
    except UnicodeEncodeError:
        try:
            # internationalised names are checked in their A-label form
            text = text.encode('idna').decode('ascii')
        except UnicodeError as exc:
            raise OptionError('%s: %r is not a valid internationalised domain name (%s)' % (option, value, exc)) from exc
    return text.lower()


def validate_domain(value, option='domain', allow_underscore=False):
    """Return ``value`` as a lower-case name without the trailing dot.

    Host and mail domain names are LDH labels (letters, digits, hyphen; no
    hyphen at either end), 1 to 63 characters each, 253 characters in all,
    at least two labels.
    """
    name = _to_ascii(value, option)
    if name.endswith('.'):
        name = name[:-1]
    if not name:
        raise OptionError('%s: the domain name is empty' % option)
    if len(name) > 253:
        raise OptionError('%s: %r is longer than 253 characters' % (option, value))
    labels = name.split('.')
    if len(labels) < 2:
        raise OptionError('%s: %r is not a fully qualified domain name (it needs at least two labels, like example.org)' % (option, value))
    pattern = _DNS_LABEL if allow_underscore else _LDH_LABEL
    for label in labels:
        if not label:
            raise OptionError('%s: %r has an empty label (two dots in a row)' % (option, value))
        if len(label) > 63:
            raise OptionError('%s: label %r of %r is longer than 63 characters' % (option, label, value))
        if not pattern.match(label):
            raise OptionError(
                '%s: label %r of %r may only contain letters, digits and hyphens, and must not start or end with a hyphen'
                % (option, label, value))
    if labels[-1].isdigit():
        raise OptionError('%s: %r looks like an IP address, not a domain name' % (option, value))
    return name


def is_valid_dns_name(name):
    """Whether ``name`` can be queried: labels 1-63 bytes, 253 in all."""
    if not name or len(name) > 253:
        return False
    labels = name.rstrip('.').split('.')
    return all(0 < len(label) <= 63 for label in labels)


def validate_ip(value, option='ips'):
    """Return an ``ipaddress`` object for an IPv4 or IPv6 address."""
    if not isinstance(value, str):
        value = str(value)
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        raise OptionError('%s: %r is not a valid IPv4 or IPv6 address' % (option, value)) from None
    # an IPv4-mapped IPv6 address is the IPv4 sender for every mail check
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address


def validate_ips(values, option='ips'):
    """Validate a list of addresses, dropping duplicates and keeping order."""
    seen = []
    for value in values or []:
        address = validate_ip(value, option)
        if address not in seen:
            seen.append(address)
    return seen


def validate_selector(value, option='selector'):
    """A DKIM selector is one or more LDH labels (RFC 6376 3.1 sub-domain)."""
    if not isinstance(value, str) or not value:
        raise OptionError('%s: the selector is empty' % option)
    text = value.strip()
    if len(text) > 63 * 4:
        raise OptionError('%s: %r is too long' % (option, value))
    for label in text.split('.'):
        if not label:
            raise OptionError('%s: %r has an empty label' % (option, value))
        if len(label) > 63:
            raise OptionError('%s: label %r of %r is longer than 63 characters' % (option, label, value))
        if not re.match(r'^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$', label):
            raise OptionError(
                '%s: %r may only contain letters, digits, hyphens (not at either end of a label) and dots '
                '(RFC 6376 selector syntax)' % (option, value))
    return text.lower()


def validate_nameservers(values, option='nameservers'):
    """Nameservers are given as IP addresses, not host names."""
    result = []
    for value in values or []:
        result.append(str(validate_ip(value, option)))
    return result


def validate_email_address(value):
    """Return (local, domain) for a plausible address, or None."""
    if not value or value.count('@') < 1:
        return None
    local, _sep, domain = value.rpartition('@')
    if not local or not domain:
        return None
    try:
        domain = validate_domain(domain, 'address')
    except OptionError:
        return None
    return local, domain
