"""Reputation: who has been checked on what, and how many spot checks their next claim needs.

A :class:`ReputationRecord` per (party, computation) counts the claims checked and failed, the
clean checks since the last failure and when that failure was. :class:`CheckPolicy` turns a
record into a :class:`CheckPlan`: trust is slow to earn (full checking until ``probation``
clean checks, then k shrinks by a constant number of checks per further clean check, never
below ``floor``) and fast to lose (a failure resets the clean count, and the party is back to
full checking until ``cooloff`` more clean checks per failure and ``cooloff_seconds`` have
passed). A reduced k gives a weaker bound on the cheater's chance, so the plan states the
achieved ε = (1 − f)^k exactly, and :meth:`CheckPlan.challenge` puts it in the challenge and so
in the certificate: what a reduced check proves is always explicit.

Formulas and their reasons: ``docs/bets.md``.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterator
from fractions import Fraction
from typing import Any, Final

import attrs

from oddsproof.contracts import Claim
from oddsproof.errors import InvalidArgument, OddsproofError
from oddsproof.errors import _validators as v
from oddsproof.games import (
    Challenge,
    SpotCheckCertificate,
    check_certificate,
    nonce_challenge,
    plan,
)
from oddsproof.wire import INT_LIMIT, Digest, Domain, Party, PublicKey, Signed

DEFAULT_PRIOR: Final = (1, 9)
"""Beta(a, b) prior of a party's fraud rate: a newcomer is taken to cheat one claim in ten."""
EPSILON_DENOMINATOR: Final = 1 << 62
"""Achieved bounds are rounded up to a multiple of 2**-62 (a certificate's fractions fit 2**63)."""


def _optional_time(_inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (type(value) is not int or not 0 <= value < INT_LIMIT):
        raise InvalidArgument(f"{attr.name} is a time in integer seconds or None, got {value!r}")


def _prior(value: object) -> tuple[int, int]:
    if (
        type(value) is not tuple
        or len(value) != 2
        or not all(type(v) is int and 1 <= v < INT_LIMIT for v in value)
    ):
        raise InvalidArgument(f"a prior is two positive integers (a, b), got {value!r}")
    return value


@attrs.frozen
class ReputationRecord:
    """What is known of ``party`` on ``computation``: claims ``checked``, how many ``failed``,
    the ``clean`` checks since the last failure (all of them if none failed), and the time of
    the last failure."""

    party: PublicKey = attrs.field(validator=attrs.validators.instance_of(PublicKey))
    computation: Digest = attrs.field(validator=attrs.validators.instance_of(Digest))
    checked: int = attrs.field(default=0, validator=v.amount)
    failed: int = attrs.field(default=0, validator=v.amount)
    clean: int = attrs.field(default=0, validator=v.amount)
    last_failure: int | None = attrs.field(default=None, validator=_optional_time)

    def __attrs_post_init__(self) -> None:
        if self.failed > self.checked or self.clean > self.checked - self.failed:
            raise InvalidArgument("failures and clean checks cannot exceed the checks")
        if (self.failed == 0) != (self.last_failure is None):
            raise InvalidArgument("a last failure time goes with at least one failure")
        if self.failed == 0 and self.clean != self.checked:
            raise InvalidArgument("without failures every check is clean")

    def observe(self, *, passed: bool, now: int) -> ReputationRecord:
        """The record after one more check of a claim, at time ``at``."""
        if not isinstance(passed, bool):
            raise InvalidArgument("passed is a boolean")
        if type(now) is not int or not 0 <= now < INT_LIMIT:
            raise InvalidArgument(f"at is a time in integer seconds, got {now!r}")
        if passed:
            return attrs.evolve(self, checked=self.checked + 1, clean=self.clean + 1)
        last = now if self.last_failure is None else max(now, self.last_failure)
        return attrs.evolve(
            self, checked=self.checked + 1, failed=self.failed + 1, clean=0, last_failure=last
        )

    def fraud_probability(self, prior: tuple[int, int] = DEFAULT_PRIOR) -> Fraction:
        """The posterior mean of the party's fraud rate under a Beta(a, b) prior:
        ``(failed + a) / (checked + a + b)``."""
        a, b = _prior(prior)
        return Fraction(self.failed + a, self.checked + a + b)


class Reputation:
    """The records of many parties, keyed by (party key, computation id); a record not seen yet
    is empty (a newcomer)."""

    def __init__(self) -> None:
        self._records: dict[tuple[PublicKey, Digest], ReputationRecord] = {}

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[ReputationRecord]:
        return iter(list(self._records.values()))

    def record(self, party: Party | PublicKey, computation: Digest) -> ReputationRecord:
        """The record of ``party`` on ``computation`` (empty if it was never checked)."""
        key = _key(party)
        if not isinstance(computation, Digest):
            raise InvalidArgument("a computation is named by its id (a Digest)")
        found = self._records.get((key, computation))
        return ReputationRecord(key, computation) if found is None else found

    def observe(
        self, party: Party | PublicKey, computation: Digest, *, passed: bool, now: int
    ) -> ReputationRecord:
        """Count one check of ``party`` on ``computation``; return the new record."""
        record = self.record(party, computation).observe(passed=passed, now=now)
        self._records[(record.party, computation)] = record
        return record

    def observe_certificate(
        self, certificate: Signed[SpotCheckCertificate], claim: Signed[Claim], *, domain: Domain
    ) -> ReputationRecord:
        """Count a verifier's certificate on ``claim``: a pass is clean, any other outcome (a
        wrong value, a bad opening, no opening, a bad commitment) a failure of the claimant."""
        if not isinstance(claim, Signed) or not isinstance(claim.body, Claim):
            raise InvalidArgument("expected the signed Claim the certificate is about")
        try:
            cert = check_certificate(certificate, domain)
        except OddsproofError as exc:
            raise InvalidArgument(f"the certificate does not check: {exc}") from exc
        if cert.claim != claim.id:
            raise InvalidArgument("the certificate is about another claim")
        body = claim.body
        return self.observe(body.claimant, body.computation, passed=cert.passed, now=cert.issued)


def _key(party: Party | PublicKey) -> PublicKey:
    if isinstance(party, Party):
        return party.key
    if isinstance(party, PublicKey):
        return party
    raise InvalidArgument("a party is a Party or a PublicKey")


def _fraction(name: str, value: object, *, low_open: bool = True) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | Fraction):
        raise InvalidArgument(f"{name} is an exact fraction (int or Fraction), got {value!r}")
    exact = Fraction(value)
    if not (0 < exact < 1 if low_open else 0 <= exact < 1):
        raise InvalidArgument(f"{name} must lie strictly between 0 and 1, got {value!r}")
    if exact.denominator >= INT_LIMIT:
        raise InvalidArgument(f"{name} needs a denominator below 2**63")
    return exact


