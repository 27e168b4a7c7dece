"""Shared parts of the tests of a converged site: the lab's mx1 and mx2 after
site.yml (`make lab`, or the verify step of the default molecule scenario).

Attacks and probes come from rx, the lab's stand-in for the rest of the
Internet; what reaches rx is read from what it stored.
"""
import datetime
import email.policy
import importlib.util
import json
import pathlib
import smtplib
import ssl
import threading
import time
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]

# The lab's fixtures (tests/lab/conftest.py) under a name of their own.
_spec = importlib.util.spec_from_file_location("selfmail_lab_fixtures", ROOT / "tests" / "lab" / "conftest.py")
lab_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lab_fixtures)

MAIL_HOSTS = {"mx1": "mx.example.test", "mx2": "mx2.example.test"}


def converged_lab():
    """The running lab, after site.yml converged its mail hosts; None with the reason otherwise."""
    facts_file = lab_fixtures.STATE / "lab.json"
    if not facts_file.exists():
        return None, "the lab is not running: start it with `make lab-up`, then converge it with `make lab`"
    lab = lab_fixtures.Lab(json.loads(facts_file.read_text()))
    for host in MAIL_HOSTS:
        if lab.run(host, "test", "-s", "/etc/chasquid/chasquid.conf", check=False).returncode != 0:
            return None, f"{host} is not converged: run `make lab` (site.yml on the lab) first"
    return lab, ""


@pytest.fixture(scope="session")
def lab():
    """The converged lab site; the test fails with what to run when there is none."""
    found, reason = converged_lab()
    if found is None:
        pytest.fail(reason)
    return found


def alice_password():
    return (lab_fixtures.STATE / "secrets" / "alice.password").read_text().strip()


def make_message(sender, rcpt, subject, body):
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = rcpt
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime.datetime.now().astimezone())
    msg["Message-ID"] = make_msgid(domain=sender.split("@")[1])
    msg.set_content(body)
    # CRLF line ends: chasquid 1.15 refuses bare LF in DATA (SMTP smuggling).
    return msg.as_bytes(policy=email.policy.SMTP)


def submit(ip, recipients, clients=4, per_session=25, port=587, sender="alice@example.test", patience=300):
    """Submits one message to each recipient as alice, from `clients` threads at
    once, a new session every `per_session` messages. As a mail client would, a
    message the server did not take (a broken session, or a 4xx such as
    chasquid's "queue full" at 200 queued messages) is sent again later, with
    a growing pause, for up to `patience` seconds without progress.
    A 5xx is not retried: the message is listed as refused, with the reply.
    Returns (accepted recipients, seconds,
    {"broken": n, "deferred": n, "refused": ["recipient: reply", ...]})."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE   # the certificate is checked by tests/site
    password = alice_password()
    accepted, lock = [], threading.Lock()
    retried = {"broken": 0, "deferred": 0, "refused": []}

    def worker(share):
        pending = list(share)
        pause, stuck_since = 0.2, None
        while pending:
            try:
                with smtplib.SMTP(ip, port, timeout=60) as smtp:
                    smtp.starttls(context=ctx)
                    smtp.login(sender, password)
                    for _message in range(min(per_session, len(pending))):
                        rcpt = pending[0]
                        smtp.sendmail(sender, [rcpt], make_message(sender, rcpt, "load " + rcpt, "Load test.\n"))
                        with lock:
                            accepted.append(rcpt)
                        pending.pop(0)
                        pause, stuck_since = 0.2, None
            except (OSError, smtplib.SMTPException) as exc:
                code = getattr(exc, "smtp_code", 0)
                if not code and isinstance(exc, smtplib.SMTPRecipientsRefused):
                    code = min(c for c, _reply in exc.recipients.values())
                if 500 <= code < 600:
                    # A permanent refusal: a client gives up on the message;
                    # the caller sees which one and why.
                    with lock:
                        retried["refused"].append(f"{pending.pop(0)}: {exc}")
                    continue
                with lock:
                    retried["deferred" if 400 <= code < 500 else "broken"] += 1
                stuck_since = stuck_since or time.monotonic()
                if time.monotonic() - stuck_since > patience:
                    return
                time.sleep(pause)
                pause = min(pause * 2, 5.0)

    shares = [recipients[i::clients] for i in range(clients)]
    threads = [threading.Thread(target=worker, args=(share,)) for share in shares]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return accepted, time.monotonic() - start, retried


def rx_records(lab, recipients, timeout, seen=None):
    """rx's records of the messages to these recipients, waiting up to timeout
    seconds for all of them: {recipient: [record, ...]} (a list: duplicates show)."""
    wanted = set(recipients)
    found = {}
    seen = set() if seen is None else seen
    deadline = time.monotonic() + timeout
    while True:
        for meta in lab.stored():
            if meta.name in seen:
                continue
            record = json.loads(meta.read_text())
            seen.add(meta.name)
            for rcpt in record["rcpt_to"]:
                if rcpt in wanted:
                    found.setdefault(rcpt, []).append(record)
        if len(found) >= len(wanted) or time.monotonic() > deadline:
            return found
        time.sleep(2)
