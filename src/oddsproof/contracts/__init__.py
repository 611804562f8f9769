"""The contract layer: canonical encoding, tagged hashing, identities and signatures.

Everything signed or hashed in oddsproof is defined here, so that its bytes are fixed in one
place. This package imports neither ``games`` nor ``arbitration``.
"""

from ._claims import Claim as Claim
from ._claims import Computation as Computation
from ._claims import Shape as Shape
from ._claims import Statement as Statement
from ._claims import TraceCommitment as TraceCommitment
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
from ._errors import ContractsError as ContractsError
from ._errors import EncodingError as EncodingError
from ._errors import KeyFileError as KeyFileError
from ._errors import OddsproofError as OddsproofError
from ._errors import SignatureError as SignatureError
from ._evidence import Allocation as Allocation
from ._evidence import BeaconRound as BeaconRound
from ._evidence import Ruling as Ruling
from ._evidence import Settlement as Settlement
from ._evidence import beacon_message as beacon_message
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
from ._terms import Agreed as Agreed
from ._terms import Bet as Bet
from ._terms import Both as Both
from ._terms import Case as Case
from ._terms import Close as Close
from ._terms import Condition as Condition
from ._terms import Contract as Contract
from ._terms import Lottery as Lottery
from ._terms import Pay as Pay
from ._terms import Send as Send
from ._terms import Seq as Seq
from ._terms import Supplies as Supplies
from ._terms import Term as Term
from ._terms import Transfer as Transfer
from ._terms import Verdict as Verdict
from ._terms import When as When
from ._terms import fresh_nonce as fresh_nonce
from ._terms import lottery as lottery

__all__ = [
    "DEFAULT_MAX_SIZE",
    "EMPTY_TREE_ROOT",
    "INT_LIMIT",
    "PROTOCOL_VERSION",
    "Agreed",
    "Allocation",
    "BeaconRound",
    "Bet",
    "Both",
    "Canonical",
    "Case",
    "Claim",
    "Close",
    "Computation",
    "Condition",
    "Contract",
    "ContractsError",
    "Digest",
    "Domain",
    "EncodingError",
    "Identity",
    "KeyFileError",
    "Lottery",
    "OddsproofError",
    "Party",
    "Pay",
    "PublicKey",
    "Ruling",
    "Send",
    "Seq",
    "Settlement",
    "Shape",
    "Signature",
    "SignatureError",
    "Signed",
    "Statement",
    "Supplies",
    "Term",
    "TraceCommitment",
    "Transfer",
    "Verdict",
    "When",
    "beacon_message",
    "canonical",
    "decode",
    "decode_primitive",
    "encode",
    "fresh_nonce",
    "lottery",
    "merkle_leaf_hash",
    "merkle_node_hash",
    "registered_kinds",
    "signing_message",
    "tagged_hash",
    "to_json",
    "to_primitive",
    "verify_bytes",
]
