"""Typed errors of the ``arbitration`` layer, under the library's root error.

Each specific error also derives from the builtin it resembles, so callers can catch either.
"""

from __future__ import annotations

from oddsproof.errors import OddsproofError


class ArbitrationError(OddsproofError):
    """Root of the errors of the ``arbitration`` layer."""


class LadderError(ArbitrationError, ValueError):
    """A dispute step the ladder refuses; nothing changed."""


class OutOfTurn(LadderError):
    """An action the dispute's phase does not allow now: the wrong side funding, a ruling when
    none is due, anything after the dispute ended, or a time before the dispute's clock."""


class RulingRefused(LadderError):
    """A ruling that is not the one due: wrong signer, level, finality, statement, claim,
    contract, evidence or time, or a signature that does not verify."""


class ArbiterFailed(ArbitrationError, RuntimeError):
    """An arbiter (a callback to a person or a service) failed instead of ruling or abstaining;
    the court treats it as silence."""


class SettlementRefused(ArbitrationError, ValueError):
    """A settlement that cannot end the contract's disputes; ``reason`` says why."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class StaleSettlement(SettlementRefused):
    """A settlement whose version does not exceed every version already applied (a replay)."""


class CollapseError(ArbitrationError, ValueError):
    """Outcomes that cannot be collapsed onto the ledger (contradictory, or a claim already
    resolved the other way)."""


class FanoutExceeded(CollapseError):
    """A pass that would hang one more dependant on a claim past the fan-out limit, by a passer
    that cannot post the bond each extra dependant needs."""


class CourtError(ArbitrationError, ValueError):
    """A court call that does not fit the case's stage (a challenge after the window, a claim
    filed twice under another contract, an unknown arbiter)."""


class UnknownCase(CourtError, LookupError):
    """No case or dispute with this id is on the court's store."""


class ScenarioError(ArbitrationError, ValueError):
    """A dispute scenario file that is malformed or inconsistent."""
