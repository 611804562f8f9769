"""The error family of oddsproof: every error the library raises on purpose derives from
:class:`OddsproofError` (see ``docs/architecture.md``, "Errors").
"""

from ._errors import ContractsError as ContractsError
from ._errors import EncodingError as EncodingError
from ._errors import KeyFileError as KeyFileError
from ._errors import OddsproofError as OddsproofError
from ._errors import SignatureError as SignatureError

__all__ = [
    "ContractsError",
    "EncodingError",
    "KeyFileError",
    "OddsproofError",
    "SignatureError",
]
