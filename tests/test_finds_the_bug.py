"""The tests have teeth: for each invariant of the design, a deliberately broken library (a
monkeypatch in this file only) that the protocol state machine, or the soundness property,
catches; and positive controls, the same runs on the unbroken library, which pass.

Invariant: broken variant → what catches it.

1. conservation: a forfeited bond's burn is not counted as burned → ``value_is_conserved``
2. no negative balance: the ledger debits without checking → ``nothing_is_negative``
3. exactly once: the journal forgets the entries it applied → ``everything_happens_at_most_once``
4. honest parties never lose: the judge finds that every step holds, without re-running it →
   ``honest_parties_never_lose``
5. disputes end in bounds: a split's first piece is always one step →
   ``every_dispute_ends_in_bounds``
6. determinism: runtime entry refs take 8 random bytes → the replay in the machine's teardown
7. soundness of spot checks: the k draws are one index, repeated → the measured pass rate

Every machine run here is seeded (``derandomize``), without shrinking, so each is the same run
every time; the broken ones fail within a few examples.
"""

from __future__ import annotations

import math
import os
from fractions import Fraction

import attrs
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from oddsproof.contracts import _runtime as runtime_module
from oddsproof.errors import Refused
from oddsproof.games import (
    BisectionGame,
    BisectionReason,
    BisectionRole,
    SpotCheckOutcome,
    nonce_challenge,
    spot_check,
)
from oddsproof.games import _bisection as bisection_module
from oddsproof.games import _spotcheck as spotcheck_module
from oddsproof.ledger import BondForfeit, BondState, Ledger, LedgerReason, MemoryLedger
from oddsproof.testing import FakingSolver
from oddsproof.wire import Digest, PublicKey, tagged_hash
from tests.strategies import IDENTITIES, SPOT_DOMAIN, TOY_INPUT, toy_computation
from tests.test_protocol_machine import ProtocolMachine

