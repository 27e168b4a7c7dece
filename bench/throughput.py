# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Messages per second through submission (587) to rx, DKIM signing on and off.

On the converged lab site (make lab): for mx1 (Debian 12, chasquid 1.11,
signing in the post-data hook with dkimpy) and mx2 (Debian 13, chasquid 1.15,
native signing), submits N messages as the lab's user from several clients
at once, with the domain's DKIM keys in place and then moved aside (chasquid
restarted for each), and waits for every message at rx. Prints, side by side,
the submission rate (what the server accepts; signing happens before its
250) and the end-to-end rate (until the last message is stored at rx), and
the ratio unsigned/signed. The keys are put back and chasquid restarted at
the end. Writes the figures to --json; nothing is asserted but that every
message arrived, signed or unsigned as the run intended.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, 'tests', 'site'))

from sitekit import MAIL_HOSTS, converged_lab, rx_records, submit  # noqa: E402

KEYS = '/etc/chasquid/domains/example.test'
ASIDE = '/root/selfmail-bench-keys'
HOOK = {'mx1': 'post-data hook (dkimpy), chasquid 1.11', 'mx2': 'native, chasquid 1.15'}


def set_signing(lab, host, on):
    script = ('mkdir -p {a} && mv {a}/dkim:*.pem {k}/ 2>/dev/null; true' if on else
              'mkdir -p {a} && mv {k}/dkim:*.pem {a}/').format(a=ASIDE, k=KEYS)
    lab.run(host, 'sh', '-c', script)
    lab.run(host, 'systemctl', 'restart', 'chasquid.service')
    time.sleep(1)


def one_run(lab, host, count, clients, signed):
    run = uuid.uuid4().hex[:8]
    recipients = ['bench-%s-%d@inbox.test' % (run, i) for i in range(count)]
    start = time.monotonic()
    accepted, submit_seconds, retried = submit(lab.hosts[host]['ipv4'], recipients, clients=clients)
    found = rx_records(lab, recipients, timeout=900)
    last = time.monotonic() - start
    if len(found) != count or len(accepted) != count:
        raise SystemExit('%s: %d of %d accepted, %d arrived; refused: %s'
                         % (host, len(accepted), count, len(found), retried['refused'][:5]))
    dkim = {records[0]['dkim'] for records in found.values()}
    if dkim != ({'pass'} if signed else {'none'}):
        raise SystemExit('%s: DKIM verdicts %s, expected %s' % (host, dkim, 'pass' if signed else 'none'))
    return {'messages': count, 'clients': clients, 'broken_sessions': retried['broken'], 'deferred_by_server': retried['deferred'],
            'submit_seconds': round(submit_seconds, 2),
            'submitted_per_second': round(count / submit_seconds, 1),
            'end_to_end_seconds': round(last, 2),
            'delivered_per_second': round(count / last, 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--messages', type=int, default=200)
    parser.add_argument('--clients', type=int, default=4)
    parser.add_argument('--json', help='write the figures to this file')
    args = parser.parse_args()
    lab, reason = converged_lab()
    if lab is None:
        raise SystemExit(reason)
    figures = {}
    print('%-4s %-40s %-8s %10s %10s' % ('host', 'signing', 'DKIM', 'submit/s', 'deliver/s'))
    for host in sorted(MAIL_HOSTS):
        figures[host] = {'signing': HOOK[host]}
        try:
            for signed in (True, False):
                set_signing(lab, host, signed)
                result = one_run(lab, host, args.messages, args.clients, signed)
                figures[host]['signed' if signed else 'unsigned'] = result
                print('%-4s %-40s %-8s %10.1f %10.1f' % (host, HOOK[host], 'on' if signed else 'off',
                                                         result['submitted_per_second'],
                                                         result['delivered_per_second']), flush=True)
        finally:
            set_signing(lab, host, True)
        on, off = figures[host]['signed'], figures[host]['unsigned']
        figures[host]['ratio_unsigned_signed_submit'] = round(off['submitted_per_second'] / on['submitted_per_second'], 2)
        figures[host]['ratio_unsigned_signed_delivered'] = round(off['delivered_per_second'] / on['delivered_per_second'], 2)
        print('%-4s unsigned/signed: submission x%.2f, end to end x%.2f' % (
            host, figures[host]['ratio_unsigned_signed_submit'], figures[host]['ratio_unsigned_signed_delivered']))
    if args.json:
        with open(args.json, 'w') as fh:
            json.dump(figures, fh, indent=2, sort_keys=True)


if __name__ == '__main__':
    main()
