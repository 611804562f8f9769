"""Typed errors of the ``games`` layer, under the library's root error."""

from __future__ import annotations

from oddsproof.errors import OddsproofError


class GamesError(OddsproofError):
    """Root of the errors of the ``games`` layer."""


class ParameterError(GamesError, ValueError):
    """An argument outside its documented range (a probability outside (0, 1), say)."""
