"""The typed errors of the whole library.

Every error raised by the public API derives from :class:`OddsproofError`; each layer has its own
root below it, mixed with the builtin it resembles so callers can catch either (the habit of
pynacl's ``exceptions`` module). Third-party exceptions are translated at the boundary.
"""

from __future__ import annotations


class OddsproofError(Exception):
    """Root of every error oddsproof raises on purpose."""


class ContractsError(OddsproofError):
    """Root of the errors of the ``contracts`` layer."""


class EncodingError(ContractsError, ValueError):
    """Bytes or values that do not have, or cannot have, one canonical encoding."""


class SignatureError(ContractsError, ValueError):
    """A key, signature or signed envelope that does not verify or is malformed."""


class KeyFileError(ContractsError, OSError):
    """A key file that cannot be read, written, or trusted (format, permissions)."""
