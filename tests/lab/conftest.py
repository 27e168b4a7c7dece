"""Fixtures for tests that run against the running lab (make lab-up).

Everything goes through the real parts: commands run inside the lab's
containers with `podman exec`, DNS updates go to the lab's bind9 with the
lab's TSIG key, and verdicts are read from what rx stored.
"""
import json
import os
import pathlib
import subprocess
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
STATE = pathlib.Path(os.environ.get("SELFMAIL_LAB_STATE") or ROOT / ".lab")

# Sends one message from inside a lab host: connects to an explicit address so
# the test, not the resolver's preference, decides IPv4 or IPv6.
SEND_SCRIPT = r"""
import smtplib, ssl, sys, json
ip, helo, mail_from, rcpt = sys.argv[1:5]
data = sys.stdin.buffer.read()
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE   # rx's certificate is checked by test_rx_certificate
with smtplib.SMTP(ip, 25, local_hostname=helo, timeout=30) as s:
    s.starttls(context=ctx)
    s.ehlo(helo)
    reply = s.sendmail(mail_from, [rcpt], data)
    print(json.dumps({"refused": reply, "tls": s.sock.version()}))
"""


class Lab:
    def __init__(self, facts):
        self.facts = facts
        self.hosts = facts["hosts"]
        self.maildir = pathlib.Path(facts["rx_maildir"])
        self.tsig_secret = pathlib.Path(facts["tsig"]["secret_file"]).read_text().strip()

    def container(self, host):
        return self.hosts[host]["container"]

    def run(self, host, *argv, input=None, check=True):
        cmd = ["podman", "exec", "-i", self.container(host), *argv]
        proc = subprocess.run(cmd, input=input, capture_output=True, timeout=300, check=False)
        if check and proc.returncode != 0:
            raise AssertionError(
                f"{' '.join(argv)} on {host} failed ({proc.returncode}):\n"
                f"{proc.stdout.decode(errors='replace')}\n{proc.stderr.decode(errors='replace')}"
            )
        return proc

    def out(self, host, *argv, **kw):
        return self.run(host, *argv, **kw).stdout.decode().strip()

    def send(self, host, ip, message, mail_from, rcpt, helo=None):
        helo = helo or self.hosts[host]["hostname"]
        proc = self.run(host, "python3", "-c", SEND_SCRIPT, ip, helo, mail_from, rcpt,
                        input=message)
        return json.loads(proc.stdout)

    def site(self, *extra, timeout=1800):
        """site.yml on the lab's inventory, run from the checkout as a user
        would (its ansible.cfg, its .venv); the completed process."""
        env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1",
                   ANSIBLE_FORCE_COLOR="0")
        return subprocess.run([str(ROOT / ".venv/bin/ansible-playbook"), "site.yml", "-i", "inventory", *extra],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)

    def stored(self):
        """rx's records (<id>.json), oldest name first. Not the hidden
        .<id>.tmp.json that rx is still writing (pathlib's glob would
        return it)."""
        return sorted(p for p in self.maildir.glob("*.json") if not p.name.startswith("."))

    def received(self, marker, timeout=30):
        """The JSON record and stored message at rx whose content holds marker."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for meta in self.stored():
                eml = meta.with_suffix(".eml")
                if marker.encode() in eml.read_bytes():
                    return json.loads(meta.read_text()), eml.read_bytes()
            time.sleep(0.3)
        raise AssertionError(f"no message containing {marker!r} reached rx in {timeout}s")


@pytest.fixture(scope="session")
def lab():
    facts_file = STATE / "lab.json"
    if not facts_file.exists():
        pytest.fail("the lab is not running: start it with `make lab-up`")
    return Lab(json.loads(facts_file.read_text()))
