"""The ledger: journal entries, the :class:`Ledger` interface and its semantics, and its stores
(in memory, SQLite), with a content-addressed object store beside the journal
(``docs/ledger.md``).
"""

from ._entries import BondForfeit as BondForfeit
from ._entries import BondPost as BondPost
from ._entries import BondRelease as BondRelease
from ._entries import Burn as Burn
from ._entries import CoinMint as CoinMint
from ._entries import CoinMove as CoinMove
from ._entries import Correction as Correction
from ._entries import Entry as Entry
from ._entries import EscrowLock as EscrowLock
from ._entries import Holding as Holding
from ._entries import HoldingPass as HoldingPass
from ._entries import LedgerReason as LedgerReason
from ._entries import Mint as Mint
from ._entries import Move as Move
from ._entries import Payout as Payout
from ._entries import Refund as Refund
from ._entries import ResolveCondition as ResolveCondition
from ._entries import Stake as Stake
from ._entries import Transfer as Transfer
from ._interface import Ledger as Ledger
from ._memory import MemoryLedger as MemoryLedger
from ._records import BondRecord as BondRecord
from ._records import BondState as BondState
from ._records import CoinRecord as CoinRecord
from ._records import HoldingRecord as HoldingRecord
from ._records import HoldingState as HoldingState
from ._records import JournalRecord as JournalRecord
from ._records import LedgerState as LedgerState
from ._records import Receipt as Receipt
from ._records import Totals as Totals
from ._sqlite import SqliteLedger as SqliteLedger

__all__ = [
    "BondForfeit",
    "BondPost",
    "BondRecord",
    "BondRelease",
    "BondState",
    "Burn",
    "CoinMint",
    "CoinMove",
    "CoinRecord",
    "Correction",
    "Entry",
    "EscrowLock",
    "Holding",
    "HoldingPass",
    "HoldingRecord",
    "HoldingState",
    "JournalRecord",
    "Ledger",
    "LedgerReason",
    "LedgerState",
    "MemoryLedger",
    "Mint",
    "Move",
    "Payout",
    "Receipt",
    "Refund",
    "ResolveCondition",
    "SqliteLedger",
    "Stake",
    "Totals",
    "Transfer",
]
