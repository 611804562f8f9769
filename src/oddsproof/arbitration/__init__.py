"""Arbitration: disputes, the arbiter ladder, settlements, collapse, and the ``oddsproof`` CLI."""

from ._cli import main as main

__all__ = ["main"]
