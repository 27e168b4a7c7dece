# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""DMARC (RFC 7489): record parser and the check."""

from __future__ import annotations

import re

from ansible_collections.selfmail.smtp.plugins.module_utils.txt_record import txt_rdata
from ansible_collections.selfmail.smtp.plugins.module_utils.validation import (
    OptionError,
    validate_domain,
)

POLICIES = ('none', 'quarantine', 'reject')
ALIGNMENT = ('r', 's')
FAILURE_OPTIONS = ('0', '1', 'd', 's')
REPORT_FORMATS = ('afrf',)
KNOWN_TAGS = ('v', 'p', 'sp', 'adkim', 'aspf', 'pct', 'fo', 'rua', 'ruf', 'ri', 'rf')
DEFAULTS = {'adkim': 'r', 'aspf': 'r', 'pct': 100, 'fo': '0', 'ri': 86400, 'rf': 'afrf'}

_TAG_RE = re.compile(r'^([A-Za-z][A-Za-z0-9_]*)\s*=\s*(.*)$', re.S)
_URI_RE = re.compile(r'^(?P<uri>[^!]+)(?:!(?P<size>\d+)(?P<unit>[kmgtKMGT]?))?$')


def is_dmarc_record(text):
    """RFC 7489 6.6.3: records not starting with 'v=DMARC1' are discarded."""
    return re.match(r'^v\s*=\s*DMARC1\s*(;|$)', text) is not None


class DmarcRecord(object):
    def __init__(self, text):
        self.text = text
        self.tags = {}
        self.errors = []
        self.warnings = []
        self.report_uris = {'rua': [], 'ruf': []}


def parse_report_uris(value):
    """Parse a comma-separated rua/ruf list; return (uris, errors)."""
    uris = []
    errors = []
    for raw in value.split(','):
        item = raw.strip()
        if not item:
            errors.append('empty URI in the list')
            continue
        match = _URI_RE.match(item)
        if not match:
            errors.append('%r is not a valid report URI' % item)
            continue
        uri = match.group('uri')
        scheme, _sep, address = uri.partition(':')
        if scheme.lower() != 'mailto':
            errors.append('%r: only mailto: report URIs are used by receivers' % item)
            continue
        local, at, domain = address.rpartition('@')
        if not at or not local:
            errors.append('%r: %r is not an e-mail address' % (item, address))
            continue
        try:
            domain = validate_domain(domain, 'report address')
        except OptionError as exc:
            errors.append('%r: %s' % (item, exc))
            continue
        uris.append({'uri': uri, 'address': '%s@%s' % (local, domain), 'domain': domain,
                     'max_size': (match.group('size') + (match.group('unit') or '').lower()) if match.group('size') else None})
    return uris, errors


def parse_dmarc(text):
    """Parse and validate every tag of a DMARC record.

    Problems are collected on the returned record, not raised: a record
    with one bad tag still says something about the others.
    """
    record = DmarcRecord(text)
    parts = [p.strip() for p in text.split(';')]
    if parts and parts[-1] == '':
        parts.pop()  # a trailing ';' is allowed
    for index, part in enumerate(parts):
        if not part:
            record.warnings.append('empty tag (two ";" in a row)')
            continue
        match = _TAG_RE.match(part)
        if not match:
            record.errors.append('%r is not a tag=value pair' % part)
            continue
        name = match.group(1).lower()
        value = match.group(2).strip()
        if name in record.tags:
            record.errors.append('tag %r appears more than once' % name)
            continue
        if index == 0 and (name != 'v' or value != 'DMARC1'):
            record.errors.append('the record must start with "v=DMARC1"')
        if name == 'v' and index != 0:
            record.errors.append('"v=DMARC1" must be the first tag')
        record.tags[name] = value
        _validate_tag(record, name, value)
    if 'p' not in record.tags:
        record.errors.append('the required tag "p" is missing')
    return record


def _validate_tag(record, name, value):
    if name in ('p', 'sp'):
        if value.lower() not in POLICIES:
            record.errors.append('%s=%s: must be one of none, quarantine, reject' % (name, value))
    elif name in ('adkim', 'aspf'):
        if value.lower() not in ALIGNMENT:
            record.errors.append('%s=%s: must be r (relaxed) or s (strict)' % (name, value))
    elif name == 'pct':
        if not value.isdigit() or not 0 <= int(value) <= 100:
            record.errors.append('pct=%s: must be a whole number from 0 to 100' % value)
    elif name == 'fo':
        options = [o.strip() for o in value.split(':')]
        bad = [o for o in options if o not in FAILURE_OPTIONS]
        if bad:
            record.errors.append('fo=%s: options must be 0, 1, d or s separated by ":"' % value)
    elif name == 'rf':
        formats = [f.strip().lower() for f in value.split(':')]
        if not all(f in REPORT_FORMATS for f in formats):
            record.errors.append('rf=%s: the only report format is afrf' % value)
    elif name == 'ri':
        if not value.isdigit() or int(value) > 0xFFFFFFFF:
            record.errors.append('ri=%s: must be a number of seconds' % value)
    elif name in ('rua', 'ruf'):
        uris, errors = parse_report_uris(value)
        record.report_uris[name] = uris
        for error in errors:
            record.errors.append('%s: %s' % (name, error))
    elif name != 'v':
        record.warnings.append('unknown tag %r is ignored by receivers' % name)


