"""site.yml refuses bad input for any role before it changes anything.

Each case is a real run of site.yml against the lab's mail hosts with one
bad variable set on the command line. A refusal counts only if the run
fails, the message names the variable, and the play that configures the
hosts never started (so no role changed anything).
"""
import json

import pytest

CONFIGURE_PLAY = "PLAY [Configure the mail hosts]"

# (variable named in the refusal, the bad values); several roles per case
# where one needs another's value to reach its check.
BAD_INPUT = [
    # Shared facts, checked by the first play.
    ("selfmail_hostname", {"selfmail_hostname": "not a host name"}),
    ("selfmail_hostname", {"selfmail_hostname": "localhost"}),
    ("selfmail_domains", {"selfmail_domains": []}),
    ("selfmail_domains", {"selfmail_domains": ["example..test"]}),
    ("selfmail_domains", {"selfmail_domains": "example.test"}),
    ("selfmail_admin_email", {"selfmail_admin_email": "postmaster"}),
    ("selfmail_admin_email", {"selfmail_admin_email": "a b@example.test"}),
    # ubuntu_base
    ("ubuntu_base_timezone", {"ubuntu_base_timezone": "Mars Olympus"}),
    ("ubuntu_base_locale", {"ubuntu_base_locale": "english"}),
    ("ubuntu_base_firewall_extra_tcp_ports", {"ubuntu_base_firewall_extra_tcp_ports": [70000]}),
    ("ubuntu_base_swap_file_size_mb", {"ubuntu_base_swap": "file", "ubuntu_base_swap_file_size_mb": 8}),
    # ipv6_netplan (the role runs when the host's IPv6 addresses are given)
    ("ipv6_netplan_addresses", {"ipv6_netplan_addresses": ["2001:db8::g/64"]}),
    ("ipv6_netplan_addresses", {"ipv6_netplan_addresses": ["2001:db8::1/129"]}),
    ("ipv6_netplan_gateway", {"ipv6_netplan_addresses": ["2001:db8::1/64"], "ipv6_netplan_gateway": "fe80::1/64"}),
    # acme
    ("acme_email", {"acme_email": "not-an-address"}),
    ("acme_server", {"acme_server": "http://acme.lab.test:14000/dir"}),
    ("acme_renew_days", {"acme_renew_days": 120}),
    ("acme_key_type", {"acme_key_type": "rsa512"}),
    ("acme_deploy_targets", {"acme_deploy_targets": [{"path": "relative/dir"}]}),
    # chasquid
    ("chasquid_users", {"chasquid_users": [{"address": "alice", "password": "x" * 16}]}),
    ("chasquid_users", {"chasquid_users": [{"address": "alice@example.test", "password": ""}]}),
    ("chasquid_users", {"chasquid_users": [{"address": "bob@other.test", "password": "x" * 16}]}),
    ("chasquid_users", {"chasquid_users": [{"address": "alice@example.test", "password": "x" * 16,
                                            "send_as": ["ceo@bank.test"]}]}),
    ("chasquid_aliases", {"chasquid_aliases": {"other.test": {"*": "forward@inbox.test"}}}),
    ("chasquid_dkim_selector", {"chasquid_dkim_selector": "bad_selector!"}),
    ("chasquid_dkim_key_bits", {"chasquid_dkim_key_bits": 512}),
    ("chasquid_monitoring_address", {"chasquid_monitoring_address": "0.0.0.0:1099"}),
    ("chasquid_max_data_size_mb", {"chasquid_max_data_size_mb": 0}),
    # mail_dns
    ("mail_dns_dmarc_policy", {"mail_dns_dmarc_policy": "maybe"}),
    ("mail_dns_spf_all", {"mail_dns_spf_all": "+all"}),
    ("mail_dns_dmarc_rua", {"mail_dns_dmarc_rua": ["not an address"]}),
    ("mail_dns_ipv6", {"mail_dns_ipv6": ["2001:db8::g"]}),
    ("mail_dns_ttl", {"mail_dns_ttl": 5}),
    ("mail_dns_spf_includes", {"mail_dns_spf_includes": ["bad domain!"]}),
    ("mail_dns_rfc2136_key_secret", {"mail_dns_rfc2136_key_secret": ""}),
]


@pytest.mark.parametrize(("named", "bad"), BAD_INPUT, ids=[f"{case[0]}-{i}" for i, case in enumerate(BAD_INPUT)])
def test_bad_input_is_refused_before_any_change(lab, named, bad):
    result = lab.site("-e", json.dumps(bad), timeout=600)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert named in out, out
    assert CONFIGURE_PLAY not in out, out
    assert "changed=0" in out and "changed=1" not in out, out


def test_bad_input_cases_cover_every_role():
    prefixes = {named.split("_", 1)[0] if not named.startswith(("ubuntu_base", "ipv6_netplan", "mail_dns"))
                else "_".join(named.split("_", 2)[:2]) for named in (case[0] for case in BAD_INPUT)}
    assert prefixes == {"selfmail", "ubuntu_base", "ipv6_netplan", "acme", "chasquid", "mail_dns"}
    assert len([case for case in BAD_INPUT if not case[0].startswith("selfmail_")]) >= 20


def test_good_input_passes_every_check(lab):
    result = lab.site("--tags", "always", timeout=600)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "PLAY [Check every role's variables before any host changes]" in out, out
