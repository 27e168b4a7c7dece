# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""MX records of a mail domain (RFC 5321 5.1, RFC 7505 null MX)."""

from __future__ import annotations

from ansible_collections.selfmail.smtp.plugins.module_utils.dns_client import normalize_name


def check_mx(client, report, domain, expected_hosts=None):
    """Run the MX check and return the structured details."""
    subject = 'MX %s' % domain
    expected_hosts = expected_hosts or []
    details = {'mx': [], 'null_mx': False}
    example = expected_hosts[0] if expected_hosts else 'mail.%s' % domain
    publish = 'Publish: %s. 3600 IN MX 10 %s.' % (domain, example)

    answer = client.lookup(domain, 'MX')
    if answer.failed:
        report.error(subject, 'the MX lookup failed: %s' % answer.error,
                     'Make sure the authoritative nameservers of %s answer, then check again.' % domain)
        return details
    if not answer.ok:
        report.error(subject, '%s: bounces and DMARC reports to this domain go nowhere reliable'
                     % ('the domain does not exist (NXDOMAIN)' if answer.status == 'nxdomain' else 'no MX record'), publish)
        return details

    records = sorted(answer.records, key=lambda r: (r.preference, r.exchange.to_text()))
    exchanges = [(r.preference, normalize_name(r.exchange.to_text())) for r in records]
    if len(exchanges) == 1 and exchanges[0][1] == '':
        details['null_mx'] = True
        details['mx'] = [{'preference': exchanges[0][0], 'host': '.', 'addresses': [], 'cname': None}]
        if expected_hosts:
            report.error(subject, 'null MX ("MX 0 ."): the domain declares it accepts no mail', publish + ' (and remove the null MX)')
        else:
            report.warning(subject, 'null MX ("MX 0 ."): the domain accepts no mail; some receivers refuse mail from such a domain')
        return details
    if any(host == '' for _pref, host in exchanges):
        report.error(subject, 'a null MX ("MX 0 .") must be the only MX record', 'Remove the "MX 0 ." record of %s.' % domain)

    for preference, host in exchanges:
        if not host:
            continue
        entry = {'preference': preference, 'host': host, 'addresses': [], 'cname': None}
        details['mx'].append(entry)
        lookups = [client.lookup(host, 'A'), client.lookup(host, 'AAAA')]
        for lookup in lookups:
            if lookup.failed:
                report.error(subject, 'the %s lookup of %s failed: %s' % (lookup.rdtype, host, lookup.error))
            if lookup.is_alias:
                entry['cname'] = lookup.canonical_name
            entry['addresses'].extend(r.address for r in lookup.records)
        if entry['cname'] is None:
            # an alias whose target has no address still shows as a CNAME
            alias = client.lookup(host, 'CNAME')
            if alias.ok:
                entry['cname'] = normalize_name(alias.records[0].target.to_text())
        if entry['cname']:
            report.error(subject, 'the MX target %s is an alias (CNAME to %s); MX must name a host directly (RFC 2181 10.3)'
                         % (host, entry['cname']),
                         'Point the MX at the canonical name: %s. 3600 IN MX %d %s.' % (domain, preference, entry['cname']))
        if not entry['addresses'] and not any(lookup.failed for lookup in lookups):
            report.error(subject, 'the MX target %s has no A or AAAA record' % host,
                         'Publish an A (and AAAA) record for %s.' % host)
        elif entry['addresses'] and not entry['cname']:
            report.ok(subject, '%d %s -> %s' % (preference, host, ', '.join(entry['addresses'])))

    hosts = [host for _pref, host in exchanges]
    for expected in expected_hosts:
        if expected in hosts:
            report.ok(subject, 'includes %s' % expected)
        else:
            report.error(subject, 'the MX records (%s) do not include %s' % (', '.join(hosts) or 'none', expected),
                         'Publish: %s. 3600 IN MX 10 %s.' % (domain, expected))
    return details
