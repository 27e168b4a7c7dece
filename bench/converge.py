# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Wall time of site.yml on fresh lab hosts, then of the second run.

Resets the lab's mail hosts (lab/lab reset: fresh Debian 12 and 13
containers, fresh zones), runs site.yml twice and prints the wall time and
the changed tasks of each run, and the ratio second/first. Writes the
figures to --json. Times are printed, never asserted; the lab's hosts are
left converged.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def site_run():
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(REPO, 'ansible.cfg'), ANSIBLE_NOCOLOR='1')
    start = time.monotonic()
    proc = subprocess.run([os.path.join(REPO, '.venv', 'bin', 'ansible-playbook'), 'site.yml', '-i', 'inventory'],
                          cwd=REPO, env=env, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-2000:])
        raise SystemExit('site.yml failed (rc %d)' % proc.returncode)
    changed = {host: int(n) for host, n in re.findall(r'^(\S+)\s*:\s*ok=\d+\s+changed=(\d+)', proc.stdout, re.M)}
    return {'seconds': round(seconds, 1), 'changed': changed}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--json', help='write the figures to this file')
    args = parser.parse_args()
    subprocess.run([os.path.join(REPO, 'lab', 'lab'), 'reset'], check=True)
    first = site_run()
    print('first run (fresh hosts): %.1f s, changed %s' % (first['seconds'], first['changed']), flush=True)
    second = site_run()
    print('second run:              %.1f s, changed %s' % (second['seconds'], second['changed']))
    ratio = second['seconds'] / first['seconds']
    print('second / first:          %.2f' % ratio)
    figures = {'first': first, 'second': second, 'ratio_second_first': round(ratio, 3),
               'hosts': sorted(first['changed'])}
    if args.json:
        with open(args.json, 'w') as fh:
            json.dump(figures, fh, indent=2, sort_keys=True)


if __name__ == '__main__':
    main()
