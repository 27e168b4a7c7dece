# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.selfmail.smtp.plugins.module_utils.validation import OptionError
from ansible_collections.selfmail.smtp.plugins.modules.dkim_key import parse_mode


@pytest.mark.parametrize('value, expected', [('0640', 0o640), ('640', 0o640), ('0600', 0o600), ('0400', 0o400),
                                             (0o640, 0o640), ('2750', 0o2750)])
def test_accepted_modes(value, expected):
    assert parse_mode(value) == expected


@pytest.mark.parametrize('value, fragment', [
    ('0644', 'other users'), ('0604', 'other users'), ('0641', 'other users'), ('0777', 'other users'),
    (0o644, 'other users'), ('u=rw,g=r', 'octal'), ('0890', 'octal'), ('', 'octal'), ('17777', 'not a valid'),
])
def test_refused_modes(value, fragment):
    with pytest.raises(OptionError) as caught:
        parse_mode(value)
    assert str(caught.value).startswith('mode: ') and fragment in str(caught.value)
