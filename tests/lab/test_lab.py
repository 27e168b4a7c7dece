"""The lab itself, proven against its running parts.

Each test would fail if the part it names were missing or misconfigured:
DNS that does not answer over one family, updates accepted without the key,
an ACME CA that cannot validate DNS-01, a receiver without STARTTLS, or a
verifier that says "pass" to anything.
"""
import base64
import ipaddress
import pathlib
import uuid
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import dkim
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import dns.tsigkeyring
import dns.update
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

MAIL_HOSTS = ["mx1", "mx2"]


def token():
    return "t" + uuid.uuid4().hex[:10]


def query(server, name, rdtype):
    """What the lab DNS answers, asked directly from the test machine."""
    response = dns.query.udp(dns.message.make_query(name, rdtype), server, timeout=5)
    return response


def answers(response):
    return sorted(rr.to_text() for rrset in response.answer for rr in rrset)


# --- DNS -----------------------------------------------------------------

@pytest.mark.parametrize("host", MAIL_HOSTS)
@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
def test_dns_forward_and_reverse_from_mail_hosts(lab, host, family):
    ns = lab.hosts["ns"][family]
    rx = lab.hosts["rx"]
    assert lab.out(host, "dig", "+short", f"@{ns}", "A", "mx.inbox.test") == rx["ipv4"]
    assert lab.out(host, "dig", "+short", f"@{ns}", "AAAA", "mx.inbox.test") == rx["ipv6"]
    assert lab.out(host, "dig", "+short", f"@{ns}", "MX", "inbox.test") == "10 mx.inbox.test."
    me = lab.hosts[host]
    for address in (me["ipv4"], me["ipv6"]):
        assert lab.out(host, "dig", "+short", f"@{ns}", "-x", address) == me["hostname"] + "."


def test_dns_reverse_zone_is_authoritative(lab):
    ns = lab.hosts["ns"]["ipv6"]
    rx6 = ipaddress.ip_address(lab.hosts["rx"]["ipv6"])
    response = query(ns, rx6.reverse_pointer, "PTR")
    assert response.rcode() == dns.rcode.NOERROR
    assert response.flags & dns.flags.AA, "reverse zone must be served authoritatively"
    assert answers(response) == ["mx.inbox.test."]


def test_mail_hosts_resolve_through_lab_dns(lab):
    # The resolver of each mail host is the lab's ns, which also forwards the
    # rest of the world (the roles install packages from the Debian archive).
    for host in MAIL_HOSTS:
        resolv = lab.out(host, "cat", "/etc/resolv.conf")
        assert f"nameserver {lab.hosts['ns']['ipv4']}" in resolv
        assert lab.out(host, "getent", "hosts", "acme.lab.test").split()[0] in (
            lab.hosts["acme"]["ipv4"], lab.hosts["acme"]["ipv6"])


# --- RFC 2136 updates -------------------------------------------------------

def test_tsig_update_from_mail_host_changes_record(lab):
    name = f"{token()}.example.test"
    ns = lab.hosts["ns"]["ipv6"]
    tsig = lab.facts["tsig"]
    lab.run("mx1", "sh", "-c", "umask 077; cat > /tmp/lab-tsig.key",
            input=f'key "{tsig["name"]}" {{ algorithm {tsig["algorithm"]}; secret "{lab.tsig_secret}"; }};'.encode())
    try:
        script = f"server {ns}\nzone example.test\nupdate add {name} 60 TXT \"probe\"\nsend\n"
        lab.run("mx1", "nsupdate", "-k", "/tmp/lab-tsig.key", input=script.encode())
        assert answers(query(ns, name, "TXT")) == ['"probe"']
        script = f"server {ns}\nzone example.test\nupdate delete {name} TXT\nsend\n"
        lab.run("mx1", "nsupdate", "-k", "/tmp/lab-tsig.key", input=script.encode())
        assert query(ns, name, "TXT").rcode() == dns.rcode.NXDOMAIN
    finally:
        lab.run("mx1", "rm", "-f", "/tmp/lab-tsig.key")


def test_update_without_key_is_refused(lab):
    name = f"{token()}.example.test"
    ns = lab.hosts["ns"]["ipv4"]
    proc = lab.run("mx1", "nsupdate", check=False,
                   input=f"server {ns}\nzone example.test\nupdate add {name} 60 TXT \"x\"\nsend\n".encode())
    assert proc.returncode != 0
    assert b"REFUSED" in proc.stdout + proc.stderr
    assert query(ns, name, "TXT").rcode() == dns.rcode.NXDOMAIN


# --- ACME -------------------------------------------------------------------

