# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A real authoritative DNS server (Knot DNS) on loopback, for tests and the benchmark.

Knot runs unprivileged-style from a scratch directory, listens on
127.0.0.1 and ::1 on a high port and serves the given zones. Nothing else
is queried: zone data uses documentation prefixes and reserved names.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time

DEFAULT_PORT = 53531
LISTEN_ADDRESSES = ('127.0.0.1', '::1')


class DnsServerError(RuntimeError):
    pass


def find_knotd():
    for candidate in (shutil.which('knotd'), '/usr/sbin/knotd', '/usr/local/sbin/knotd'):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def _port_is_free(port):
    for family, address in ((socket.AF_INET, '127.0.0.1'), (socket.AF_INET6, '::1')):
        for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
            sock = socket.socket(family, kind)
            try:
                sock.bind((address, port))
            except OSError:
                return False
            finally:
                sock.close()
    return True


def pick_port(preferred=DEFAULT_PORT):
    """The preferred port when free on both loopback addresses, else a free high port."""
    if _port_is_free(preferred):
        return preferred
    for _attempt in range(50):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
        sock.close()
        if _port_is_free(port):
            return port
    raise DnsServerError('no free port on loopback for the test DNS server')


class KnotServer(object):
    """Start with ``start()`` (or as a context manager); ``stop()`` always ends the process."""

    def __init__(self, zones, workdir, port=None, addresses=LISTEN_ADDRESSES):
        self.zones = zones              # {origin: zone file text}
        self.workdir = str(workdir)
        self.port = port if port is not None else pick_port(int(os.environ.get('SELFMAIL_DNS_PORT', DEFAULT_PORT)))
        self.addresses = tuple(addresses)
        self.process = None
        self.knotd = find_knotd()

    @property
    def nameservers(self):
        return list(self.addresses)

    def _write_config(self):
        zone_dir = os.path.join(self.workdir, 'zones')
        for sub in ('zones', 'db', 'run'):
            os.makedirs(os.path.join(self.workdir, sub), exist_ok=True)
        for origin, text in self.zones.items():
            with open(os.path.join(zone_dir, '%s.zone' % origin), 'w') as handle:
                handle.write(text)
        listen = ', '.join('%s@%d' % (address, self.port) for address in self.addresses)
        config = [
            'server:',
            '    rundir: "%s"' % os.path.join(self.workdir, 'run'),
            '    listen: [ %s ]' % listen,
            '    udp-workers: 2',
            '    tcp-workers: 2',
            '    background-workers: 1',
            'database:',
            '    storage: "%s"' % os.path.join(self.workdir, 'db'),
            'log:',
            '  - target: "%s"' % os.path.join(self.workdir, 'knotd.log'),
            '    any: info',
            'template:',
            '  - id: default',
            '    storage: "%s"' % zone_dir,
            '    file: "%s.zone"',
            '    zonefile-sync: -1',
            '    zonefile-load: whole',
            '    journal-content: none',
            'zone:',
        ]
        for origin in self.zones:
            config.append('  - domain: "%s"' % origin)
        path = os.path.join(self.workdir, 'knot.conf')
        with open(path, 'w') as handle:
            handle.write('\n'.join(config) + '\n')
        return path

    def log(self):
        try:
            with open(os.path.join(self.workdir, 'knotd.log')) as handle:
                return handle.read()
        except OSError:
            return ''

    def start(self, timeout=15.0):
        if self.knotd is None:
            raise DnsServerError('knotd (Knot DNS) is not installed: install the Debian package "knot"')
        config = self._write_config()
        with open(os.path.join(self.workdir, 'knotd.stderr'), 'w') as stderr:
            self.process = subprocess.Popen([self.knotd, '-c', config], stdout=subprocess.DEVNULL, stderr=stderr)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise DnsServerError('knotd exited with %s:\n%s' % (self.process.returncode, self.log()))
            if self._all_zones_answer():
                return self
            time.sleep(0.1)
        self.stop()
        raise DnsServerError('knotd did not serve the zones within %s s:\n%s' % (timeout, self.log()))

    def _all_zones_answer(self):
        import dns.message
        import dns.query
        import dns.rcode
        for origin in self.zones:
            for address in self.addresses:
                query = dns.message.make_query(origin, 'SOA')
                try:
                    response = dns.query.udp(query, address, port=self.port, timeout=0.5)
                except Exception:  # not up yet
                    return False
                if response.rcode() != dns.rcode.NOERROR or not response.answer:
                    return False
        return True

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
