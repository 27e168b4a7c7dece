# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Wall time of a full check of one domain, selfmail.smtp vs checkdmarc.

Starts the loopback Knot DNS server of the integration tests with the
well-formed domain good.test (and its reverse zones), then times N cold
runs (fresh caches) of:

- selfmail.smtp: SPF (with evaluation for the sending addresses), DMARC,
  DKIM (against the local key), PTR and MX, the five checks run concurrently,
  each running its independent lookups concurrently as the modules do;
- checkdmarc: SPF, DMARC and MX (it has no DKIM key or PTR check),
  through its Python API with a resolver pointed at the same server.

Prints wall times (median and min) and the verdicts where both tools speak;
writes the figures to --json. Times are printed, never asserted.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
FIXTURES = os.path.join(REPO, 'tests', 'integration', 'dns')
sys.path.insert(0, FIXTURES)


def _collection_importable(scratch):
    """Make ansible_collections.selfmail.smtp importable from this checkout."""
    parts = REPO.split(os.sep)
    if parts[-3:] == ['ansible_collections', 'selfmail', 'smtp']:
        sys.path.insert(0, os.sep.join(parts[:-3]))
        return
    os.makedirs(os.path.join(scratch, 'ansible_collections', 'selfmail'))
    os.symlink(REPO, os.path.join(scratch, 'ansible_collections', 'selfmail', 'smtp'))
    sys.path.insert(0, scratch)


DOMAIN = 'good.test'
SELECTOR = 'sel1'
HOSTNAME = 'mail.good.test'
SENDING_ADDRESSES = ('192.0.2.10', '2001:db8::10')


def selfmail_full_check(port, public_key):
    from ansible_collections.selfmail.smtp.plugins.module_utils.check_report import CheckReport
    from ansible_collections.selfmail.smtp.plugins.module_utils.dkim import check_dkim
    from ansible_collections.selfmail.smtp.plugins.module_utils.dmarc import check_dmarc
    from ansible_collections.selfmail.smtp.plugins.module_utils.dns_client import DnsClient
    from ansible_collections.selfmail.smtp.plugins.module_utils.mx import check_mx
    from ansible_collections.selfmail.smtp.plugins.module_utils.ptr import check_ptr
    from ansible_collections.selfmail.smtp.plugins.module_utils.spf import check_spf

    client = DnsClient(['127.0.0.1'], port=port, timeout=3)   # a fresh cache for each run
    addresses = [ipaddress.ip_address(a) for a in SENDING_ADDRESSES]
    checks = {
        'spf': lambda report: check_spf(client, report, DOMAIN, addresses, helo=HOSTNAME),
        'dmarc': lambda report: check_dmarc(client, report, DOMAIN),
        'dkim': lambda report: check_dkim(client, report, DOMAIN, SELECTOR, public_key),
        'ptr': lambda report: check_ptr(client, report, addresses, HOSTNAME),
        'mx': lambda report: check_mx(client, report, DOMAIN, [HOSTNAME]),
    }

    def run(name):
        report = CheckReport(name)
        details = checks[name](report)
        return name, details, report

    with ThreadPoolExecutor(max_workers=len(checks)) as pool:
        done = list(pool.map(run, checks))
    return {name: {'details': details, 'ok': report.passed, 'errors': report.errors, 'warnings': report.warnings}
            for name, details, report in done}


def checkdmarc_full_check(port):
    import checkdmarc.utils
    import dns.nameserver
    import dns.resolver
    from checkdmarc.dmarc import check_dmarc
    from checkdmarc.smtp import check_mx
    from checkdmarc.spf import check_spf

    checkdmarc.utils.DNS_CACHE.clear()   # cold, like the other side
    # both a resolver and nameserver objects: some checkdmarc lookups (DNSSEC,
    # TLSA of the MX hosts) ignore the resolver and would otherwise ask the
    # system resolver
    nameservers = [dns.nameserver.Do53Nameserver('127.0.0.1', port)]
    resolver = dns.resolver.Resolver(configure=False)
    resolver.port = port
    resolver.nameservers = nameservers
    resolver.timeout = resolver.lifetime = 3
    checks = {
        'spf': lambda: check_spf(DOMAIN, nameservers=nameservers, resolver=resolver, timeout=3),
        'dmarc': lambda: check_dmarc(DOMAIN, nameservers=nameservers, resolver=resolver, timeout=3),
        'mx': lambda: check_mx(DOMAIN, nameservers=nameservers, resolver=resolver, timeout=3),
    }
    with ThreadPoolExecutor(max_workers=len(checks)) as pool:
        futures = {name: pool.submit(check) for name, check in checks.items()}
    return {name: future.result() for name, future in futures.items()}


def _time_runs(function, runs):
    times = []
    result = None
    for _index in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return times, result


