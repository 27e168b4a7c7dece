# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The DNS records a sending domain needs, computed from the mail hosts.

One place decides what is published: A/AAAA of every mail host, MX, SPF in
the shape ``v=spf1 a mx include:_spf.<domain> ~all`` with ``_spf.<domain>``
listing every address of every sending host, DKIM, DMARC, and optionally
TLS-RPT and MTA-STS. Every value is checked with the same parsers the check
modules use, so the collection never publishes a record it would then call
broken.

Each record says which values at its name it owns: the whole RRset, or (at
a domain's apex, which other services share) only the TXT value that starts
with ``v=spf1``. ``merge_rrset`` keeps whatever the record does not own.
"""

from __future__ import annotations

import ipaddress

from ansible_collections.selfmail.smtp.plugins.module_utils.dmarc import (
    ALIGNMENT,
    FAILURE_OPTIONS,
    POLICIES,
    parse_dmarc,
)
from ansible_collections.selfmail.smtp.plugins.module_utils.spf import SpfSyntaxError, parse_spf
from ansible_collections.selfmail.smtp.plugins.module_utils.txt_record import txt_rdata
from ansible_collections.selfmail.smtp.plugins.module_utils.validation import (
    OptionError,
    validate_domain,
    validate_email_address,
)

SPF_ALL = ('-all', '~all', '?all')
MTA_STS_MODES = ('none', 'testing', 'enforce')
# Receivers stop reading an SPF record over UDP beyond 512 bytes of answer
# (RFC 7208 3.4 recommends staying under about 450 bytes of record).
SPF_RECOMMENDED_MAX = 450

OWN_RRSET = 'rrset'
OWN_SPF = 'v=spf1'

DEFAULT_POLICY = {
    'ttl': 3600,
    'mx': True,
    'mx_priority': 10,
    'spf_all': '~all',
    'spf_includes': [],
    'dmarc_policy': 'quarantine',
    'dmarc_subdomain_policy': '',
    'dmarc_rua': [],
    'dmarc_ruf': [],
    'dmarc_fo': '1',
    'dmarc_adkim': 'r',
    'dmarc_aspf': 'r',
    'dmarc_pct': 100,
    'tls_rpt_rua': [],
    'mta_sts_id': '',
}


def _in_zone(name, zone):
    return name == zone or name.endswith('.' + zone)


def zone_of(name, zones):
    """The longest of ``zones`` that holds ``name``, or None."""
    best = None
    for zone in zones:
        if _in_zone(name, zone) and (best is None or len(zone) > len(best)):
            best = zone
    return best


def _report_uri(value, option):
    """``mailto:`` URI from an address or a URI (RFC 7489 6.2)."""
    text = str(value).strip()
    if text.lower().startswith('mailto:'):
        address = text[len('mailto:'):]
    elif ':' in text:
        raise OptionError('%s: %r: only mailto: report addresses are supported' % (option, value))
    else:
        address = text
    if validate_email_address(address.split('!', 1)[0]) is None:
        raise OptionError('%s: %r is not an e-mail address to send reports to' % (option, value))
    return 'mailto:' + address


def _normalise_policy(policy):
    merged = dict(DEFAULT_POLICY)
    for key, value in (policy or {}).items():
        if key not in DEFAULT_POLICY:
            raise OptionError('policy: unknown setting %r' % key)
        if value is not None:
            merged[key] = value
    try:
        merged['ttl'] = int(merged['ttl'])
        merged['mx_priority'] = int(merged['mx_priority'])
        merged['dmarc_pct'] = int(merged['dmarc_pct'])
    except (TypeError, ValueError):
        raise OptionError('policy: ttl, mx_priority and dmarc_pct must be numbers') from None
    if not 60 <= merged['ttl'] <= 604800:
        raise OptionError('ttl: %d is outside 60..604800 seconds' % merged['ttl'])
    if not 0 <= merged['mx_priority'] <= 65535:
        raise OptionError('mx_priority: %d is outside 0..65535' % merged['mx_priority'])
    if merged['spf_all'] not in SPF_ALL:
        raise OptionError('spf_all: %r is not one of %s' % (merged['spf_all'], ', '.join(SPF_ALL)))
    includes = []
    for include in merged['spf_includes'] or []:
        includes.append(validate_domain(include, 'spf_includes', allow_underscore=True))
    merged['spf_includes'] = includes
    if merged['dmarc_policy'] not in POLICIES:
        raise OptionError('dmarc_policy: %r is not one of %s' % (merged['dmarc_policy'], ', '.join(POLICIES)))
    if merged['dmarc_subdomain_policy'] and merged['dmarc_subdomain_policy'] not in POLICIES:
        raise OptionError('dmarc_subdomain_policy: %r is not one of %s'
                          % (merged['dmarc_subdomain_policy'], ', '.join(POLICIES)))
    for key in ('dmarc_adkim', 'dmarc_aspf'):
        if merged[key] not in ALIGNMENT:
            raise OptionError('%s: %r is not r (relaxed) or s (strict)' % (key, merged[key]))
    fo = str(merged['dmarc_fo'])
    if not fo or any(part not in FAILURE_OPTIONS for part in fo.split(':')):
        raise OptionError('dmarc_fo: %r is not a colon-separated list of 0, 1, d, s' % merged['dmarc_fo'])
    merged['dmarc_fo'] = fo
    if not 0 <= merged['dmarc_pct'] <= 100:
        raise OptionError('dmarc_pct: %d is outside 0..100' % merged['dmarc_pct'])
    for key in ('dmarc_rua', 'dmarc_ruf', 'tls_rpt_rua'):
        merged[key] = [_report_uri(uri, key) for uri in merged[key] or []]
    return merged


def _normalise_host(host, index):
    if not isinstance(host, dict) or 'name' not in host:
        raise OptionError('hosts[%d]: expected a dict with name, ipv4 and ipv6' % index)
    name = validate_domain(host['name'], 'hosts[%d].name' % index)
    addresses = {'ipv4': [], 'ipv6': []}
    for family, version in (('ipv4', 4), ('ipv6', 6)):
        for value in host.get(family) or []:
            try:
                address = ipaddress.ip_address(str(value).strip())
            except ValueError:
                raise OptionError('%s: %r (an address of %s) is not an IP address' % (family, value, name)) from None
            if address.version != version:
                raise OptionError('%s: %s (an address of %s) is not an IPv%d address' % (family, address, name, version))
            if address.is_loopback or address.is_link_local or address.is_multicast or address.is_unspecified:
                raise OptionError('%s: %s (an address of %s) cannot send mail to the Internet' % (family, address, name))
            if str(address) not in addresses[family]:
                addresses[family].append(str(address))
    if not addresses['ipv4'] and not addresses['ipv6']:
        raise OptionError('%s has no IPv4 and no IPv6 address to publish' % name)
    domains = [validate_domain(domain, 'domains of %s' % name) for domain in host.get('domains') or []]
    return {'name': name, 'ipv4': addresses['ipv4'], 'ipv6': addresses['ipv6'], 'domains': domains}


def _txt(name, text, purpose, ttl, owns=OWN_RRSET):
    return {'name': name, 'type': 'TXT', 'values': [txt_rdata(text)], 'text': text,
            'ttl': ttl, 'owns': owns, 'purpose': purpose}


def _unquote_txt(rdata):
    """The text of a TXT RDATA in zone-file form: its strings, unquoted and joined."""
    strings = []
    current = None
    index = 0
    while index < len(rdata):
        char = rdata[index]
        if current is None:
            if char == '"':
                current = []
            elif not char.isspace():
                # an unquoted string runs to the next space
                end = index
                while end < len(rdata) and not rdata[end].isspace():
                    end += 1
                strings.append(rdata[index:end])
                index = end
                continue
        elif char == '\\' and index + 1 < len(rdata):
            if rdata[index + 1:index + 4].isdigit() and len(rdata[index + 1:index + 4]) == 3:
                current.append(chr(int(rdata[index + 1:index + 4])))
                index += 3
            else:
                current.append(rdata[index + 1])
                index += 1
        elif char == '"':
            strings.append(''.join(current))
            current = None
        else:
            current.append(char)
        index += 1
    return ''.join(strings)


def rdata_content(value, rtype):
    """A zone-file value as an API provider takes it: the text of a TXT
    record, an MX host without the trailing dot and its priority apart."""
    if rtype == 'TXT':
        return {'value': _unquote_txt(value)}
    if rtype == 'MX':
        priority, _sep, host = value.strip().partition(' ')
        return {'value': host.strip().rstrip('.'), 'priority': int(priority)}
    return {'value': value.strip()}


def _check_spf(text):
    try:
        parse_spf(text)
    except SpfSyntaxError as exc:
        raise OptionError('SPF record %r: %s' % (text, exc)) from None


def spf_record(domain, policy):
    terms = ['v=spf1', 'a', 'mx', 'include:_spf.%s' % domain]
    terms += ['include:%s' % include for include in policy['spf_includes']]
    terms.append(policy['spf_all'])
    return ' '.join(terms)


def spf_hosts_record(hosts, all_qualifier='-all'):
    """``_spf.<domain>``: every address of every sending host, nothing else."""
    terms = ['v=spf1']
    for host in hosts:
        terms += ['ip4:%s' % address for address in host['ipv4']]
        terms += ['ip6:%s' % address for address in host['ipv6']]
    terms.append(all_qualifier)
    return ' '.join(terms)


def dmarc_record(policy):
    tags = ['v=DMARC1', 'p=%s' % policy['dmarc_policy']]
    if policy['dmarc_subdomain_policy']:
        tags.append('sp=%s' % policy['dmarc_subdomain_policy'])
    if policy['dmarc_adkim'] != 'r':
        tags.append('adkim=%s' % policy['dmarc_adkim'])
    if policy['dmarc_aspf'] != 'r':
        tags.append('aspf=%s' % policy['dmarc_aspf'])
    if policy['dmarc_pct'] != 100:
        tags.append('pct=%d' % policy['dmarc_pct'])
    if policy['dmarc_rua']:
        tags.append('rua=%s' % ','.join(policy['dmarc_rua']))
    if policy['dmarc_ruf']:
        tags.append('ruf=%s' % ','.join(policy['dmarc_ruf']))
        # fo= matters only when failure reports are asked for
        if policy['dmarc_fo'] != '0':
            tags.append('fo=%s' % policy['dmarc_fo'])
    return '; '.join(tags)


def build_records(domains, hosts, policy=None, dkim_records=None, zones=None):
    """Every record of every domain, and the names it cannot publish.

    ``domains``: the sending domains. ``hosts``: dicts with ``name`` (the
    host's FQDN), ``ipv4``, ``ipv6`` (lists) and ``domains`` (the domains
    it sends for; empty means all). ``dkim_records``: dicts with
    ``domain``, ``selector`` and ``value`` or ``record_value`` (the DKIM
    record text), as the chasquid role and the dkim_key module return them. ``zones``: the DNS
    zones that can be changed (default: the domains themselves).

    Returns ``{'records': [...], 'unmanaged': [...], 'warnings': [...]}``;
    each record has ``zone``, ``name`` (absolute, no trailing dot),
    ``type``, ``values`` (zone-file RDATA), ``ttl``, ``owns`` and ``purpose``.
    """
    policy = _normalise_policy(policy)
    ttl = policy['ttl']
    domains = [validate_domain(domain, 'domains') for domain in domains or []]
    if not domains:
        raise OptionError('domains: at least one sending domain is needed')
    hosts = [_normalise_host(host, index) for index, host in enumerate(hosts or [])]
    if not hosts:
        raise OptionError('hosts: at least one mail host is needed')
    zones = [validate_domain(zone, 'zones') for zone in (zones or domains)]
    for domain in domains:
        if zone_of(domain, zones) is None:
            raise OptionError('zones: no zone holds the domain %s' % domain)

    records = []
    unmanaged = []
    warnings = []

    # The hosts' own names, once each, whatever domain they belong to.
    for host in hosts:
        for rtype, family in (('A', 'ipv4'), ('AAAA', 'ipv6')):
            if not host[family]:
                continue
            record = {'name': host['name'], 'type': rtype, 'values': list(host[family]), 'ttl': ttl,
                      'owns': OWN_RRSET, 'purpose': 'address of the mail host %s' % host['name']}
            if zone_of(host['name'], zones) is None:
                # a report row: the name is published elsewhere, by hand
                record['row'] = {
                    'check': 'DNS %s' % host['name'], 'status': 'warning', 'subject': '%s %s' % (rtype, host['name']),
                    'message': 'outside the zones this role manages',
                    'instruction': 'Publish %s. IN %s %s in the zone that holds it.'
                                   % (host['name'], rtype, ', '.join(host[family])),
                }
                unmanaged.append(record)
            else:
                records.append(record)

    # Several hosts of one domain hand in the same key: one record each.
    dkim_by_domain = {}
    for key in dkim_records or []:
        value = key.get('value') or key.get('record_value')
        if not value:
            continue
        domain = validate_domain(key['domain'], 'dkim_records')
        selector = str(key['selector']).lower()
        known = dkim_by_domain.setdefault(domain, {})
        if selector in known and known[selector]['value'] != value:
            raise OptionError('DKIM selector %s of %s: the hosts hold different keys; give them the same key '
                              'or one selector each' % (selector, domain))
        known[selector] = {'selector': selector, 'value': value}

    for domain in domains:
        senders = [host for host in hosts if not host['domains'] or domain in host['domains']]
        if not senders:
            raise OptionError('no mail host sends for %s: add it to a host\'s domains' % domain)
        if policy['mx']:
            records.append({'name': domain, 'type': 'MX', 'ttl': ttl, 'owns': OWN_RRSET,
                            'values': ['%d %s.' % (policy['mx_priority'], host['name']) for host in senders],
                            'purpose': 'MX: the hosts that receive (and forward) mail for %s' % domain})
        spf = spf_record(domain, policy)
        _check_spf(spf)
        records.append(_txt(domain, spf, 'SPF of %s' % domain, ttl, owns=OWN_SPF))
        hosts_spf = spf_hosts_record(senders)
        _check_spf(hosts_spf)
        if len(hosts_spf.encode('utf-8')) > SPF_RECOMMENDED_MAX:
            warnings.append('_spf.%s is %d bytes long: receivers may not read it over UDP; '
                            'fewer addresses (a /64 per host) keep it short' % (domain, len(hosts_spf)))
        records.append(_txt('_spf.' + domain, hosts_spf, 'SPF: the addresses of the hosts that send for %s' % domain, ttl))
        for key in dkim_by_domain.get(domain, {}).values():
            name = '%s._domainkey.%s' % (key['selector'], domain)
            records.append(_txt(name, key['value'], 'DKIM key %s of %s' % (key['selector'], domain), ttl))
        if not dkim_by_domain.get(domain):
            warnings.append('%s has no DKIM key to publish: receivers will see dkim=none' % domain)
        dmarc = dmarc_record(policy)
        parsed = parse_dmarc(dmarc)
        if parsed.errors:
            raise OptionError('DMARC record %r: %s' % (dmarc, '; '.join(parsed.errors)))
        records.append(_txt('_dmarc.' + domain, dmarc, 'DMARC policy of %s' % domain, ttl))
        if policy['tls_rpt_rua']:
            records.append(_txt('_smtp._tls.' + domain, 'v=TLSRPTv1; rua=%s' % ','.join(policy['tls_rpt_rua']),
                                'TLS-RPT: where receivers report TLS failures for %s' % domain, ttl))
        if policy['mta_sts_id']:
            records.append(_txt('_mta-sts.' + domain, 'v=STSv1; id=%s' % policy['mta_sts_id'],
                                'MTA-STS policy id of %s' % domain, ttl))

    for record in records:
        record['zone'] = zone_of(record['name'], zones)
        record['content'] = [rdata_content(value, record['type']) for value in record['values']]
    return {'records': records, 'unmanaged': unmanaged, 'warnings': warnings}


def _owned(value, owns):
    if owns == OWN_RRSET:
        return True
    # A TXT value in zone-file form: the first string starts with the tag.
    text = value.strip()
    if text.startswith('"'):
        text = text[1:]
    return text.lower().startswith(owns.lower() + ' ') or text.lower().rstrip('"') == owns.lower()


def merge_rrset(current, record):
    """The values to publish at the record's name, and what changes.

    ``current``: the values served now, as zone-file RDATA (TXT data may
    also come without its outer quotes, as community.general.dig gives
    it). Values the record
    does not own are kept, so publishing SPF at a domain's apex leaves its
    other TXT records (site verifications and the like) where they are.
    """
    rtype = record.get('type', 'TXT')
    owns = record.get('owns', OWN_RRSET)
    current = [_served_value(str(value), rtype) for value in current or [] if str(value).strip()]
    desired = list(record['values'])
    foreign = [value for value in current if not _owned(value, owns)]
    values = foreign + [value for value in desired if value not in foreign]
    served = {_normal(value, rtype) for value in current}
    wanted = {_normal(value, rtype) for value in desired}
    result = {
        'values': values,
        'add': [value for value in desired if _normal(value, rtype) not in served],
        'remove': [value for value in current if _owned(value, owns) and _normal(value, rtype) not in wanted],
    }
    result['remove_content'] = [rdata_content(value, rtype) for value in result['remove']]
    return result


def _served_value(value, rtype):
    # community.general.dig returns TXT data with its outer quotes removed
    # ('a" "b' for two strings): put them back to get zone-file RDATA.
    if rtype == 'TXT' and not (value.startswith('"') and value.endswith('"') and len(value) > 1):
        return '"%s"' % value
    return value


def _normal(value, rtype):
    # Servers answer with one space between fields; names are case-blind,
    # TXT data is not (a DKIM key is base64).
    text = ' '.join(str(value).split())
    return text if rtype == 'TXT' else text.lower()
