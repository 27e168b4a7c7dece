# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):
    # Options every DNS check module shares (dns_client.DNS_CHECK_ARGUMENT_SPEC).
    DOCUMENTATION = r"""
attributes:
  check_mode:
    support: full
    description: The module only reads DNS, and the local key file it is given (dkim_check).
  diff_mode:
    support: none
    description: Nothing is changed, so there is no diff.
options:
  nameservers:
    description:
      - IP addresses of the DNS servers to ask. Defaults to the system resolver.
    type: list
    elements: str
  port:
    description: The DNS port of O(nameservers).
    type: int
    default: 53
  timeout:
    description: Seconds to wait for each DNS lookup.
    type: float
    default: 5.0
  fail_on:
    description:
      - V(error) fails the task when an error is found, V(warning) when an error or a warning is found,
        V(never) never fails (read RV(ok), RV(errors) and RV(check_warnings) instead).
    type: str
    default: error
    choices: [error, warning, never]
"""
