"""SMTP sessions driven from inside a lab host, one per case read as JSON
from stdin; prints one JSON result per case.

Commands go out verbatim (smtplib's docmd), so addresses that smtplib would
rewrite (source routes, quoted local parts) reach the server as written.
Runs with the host's Python alone (standard library only).
"""
import hashlib
import json
import smtplib
import socket
import ssl
import sys


def context(case):
    ctx = ssl.create_default_context()
    if case.get("cafile_pem"):
        ctx = ssl.create_default_context(cadata=case["cafile_pem"])
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if case.get("tls_version"):
        # Old protocol versions need the lowest security level to be offered
        # at all by OpenSSL 3: the server, not this client, must refuse them.
        ctx.set_ciphers("DEFAULT@SECLEVEL=0")
        version = getattr(ssl.TLSVersion, case["tls_version"])
        ctx.minimum_version = version
        ctx.maximum_version = version
    return ctx


class NamedSMTPSSL(smtplib.SMTP_SSL):
    """SMTP over TLS to an address, the certificate checked against a name."""

    def __init__(self, server_hostname, *args, **kwargs):
        self.server_hostname = server_hostname
        super().__init__(*args, **kwargs)

    def _get_socket(self, host, port, timeout):
        sock = socket.create_connection((host, port), timeout)
        return self.context.wrap_socket(sock, server_hostname=self.server_hostname or host)


def session(case):
    result = {"name": case["name"]}
    ctx = context(case)
    host = case["ip"]
    if case["port"] == 465:
        conn = NamedSMTPSSL(case.get("server_hostname"), host, 465, context=ctx, timeout=20,
                            local_hostname="attacker.test")
    else:
        conn = smtplib.SMTP(host, case["port"], timeout=20, local_hostname="attacker.test")
    with conn as smtp:
        code, text = smtp.ehlo()
        result["ehlo"] = [code, text.decode(errors="replace")]
        result["features_before_tls"] = sorted(smtp.esmtp_features)
        if case.get("starttls"):
            if case.get("server_hostname"):
                smtp._host = case["server_hostname"]  # the name the certificate is checked against
            smtp.starttls(context=ctx)
            smtp.ehlo()
            result["features_after_tls"] = sorted(smtp.esmtp_features)
        sock = smtp.sock
        if isinstance(sock, ssl.SSLSocket):
            result["tls"] = sock.version()
            result["peer_names"] = [v for k, v in (sock.getpeercert() or {}).get("subjectAltName", ()) if k == "DNS"]
            result["peer_sha256"] = hashlib.sha256(sock.getpeercert(binary_form=True)).hexdigest()
        if case.get("auth"):
            try:
                smtp.login(*case["auth"])
                result["auth"] = 235
            except smtplib.SMTPAuthenticationError as exc:
                result["auth"] = exc.smtp_code
            except smtplib.SMTPNotSupportedError:
                result["auth"] = "not offered"
        if "mail_from" not in case:
            return result
        result["mail"] = smtp.docmd("MAIL", "FROM:<%s>" % case["mail_from"])[0]
        result["rcpt"] = smtp.docmd("RCPT", "TO:<%s>" % case["rcpt_to"])[0]
        result["data"] = None
        if result["rcpt"] == 250:
            code = smtp.docmd("DATA")[0]
            text = b""
            if code == 354:
                body = ("From: <%s>\r\nTo: <%s>\r\nSubject: relay probe %s\r\n\r\n%s\r\n.\r\n"
                        % (case.get("header_from", case["mail_from"]), case["rcpt_to"], case["marker"],
                           case["marker"]))
                smtp.send(body.encode())
                code, text = smtp.getreply()
            result["data"] = code
            result["data_reply"] = text.decode(errors="replace")
    return result


def main():
    results = []
    for case in json.load(sys.stdin):
        try:
            results.append(session(case))
        except (OSError, smtplib.SMTPException) as exc:
            results.append({"name": case["name"], "error": "%s: %s" % (type(exc).__name__, exc)})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
