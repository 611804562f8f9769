"""Why an arbitration step was refused: the reasons :class:`~oddsproof.errors.Refused` carries
from the ladder, settlements, collapse and the court (stable kebab-case values)."""

from __future__ import annotations

from oddsproof.errors import Reason


class LadderReason(Reason):
    """Why the ladder refused a step of a dispute."""

    OUT_OF_TURN = "out-of-turn"
    """The dispute's phase does not allow it now: the wrong side funding, a ruling when none is
    due, evidence twice, anything after the dispute ended."""
    BEFORE_CLOCK = "before-clock"
    """A time before the dispute's clock: time only moves forward."""
    RULING_NOT_DUE = "ruling-not-due"
    """Not the ruling due: wrong signer, level, finality, statement, claim, contract, evidence
    or time, or a signature that does not verify."""


class SettlementReason(Reason):
    """Why a settlement cannot end a contract's disputes."""

    UNSUPPORTED_EVIDENCE = "unsupported-evidence"
    """Not a signed Settlement."""
    WRONG_DOMAIN = "wrong-domain"
    """The settlement does not verify in this domain."""
    NOT_SIGNED_BY_ALL = "not-signed-by-all"
    """A party to the dispute has not signed it."""
    STALE_SETTLEMENT = "stale-settlement"
    """Its version does not exceed every version already applied (a replay)."""
    REFUSED_BY_CONTRACT = "refused-by-contract"
    """The contract refused it (``details["contract_reason"]`` says why)."""
    ALLOCATION_MISMATCH = "allocation-mismatch"
    """It allocates other than what is escrowed."""
    TOO_LATE = "too-late"
    """Every claim of the contract has been decided for good."""


class CollapseReason(Reason):
    """Why outcomes cannot be collapsed onto the ledger."""

    NOT_FINAL = "not-final"
    """Only a final ruling decides a claim for good."""
    WRONG_CLAIM = "wrong-claim"
    """The ruling is about another claim."""
    CONTRADICTORY = "contradictory"
    """A claim both upheld and failed."""
    ALREADY_RESOLVED = "already-resolved"
    """The claim is already resolved the other way."""
    FANOUT_EXCEEDED = "fanout-exceeded"
    """One more dependant on a claim past the fan-out limit, by a passer that cannot post the
    bond each extra dependant needs."""


class CourtReason(Reason):
    """Why the court refused a filing, a challenge or a step."""

    UNKNOWN_ARBITER = "unknown-arbiter"
    """The court has no arbiter with that key."""
    WRONG_CONTRACT = "wrong-contract"
    """The claim answers another contract than the one it is filed under."""
    CLAIM_REFUSED = "claim-refused"
    """The contract refused the claim (``details["contract_reason"]`` says why)."""
    TOO_LATE_TO_DISPUTE = "too-late-to-dispute"
    """Filed too late for the ladder to run before the contract's deadline."""
    NO_LADDER = "no-ladder"
    """The contract names no arbitration ladder."""
    NOT_CHALLENGEABLE = "not-challengeable"
    """The claim's case is past the stage where it can be challenged."""
    WINDOW_CLOSED = "window-closed"
    """Outside the challenge window."""
    DISPUTE_REFUSED = "dispute-refused"
    """The ladder refused to open the dispute."""
