"""The wire format: canonical CBOR encoding, tagged hashing, identities and signed envelopes.

Everything signed or hashed has its bytes fixed here (``docs/encoding.md``). Imports nothing of
oddsproof but :mod:`oddsproof.errors`.
"""

from ._encoding import DEFAULT_MAX_SIZE as DEFAULT_MAX_SIZE
from ._encoding import INT_LIMIT as INT_LIMIT
from ._encoding import Canonical as Canonical
from ._encoding import canonical as canonical
from ._encoding import decode as decode
from ._encoding import decode_primitive as decode_primitive
from ._encoding import encode as encode
from ._encoding import registered_kinds as registered_kinds
from ._encoding import to_json as to_json
from ._encoding import to_primitive as to_primitive
from ._hashing import EMPTY_TREE_ROOT as EMPTY_TREE_ROOT
from ._hashing import Digest as Digest
from ._hashing import merkle_leaf_hash as merkle_leaf_hash
from ._hashing import merkle_node_hash as merkle_node_hash
from ._hashing import tagged_hash as tagged_hash
from ._identity import Identity as Identity
from ._identity import Party as Party
from ._identity import PublicKey as PublicKey
from ._signed import PROTOCOL_VERSION as PROTOCOL_VERSION
from ._signed import Domain as Domain
from ._signed import Signature as Signature
from ._signed import Signed as Signed
from ._signed import signing_message as signing_message
from ._signed import verify_bytes as verify_bytes

__all__ = [
    "DEFAULT_MAX_SIZE",
    "EMPTY_TREE_ROOT",
    "INT_LIMIT",
    "PROTOCOL_VERSION",
    "Canonical",
    "Digest",
    "Domain",
    "Identity",
    "Party",
    "PublicKey",
    "Signature",
    "Signed",
    "canonical",
    "decode",
    "decode_primitive",
    "encode",
    "merkle_leaf_hash",
    "merkle_node_hash",
    "registered_kinds",
    "signing_message",
    "tagged_hash",
    "to_json",
    "to_primitive",
    "verify_bytes",
]
