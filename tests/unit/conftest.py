# -*- coding: utf-8 -*-
# Copyright (c) selfmail.smtp contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make the collection importable as ansible_collections.selfmail.smtp under plain pytest.

Under ansible-test the checkout already sits at that path and nothing is done.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
_SCRATCH = None


def _ensure_collection_importable():
    global _SCRATCH
    parts = REPO.split(os.sep)
    if parts[-3:] == ['ansible_collections', 'selfmail', 'smtp']:
        root = os.sep.join(parts[:-3])
    else:
        root = None
        for entry in os.environ.get('ANSIBLE_COLLECTIONS_PATH', '').split(os.pathsep):
            if entry and os.path.isdir(os.path.join(entry, 'ansible_collections', 'selfmail', 'smtp', 'plugins')):
                root = entry
                break
        if root is None:
            _SCRATCH = root = tempfile.mkdtemp(prefix='selfmail-collections-')
            os.makedirs(os.path.join(root, 'ansible_collections', 'selfmail'))
            os.symlink(REPO, os.path.join(root, 'ansible_collections', 'selfmail', 'smtp'))
    if root not in sys.path:
        sys.path.insert(0, root)


_ensure_collection_importable()


def pytest_sessionfinish(session, exitstatus):
    if _SCRATCH:
        shutil.rmtree(_SCRATCH, ignore_errors=True)
