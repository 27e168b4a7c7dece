"""What the converged site survives: load, a restart with a full queue, a
certificate renewal under traffic, the ACME CA down during a renewal, a CA
that no longer knows the host's account.

Run with `make reliability` after `make lab`. Figures are printed (pytest -s)
and written to build/reliability.json; no test asserts a duration.
"""
import json
import pathlib
import socket
import threading
import time
import uuid

import pytest
from sitekit import MAIL_HOSTS, ROOT, rx_records, submit

FIGURES = ROOT / "build" / "reliability.json"


def record_figures(name, figures):
    FIGURES.parent.mkdir(exist_ok=True)
    data = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
    data[name] = figures
    FIGURES.write_text(json.dumps(data, indent=2, sort_keys=True))
    print(f"\n{name}: {json.dumps(figures, sort_keys=True)}")


def run_id():
    return uuid.uuid4().hex[:8]


def dkim_domains(record):
    return sorted({d.get("header.d") for d in record["details"].get("dkim", []) if d.get("result") == "pass"})


def lost_and_duplicated(recipients, found):
    lost = [r for r in recipients if r not in found]
    duplicated = {r: len(found[r]) for r in found if len(found[r]) > 1}
    return lost, duplicated


def test_load_1000_messages_all_arrive_signed_once(lab):
    run = run_id()
    per_host = 500
    recipients = {host: [f"load-{run}-{host}-{i}@inbox.test" for i in range(per_host)] for host in sorted(MAIL_HOSTS)}
    figures = {}
    accepted_all = []
    results = {}

    def load(host):
        results[host] = submit(lab.hosts[host]["ipv4"], recipients[host], clients=4)

    threads = [threading.Thread(target=load, args=(host,)) for host in recipients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    refused = []
    for host, (accepted, seconds, retried) in results.items():
        accepted_all += accepted
        refused += retried["refused"]
        figures[host] = {"submitted": len(accepted), "submit_seconds": round(seconds, 1),
                         "submitted_per_second": round(len(accepted) / seconds, 1),
                         "broken_sessions_retried": retried["broken"],
                         "deferred_by_server_and_retried": retried["deferred"]}
    everyone = [r for host in sorted(recipients) for r in recipients[host]]
    assert sorted(accepted_all) == sorted(everyone), f"not every message was accepted; refused: {refused[:5]}"
    found = rx_records(lab, everyone, timeout=900)
    lost, duplicated = lost_and_duplicated(everyone, found)
    unsigned = [r for r, records in found.items() if any(dkim_domains(rec) != ["example.test"] for rec in records)]
    figures.update({"messages": len(everyone), "arrived": len(found), "lost": len(lost),
                    "duplicated": len(duplicated), "without_valid_dkim": len(unsigned)})
    record_figures("load", figures)
    assert not lost, f"{len(lost)} lost, e.g. {lost[:5]}"
    assert not duplicated, duplicated
    assert not unsigned, f"{len(unsigned)} without a valid DKIM signature of example.test, e.g. {unsigned[:5]}"


def queue_files(lab, host):
    out = lab.out(host, "sh", "-c", "ls /var/lib/chasquid/queue/ 2>/dev/null | wc -l")
    return int(out or 0)


@pytest.mark.parametrize("host", sorted(MAIL_HOSTS))
def test_restart_with_a_full_queue_loses_nothing(lab, host):
    run = run_id()
    recipients = [f"restart-{run}-{i}@inbox.test" for i in range(20)]
    lab.run("rx", "systemctl", "stop", "selfmail-lab-rx.service")
    try:
        accepted, _seconds, retried = submit(lab.hosts[host]["ipv4"], recipients, clients=2)
        assert sorted(accepted) == sorted(recipients), retried
        queued = queue_files(lab, host)
        assert queued >= len(recipients), f"only {queued} items in the queue"
        lab.run(host, "systemctl", "restart", "chasquid.service")
        assert lab.out(host, "systemctl", "is-active", "chasquid.service") == "active"
    finally:
        lab.run("rx", "systemctl", "start", "selfmail-lab-rx.service")
    found = rx_records(lab, recipients, timeout=900)
    lost, duplicated = lost_and_duplicated(recipients, found)
    record_figures(f"restart_{host}", {"queued": len(recipients), "arrived": len(found), "lost": len(lost),
                                       "duplicated": len(duplicated)})
    assert not lost, lost
    assert not duplicated, duplicated


def served_certificate(lab, host):
    """sha256 of the certificate chasquid presents on 465 right now."""
    probe = (pathlib.Path(__file__).resolve().parents[1] / "site" / "smtp_probe.py").read_text()
    case = [{"name": "c", "ip": lab.hosts[host]["ipv4"], "port": 465}]
    result = json.loads(lab.run("rx", "python3", "-c", probe, input=json.dumps(case).encode()).stdout)[0]
    assert "error" not in result, result
    return result["peer_sha256"]


def installed_files(lab, host):
    name = MAIL_HOSTS[host]
    out = lab.out(host, "sh", "-c", f"sha256sum /etc/chasquid/certs/{name}/*.pem /etc/chasquid/chasquid.conf")
    return dict(reversed(line.split(None, 1)) for line in out.splitlines())


@pytest.mark.parametrize("host", sorted(MAIL_HOSTS))
def test_forced_renewal_under_traffic(lab, host):
    before = served_certificate(lab, host)
    files_before = installed_files(lab, host)
    run = run_id()
    recipients = [f"renew-{run}-{i}@inbox.test" for i in range(60)]
    outcome = {}

    def traffic():
        # One message per session, so sessions keep starting during the renewal.
        outcome["result"] = submit(lab.hosts[host]["ipv4"], recipients, clients=3, per_session=1)

    sender = threading.Thread(target=traffic)
    sender.start()
    renewal = lab.run(host, "/usr/local/sbin/selfmail-acme-renew", "--force", check=False)
    sender.join()
    after = served_certificate(lab, host)
    accepted, seconds, retried = outcome["result"]
    found = rx_records(lab, recipients, timeout=600)
    lost, duplicated = lost_and_duplicated(recipients, found)
    record_figures(f"renewal_{host}", {"messages": len(recipients), "accepted": len(accepted),
                                       "sessions_broken_and_retried": retried["broken"],
                                       "deferred_by_server_and_retried": retried["deferred"], "arrived": len(found),
                                       "lost": len(lost), "duplicated": len(duplicated),
                                       "certificate_changed": before != after})
    assert renewal.returncode == 0, renewal.stdout.decode() + renewal.stderr.decode()
    assert b"selfmail-acme: renewed" in renewal.stdout or b"selfmail-acme: ordered" in renewal.stdout, renewal.stdout
    assert before != after, "new connections still get the old certificate"
    assert installed_files(lab, host) != files_before
    assert sorted(accepted) == sorted(recipients), retried
    assert not lost, lost
    # Not asserted: a message queued by chasquid just before the restart that
    # loads the new certificate, whose 250 the client never saw, is sent again
    # by the client and arrives twice (RFC 1047); the figure shows how often.


@pytest.mark.parametrize("host", sorted(MAIL_HOSTS))
def test_acme_down_during_renewal_changes_nothing(lab, host):
    before = served_certificate(lab, host)
    files_before = installed_files(lab, host)
    # The CA is made unreachable from this host only: stopping pebble would
    # make it forget every account (it keeps them in memory), which no real
    # CA does, and the next renewal of any host would fail for that reason.
    acme = lab.hosts["acme"]
    block = (f"nft add table inet selfmail_test && nft add chain inet selfmail_test out "
             f"'{{ type filter hook output priority 0; }}' && "
             f"nft add rule inet selfmail_test out ip daddr {acme['ipv4']} reject && "
             f"nft add rule inet selfmail_test out ip6 daddr {acme['ipv6']} reject")
    lab.run(host, "sh", "-c", block)
    try:
        renewal = lab.run(host, "/usr/local/sbin/selfmail-acme-renew", "--force", check=False)
    finally:
        lab.run(host, "nft", "delete", "table", "inet", "selfmail_test")
    output = (renewal.stdout + renewal.stderr).decode(errors="replace")
    record_figures(f"acme_down_{host}", {"exit_code": renewal.returncode, "last_line": output.strip().splitlines()[-1:]})
    assert renewal.returncode != 0, output
    assert "acme.lab.test:14000" in output, output
    assert installed_files(lab, host) == files_before
    assert served_certificate(lab, host) == before
    assert lab.out(host, "systemctl", "is-active", "chasquid.service") == "active"


def wait_for_port(ip, port, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection((ip, port), timeout=2).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def test_renewal_after_the_ca_forgot_the_account(lab):
    """A CA that no longer knows the host's account (pebble keeps accounts in
    memory, so a restart forgets them all, as a CA that deactivated them
    would): the renewal registers a new account and the certificate is
    renewed. Runs last: the CA also starts with a new root."""
    before = {host: served_certificate(lab, host) for host in sorted(MAIL_HOSTS)}
    lab.run("acme", "systemctl", "restart", "selfmail-lab-pebble.service")
    wait_for_port(lab.hosts["acme"]["ipv4"], 14000)
    figures = {}
    for host in sorted(MAIL_HOSTS):
        renewal = lab.run(host, "/usr/local/sbin/selfmail-acme-renew", "--force", check=False)
        output = (renewal.stdout + renewal.stderr).decode(errors="replace")
        kept = lab.out(host, "sh", "-c", "ls -d /var/lib/selfmail-acme/lego/accounts.unknown-to-ca.* | wc -l")
        figures[host] = {"exit_code": renewal.returncode, "new_account": "registering a new one" in output,
                         "old_accounts_kept": int(kept), "certificate_changed": served_certificate(lab, host) != before[host]}
        assert renewal.returncode == 0, output
        assert "the CA no longer knows this account" in output, output
        assert "selfmail-acme: renewed" in output, output
        assert int(kept) >= 1
        assert figures[host]["certificate_changed"], "new connections still get the old certificate"
    record_figures("renewal_after_account_lost", figures)
