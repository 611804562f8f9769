"""The error family of the whole library.

Every error oddsproof raises on purpose derives from :class:`OddsproofError`, and each also
derives from the builtin it resembles, so callers can catch either (the habit of pynacl's
``exceptions`` module). There are three kinds of failure, and each has one type:

- **the caller's mistake**: :class:`InvalidArgument` (a ``ValueError``) and its
  :class:`WrongType` (also a ``TypeError``), the same for the same mistake in every package;
- **bad bytes**: :class:`EncodingError` (not canonical, not decodable) and
  :class:`SignatureError` (a key or signature that does not verify);
- **the protocol or a counterparty saying no**: :class:`Refused`, whose :attr:`Refused.reason`
  is a member of one of the library's :class:`Reason` enums, so code switches on the reason,
  never on the message. :class:`NotFound` is the refusal to act on something unknown.

Storage and files fail as :class:`StoreError` and :class:`KeyFileError` (``OSError``s);
:class:`ArbiterFailed` is an arbiter's own failure, which a court treats as silence.
Third-party exceptions (pynacl, cbor2, sqlite3, numpy) are translated at the boundary and never
escape the public API.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any


class OddsproofError(Exception):
    """Root of every error oddsproof raises on purpose."""


class InvalidArgument(OddsproofError, ValueError):
    """The caller's mistake: an argument outside what the call accepts (nothing changed)."""


class WrongType(InvalidArgument, TypeError):
    """The caller's mistake: an argument of the wrong type (nothing changed)."""


class EncodingError(OddsproofError, ValueError):
    """Bytes or values that do not have, or cannot have, one canonical encoding."""


class SignatureError(OddsproofError, ValueError):
    """A key, signature or signed envelope that does not verify or is malformed."""


class Reason(enum.Enum):
    """Base of every enum of refusal reasons (``TicketReason``, ``LedgerReason``…).

    Members have kebab-case string values, stable across versions: print them, log them, send
    them over the wire.
    """


class Refused(OddsproofError, ValueError):
    """The protocol or a counterparty says no; :attr:`reason` says why in a form code can switch
    on, :attr:`details` carries what the refusal found (shortfalls, findings…). Nothing changed.
    """

    def __init__(self, reason: Reason, message: str, **details: Any) -> None:
        if not isinstance(reason, Reason):
            raise WrongType(f"a refusal's reason is a Reason, got {type(reason).__name__}")
        super().__init__(f"{reason.value}: {message}")
        self.reason = reason
        self.details: Mapping[str, Any] = MappingProxyType(dict(details))


class NotFound(OddsproofError, LookupError):
    """Nothing with this id is known here (a contract, a case, a dispute)."""


class KeyFileError(OddsproofError, OSError):
    """A key file that cannot be read, written, or trusted (format, permissions, kind)."""


class StoreError(OddsproofError, OSError):
    """A store that cannot be read or written (the ledger's SQLite file, say)."""


class ArbiterFailed(OddsproofError, RuntimeError):
    """An arbiter (a callback to a person or a service) failed instead of ruling or abstaining;
    the court treats it as silence."""
