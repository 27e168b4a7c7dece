# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""DNS lookups for the checks, through dnspython.

A lookup never raises: it returns a ``DnsAnswer`` whose status tells the
check what happened (answer, no such name, no data of that type, or an
error such as a timeout), so one failed lookup becomes one finding instead
of ending the whole check.
"""

from __future__ import annotations

import traceback

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.selfmail.smtp.plugins.module_utils.check_report import FAIL_ON_CHOICES
from ansible_collections.selfmail.smtp.plugins.module_utils.txt_record import join_txt_strings
from ansible_collections.selfmail.smtp.plugins.module_utils.validation import (
    OptionError,
    validate_nameservers,
)

try:
    import dns.exception
    import dns.flags
    import dns.name
    import dns.rdatatype
    import dns.resolver
    import dns.reversename
except ImportError:
    HAS_DNSPYTHON = False
    DNSPYTHON_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_DNSPYTHON = True
    DNSPYTHON_IMPORT_ERROR = None

try:
    import cryptography  # noqa: F401, pylint: disable=unused-import
except ImportError:
    HAS_CRYPTOGRAPHY = False
    CRYPTOGRAPHY_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_CRYPTOGRAPHY = True
    CRYPTOGRAPHY_IMPORT_ERROR = None

OK = 'ok'
NXDOMAIN = 'nxdomain'
NODATA = 'nodata'
ERROR = 'error'

DNS_CHECK_ARGUMENT_SPEC = dict(
    nameservers=dict(type='list', elements='str'),
    port=dict(type='int', default=53),
    timeout=dict(type='float', default=5.0),
    fail_on=dict(type='str', default='error', choices=FAIL_ON_CHOICES),
)


def require_libraries(module, dnspython=True, cryptography=False):
    """Fail with the usual Ansible message when a runtime library is missing."""
    if dnspython and not HAS_DNSPYTHON:
        module.fail_json(msg=missing_required_lib('dnspython'), exception=DNSPYTHON_IMPORT_ERROR)
    if cryptography and not HAS_CRYPTOGRAPHY:
        module.fail_json(msg=missing_required_lib('cryptography'), exception=CRYPTOGRAPHY_IMPORT_ERROR)


class DnsAnswer(object):
    """The outcome of one lookup."""

    __slots__ = ('name', 'rdtype', 'status', 'records', 'canonical_name', 'error')

    def __init__(self, name, rdtype, status, records=None, canonical_name=None, error=None):
        self.name = name
        self.rdtype = rdtype
        self.status = status
        self.records = records or []
        self.canonical_name = canonical_name
        self.error = error

    @property
    def ok(self):
        return self.status == OK

    @property
    def void(self):
        """No such name, or no records of that type (RFC 7208 4.6.4)."""
        return self.status in (NXDOMAIN, NODATA)

    @property
    def failed(self):
        return self.status == ERROR

    @property
    def is_alias(self):
        """The queried name is a CNAME (the answer came through a chain)."""
        return self.canonical_name is not None and self.canonical_name != self.name

    def texts(self):
        """TXT records with their strings joined, as receivers read them."""
        return [join_txt_strings(rdata.strings) for rdata in self.records]

    def describe(self):
        if self.status == OK:
            return '%d record(s)' % len(self.records)
        if self.status == NXDOMAIN:
            return 'the name does not exist (NXDOMAIN)'
        if self.status == NODATA:
            return 'no %s record' % self.rdtype
        return 'lookup failed: %s' % self.error


def normalize_name(name):
    return name.rstrip('.').lower()


class DnsClient(object):
    """A resolver with configurable nameservers, port and timeout.

    With no nameservers the system resolver configuration is used. A cache
    is shared by all lookups of one client (and across threads), so the
    same name is asked once per check run.
    """

    def __init__(self, nameservers=None, port=53, timeout=5.0):
        if nameservers:
            resolver = dns.resolver.Resolver(configure=False)
            resolver.port = port
            resolver.nameservers = list(nameservers)
        else:
            resolver = dns.resolver.Resolver(configure=True)
            resolver.port = port
            # re-set so that the port applies on every dnspython version
            resolver.nameservers = list(resolver.nameservers)
        resolver.timeout = timeout
        resolver.lifetime = timeout
        resolver.cache = dns.resolver.Cache()
        # large TXT answers (DKIM, SPF) fit in one UDP packet with EDNS0
        resolver.use_edns(0, 0, 1232)
        self.resolver = resolver
        self.timeout = timeout

    def lookup(self, name, rdtype, _depth=0):
        """Query ``name`` for ``rdtype`` ('A', 'TXT'...). Never raises."""
        qname = normalize_name(name)
        try:
            dname = dns.name.from_text(qname)
        except (dns.exception.DNSException, ValueError) as exc:
            return DnsAnswer(qname, rdtype, ERROR, error='invalid name: %s' % exc)
        try:
            answer = self.resolver.resolve(dname, rdtype, raise_on_no_answer=False, search=False)
        except dns.resolver.NXDOMAIN:
            return DnsAnswer(qname, rdtype, NXDOMAIN)
        except dns.resolver.NoNameservers as exc:
            return DnsAnswer(qname, rdtype, ERROR, error='no nameserver answered (SERVFAIL or REFUSED): %s' % exc)
        except dns.exception.Timeout:
            return DnsAnswer(qname, rdtype, ERROR, error='timed out after %s s' % self.timeout)
        except dns.exception.DNSException as exc:
            return DnsAnswer(qname, rdtype, ERROR, error=str(exc) or exc.__class__.__name__)
        except OSError as exc:
            return DnsAnswer(qname, rdtype, ERROR, error='network error: %s' % exc)
        canonical = normalize_name(answer.canonical_name.to_text())
        if answer.rrset is None:
            if canonical != qname and rdtype != 'CNAME' and _depth < 8:
                # an authoritative server does not chase a CNAME into
                # another zone; a recursive resolver would, so do it here
                chased = self.lookup(canonical, rdtype, _depth=_depth + 1)
                chased.name = qname
                if chased.canonical_name is None or chased.canonical_name == canonical:
                    chased.canonical_name = canonical
                return chased
            return DnsAnswer(qname, rdtype, NODATA, canonical_name=canonical)
        return DnsAnswer(qname, rdtype, OK, records=list(answer.rrset), canonical_name=canonical)

    def addresses(self, name, version):
        """A (version 4) or AAAA (version 6) lookup."""
        return self.lookup(name, 'A' if version == 4 else 'AAAA')

    def reverse(self, address):
        """PTR lookup for an ``ipaddress`` address."""
        return self.lookup(reverse_name(address), 'PTR')


def reverse_name(address):
    """The in-addr.arpa / ip6.arpa name of an ``ipaddress`` address."""
    return address.reverse_pointer


def client_from_params(module):
    """Build a DnsClient from the common check options, failing on bad ones."""
    params = module.params
    try:
        nameservers = validate_nameservers(params.get('nameservers'))
    except OptionError as exc:
        module.fail_json(msg=str(exc))
    port = params.get('port', 53)
    if not 1 <= port <= 65535:
        module.fail_json(msg='port: %d is not a valid port number (1-65535)' % port)
    timeout = params.get('timeout', 5.0)
    if timeout <= 0:
        module.fail_json(msg='timeout: must be a positive number of seconds')
    return DnsClient(nameservers=nameservers, port=port, timeout=timeout)