def effective_policy(tags):
    """The policy receivers apply, with the RFC 7489 defaults in place of
    missing or invalid values."""
    def pick(name, allowed, default):
        value = tags.get(name, '').strip().lower()
        return value if value in allowed else default

    policy = pick('p', POLICIES, 'none')
    pct = tags.get('pct', '')
    ri = tags.get('ri', '')
    return {
        'p': policy,
        'sp': pick('sp', POLICIES, policy),
        'pct': int(pct) if pct.isdigit() and int(pct) <= 100 else 100,
        'adkim': pick('adkim', ALIGNMENT, DEFAULTS['adkim']),
        'aspf': pick('aspf', ALIGNMENT, DEFAULTS['aspf']),
        'fo': tags.get('fo', DEFAULTS['fo']),
        'ri': int(ri) if ri.isdigit() else DEFAULTS['ri'],
        'rua': [u['address'] for u in parse_report_uris(tags['rua'])[0]] if tags.get('rua') else [],
        'ruf': [u['address'] for u in parse_report_uris(tags['ruf'])[0]] if tags.get('ruf') else [],
    }


def same_organisation(domain, other):
    """Approximate "same organizational domain" without the public suffix
    list: one of the names is the other or a parent of it."""
    return domain == other or domain.endswith('.' + other) or other.endswith('.' + domain)


def _zone_line(name, value):
    return '%s. 3600 IN TXT %s' % (name, txt_rdata(value))


def check_dmarc(client, report, domain):
    """Run the DMARC check and return the structured details."""
    subject = 'DMARC %s' % domain
    name = '_dmarc.%s' % domain
    suggested = 'v=DMARC1; p=quarantine; rua=mailto:postmaster@%s' % domain
    details = {'record': None, 'record_name': name, 'tags': {}, 'policy': None, 'report_authorizations': {}}

    answer = client.lookup(name, 'TXT')
    if answer.failed:
        report.error(subject, 'the TXT lookup of %s failed: %s' % (name, answer.error),
                     'Make sure the authoritative nameservers of %s answer, then check again.' % domain)
        return details
    texts = answer.texts() if answer.ok else []
    records = [t for t in texts if is_dmarc_record(t)]
    if not records:
        ignored = [t for t in texts if t.strip().lower().startswith('v=dmarc1') or 'dmarc1' in t.lower()]
        message = 'no DMARC record at %s' % name
        if ignored:
            message += ' (ignored because it does not start with "v=DMARC1": %s)' % ' | '.join(ignored)
        report.error(subject, message, 'Publish one TXT record: %s' % _zone_line(name, suggested))
        return details
    if len(records) > 1:
        report.error(subject, '%d DMARC records at %s: receivers then apply no DMARC policy at all' % (len(records), name),
                     'Keep exactly one TXT record starting with "v=DMARC1" at %s.' % name)
        details['record'] = records
        return details

    text = records[0]
    details['record'] = text
    record = parse_dmarc(text)
    details['tags'] = record.tags
    for error in record.errors:
        report.error(subject, error, 'Fix the DMARC record at %s, for example: %s' % (name, _zone_line(name, suggested)))
    for warning in record.warnings:
        report.warning(subject, warning)
    if not record.errors:
        report.ok(subject, 'valid record: %s' % text)

    policy = effective_policy(record.tags)
    details['policy'] = policy
    if record.tags.get('p', '').strip().lower() == 'none':
        report.warning(subject, 'p=none only monitors: receivers deliver mail that fails DMARC as usual',
                       'When the aggregate reports show that all your mail passes, change p=none to p=quarantine '
                       'and later p=reject in the record at %s.' % name)
    elif policy['p'] in ('quarantine', 'reject'):
        report.ok(subject, 'policy p=%s' % policy['p'])
    if policy['pct'] < 100:
        report.warning(subject, 'pct=%d: the policy applies to only part of the failing mail' % policy['pct'],
                       'Remove pct (or set pct=100) in the record at %s once you are confident.' % name)
    if not record.report_uris['rua'] and 'rua' not in record.tags:
        report.warning(subject, 'no rua: you will receive no aggregate reports about mail sent as %s' % domain,
                       'Add "rua=mailto:dmarc-reports@%s" to the record at %s.' % (domain, name))

    # RFC 7489 7.1: a report address in another organisation must authorise us
    destinations = []
    for tag in ('rua', 'ruf'):
        for uri in record.report_uris[tag]:
            if not same_organisation(domain, uri['domain']) and uri['domain'] not in destinations:
                destinations.append(uri['domain'])
    for destination in destinations:
        auth_name = '%s._report._dmarc.%s' % (domain, destination)
        auth = client.lookup(auth_name, 'TXT')
        authorised = auth.ok and any(is_dmarc_record(t) for t in auth.texts())
        details['report_authorizations'][destination] = authorised
        if auth.failed:
            report.error(subject, 'report destination %s: the lookup of %s failed: %s' % (destination, auth_name, auth.error))
        elif authorised:
            report.ok(subject, 'report destination %s accepts reports for %s' % (destination, domain))
        else:
            report.error(subject, 'report destination %s has not authorised reports for %s (no "v=DMARC1" at %s); '
                         'receivers will not send those reports' % (destination, domain, auth_name),
                         'Ask the operator of %s to publish: %s' % (destination, _zone_line(auth_name, 'v=DMARC1')))
    return details
