"""The lab's receiving mail server: the part Gmail plays for a real domain.

It accepts mail for its own domain only, on port 25 with STARTTLS, and stores
every message with what a receiver judges of it: the TLS version, the client's
address and family, and the SPF, DKIM and DMARC verdicts. The verdicts come
from implementations independent of the collection (pyspf, dkimpy and
authheaders' DMARC), resolving against the lab DNS, so a test reading them
checks the collection against a second opinion rather than against itself.

Each message becomes <id>.eml (with an Authentication-Results header
prepended) and <id>.json next to it.
"""
import argparse
import asyncio
import datetime
import ipaddress
import json
import logging
import os
import re
import ssl
import uuid

import authheaders
import authres
from aiosmtpd.smtp import SMTP

log = logging.getLogger("rx")


class Verdicts:
    """Verdicts of one message, parsed back from the Authentication-Results
    header that authheaders produced, so the stored header and the JSON agree."""

    def __init__(self, header):
        self.header = header
        self.by_method = {}
        parsed = authres.AuthenticationResultsHeader.parse("Authentication-Results: " + header)
        for result in parsed.results:
            entry = {"result": result.result}
            for prop in result.properties:
                entry[f"{prop.type}.{prop.name}"] = prop.value
            # Several DKIM signatures give several results: keep them all.
            self.by_method.setdefault(result.method, []).append(entry)

    def first(self, method):
        entries = self.by_method.get(method)
        return entries[0]["result"] if entries else "none"


class Receiver:
    def __init__(self, domains, maildir, authserv_id):
        self.domains = {d.lower() for d in domains}
        self.maildir = maildir
        self.authserv_id = authserv_id

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        domain = address.rpartition("@")[2].lower()
        if domain not in self.domains:
            # This server is no relay: it takes mail for its own domains only.
            return "550 5.7.1 relaying denied"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        peer_ip = session.peer[0]
        if peer_ip.startswith("::ffff:"):
            peer_ip = peer_ip[7:]
        family = "ipv6" if ipaddress.ip_address(peer_ip).version == 6 else "ipv4"
        ssl_object = server.transport.get_extra_info("ssl_object")
        tls = None
        if ssl_object is not None:
            tls = {"version": ssl_object.version(), "cipher": ssl_object.cipher()[0]}
        data = envelope.original_content
        mail_from = envelope.mail_from or ""
        helo = session.host_name or ""
        loop = asyncio.get_running_loop()
        # DNS-bound verification runs in a thread: it must not block other sessions.
        header = await loop.run_in_executor(
            None, self._authenticate, data, peer_ip, mail_from, helo
        )
        verdicts = Verdicts(header)
        message_id = datetime.datetime.now(datetime.timezone.utc).strftime(
            "%Y%m%dT%H%M%S.%f"
        ) + "-" + uuid.uuid4().hex[:8]
        received = (
            f"Received: from {helo} ([{peer_ip}]) by {self.authserv_id} with "
            f"{'ESMTPS' if tls else 'ESMTP'} id {message_id}"
            f"{' (' + tls['version'] + ')' if tls else ''}\r\n"
        )
        stored = (f"Authentication-Results: {header}\r\n" + received).encode() + data
        record = {
            "id": message_id,
            "received_at": datetime.datetime.now(datetime.timezone.utc).isoformat(),
            "peer_ip": peer_ip,
            "family": family,
            "helo": helo,
            "mail_from": mail_from,
            "rcpt_to": list(envelope.rcpt_tos),
            "tls": tls,
            "spf": verdicts.first("spf"),
            "dkim": verdicts.first("dkim"),
            "dmarc": verdicts.first("dmarc"),
            "details": verdicts.by_method,
            "authentication_results": header,
            "size": len(data),
        }
        await loop.run_in_executor(None, self._store, message_id, stored, record)
        log.info("stored %s from %s (%s) tls=%s spf=%s dkim=%s dmarc=%s", message_id,
                 peer_ip, family, tls and tls["version"], record["spf"], record["dkim"],
                 record["dmarc"])
        return "250 2.0.0 Ok: stored as " + message_id

    def _store(self, message_id, stored, record):
        tmp = os.path.join(self.maildir, f".{message_id}.tmp")
        with open(tmp + ".eml", "wb") as fh:
            fh.write(stored)
        with open(tmp + ".json", "w") as fh:
            json.dump(record, fh, indent=2)
        # The .eml first, the .json last: a reader that sees the JSON sees the message.
        os.rename(tmp + ".eml", os.path.join(self.maildir, f"{message_id}.eml"))
        os.rename(tmp + ".json", os.path.join(self.maildir, f"{message_id}.json"))

    def _authenticate(self, data, ip, mail_from, helo):
        prev = None
        if not re.search(rb"^DKIM-Signature:", data, re.IGNORECASE | re.MULTILINE):
            # authheaders says "fail" for a message without any signature;
            # RFC 8601 (and Gmail) say "none". Tell it so; DMARC follows.
            prev = f"Authentication-Results: {self.authserv_id}; dkim=none"
        header = authheaders.authenticate_message(
            data, self.authserv_id, prev=prev, ip=ip, mail_from=mail_from, helo=helo,
            spf=True, dkim=True, arc=False, dmarc=True,
        )
        # authheaders returns "Authentication-Results: ..."; keep the value.
        return header.split(":", 1)[1].strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domain", action="append", required=True)
    parser.add_argument("--hostname", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--maildir", default="/var/lib/rx/mail")
    parser.add_argument("--port", type=int, default=25)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    os.makedirs(args.maildir, exist_ok=True)

    tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls_context.load_cert_chain(args.cert, args.key)
    receiver = Receiver(args.domain, args.maildir, args.hostname)

    def factory():
        return SMTP(receiver, hostname=args.hostname, tls_context=tls_context,
                    require_starttls=False, data_size_limit=50 * 1024 * 1024)

    async def serve():
        server = await asyncio.get_running_loop().create_server(
            factory, host=["0.0.0.0", "::"], port=args.port)
        log.info("listening on port %d for %s", args.port, ", ".join(args.domain))
        async with server:
            await server.serve_forever()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