def achieved_epsilon(k: int, fraud_fraction: Fraction) -> Fraction:
    """The bound ``k`` checks achieve against fraud fraction ``f``: the least multiple of
    2**-62 at or above ``(1 - f)**k`` (exact), nudged up if needed so that ``plan(ε, f) <= k``
    holds as ``plan`` computes it. A challenge stating this ε and ``k`` is therefore valid."""
    if type(k) is not int or not 1 <= k < INT_LIMIT:
        raise InvalidArgument(f"k is a positive integer, got {k!r}")
    f = _fraction("fraud_fraction", fraud_fraction)
    exact = (1 - f) ** k
    numerator = max(1, math.ceil(exact * EPSILON_DENOMINATOR))
    while plan(numerator / EPSILON_DENOMINATOR, float(f)) > k:  # float rounding near a tie
        numerator += (numerator >> 40) + 1
    if numerator >= EPSILON_DENOMINATOR:
        raise InvalidArgument(f"{k} checks at f = {f} bound nothing below 1")
    return Fraction(numerator, EPSILON_DENOMINATOR)


class PlanReason(enum.Enum):
    """Why a plan has the k it has."""

    PROBATION = "probation"
    """No failure, but fewer clean checks than the probation: full checking."""
    COOLOFF = "cooloff"
    """A failure too recent (in clean checks or in time): full checking."""
    EARNED = "earned"
    """Trust earned by clean checks beyond the wait: fewer checks."""
    FLOOR = "floor"
    """Trust earned down to the floor: the fewest checks the policy allows."""


def _probability(name: str) -> Any:
    def check(_inst: object, _attr: object, value: Any) -> None:
        if not isinstance(value, Fraction) or not 0 < value < 1:
            raise InvalidArgument(f"{name} is a Fraction strictly between 0 and 1")
        if value.denominator >= INT_LIMIT:
            raise InvalidArgument(f"{name} needs a denominator below 2**63")

    return check


