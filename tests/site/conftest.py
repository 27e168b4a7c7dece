"""Fixtures for tests of a converged site (see sitekit)."""
import pytest
from sitekit import converged_lab


@pytest.fixture(scope="session")
def lab():
    lab, reason = converged_lab()
    if lab is None:
        pytest.fail(reason)
    return lab