HUNT = settings(
    max_examples=60,
    stateful_step_count=30,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def caught_by(invariant: str) -> None:
    """Run the machine and expect it to fail in ``invariant``."""
    with pytest.raises(AssertionError) as failure:
        run_machine()
    where = [entry.name for entry in failure.traceback]
    assert invariant in where, f"caught, but not by {invariant}: {where}"


def run_machine() -> None:
    run_state_machine_as_test(ProtocolMachine, settings=HUNT)


def test_positive_control_the_machine_passes_with_these_settings() -> None:
    run_machine()


# --- 1. conservation --------------------------------------------------------------------------


def test_conservation(monkeypatch: pytest.MonkeyPatch) -> None:
    """A forfeit that forgets to count what it burns."""

    def forfeit_without_burning(ledger: Ledger, e: BondForfeit) -> tuple[Digest, ...]:
        record = ledger._open_bond(e.bond)
        if e.burn + e.reimburse != record.amount:
            raise Refused(LedgerReason.NOT_ALLOWED, "burn + reimburse must equal the bond")
        ledger._put_bond(attrs.evolve(record, state=BondState.FORFEITED, closed_by=e.id))
        if e.to is not None:
            ledger._credit(e.to, e.reimburse)
        return ()

    monkeypatch.setitem(Ledger._HANDLERS, BondForfeit, forfeit_without_burning)
    caught_by("value_is_conserved")


# --- 2. no negative balance -----------------------------------------------------------------------


def test_no_negative_balance(monkeypatch: pytest.MonkeyPatch) -> None:
    """A debit that does not check the balance."""

    def debit(self: MemoryLedger, key: PublicKey, amount: int) -> None:
        self._set(self._balances, key, self._balances.get(key, 0) - amount)

    monkeypatch.setattr(MemoryLedger, "_debit", debit)
    caught_by("nothing_is_negative")


# --- 3. exactly once ------------------------------------------------------------------------------


def test_exactly_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A journal that never finds an entry it already applied."""
    monkeypatch.setattr(MemoryLedger, "_find_entry", lambda _self, _entry: None)
    caught_by("everything_happens_at_most_once")


# --- 4. honest parties never lose -----------------------------------------------------------------


def test_honest_parties_never_lose(monkeypatch: pytest.MonkeyPatch) -> None:
    """A judge who finds that every disputed step holds, without re-running it."""

    def lazy(self: BisectionGame, computation: object, data: bytes | None = None) -> object:
        del computation, data
        return self._decide(BisectionRole.CHALLENGER, BisectionReason.STEP_HOLDS, self._time)

    monkeypatch.setattr(BisectionGame, "settle", lazy)
    caught_by("honest_parties_never_lose")


# --- 5. every dispute ends in bounds --------------------------------------------------------------


def test_dispute_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Splits whose first piece is a single step: the interval shrinks by one per round."""

    def split_points(
        lo: int, hi: int, arity: int, interval: int, rounds_left: int
    ) -> tuple[int, ...]:
        del arity, interval, rounds_left
        return (lo, lo + 1, hi) if hi - lo > 1 else (lo, hi)

    monkeypatch.setattr(bisection_module, "split_points", split_points)
    caught_by("every_dispute_ends_in_bounds")


# --- 6. determinism -------------------------------------------------------------------------------


def test_determinism(monkeypatch: pytest.MonkeyPatch) -> None:
    """Entry refs with randomness in them: the same run journals other entries."""
    original = runtime_module._ref
    monkeypatch.setattr(runtime_module, "_ref", lambda *parts: original(*parts, os.urandom(8)))
    caught_by("_replay_is_identical")


# --- 7. soundness of spot checks ------------------------------------------------------------------

PIECES, FAKED, CHECKS, GAMES = 64, Fraction(1, 4), 4, 400


def wilson(successes: int, trials: int, z: float = 3.29) -> tuple[float, float]:
    """The Wilson score interval (z = 3.29: 99.9 %)."""
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = (
        z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    )
    return centre - half, centre + half


def measured_pass_rate() -> tuple[int, int]:
    """A solver faking exactly a quarter of 64 pieces, against ``GAMES`` seeded challenges of
    k = 4 checks: how many it passes."""
    solver = FakingSolver(
        IDENTITIES[1], toy_computation(PIECES), TOY_INPUT, domain=SPOT_DOMAIN,
        fraction=float(FAKED), seed=3,
    )  # fmt: skip
    claim = solver.solve(offer=Digest(b"\x0f" * 32), now=1)
    verifier = IDENTITIES[2]
    passed = 0
    for game in range(GAMES):
        nonce = tagged_hash("test/soundness-nonce", game.to_bytes(4, "big")).raw
        asked = nonce_challenge(
            claim, epsilon=Fraction(1, 2), fraud_fraction=FAKED, nonce=nonce, k=CHECKS
        )
        result = spot_check(
            claim, solver.commitment, asked, solver.respond(asked), computation=solver.computation,
            data=TOY_INPUT, verifier=verifier, domain=SPOT_DOMAIN, now=2,
        )  # fmt: skip
        passed += result.certificate.body.outcome is SpotCheckOutcome.PASS
    return passed, GAMES


def assert_sound() -> None:
    """Invariant 6: the observed pass rate is not significantly above (1 − f)^k."""
    passed, games = measured_pass_rate()
    bound = float((1 - FAKED) ** CHECKS)
    low, high = wilson(passed, games)
    assert low <= bound, f"passed {passed}/{games}: [{low:.3f}, {high:.3f}] is above {bound:.3f}"


def test_positive_control_spot_checks_are_sound() -> None:
    assert_sound()
    passed, games = measured_pass_rate()
    low, high = wilson(passed, games)
    assert low <= float((1 - FAKED) ** CHECKS) <= high  # and not vacuously: the bound is met


def test_soundness(monkeypatch: pytest.MonkeyPatch) -> None:
    """Draws that reuse the first index k times: one piece checked, k claimed."""
    original = spotcheck_module.sample_indices

    def one_index(seed: Digest, k: int, pieces: int) -> tuple[int, ...]:
        return original(seed, 1, pieces) * k

    monkeypatch.setattr(spotcheck_module, "sample_indices", one_index)
    with pytest.raises(AssertionError, match="is above"):
        assert_sound()
