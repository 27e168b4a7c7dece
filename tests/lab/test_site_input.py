"""site.yml refuses bad shared facts before it changes anything."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def run_site(*extra):
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    return subprocess.run(
        [str(ROOT / ".venv/bin/ansible-playbook"), "site.yml", "-i", "inventory", *extra],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ('{"selfmail_hostname": "not a host name"}', "selfmail_hostname"),
        ('{"selfmail_hostname": "localhost"}', "selfmail_hostname"),
        ('{"selfmail_domains": []}', "selfmail_domains"),
        ('{"selfmail_domains": ["example..test"]}', "selfmail_domains"),
        ('{"selfmail_domains": "example.test"}', "selfmail_domains"),
        ('{"selfmail_admin_email": "postmaster"}', "selfmail_admin_email"),
        ('{"selfmail_admin_email": "a b@example.test"}', "selfmail_admin_email"),
    ],
)
def test_bad_shared_facts_are_refused_before_any_change(override, named):
    result = run_site("-e", override)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert named in out
    # Only the validation play ran: no task reported a change, no role started.
    assert "changed=0" in out and "changed=1" not in out


def test_good_facts_pass_validation():
    result = run_site("--tags", "always")
    assert result.returncode == 0, result.stdout + result.stderr
