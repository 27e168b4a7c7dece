"""Talks SMTP to the chasquid under test and prints what happened, as JSON.

    python3 smtp_probe.py ADDRESS USER SENDER_DOMAIN RCPT MARKER   (password in $PROBE_PASSWORD)

Submits one message on 587 (STARTTLS + AUTH) and one on 465 (TLS + AUTH) to
RCPT, one as postmaster@SENDER_DOMAIN (an address the user may send as) to
"as-" RCPT, sends one unauthenticated message on 25 to a random address of
SENDER_DOMAIN (the catch-all), and tries what must fail: relaying without
AUTH on 25 and 587, AUTH before STARTTLS, a wrong password, the user sending
as another address of the domain (in the envelope, in the From: header).
"""
import base64
import json
import os
import smtplib
import ssl
import sys
import uuid
from email.message import EmailMessage

address, user, domain, rcpt, marker = sys.argv[1:6]
password = os.environ["PROBE_PASSWORD"]
ctx = ssl.create_default_context()
# The test certificate comes from the lab CA; its chain is checked by the role's verify.
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
result = {}


def message(tag, sender, to):
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = "%s %s" % (marker, tag)
    msg["Message-ID"] = "<%s@%s>" % (uuid.uuid4().hex, domain)
    msg.set_content("%s %s\n" % (marker, tag))
    return msg


def attempt(name, fn):
    try:
        result[name] = {"ok": True, "detail": fn()}
    except smtplib.SMTPResponseException as exc:
        result[name] = {"ok": False, "code": exc.smtp_code, "detail": exc.smtp_error.decode("utf-8", "replace")}
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = list(exc.recipients.values())[0]
        result[name] = {"ok": False, "code": code, "detail": text.decode("utf-8", "replace")}
    except Exception as exc:  # every failure is a result here
        result[name] = {"ok": False, "code": None, "detail": "%s: %s" % (type(exc).__name__, exc)}


def submit_587():
    with smtplib.SMTP(address, 587, timeout=30) as s:
        s.ehlo("probe.example.test")
        before = sorted(s.esmtp_features)
        s.starttls(context=ctx)
        s.ehlo("probe.example.test")
        after = sorted(s.esmtp_features)
        s.login(user, password)
        s.send_message(message("submission-587", user, rcpt))
        return {"features_before_tls": before, "features_after_tls": after, "tls": s.sock.version()}


def submit_as(envelope, header, to):
    def run():
        with smtplib.SMTP(address, 587, timeout=30) as s:
            s.starttls(context=ctx)
            s.login(user, password)
            # send_message writes CRLF line ends (chasquid 1.15 refuses bare LF).
            s.send_message(message("as " + header, header, to), from_addr=envelope, to_addrs=[to])
            return "accepted"
    return run


def submit_465():
    with smtplib.SMTP_SSL(address, 465, context=ctx, timeout=30) as s:
        s.ehlo("probe.example.test")
        s.login(user, password)
        s.send_message(message("submission-465", user, rcpt))
        return {"tls": s.sock.version()}


def catch_all():
    to = "nobody-%s@%s" % (uuid.uuid4().hex[:8], domain)
    with smtplib.SMTP(address, 25, timeout=30) as s:
        s.ehlo("probe.inbox.test")
        s.starttls(context=ctx)
        s.ehlo("probe.inbox.test")
        s.send_message(message("catch-all", "someone@inbox.test", to), to_addrs=[to])
        return {"to": to}


def relay(port):
    def run():
        with smtplib.SMTP(address, port, timeout=30) as s:
            s.ehlo("probe.inbox.test")
            s.starttls(context=ctx)
            s.ehlo("probe.inbox.test")
            msg = message("relay", "someone@inbox.test", "victim@elsewhere.test")
            s.sendmail("someone@inbox.test", ["victim@elsewhere.test"], msg.as_bytes())
            return "accepted"
    return run


def auth_before_tls():
    with smtplib.SMTP(address, 587, timeout=30) as s:
        s.ehlo("probe.example.test")
        # AUTH although it is not offered, with a wrong password (a right one
        # would cross the wire in clear): it must be refused for lack of TLS.
        token = base64.b64encode(("\0%s\0not-the-password" % user).encode()).decode()
        code, text = s.docmd("AUTH", "PLAIN " + token)
        if code != 235:
            raise smtplib.SMTPResponseException(code, text)
        return "authenticated without TLS"


def wrong_password():
    with smtplib.SMTP(address, 587, timeout=30) as s:
        s.ehlo("probe.example.test")
        s.starttls(context=ctx)
        s.ehlo("probe.example.test")
        s.login(user, password + "-wrong")
        return "authenticated with a wrong password"


attempt("submit_587", submit_587)
attempt("submit_465", submit_465)
attempt("catch_all", catch_all)
attempt("send_as_listed", submit_as("postmaster@" + domain, "postmaster@" + domain, "as-" + rcpt))
attempt("forged_envelope", submit_as("boss@" + domain, user, rcpt))
attempt("forged_header", submit_as(user, "boss@" + domain, rcpt))
attempt("relay_25", relay(25))
attempt("relay_587", relay(587))
attempt("auth_before_tls", auth_before_tls)
attempt("wrong_password", wrong_password)
print(json.dumps(result))
