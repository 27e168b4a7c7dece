"""Fixtures for tests of a converged site (see sitekit)."""
from sitekit import lab

__all__ = ["lab"]
