# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SPF (RFC 7208): record parser, check_host() evaluation, and the check.

Neither dnspython nor cryptography evaluates SPF, and pyspf is not a
runtime dependency of this collection, so check_host() is implemented
here, following RFC 7208 section by section: the same lookup counting
(10 DNS-querying terms, 2 void lookups, 10 MX and PTR names), macro
expansion and result mapping as a receiving server applies.
"""

from __future__ import annotations

import ipaddress
import re
from concurrent.futures import ThreadPoolExecutor

try:
    from urllib.parse import quote as url_quote
except ImportError:  # pragma: no cover
    from urllib import quote as url_quote  # type: ignore

from ansible_collections.selfmail.smtp.plugins.module_utils.dns_client import normalize_name
from ansible_collections.selfmail.smtp.plugins.module_utils.txt_record import txt_rdata
from ansible_collections.selfmail.smtp.plugins.module_utils.validation import is_valid_dns_name

LOOKUP_LIMIT = 10          # RFC 7208 4.6.4
VOID_LOOKUP_LIMIT = 2      # RFC 7208 4.6.4
MX_NAME_LIMIT = 10         # RFC 7208 4.6.4: address lookups per mx
PTR_NAME_LIMIT = 10        # RFC 7208 5.5
ANALYSIS_LOOKUP_CAP = 60   # stop walking pathological trees

PASS = 'pass'
FAIL = 'fail'
SOFTFAIL = 'softfail'
NEUTRAL = 'neutral'
NONE = 'none'
PERMERROR = 'permerror'
TEMPERROR = 'temperror'

QUALIFIER_RESULTS = {'+': PASS, '-': FAIL, '~': SOFTFAIL, '?': NEUTRAL}
MECHANISMS = ('all', 'include', 'a', 'mx', 'ptr', 'ip4', 'ip6', 'exists')
DNS_MECHANISMS = ('include', 'a', 'mx', 'ptr', 'exists')
MACRO_LETTERS = 'slodiphv'
EXP_ONLY_MACRO_LETTERS = 'crt'
MACRO_DELIMITERS = '.-+,/_='

_MODIFIER_RE = re.compile(r'^([A-Za-z][A-Za-z0-9_.-]*)=(.*)$')
_MECHANISM_RE = re.compile(r'^([+\-~?]?)([A-Za-z][A-Za-z0-9_.-]*)(.*)$')
_DOMAIN_SPEC_RE = r'(?:%\{[^}]*\}|%[%_-]|[^%/\s])+'
_A_MX_RE = re.compile(r'^(?::(?P<domain>' + _DOMAIN_SPEC_RE + r'))?(?:/(?P<cidr4>\d+))?(?://(?P<cidr6>\d+))?$')
_MACRO_RE = re.compile(r'%\{([A-Za-z])(\d*)([rR]?)([.\-+,/_=]*)\}')


class SpfSyntaxError(ValueError):
    """The record is not valid RFC 7208 syntax (receivers return permerror)."""


class SpfPermError(Exception):
    pass


class SpfTempError(Exception):
    pass


def is_spf_record(text):
    """A record is an SPF record when it is exactly 'v=spf1' or starts with 'v=spf1 '."""
    lowered = text.lower()
    return lowered == 'v=spf1' or lowered.startswith('v=spf1 ')


class Term(object):
    """One directive (qualifier + mechanism) or modifier."""

    def __init__(self, text, kind, name, qualifier='+', value=None, cidr4=None, cidr6=None, network=None):
        self.text = text
        self.kind = kind
        self.name = name
        self.qualifier = qualifier
        self.value = value
        self.cidr4 = cidr4
        self.cidr6 = cidr6
        self.network = network

    @property
    def queries_dns(self):
        return self.kind == 'mechanism' and self.name in DNS_MECHANISMS or (self.kind == 'modifier' and self.name == 'redirect')

    @property
    def has_macro(self):
        return bool(self.value) and '%' in self.value

    def __repr__(self):
        return 'Term(%r)' % self.text


class SpfRecord(object):
    def __init__(self, text, terms):
        self.text = text
        self.terms = terms

    @property
    def mechanisms(self):
        return [t for t in self.terms if t.kind == 'mechanism']

    def modifier(self, name):
        for term in self.terms:
            if term.kind == 'modifier' and term.name == name:
                return term
        return None

    @property
    def redirect(self):
        return self.modifier('redirect')

    @property
    def all_term(self):
        for term in self.mechanisms:
            if term.name == 'all':
                return term
        return None


def _parse_cidr(text, maximum, term):
    if text is None:
        return None
    if not text.isdigit() or (len(text) > 1 and text[0] == '0') or int(text) > maximum:
        raise SpfSyntaxError('%r: CIDR length must be 0-%d without leading zeros' % (term, maximum))
    return int(text)


def validate_macro_string(text, term, allow_exp_letters=False):
    """Check macro syntax (RFC 7208 7.1); literal text must be visible ASCII."""
    i = 0
    while i < len(text):
        char = text[i]
        if char == '%':
            nxt = text[i + 1:i + 2]
            if nxt in ('%', '_', '-'):
                i += 2
                continue
            match = _MACRO_RE.match(text, i)
            if not match:
                raise SpfSyntaxError('%r: invalid macro at %r' % (term, text[i:i + 8]))
            letter = match.group(1).lower()
            if letter in EXP_ONLY_MACRO_LETTERS and not allow_exp_letters:
                raise SpfSyntaxError('%r: macro letter %r is only allowed in exp text' % (term, letter))
            if letter not in MACRO_LETTERS + EXP_ONLY_MACRO_LETTERS:
                raise SpfSyntaxError('%r: unknown macro letter %r' % (term, letter))
            if match.group(2) and int(match.group(2)) == 0:
                raise SpfSyntaxError('%r: macro transformer digits must not be zero' % term)
            i = match.end()
            continue
        if not (0x21 <= ord(char) <= 0x7E):
            raise SpfSyntaxError('%r: invalid character %r' % (term, char))
        i += 1


def _validate_domain_spec(spec, term):
    if not spec:
        raise SpfSyntaxError('%r: the domain is missing' % term)
    validate_macro_string(spec, term)
    if spec.endswith('}'):
        return  # ends with a macro expansion: checked after expansion
    name = spec[:-1] if spec.endswith('.') else spec
    labels = name.split('.')
    top = labels[-1]
    # domain-end = "." toplabel: at least two labels, top label not all digits
    if len(labels) < 2 or not top or top.isdigit() or not re.match(r'^[A-Za-z0-9-]+$', top) \
            or top.startswith('-') or top.endswith('-'):
        raise SpfSyntaxError('%r: %r is not a valid domain (an IP address belongs in ip4:/ip6:)' % (term, spec))


def parse_term(token):
    """Parse one space-separated term of an SPF record."""
    modifier = _MODIFIER_RE.match(token)
    if modifier and ':' not in modifier.group(1) and '/' not in modifier.group(1):
        name = modifier.group(1).lower()
        value = modifier.group(2)
        if name in ('redirect', 'exp'):
            _validate_domain_spec(value, token)
        else:
            validate_macro_string(value, token, allow_exp_letters=True)
        return Term(token, 'modifier', name, value=value)

    match = _MECHANISM_RE.match(token)
    if not match:
        raise SpfSyntaxError('%r is not a valid SPF term' % token)
    qualifier = match.group(1) or '+'
    name = match.group(2).lower()
    rest = match.group(3)
    if name not in MECHANISMS:
        raise SpfSyntaxError('%r: unknown mechanism %r' % (token, name))

    if name == 'all':
        if rest:
            raise SpfSyntaxError('%r: "all" takes no argument' % token)
        return Term(token, 'mechanism', name, qualifier)

    if name in ('include', 'exists'):
        if not rest.startswith(':'):
            raise SpfSyntaxError('%r: %s needs a domain, like %s:example.org' % (token, name, name))
        value = rest[1:]
        _validate_domain_spec(value, token)
        return Term(token, 'mechanism', name, qualifier, value=value)

    if name in ('a', 'mx'):
        found = _A_MX_RE.match(rest)
        if not found:
            raise SpfSyntaxError('%r: invalid %s mechanism' % (token, name))
        value = found.group('domain')
        if value is not None:
            _validate_domain_spec(value, token)
        cidr4 = _parse_cidr(found.group('cidr4'), 32, token)
        cidr6 = _parse_cidr(found.group('cidr6'), 128, token)
        return Term(token, 'mechanism', name, qualifier, value=value, cidr4=cidr4, cidr6=cidr6)

    if name == 'ptr':
        value = None
        if rest:
            if not rest.startswith(':'):
                raise SpfSyntaxError('%r: invalid ptr mechanism' % token)
            value = rest[1:]
            _validate_domain_spec(value, token)
        return Term(token, 'mechanism', name, qualifier, value=value)

    # ip4 / ip6
    if not rest.startswith(':'):
        raise SpfSyntaxError('%r: %s needs an address, like %s' % (token, name, 'ip4:192.0.2.1' if name == 'ip4' else 'ip6:2001:db8::1'))
    address, sep, cidr = rest[1:].partition('/')
    version = 4 if name == 'ip4' else 6
    try:
        addr = ipaddress.IPv4Address(address) if version == 4 else ipaddress.IPv6Address(address)
    except ValueError:
        raise SpfSyntaxError('%r: %r is not a valid IPv%d address' % (token, address, version)) from None
    maximum = 32 if version == 4 else 128
    length = _parse_cidr(cidr if sep else None, maximum, token)
    network = ipaddress.ip_network('%s/%d' % (addr, maximum if length is None else length), strict=False)
    return Term(token, 'mechanism', name, qualifier, value=address, network=network,
                cidr4=length if name == 'ip4' else None, cidr6=length if name == 'ip6' else None)


def parse_spf(text):
    """Parse a complete SPF record; raise SpfSyntaxError on any syntax error."""
    if not is_spf_record(text):
        raise SpfSyntaxError('the record does not start with "v=spf1"')
    terms = []
    seen_modifiers = set()
    for token in text.split(' ')[1:]:
        if not token:
            continue  # several spaces in a row are allowed
        term = parse_term(token)
        if term.kind == 'modifier' and term.name in ('redirect', 'exp'):
            if term.name in seen_modifiers:
                raise SpfSyntaxError('the %s modifier appears more than once' % term.name)
            seen_modifiers.add(term.name)
        terms.append(term)
    return SpfRecord(text, terms)


# --- macros (RFC 7208 7) ---------------------------------------------------

def _ip_macro(address):
    if address.version == 4:
        return str(address)
    return '.'.join(address.exploded.replace(':', ''))


class MacroContext(object):
    """The values macros expand to, for one check_host() call."""

    def __init__(self, address, sender, helo, domain, ptr_resolver=None):
        self.address = address
        self.sender = sender
        self.helo = helo or ''
        self.domain = domain
        self._ptr_resolver = ptr_resolver
        self._ptr_value = None

    def with_domain(self, domain):
        return MacroContext(self.address, self.sender, self.helo, domain, self._ptr_resolver)

    def value(self, letter):
        local, _sep, sender_domain = self.sender.rpartition('@')
        if not local:
            local = 'postmaster'
        if letter == 's':
            return '%s@%s' % (local, sender_domain)
        if letter == 'l':
            return local
        if letter == 'o':
            return sender_domain
        if letter == 'd':
            return self.domain
        if letter in ('i', 'c'):
            return _ip_macro(self.address) if letter == 'i' else str(self.address)
        if letter == 'p':
            if self._ptr_value is None:
                self._ptr_value = self._ptr_resolver(self.domain) if self._ptr_resolver else 'unknown'
            return self._ptr_value
        if letter == 'h':
            return self.helo
        if letter == 'v':
            return 'in-addr' if self.address.version == 4 else 'ip6'
        if letter == 'r':
            return 'unknown'
        if letter == 't':
            return '0'
        raise SpfSyntaxError('unknown macro letter %r' % letter)


def expand_macros(text, context, is_domain=True):
    """Expand a macro-string; a domain result is cut to 253 characters from the left."""
    out = []
    i = 0
    while i < len(text):
        char = text[i]
        if char != '%':
            out.append(char)
            i += 1
            continue
        nxt = text[i + 1:i + 2]
        if nxt == '%':
            out.append('%')
            i += 2
            continue
        if nxt == '_':
            out.append(' ')
            i += 2
            continue
        if nxt == '-':
            out.append('%20')
            i += 2
            continue
        match = _MACRO_RE.match(text, i)
        if not match:
            raise SpfSyntaxError('invalid macro in %r' % text)
        letter, digits, reverse, delimiters = match.groups()
        value = context.value(letter.lower())
        parts = re.split('[' + re.escape(delimiters or '.') + ']', value)
        if reverse:
            parts.reverse()
        if digits:
            count = int(digits)
            if count == 0:
                raise SpfSyntaxError('macro transformer digits must not be zero')
            parts = parts[-count:]
        expanded = '.'.join(parts)
        if letter.isupper():
            expanded = url_quote(expanded, safe="-._~")
        out.append(expanded)
        i = match.end()
    result = ''.join(out)
    if is_domain:
        result = result.rstrip('.')
        while len(result) > 253 and '.' in result:
            result = result.split('.', 1)[1]
    return result


# --- check_host() (RFC 7208 4) -----------------------------------------------

class SpfEvaluation(object):
    """One check_host() run for one client address.

    Counts lookups across the whole include/redirect tree like a receiver.
    """

    def __init__(self, client, address, sender, helo=None):
        self.client = client
        self.address = address
        self.sender = sender
        self.helo = helo
        self.lookups = 0
        self.void_lookups = 0
        self.matched = None
        self.matched_domain = None
        self.reason = None

    # RFC 7208 4.6.4: each DNS-querying term counts, the 11th is permerror
    def _count_lookup(self, term):
        self.lookups += 1
        if self.lookups > LOOKUP_LIMIT:
            raise SpfPermError('more than %d DNS-querying terms (limit reached at %r)' % (LOOKUP_LIMIT, term.text))

    def _query(self, name, rdtype, count_void=True):
        answer = self.client.lookup(name, rdtype)
        if answer.failed:
            raise SpfTempError('%s lookup for %s failed: %s' % (rdtype, name, answer.error))
        if answer.void and count_void:
            self.void_lookups += 1
            if self.void_lookups > VOID_LOOKUP_LIMIT:
                raise SpfPermError('more than %d void lookups (last: %s %s)' % (VOID_LOOKUP_LIMIT, rdtype, name))
        return answer

    def _validated_ptr_names(self, limit=PTR_NAME_LIMIT):
        """PTR names of the client that resolve back to it (RFC 7208 5.5)."""
        answer = self.client.reverse(self.address)
        if not answer.ok:
            return []
        names = [normalize_name(r.target.to_text()) for r in answer.records][:limit]
        validated = []
        for name in names:
            forward = self.client.addresses(name, self.address.version)
            if forward.ok and any(ipaddress.ip_address(r.address) == self.address for r in forward.records):
                validated.append(name)
        return validated

    def _ptr_macro(self, domain):
        validated = self._validated_ptr_names()
        for name in validated:
            if name == domain or name.endswith('.' + domain):
                return name
        return validated[0] if validated else 'unknown'

    def run(self, domain):
        """Return the check_host() result for ``domain``."""
        context = MacroContext(self.address, self.sender, self.helo, domain, self._ptr_macro)
        try:
            result = self._check_host(normalize_name(domain), context, ())
        except SpfPermError as exc:
            self.reason = str(exc)
            return PERMERROR
        except SpfTempError as exc:
            self.reason = str(exc)
            return TEMPERROR
        return result

    def _check_host(self, domain, context, stack):
        if not is_valid_dns_name(domain) or '.' not in domain:
            self.reason = '%r is not a valid domain' % domain
            return NONE
        answer = self.client.lookup(domain, 'TXT')
        if answer.failed:
            raise SpfTempError('TXT lookup for %s failed: %s' % (domain, answer.error))
        records = [text for text in answer.texts() if is_spf_record(text)]
        if not records:
            self.reason = 'no SPF record at %s' % domain
            return NONE
        if len(records) > 1:
            raise SpfPermError('%d SPF records at %s (there must be exactly one)' % (len(records), domain))
        try:
            record = parse_spf(records[0])
        except SpfSyntaxError as exc:
            raise SpfPermError('syntax error in the SPF record of %s: %s' % (domain, exc)) from exc
        context = context.with_domain(domain)
        stack = stack + (domain,)

        for term in record.mechanisms:
            if term.queries_dns:
                self._count_lookup(term)
            if self._matches(term, domain, context, stack):
                # an include that matched has already noted its inner term
                if self.matched is None:
                    self.matched = term.text
                    self.matched_domain = domain
                self.reason = 'matched %r in the record of %s' % (self.matched, self.matched_domain)
                return QUALIFIER_RESULTS[term.qualifier]

        redirect = record.redirect
        # RFC 7208 6.1: redirect is ignored when the record has an "all"
        if redirect is not None and record.all_term is None:
            self._count_lookup(redirect)
            target = expand_macros(redirect.value, context)
            if target in stack:
                raise SpfPermError('redirect loop: %s' % ' -> '.join(stack + (target,)))
            result = self._check_host(target, context, stack)
            if result == NONE:
                raise SpfPermError('redirect target %s has no SPF record' % target)
            return result
        self.reason = 'no mechanism matched in the record of %s (default neutral)' % domain
        return NEUTRAL

    def _target(self, term, domain, context):
        if term.value is None:
            return domain
        return expand_macros(term.value, context)

    def _in_network(self, addresses, term):
        length = term.cidr4 if self.address.version == 4 else term.cidr6
        if length is None:
            length = 32 if self.address.version == 4 else 128
        for value in addresses:
            network = ipaddress.ip_network('%s/%d' % (value, length), strict=False)
            if self.address in network:
                return True
        return False

    def _matches(self, term, domain, context, stack):
        name = term.name
        if name == 'all':
            return True
        if name in ('ip4', 'ip6'):
            return self.address.version == term.network.version and self.address in term.network
        if name == 'include':
            target = self._target(term, domain, context)
            if target in stack:
                raise SpfPermError('include loop: %s' % ' -> '.join(stack + (target,)))
            result = self._check_host(target, context, stack)
            if result == NONE:
                raise SpfPermError('include:%s has no SPF record' % target)
            if result != PASS:
                # only a pass inside counts as a match (RFC 7208 5.2)
                self.matched = self.matched_domain = None
            return result == PASS
        if name == 'a':
            target = self._target(term, domain, context)
            answer = self._query(target, 'A' if self.address.version == 4 else 'AAAA')
            return self._in_network([r.address for r in answer.records], term)
        if name == 'mx':
            target = self._target(term, domain, context)
            answer = self._query(target, 'MX')
            exchanges = [normalize_name(r.exchange.to_text()) for r in answer.records]
            exchanges = [e for e in exchanges if e]  # a null MX has no host
            if len(exchanges) > MX_NAME_LIMIT:
                raise SpfPermError('%s has more than %d MX names' % (target, MX_NAME_LIMIT))
            for exchange in exchanges:
                addresses = self._query(exchange, 'A' if self.address.version == 4 else 'AAAA', count_void=False)
                if self._in_network([r.address for r in addresses.records], term):
                    return True
            return False
        if name == 'ptr':
            target = self._target(term, domain, context)
            return any(name == target or name.endswith('.' + target) for name in self._validated_ptr_names())
        if name == 'exists':
            target = self._target(term, domain, context)
            # exists always asks for A, whatever the client's address family
            answer = self._query(target, 'A')
            return answer.ok and bool(answer.records)
        raise SpfPermError('unknown mechanism %r' % name)  # pragma: no cover


def check_host(client, address, domain, sender=None, helo=None):
    """Evaluate SPF for one client address; return (result, evaluation)."""
    if sender is None:
        sender = 'postmaster@%s' % domain
    evaluation = SpfEvaluation(client, address, sender, helo)
    return evaluation.run(domain), evaluation


# --- tree analysis: what every receiver will have to look up ---------------

class SpfAnalysis(object):
    """Walk the include/redirect tree of a domain as for a sender that
    matches nothing, which is the path that costs a receiver the most
    lookups, and note every problem on the way."""

    def __init__(self, client):
        self.client = client
        self.lookups = 0
        self.void_lookups = 0
        self.loops = []
        self.problems = []        # (level, message)
        self.truncated = False

    def run(self, domain):
        return self._walk(normalize_name(domain), (), via=None)

    def _void(self, answers):
        if all(a.void for a in answers):
            self.void_lookups += 1
            return True
        return False

    def _walk(self, domain, stack, via):
        node = {'domain': domain, 'via': via, 'record': None, 'lookups': 0, 'void_lookups': 0,
                'includes': [], 'redirect': None, 'error': None}
        answer = self.client.lookup(domain, 'TXT')
        if answer.failed:
            node['error'] = 'TXT lookup failed: %s' % answer.error
            self.problems.append(('error', '%s: %s' % (domain, node['error'])))
            return node
        records = [text for text in answer.texts() if is_spf_record(text)]
        if not records:
            node['error'] = 'no SPF record'
            if via is not None:
                self.problems.append(('error', '%s:%s has no SPF record (receivers return permerror)' % (via, domain)))
            return node
        if len(records) > 1:
            node['record'] = records
            node['error'] = '%d SPF records' % len(records)
            self.problems.append(('error', '%s publishes %d SPF records; receivers return permerror' % (domain, len(records))))
            return node
        node['record'] = records[0]
        try:
            record = parse_spf(records[0])
        except SpfSyntaxError as exc:
            node['error'] = 'syntax error: %s' % exc
            self.problems.append(('error', 'SPF record of %s: %s (receivers return permerror)' % (domain, exc)))
            return node
        stack = stack + (domain,)

        for term in record.mechanisms:
            if term.name == 'ptr':
                self.problems.append(('warning', '%s: the "ptr" mechanism is slow and deprecated (RFC 7208 5.5); '
                                                 'use ip4:/ip6: or a: instead' % domain))
            if term.name == 'all':
                if term.qualifier == '+':
                    self.problems.append(('error', '%s: "+all" lets any server on the internet send as this domain' % domain))
                elif term.qualifier == '?':
                    self.problems.append(('warning', '%s: "?all" gives no protection (neutral for everyone else); use "-all" or "~all"' % domain))
                break  # terms after "all" are never evaluated
            if not term.queries_dns:
                continue
            self.lookups += 1
            node['lookups'] += 1
            if self.lookups > ANALYSIS_LOOKUP_CAP:
                self.truncated = True
                break
            if term.has_macro:
                continue  # the target depends on the sender: nothing to resolve here
            target = term.value or domain
            if term.name == 'include':
                if target in stack:
                    self.loops.append(' -> '.join(stack + (target,)))
                    node['includes'].append({'domain': target, 'via': 'include', 'error': 'include loop'})
                    continue
                node['includes'].append(self._walk(target, stack, 'include'))
            elif term.name == 'a':
                if self._void([self.client.lookup(target, 'A'), self.client.lookup(target, 'AAAA')]):
                    node['void_lookups'] += 1
            elif term.name == 'mx':
                answer = self.client.lookup(target, 'MX')
                if self._void([answer]):
                    node['void_lookups'] += 1
                elif answer.ok and len(answer.records) > MX_NAME_LIMIT:
                    self.problems.append(('error', '%s: %s has more than %d MX names; receivers return permerror' % (domain, term.text, MX_NAME_LIMIT)))
            elif term.name == 'exists' and self._void([self.client.lookup(target, 'A')]):
                node['void_lookups'] += 1
        else:
            redirect = record.redirect
            if redirect is not None:
                self.lookups += 1
                node['lookups'] += 1
                if not redirect.has_macro:
                    target = redirect.value.rstrip('.').lower()
                    if target in stack:
                        self.loops.append(' -> '.join(stack + (target,)))
                        node['redirect'] = {'domain': target, 'via': 'redirect', 'error': 'redirect loop'}
                    else:
                        node['redirect'] = self._walk(target, stack, 'redirect')
        return node


def suggest_record(record_text, addresses):
    """An SPF record that also authorises ``addresses``: ip4:/ip6: terms go
    just before "all" or "redirect", or the record is written from scratch."""
    additions = ['%s:%s' % ('ip4' if a.version == 4 else 'ip6', a) for a in addresses]
    if not record_text:
        return ' '.join(['v=spf1'] + additions + ['-all'])
    tokens = [t for t in record_text.split(' ') if t]
    position = len(tokens)
    for index, token in enumerate(tokens[1:], start=1):
        lowered = token.lower().lstrip('+-~?')
        if lowered == 'all' or lowered.startswith('redirect='):
            position = index
            break
    return ' '.join(tokens[:position] + additions + tokens[position:])


def _zone_line(name, value):
    return '%s. 3600 IN TXT %s' % (name, txt_rdata(value))


def check_spf(client, report, domain, addresses, helo=None, sender=None, max_workers=8):
    """Run the whole SPF check and return the structured details."""
    if sender is None:
        sender = 'postmaster@%s' % domain
    subject = 'SPF %s' % domain

    answer = client.lookup(domain, 'TXT')
    spf_records = [text for text in answer.texts() if is_spf_record(text)] if answer.ok else []
    record_text = spf_records[0] if len(spf_records) == 1 else None

    if answer.failed:
        report.error(subject, 'the TXT lookup failed: %s' % answer.error,
                     'Make sure the authoritative nameservers of %s answer, then check again.' % domain)
    elif not spf_records:
        suggested = suggest_record(None, addresses) if addresses else 'v=spf1 mx -all'
        report.error(subject, 'no SPF record (no TXT record starting with "v=spf1")',
                     'Publish one TXT record at %s: %s' % (domain, _zone_line(domain, suggested)))
    elif len(spf_records) > 1:
        report.error(subject, '%d SPF records are published; receivers return permerror unless there is exactly one' % len(spf_records),
                     'Merge the SPF records of %s into a single TXT record and delete the others: %s'
                     % (domain, ' | '.join(spf_records)))
    else:
        report.ok(subject, 'one SPF record: %s' % record_text)

    analysis = SpfAnalysis(client)
    tree = analysis.run(domain) if record_text else None
    if tree is not None:
        for level, message in analysis.problems:
            getattr(report, level)(subject, message)
        for loop in analysis.loops:
            report.error(subject, 'include/redirect loop: %s (receivers return permerror)' % loop,
                         'Remove the include or redirect that points back to an earlier domain.')
        if analysis.lookups > LOOKUP_LIMIT:
            report.error(subject, '%d DNS-querying terms in the include tree (limit %d): receivers return permerror '
                         'for senders not matched by the first %d' % (analysis.lookups, LOOKUP_LIMIT, LOOKUP_LIMIT),
                         'Reduce the includes/a/mx terms of %s: replace them by ip4:/ip6: ranges of your sending hosts.' % domain)
        else:
            report.ok(subject, '%d of %d DNS lookups used' % (analysis.lookups, LOOKUP_LIMIT))
        if analysis.void_lookups > VOID_LOOKUP_LIMIT:
            report.error(subject, '%d terms point to names without records (limit %d): receivers return permerror'
                         % (analysis.void_lookups, VOID_LOOKUP_LIMIT),
                         'Remove the terms of %s that name hosts or domains that do not exist.' % domain)
        record = parse_spf(record_text) if tree.get('error') is None else None
        if record is not None and record.all_term is None and record.redirect is None:
            report.warning(subject, 'the record ends without "all": other senders get "neutral"',
                           'End the record with "-all" (or "~all" while testing).')

    verdicts = {}
    details = {}

    def evaluate(address):
        return address, check_host(client, address, domain, sender=sender, helo=helo)

    if addresses and not answer.failed:
        with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(addresses)))) as pool:
            evaluated = list(pool.map(evaluate, addresses))
        missing = []
        for address, (result, evaluation) in evaluated:
            key = str(address)
            verdicts[key] = result
            details[key] = {'result': result, 'reason': evaluation.reason, 'mechanism': evaluation.matched,
                            'lookups': evaluation.lookups, 'void_lookups': evaluation.void_lookups}
            if result == PASS:
                report.ok(subject, '%s: pass (%s)' % (key, evaluation.reason))
            elif result == TEMPERROR:
                report.error(subject, '%s: temperror (%s)' % (key, evaluation.reason),
                             'Make sure every DNS name the SPF record of %s refers to answers, then check again.' % domain)
            elif result == PERMERROR:
                report.error(subject, '%s: permerror (%s)' % (key, evaluation.reason))
            else:
                report.error(subject, '%s: %s (%s); mail from this server will not pass SPF' % (key, result, evaluation.reason))
                missing.append(address)
        if missing and record_text:
            report.error(subject, 'not all sending addresses are authorised',
                         'Replace the SPF record of %s with: %s'
                         % (domain, _zone_line(domain, suggest_record(record_text, missing))))

    helo_results = {}
    if helo and addresses:
        helo_subject = 'SPF HELO %s' % helo
        for address in addresses:
            result, evaluation = check_host(client, address, helo, sender='postmaster@%s' % helo, helo=helo)
            helo_results[str(address)] = result
            if result == PASS:
                report.ok(helo_subject, '%s: pass' % address)
            elif result == NONE:
                if list(helo_results.values()).count(NONE) == 1:
                    report.warning(helo_subject, 'no SPF record for the HELO name; some receivers check it',
                                   'Publish one TXT record at %s: %s' % (helo, _zone_line(helo, 'v=spf1 a -all')))
            else:
                report.error(helo_subject, '%s: %s (%s)' % (address, result, evaluation.reason),
                             'Make the SPF record of %s authorise %s (for example "v=spf1 a -all" with the address in an A/AAAA record).' % (helo, address))

    return {
        'record': record_text,
        'lookups': analysis.lookups if tree is not None else 0,
        'void_lookups': analysis.void_lookups if tree is not None else 0,
        'verdicts': verdicts,
        'details': details,
        'helo_results': helo_results,
        'includes': tree,
    }