@attrs.frozen
class CheckPlan:
    """How many pieces to check for one claim, and what that proves.

    ``epsilon`` is the bound achieved by ``k`` checks (a claimant faking ``fraud_fraction`` of
    the pieces passes with probability at most ε); ``target`` is the policy's ε, reached only
    with ``full`` checks. ``risk`` = the party's fraud probability × ε.
    """

    k: int = attrs.field(validator=v.amount)
    full: int = attrs.field(validator=v.amount)
    epsilon: Fraction = attrs.field(validator=_probability("epsilon"))
    target: Fraction = attrs.field(validator=_probability("target"))
    fraud_fraction: Fraction = attrs.field(validator=_probability("fraud_fraction"))
    reason: PlanReason = attrs.field(validator=attrs.validators.instance_of(PlanReason))

    def __attrs_post_init__(self) -> None:
        if not 1 <= self.k <= self.full:
            raise InvalidArgument("a plan checks between 1 and full pieces")

    @property
    def reduced(self) -> bool:
        """Whether fewer than the full checks are planned."""
        return self.k < self.full

    def challenge(self, claim: Signed[Claim], *, nonce: bytes | None = None) -> Challenge:
        """A nonce challenge for ``claim`` with ``k`` checks, stating the achieved ε and f:
        the certificate made from it carries them."""
        return nonce_challenge(
            claim, epsilon=self.epsilon, fraud_fraction=self.fraud_fraction, nonce=nonce, k=self.k
        )


def _fraction_field(name: str, *, zero: bool = False) -> Any:
    def check(_inst: object, _attr: object, value: Any) -> None:
        _fraction(name, value, low_open=not zero)

    return check


@attrs.frozen
class CheckPolicy:
    """Spot-check sizes that adapt to reputation.

    ``full = plan(epsilon, fraud_fraction)``. A party checks ``full`` pieces until it has
    ``wait = probation + cooloff × failed`` clean checks since its last failure (and, after a
    failure, ``cooloff_seconds`` have passed). Each clean check beyond that multiplies the
    allowed ε by ``1 / (1 - trust_rate)``: ``ε_n = ε × (1 - trust_rate)**-n``, so k shrinks by
    about ``ln(1/(1 - trust_rate)) / ln(1/(1 - f))`` checks per clean check, down to ``floor``.
    """

    epsilon: Fraction = attrs.field(validator=_fraction_field("epsilon"))
    fraud_fraction: Fraction = attrs.field(validator=_fraction_field("fraud_fraction"))
    floor: int = attrs.field()
    probation: int = attrs.field(default=20, validator=v.amount)
    cooloff: int = attrs.field(default=50, validator=v.amount)
    cooloff_seconds: int = attrs.field(default=0, validator=v.amount)
    trust_rate: Fraction = attrs.field(
        default=Fraction(1, 10), validator=_fraction_field("trust_rate")
    )

    @floor.default
    def _default_floor(self) -> int:
        return max(1, -(-self.full // 10))

    @floor.validator
    def _check_floor(self, _attr: object, value: Any) -> None:
        if type(value) is not int or not 1 <= value <= self.full:
            raise InvalidArgument(f"floor is an integer in [1, full = {self.full}], got {value!r}")

    @property
    def full(self) -> int:
        """``plan(epsilon, fraud_fraction)``: the checks a party without earned trust gets."""
        return plan(float(self.epsilon), float(self.fraud_fraction))

    def wait(self, record: ReputationRecord) -> int:
        """Clean checks since the last failure before any reduction."""
        return self.probation + self.cooloff * record.failed

    def cooling(self, record: ReputationRecord, *, now: int) -> bool:
        """Whether ``record`` has a failure too recent to allow any reduction."""
        if record.failed == 0:
            return False
        assert record.last_failure is not None
        return record.clean < self.wait(record) or now - record.last_failure < self.cooloff_seconds

    def checks(self, record: ReputationRecord, *, now: int) -> CheckPlan:
        """The plan for ``record``'s party's next claim at time ``now``."""
        if not isinstance(record, ReputationRecord):
            raise InvalidArgument("checks takes a ReputationRecord")
        if type(now) is not int or not 0 <= now < INT_LIMIT:
            raise InvalidArgument(f"now is a time in integer seconds, got {now!r}")
        full = self.full
        earned = record.clean - self.wait(record)
        if self.cooling(record, now=now):
            k, reason = full, PlanReason.COOLOFF
        elif earned <= 0:
            k, reason = full, PlanReason.PROBATION
        else:
            k = max(self.floor, min(full, self._earned_checks(earned)))
            reason = PlanReason.FLOOR if k == self.floor else PlanReason.EARNED
        return CheckPlan(
            k,
            full,
            achieved_epsilon(k, self.fraud_fraction),
            self.epsilon,
            self.fraud_fraction,
            reason,
        )

    def _earned_checks(self, earned: int) -> int:
        log_eps = math.log(self.epsilon) - earned * math.log1p(-float(self.trust_rate))
        if log_eps >= math.log1p(-float(self.fraud_fraction)) * self.floor:
            return self.floor  # ε_n is at least what the floor achieves (or above 1)
        return plan(math.exp(log_eps), float(self.fraud_fraction))