def test_certificate_from_pebble_via_dns01(lab, tmp_path):
    tsig = lab.facts["tsig"]
    ca = pathlib.Path(lab.facts["ca_file"]).read_text()
    lab.run("mx1", "sh", "-c", "mkdir -p /tmp/lab-acme && cat > /tmp/lab-acme/ca.pem", input=ca.encode())
    # lego is what the acme role uses; installed here, it is removed again so
    # a fresh mail host stays fresh (a converged one keeps its own).
    had_lego = lab.run("mx1", "sh", "-c", "command -v lego", check=False).returncode == 0
    if not had_lego:
        lab.run("mx1", "sh", "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive "
                "apt-get install -y -qq --no-install-recommends lego >/dev/null")
    try:
        env = [
            "env", "LEGO_CA_CERTIFICATES=/tmp/lab-acme/ca.pem",
            f"RFC2136_NAMESERVER={lab.hosts['ns']['ipv4']}",
            f"RFC2136_TSIG_KEY={tsig['name']}", f"RFC2136_TSIG_SECRET={lab.tsig_secret}",
            f"RFC2136_TSIG_ALGORITHM={tsig['algorithm']}.",
            "RFC2136_PROPAGATION_TIMEOUT=30", "RFC2136_POLLING_INTERVAL=1",
        ]
        lab.run("mx1", *env, "lego", "--accept-tos", "--path", "/tmp/lab-acme/lego",
                "--server", lab.facts["acme_directory"], "--email", "postmaster@example.test",
                "--dns", "rfc2136", "--key-type", "ec256",
                "--domains", "example.test", "--domains", "*.example.test", "run")
        pem = lab.run("mx1", "cat", "/tmp/lab-acme/lego/certificates/example.test.crt").stdout
    finally:
        lab.run("mx1", "rm", "-rf", "/tmp/lab-acme")
        if not had_lego:
            lab.run("mx1", "sh", "-c", "DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq lego >/dev/null")
    chain = x509.load_pem_x509_certificates(pem)
    leaf = chain[0]
    names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert sorted(names.get_values_for_type(x509.DNSName)) == ["*.example.test", "example.test"]
    # Issued by pebble's own (per start) hierarchy, not by the lab CA that
    # only secures pebble's API.
    assert "Pebble" in leaf.issuer.rfc4514_string()
    assert len(chain) >= 2 and leaf.issuer == chain[1].subject
    # The challenge records are cleaned up after validation.
    assert query(lab.hosts["ns"]["ipv4"], "_acme-challenge.example.test", "TXT").answer == []


# --- rx: receiving and judging ----------------------------------------------

def build_message(sender, subject, marker):
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "someone@inbox.test"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(__import__("datetime").datetime.now().astimezone())
    msg["Message-ID"] = make_msgid(domain=sender.split("@")[1])
    msg.set_content(f"Lab probe {marker}.\n")
    return msg.as_bytes().replace(b"\n", b"\r\n")


def test_rx_receives_over_ipv6_with_starttls(lab):
    marker = token()
    sent = lab.send("mx1", lab.hosts["rx"]["ipv6"],
                    build_message("probe@example.test", "IPv6 probe", marker),
                    "probe@example.test", "someone@inbox.test")
    assert sent["refused"] == {}
    record, stored = lab.received(marker)
    assert record["family"] == "ipv6"
    assert record["peer_ip"] == lab.hosts["mx1"]["ipv6"]
    assert record["tls"] and record["tls"]["version"] in ("TLSv1.2", "TLSv1.3")
    assert record["helo"] == "mx.example.test"
    assert stored.startswith(b"Authentication-Results: mx.inbox.test;")


def test_rx_receives_over_ipv4(lab):
    marker = token()
    lab.send("mx2", lab.hosts["rx"]["ipv4"], build_message("probe@example.test", "v4", marker),
             "probe@example.test", "someone@inbox.test")
    record = lab.received(marker)[0]
    assert record["family"] == "ipv4"
    assert record["peer_ip"] == lab.hosts["mx2"]["ipv4"]


def test_rx_is_no_open_relay(lab):
    proc = lab.run("mx1", "python3", "-c", SEND_RELAY, lab.hosts["rx"]["ipv4"], check=False)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode().split()[0] == "550"


SEND_RELAY = r"""
import smtplib, sys
with smtplib.SMTP(sys.argv[1], 25, timeout=30) as s:
    s.ehlo("mx.example.test")
    s.mail("probe@example.test")
    code, _ = s.rcpt("victim@elsewhere.test")
    print(code)
"""


