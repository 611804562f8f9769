"""The error family of oddsproof: the caller's mistake (:class:`InvalidArgument`,
:class:`WrongType`), bad bytes (:class:`EncodingError`, :class:`SignatureError`), and the
protocol or a counterparty saying no (:class:`Refused`, with a :class:`Reason`). Every error the
library raises on purpose derives from :class:`OddsproofError` (``docs/architecture.md``).
"""

from ._errors import ArbiterFailed as ArbiterFailed
from ._errors import EncodingError as EncodingError
from ._errors import InvalidArgument as InvalidArgument
from ._errors import KeyFileError as KeyFileError
from ._errors import NotFound as NotFound
from ._errors import OddsproofError as OddsproofError
from ._errors import Reason as Reason
from ._errors import Refused as Refused
from ._errors import SignatureError as SignatureError
from ._errors import StoreError as StoreError
from ._errors import WrongType as WrongType

__all__ = [
    "ArbiterFailed",
    "EncodingError",
    "InvalidArgument",
    "KeyFileError",
    "NotFound",
    "OddsproofError",
    "Reason",
    "Refused",
    "SignatureError",
    "StoreError",
    "WrongType",
]
