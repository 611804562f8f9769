"""The ``oddsproof`` command line (``docs/cli.md``); ``python -m oddsproof`` runs it too."""

from ._main import main as main

__all__ = [
    "main",
]