def verdicts(ours, theirs):
    """Rows (what, selfmail.smtp, checkdmarc) where both tools say something."""
    spf_ours = ours['spf']['details']
    spf_theirs = theirs['spf']
    dmarc_ours = ours['dmarc']['details']
    dmarc_theirs = theirs['dmarc']
    mx_theirs = theirs['mx']
    rows = [
        ('SPF record', spf_ours['record'], spf_theirs.get('record')),
        ('SPF valid', ours['spf']['ok'], spf_theirs.get('valid')),
        ('SPF DNS lookups', spf_ours['lookups'], spf_theirs.get('dns_lookups')),
        ('SPF void lookups', spf_ours['void_lookups'], spf_theirs.get('void_dns_lookups')),
        ('DMARC record', dmarc_ours['record'], dmarc_theirs.get('record')),
        ('DMARC valid', ours['dmarc']['ok'], dmarc_theirs.get('valid')),
        ('DMARC policy p', (dmarc_ours['policy'] or {}).get('p'),
         (dmarc_theirs.get('tags') or {}).get('p', {}).get('value')),
        ('MX hosts', [m['host'] for m in ours['mx']['details']['mx']],
         [h.get('hostname') for h in mx_theirs.get('hosts', [])]),
        ('MX addresses', sorted(a for m in ours['mx']['details']['mx'] for a in m['addresses']),
         sorted(a for h in mx_theirs.get('hosts', []) for a in h.get('addresses', []))),
    ]
    return [{'check': what, 'selfmail_smtp': a, 'checkdmarc': b, 'agree': a == b} for what, a, b in rows]


def _cell(value, width):
    text = json.dumps(value) if not isinstance(value, str) else value
    return text if len(text) <= width else text[:width - 3] + '...'


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--runs', type=int, default=20, help='timed runs per tool (default 20)')
    parser.add_argument('--json', help='write the figures to this file')
    args = parser.parse_args(argv)
    # checkdmarc logs every unsigned zone (the test zones are not signed)
    logging.getLogger('checkdmarc').setLevel(logging.ERROR)

    with tempfile.TemporaryDirectory(prefix='selfmail-bench-') as scratch:
        _collection_importable(os.path.join(scratch, 'collections'))
        from loopback_dns import KnotServer
        from zones import GOOD, DkimKeys, good_zone, reverse_v4_zone, reverse_v6_zone

        keys = DkimKeys(os.path.join(scratch, 'keys'))
        zones = {
            GOOD: good_zone(keys),
            '2.0.192.in-addr.arpa': reverse_v4_zone(),
            '8.b.d.0.1.0.0.2.ip6.arpa': reverse_v6_zone(),
        }
        server = KnotServer(zones, os.path.join(scratch, 'knot'))
        server.start()
        try:
            public_key = keys.rsa.public_key()
            selfmail_full_check(server.port, public_key)      # warm-up: imports, first sockets
            checkdmarc_full_check(server.port)
            ours_times, ours = _time_runs(lambda: selfmail_full_check(server.port, public_key), args.runs)
            theirs_times, theirs = _time_runs(lambda: checkdmarc_full_check(server.port), args.runs)
        finally:
            server.stop()

    def figures(times):
        return {'median_ms': round(statistics.median(times) * 1000, 2), 'min_ms': round(min(times) * 1000, 2),
                'max_ms': round(max(times) * 1000, 2), 'runs': len(times)}

    result = {
        'domain': DOMAIN,
        'dns_server': 'knotd on 127.0.0.1:%d' % server.port,
        'selfmail_smtp': dict(figures(ours_times), checks=['spf', 'dmarc', 'dkim', 'ptr', 'mx']),
        'checkdmarc': dict(figures(theirs_times), checks=['spf', 'dmarc', 'mx']),
        'verdicts': verdicts(ours, theirs),
        'selfmail_smtp_ok': {name: ours[name]['ok'] for name in ours},
    }

    print('Full check of %s against %s, %d cold runs each' % (DOMAIN, result['dns_server'], args.runs))
    print()
    print('%-16s %-26s %12s %12s %12s' % ('tool', 'checks', 'median ms', 'min ms', 'max ms'))
    for name in ('selfmail_smtp', 'checkdmarc'):
        row = result[name]
        print('%-16s %-26s %12.2f %12.2f %12.2f' % (name.replace('_', '.'), '+'.join(row['checks']),
                                                    row['median_ms'], row['min_ms'], row['max_ms']))
    print()
    print('%-18s %-40s %-40s %s' % ('verdict', 'selfmail.smtp', 'checkdmarc', 'agree'))
    for row in result['verdicts']:
        print('%-18s %-40s %-40s %s' % (row['check'], _cell(row['selfmail_smtp'], 40), _cell(row['checkdmarc'], 40),
                                        'yes' if row['agree'] else 'NO'))
    print()
    print('selfmail.smtp only: ' + ', '.join('%s %s' % (name, 'ok' if ok else 'errors')
                                             for name, ok in result['selfmail_smtp_ok'].items()))
    if args.json:
        directory = os.path.dirname(os.path.abspath(args.json))
        os.makedirs(directory, exist_ok=True)
        with open(args.json, 'w') as handle:
            json.dump(result, handle, indent=2, default=str)
        print('figures written to %s' % args.json)
    return 0


if __name__ == '__main__':
    sys.exit(main())