def test_rx_certificate_is_valid_for_its_name(lab):
    out = lab.run("mx1", "python3", "-c", CERT_PROBE, lab.hosts["rx"]["ipv4"],
                  input=pathlib.Path(lab.facts["ca_file"]).read_bytes())
    assert out.stdout.decode().strip() == "verified mx.inbox.test"


CERT_PROBE = r"""
import smtplib, ssl, sys
ctx = ssl.create_default_context(cadata=sys.stdin.read())
with smtplib.SMTP(sys.argv[1], 25, timeout=30) as s:
    s._host = "mx.inbox.test"
    s.starttls(context=ctx)
    print("verified", s.sock.getpeercert()["subjectAltName"][0][1])
"""


class ProbeDomain:
    """A throwaway subdomain of example.test with its own key, SPF and DMARC
    records, published with the lab's TSIG key and removed afterwards."""

    def __init__(self, lab):
        self.lab = lab
        self.domain = f"{token()}.example.test"
        self.selector = "s" + token()
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.private_pem = key.private_bytes(serialization.Encoding.PEM,
                                             serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption())
        der = key.public_key().public_bytes(serialization.Encoding.DER,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
        self.dkim_value = "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode()
        mx1 = lab.hosts["mx1"]
        self.records = [
            (f"{self.selector}._domainkey.{self.domain}", self.dkim_value),
            (self.domain, f"v=spf1 ip4:{mx1['ipv4']} ip6:{mx1['ipv6']} -all"),
            (f"_dmarc.{self.domain}", "v=DMARC1; p=reject"),
        ]

    def _update(self, add):
        keyring = dns.tsigkeyring.from_text({self.lab.facts["tsig"]["name"]: self.lab.tsig_secret})
        update = dns.update.UpdateMessage("example.test", keyring=keyring,
                                          keyalgorithm=self.lab.facts["tsig"]["algorithm"])
        for name, value in self.records:
            if add:
                # A DKIM key is longer than one 255-byte string: split it.
                chunks = [value[i:i + 255] for i in range(0, len(value), 255)]
                update.add(name + ".", 60, "TXT", " ".join(f'"{c}"' for c in chunks))
            else:
                update.delete(name + ".")
        response = dns.query.tcp(update, self.lab.hosts["ns"]["ipv4"], timeout=10)
        assert response.rcode() == dns.rcode.NOERROR

    def __enter__(self):
        self._update(add=True)
        return self

    def __exit__(self, *exc):
        self._update(add=False)

    def sign(self, message):
        header = dkim.sign(message, self.selector.encode(), self.domain.encode(), self.private_pem,
                           include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
        return header + message


@pytest.fixture
def probe_domain(lab):
    with ProbeDomain(lab) as probe:
        yield probe


def send_probe(lab, probe, host, signed=True, tamper=False):
    marker = token()
    sender = f"probe@{probe.domain}"
    message = build_message(sender, "verdict probe", marker)
    if signed:
        message = probe.sign(message)
    if tamper:
        # Changed after signing; the marker stays in the body.
        message = message.replace(b"Lab probe", b"Lab PROBE")
    lab.send(host, lab.hosts["rx"]["ipv6"], message, sender, "someone@inbox.test")
    record = lab.received(marker)[0]
    return record


def test_verifier_passes_correct_signature_and_authorised_sender(lab, probe_domain):
    record = send_probe(lab, probe_domain, "mx1")
    assert (record["dkim"], record["spf"], record["dmarc"]) == ("pass", "pass", "pass")
    assert record["details"]["dkim"][0]["header.d"] == probe_domain.domain


def test_verifier_fails_tampered_message(lab, probe_domain):
    record = send_probe(lab, probe_domain, "mx1", tamper=True)
    assert record["dkim"] == "fail"
    assert record["spf"] == "pass"


def test_verifier_unsigned_from_unauthorised_host(lab, probe_domain):
    # mx2 is not in the probe domain's SPF record, and nothing is signed:
    # every verdict must turn, and DMARC with it.
    record = send_probe(lab, probe_domain, "mx2", signed=False)
    assert record["dkim"] == "none"
    assert record["spf"] == "fail"
    assert record["dmarc"] == "fail"


def test_verifier_without_published_key(lab, probe_domain):
    other = ProbeDomain(lab)   # same shape, never published
    other.domain, other.selector = probe_domain.domain, "unpublished"
    marker = token()
    sender = f"probe@{probe_domain.domain}"
    message = other.sign(build_message(sender, "unpublished key", marker))
    lab.send("mx1", lab.hosts["rx"]["ipv6"], message, sender, "someone@inbox.test")
    record = lab.received(marker)[0]
    assert record["dkim"] in ("fail", "permerror", "neutral")
    assert record["dkim"] != "pass"
