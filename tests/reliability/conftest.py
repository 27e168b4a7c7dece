"""Fixtures of the reliability suite: the converged lab site (see tests/site/sitekit.py)."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "site"))
from sitekit import lab

__all__ = ["lab"]
