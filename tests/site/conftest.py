"""Fixtures for tests of a converged site (see sitekit)."""
from sitekit import lab  # noqa: F401  (the fixture)
