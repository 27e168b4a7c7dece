"""Fixtures of the reliability suite: the converged lab site (see tests/site/sitekit.py)."""
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "site"))
from sitekit import converged_lab


@pytest.fixture(scope="session")
def lab():
    lab, reason = converged_lab()
    if lab is None:
        pytest.fail(reason)
    return lab
