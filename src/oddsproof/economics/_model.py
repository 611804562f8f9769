"""The dispute-economics model: who profits from cheating, at which bond, check rate and fee.

A marketplace of solvers (honest, cheaters who fake a fraction of the pieces on some of their
claims, adaptive cheaters who cheat exactly when the expected gain is positive), a verifier
with a check budget and a rule for k, bettors who lay against claims at the solver's odds (a few
of them informed), griefers who challenge honest claims, and the arbitration ladder (fees,
bonds, per-level accuracy, windows) is played for ``steps`` rounds, one claim per solver per
round, in many independent runs.

**No second copy of the rules.** Everything the protocol decides is computed once per parameter
point, exactly, by the library's own functions (:func:`compile_point`): k by
:func:`~oddsproof.games.plan`, :func:`~oddsproof.games.best_check` or
:class:`~oddsproof.games.CheckPolicy`; detection by
:func:`~oddsproof.games.detection_probability`; a lottery ticket's win probability by
:func:`~oddsproof.games.win_threshold` and :func:`~oddsproof.games.threshold_probability`; the
stakes, burns and deadlines of every path a dispute can take up the ladder by
:class:`~oddsproof.contracts.Ladder` (``next_base``, ``appeal_stake``, ``burned``, ``times``).
Only the random sampling across runs and solvers is vectorised (numpy arrays over
(parameter points × runs) × solvers): a dispute's path is sampled as one index into the table of
its possible paths. The same compiled numbers give the closed-form expectations
(:func:`expected_values`) that the tests compare with the Monte Carlo means. Details:
``docs/simulation.md``.
"""

from __future__ import annotations

import enum
import hashlib
import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from oddsproof.contracts import Ladder, Level
from oddsproof.errors import InvalidArgument, OddsproofError
from oddsproof.games import plan
from oddsproof.games.lowlevel import threshold_probability, win_threshold
from oddsproof.markets import (
    CheckPolicy,
    ReputationRecord,
    best_check,
    detection_probability,
    fraud_probability,
)
from oddsproof.wire import INT_LIMIT, Digest, Identity, Party

MAX_SOLVERS: Final = 100_000
"""The most solvers one parameter point may have."""
BASE_DRAWS: Final = 3
"""Uniform draws per claim and step: cheat, audit (the same draw decides detection: a claim is
caught when it falls below audit rate × detection, a sub-event of being audited), challenge.
Disputes draw their levels besides."""

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class CheckRule(enum.Enum):
    """How the verifier chooses k, the pieces it checks in an audited claim."""

    FIXED = "fixed"
    """``checks`` pieces, always."""
    PLAN = "plan"
    """``plan(epsilon, fraud_fraction)``: the spot-check bound."""
    REASONER = "reasoner"
    """The reasoner's best spot check (:func:`~oddsproof.games.best_check`) for a newcomer:
    value ``payment``, fraud probability from the ``prior``, ``cost_per_check``, ``overhead``."""
    REPUTATION = "reputation"
    """:class:`~oddsproof.games.CheckPolicy`: full checks until trust is earned, fewer after,
    full again after a failure (each solver's record evolves during a run)."""


class VerificationMode(enum.Enum):
    """What kind of work is verified."""

    SPOT_CHECK = "spot-check"
    """Parallel work: an audited claim is spot-checked at k pieces."""
    LOTTERY = "lottery"
    """Serial work paid by lottery tickets: a claim's ticket wins with ``win_probability`` and
    only a winning span is re-run (for ``rerun_cost``); a false span is caught if it wins."""


class Kind(enum.IntEnum):
    """Solver kinds in the state arrays (``ABSENT`` pads points with fewer solvers)."""

    ABSENT = 0
    HONEST = 1
    CHEATER = 2
    ADAPTIVE = 3


# --- conversions and validators ------------------------------------------------------------------


def to_fraction(value: object) -> Fraction:
    """An exact number from an int, a Fraction, a float (taken by its shortest decimal form:
    0.1 is 1/10) or a string such as ``"1/10"`` or ``"1e-9"``."""
    if isinstance(value, bool):
        raise InvalidArgument(f"expected a number, got {value!r}")
    if isinstance(value, int | Fraction):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidArgument(f"expected a finite number, got {value!r}")
        return Fraction(repr(value))
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            raise InvalidArgument(f"expected a number such as 0.1 or 1/10, got {value!r}") from None
    raise InvalidArgument(f"expected a number, got {value!r}")


def _int_range(low: int, high: int = INT_LIMIT - 1) -> Any:
    def check(_inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
        if type(value) is not int or not low <= value <= high:
            raise InvalidArgument(
                f"{attr.name} must be an integer in [{low}, {high}], got {value!r}"
            )

    return check


def _fraction_range(low: Fraction, high: Fraction | None, *, open_low: bool = False) -> Any:
    def check(_inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
        ok = isinstance(value, Fraction) and (value > low if open_low else value >= low)
        if ok and high is not None:
            ok = value <= high
        if not ok:
            where = f"{'(' if open_low else '['}{low}, {high if high is not None else '∞'}"
            where += "]" if high is not None else ")"
            raise InvalidArgument(f"{attr.name} must lie in {where}, got {value!r}")

    return check


_PROBABILITY = _fraction_range(Fraction(0), Fraction(1))
_NON_NEGATIVE = _fraction_range(Fraction(0), None)
_OPEN_UNIT = _fraction_range(Fraction(0), Fraction(1), open_low=True)


def _pair(_inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
    if (
        type(value) is not tuple
        or len(value) != 2
        or not all(type(v) is int and 1 <= v < 1 << 32 for v in value)
    ):
        raise InvalidArgument(f"{attr.name} is a pair of positive integers, got {value!r}")


def _as_tuple(value: Any) -> Any:
    """A list (as TOML and JSON give sequences) as a tuple; anything else as it is."""
    return tuple(value) if isinstance(value, list) else value


@attrs.frozen
class SimLevel:
    """One rung of the simulated ladder: the :class:`~oddsproof.contracts.Level` terms (``fee``,
    ``bond``, ``window`` in seconds) and ``accuracy``, the chance that its arbiter rules for the
    honest side."""

    fee: int = attrs.field(validator=_int_range(0))
    bond: int = attrs.field(validator=_int_range(1))
    window: int = attrs.field(validator=_int_range(1))
    accuracy: Fraction = attrs.field(
        default=Fraction(1), converter=to_fraction, validator=_PROBABILITY
    )


def _levels(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, tuple) or not 1 <= len(value) <= 8:
        raise InvalidArgument("a ladder has 1 to 8 levels")
    if not all(isinstance(level, SimLevel) for level in value):
        raise InvalidArgument("the ladder's levels are SimLevel values")


def _member(cls: type[enum.Enum], value: Any) -> Any:
    if isinstance(value, cls):
        return value
    try:
        return cls(value)
    except ValueError:
        names = ", ".join(str(m.value) for m in cls)
        raise InvalidArgument(f"expected one of {names}, got {value!r}") from None


def _verification(value: Any) -> VerificationMode:
    mode: VerificationMode = _member(VerificationMode, value)
    return mode


def _rule(value: Any) -> CheckRule:
    rule: CheckRule = _member(CheckRule, value)
    return rule


_DEFAULT_LEVELS: Final = (
    SimLevel(fee=10, bond=100, window=86_400, accuracy=Fraction(95, 100)),
    SimLevel(fee=50, bond=200, window=3 * 86_400, accuracy=Fraction(99, 100)),
    SimLevel(fee=200, bond=400, window=7 * 86_400, accuracy=Fraction(1)),
)


@attrs.frozen
class SimulationParams:
    """One parameter point of the dispute-economics model (money in integer units, rates and
    probabilities exact; every field validated). ``docs/simulation.md`` explains each one."""

    # The work and its price.
    payment: int = attrs.field(default=1000, validator=_int_range(1))
    """V: what a claim is paid when it stands."""
    work_cost: int = attrs.field(default=800, validator=_int_range(0))
    """What computing a claim honestly costs its solver."""
    fraud_fraction: Fraction = attrs.field(
        default=Fraction(1, 10), converter=to_fraction, validator=_OPEN_UNIT
    )
    """f: the share of the pieces a cheat fakes (and of the work it saves)."""
    claim_bond: int = attrs.field(default=0, validator=_int_range(0))
    """What the claimant posts with each claim, forfeited if the claim fails."""
    # The solvers.
    honest: int = attrs.field(default=80, validator=_int_range(0, MAX_SOLVERS))
    cheaters: int = attrs.field(default=10, validator=_int_range(0, MAX_SOLVERS))
    adaptive: int = attrs.field(default=10, validator=_int_range(0, MAX_SOLVERS))
    cheat_rate: Fraction = attrs.field(
        default=Fraction(1, 2), converter=to_fraction, validator=_PROBABILITY
    )
    """The chance that a (non-adaptive) cheater cheats on a claim."""
    # The verifier.
    verification: VerificationMode = attrs.field(
        default=VerificationMode.SPOT_CHECK, converter=_verification
    )
    rule: CheckRule = attrs.field(default=CheckRule.FIXED, converter=_rule)
    audit_rate: Fraction = attrs.field(
        default=Fraction(1, 10), converter=to_fraction, validator=_PROBABILITY
    )
    """The check rate: the share of claims the verifier spot-checks at all."""
    checks: int = attrs.field(default=10, validator=_int_range(0, 1 << 20))
    """k under the ``fixed`` rule."""
    epsilon: Fraction = attrs.field(
        default=Fraction(1, 10**6), converter=to_fraction, validator=_OPEN_UNIT
    )
    """ε of the ``plan`` and ``reputation`` rules."""
    cost_per_check: Fraction = attrs.field(
        default=Fraction(8), converter=to_fraction, validator=_NON_NEGATIVE
    )
    """What checking one piece costs the verifier (one piece of 100: work_cost / 100)."""
    overhead: Fraction = attrs.field(
        default=Fraction(20), converter=to_fraction, validator=_NON_NEGATIVE
    )
    """The cost of running one check, besides the pieces."""
    budget: int | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(_int_range(0)),
    )
    """The most pieces the verifier checks per round in all (``None``: no limit); when k times
    the solvers exceeds it, fewer claims are audited."""
    prior: tuple[int, int] = attrs.field(default=(1, 9), converter=_as_tuple, validator=_pair)
    """The reasoner's Beta prior on a newcomer's fraud rate (``reasoner`` rule)."""
    probation: int = attrs.field(default=20, validator=_int_range(0, 1 << 30))
    cooloff: int = attrs.field(default=50, validator=_int_range(0, 1 << 30))
    trust_rate: Fraction = attrs.field(
        default=Fraction(1, 10), converter=to_fraction, validator=_OPEN_UNIT
    )
    floor: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(_int_range(1, 1 << 30))
    )
    """The reputation policy's least k (``None``: its default, ⌈full / 10⌉)."""
    win_probability: Fraction = attrs.field(
        default=Fraction(1, 100), converter=to_fraction, validator=_OPEN_UNIT
    )
    """A lottery ticket's win probability (``lottery`` verification)."""
    rerun_cost: Fraction = attrs.field(
        default=Fraction(800), converter=to_fraction, validator=_NON_NEGATIVE
    )
    """What re-running one winning span costs the verifier (``lottery`` verification)."""
    # Challengers and bettors.
    false_challenge_rate: Fraction = attrs.field(
        default=Fraction(2, 1000), converter=to_fraction, validator=_PROBABILITY
    )
    """The chance that a griefer challenges an honest claim (it needs the adversary to fund
    level 0)."""
    bettor_insight: Fraction = attrs.field(
        default=Fraction(5, 1000), converter=to_fraction, validator=_PROBABILITY
    )
    """The chance that an informed bettor spots a false claim the verifier missed, and
    challenges it."""
    odds: tuple[int, int] = attrs.field(default=(20, 1), converter=_as_tuple, validator=_pair)
    """(b, l): each claim is backed by its solver at these odds."""
    lots: int = attrs.field(default=5, validator=_int_range(0, 1 << 30))
    """Lots the bettors lay against each claim (0: no bets)."""
    adversary_funds_until: int = attrs.field(default=2, validator=_int_range(0, 8))
    """The dishonest side of a dispute (the cheater, or a griefer) funds only levels below
    this one; the honest side always funds."""
    # The ladder.
    levels: tuple[SimLevel, ...] = attrs.field(
        default=_DEFAULT_LEVELS, converter=_as_tuple, validator=_levels
    )
    growth: tuple[int, int] = attrs.field(default=(2, 1), converter=_as_tuple, validator=_pair)
    premium: tuple[int, int] = attrs.field(default=(2, 1), converter=_as_tuple, validator=_pair)
    burn: tuple[int, int] = attrs.field(default=(1, 2), converter=_as_tuple, validator=_pair)
    delta: int = attrs.field(default=3600, validator=_int_range(1))

    def __attrs_post_init__(self) -> None:
        solvers = self.solvers
        if not 1 <= solvers <= MAX_SOLVERS:
            raise InvalidArgument(f"a point has 1 to {MAX_SOLVERS} solvers, got {solvers}")
        self.ladder()  # the ladder's own rules (windows, fee covered by a forfeited bond)

    @property
    def solvers(self) -> int:
        """How many solvers claim each round."""
        return self.honest + self.cheaters + self.adaptive

    def ladder(self) -> Ladder:
        """The :class:`~oddsproof.contracts.Ladder` these levels and ratios name (the arbiters
        are stand-in parties)."""
        try:
            return Ladder(
                tuple(
                    Level(_arbiter(i), level.fee, level.bond, level.window)
                    for i, level in enumerate(self.levels)
                ),
                growth=self.growth,
                premium=self.premium,
                burn=self.burn,
                delta=self.delta,
            )
        except OddsproofError as exc:
            raise InvalidArgument(f"the ladder: {exc}") from exc

    def replace(self, **changes: Any) -> SimulationParams:
        """These parameters with some changed (validated again)."""
        unknown = sorted(set(changes) - set(PARAMETER_NAMES))
        if unknown:
            raise InvalidArgument(f"unknown parameter {unknown[0]!r}")
        try:
            return attrs.evolve(self, **changes)
        except (TypeError, ValueError) as exc:
            if isinstance(exc, InvalidArgument):
                raise
            raise InvalidArgument(str(exc)) from exc

    def as_dict(self) -> dict[str, Any]:
        """The parameters as JSON-ready values (exact numbers as floats, levels as objects)."""
        out: dict[str, Any] = {}
        for name in PARAMETER_NAMES:
            out[name] = _plain(getattr(self, name))
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, Fraction):
        return float(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, SimLevel):
        return {k: _plain(v) for k, v in attrs.asdict(value, recurse=False).items()}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


PARAMETER_NAMES: Final = tuple(f.name for f in attrs.fields(SimulationParams))
"""Every field of :class:`SimulationParams`, in order."""
SWEEPABLE: Final = tuple(n for n in PARAMETER_NAMES if n != "levels")
"""The fields a sweep may vary (the ladder's levels are fixed per configuration)."""

_ARBITERS: list[Party] = []


def _arbiter(i: int) -> Party:
    while len(_ARBITERS) <= i:
        n = len(_ARBITERS)
        seed = hashlib.sha256(b"oddsproof/simulated-arbiter/%d" % n).digest()
        _ARBITERS.append(Identity.from_seed(f"arbiter-{n}", seed).party)
    return _ARBITERS[i]


# --- the dispute paths ---------------------------------------------------------------------------


@attrs.frozen(eq=False)
class DisputeTable:
    """Every path a dispute can take up the ladder, indexed by the pattern of correct rulings
    (bit i set: level i rules for the honest side), with what each path costs.

    ``honest_wins``: the final outcome; ``honest_cost`` / ``adversary_cost``: fees paid plus
    stakes forfeited, less what the winner receives from the loser's forfeited stakes;
    ``burned``; ``fees`` paid to arbiters; ``reached``: levels entered (1 to L); ``seconds``:
    from the opening to the decision; ``probability``: of the pattern."""

    honest_wins: BoolArray
    honest_cost: FloatArray
    adversary_cost: FloatArray
    burned: FloatArray
    fees: FloatArray
    reached: IntArray
    seconds: FloatArray
    probability: FloatArray

    def expected(self, column: str) -> float:
        """The mean of a column over the patterns' probabilities."""
        values = np.asarray(getattr(self, column), dtype=np.float64)
        return float(np.dot(self.probability, values))

    def reach_probability(self, level: int) -> float:
        """The chance that a dispute enters ``level``."""
        return float(np.dot(self.probability, (self.reached > level).astype(np.float64)))


def dispute_table(
    ladder: Ladder,
    accuracy: Sequence[Fraction],
    *,
    claimant_honest: bool,
    funds_until: int,
) -> DisputeTable:
    """Enumerate the ladder's paths for a dispute between an honest party and an adversary who
    funds only levels below ``funds_until`` (the honest side always funds).

    The challenger opens (stakes ``levels[0].bond`` and locks level 0's fee) and the claimant
    defends with the same stake, or loses by default. A level's loser appeals to the next level
    (stakes ``ladder.appeal_stake(base)`` at ``base = ladder.next_base(...)`` and locks its fee),
    the winner matches ``base`` or loses by default; the last level is final. On the final
    outcome each of the loser's stakes is forfeited, ``ladder.burned`` of it burns and the rest
    goes to the winner; fees are paid to the levels that ruled. Times come from
    ``ladder.times``. The rules are those of ``docs/arbitration.md``; the amounts are the
    ladder's own.
    """
    n = len(ladder.levels)
    bases = [ladder.levels[0].bond]
    for level in range(1, n):
        bases.append(ladder.next_base(level, bases[-1]))
    size = 1 << n
    out: dict[str, list[Any]] = {
        k: [] for k in ("honest_wins", "hc", "ac", "burned", "fees", "reached", "seconds", "p")
    }
    for pattern in range(size):
        prob = Fraction(1)
        for level in range(n):
            a = accuracy[level]
            prob *= a if pattern >> level & 1 else 1 - a
        honest_wins, stakes, fees, reached, seconds = _walk(
            ladder, bases, pattern, claimant_honest=claimant_honest, funds_until=funds_until
        )
        loser = "A" if honest_wins else "H"
        winner = "H" if honest_wins else "A"
        burned = sum(ladder.burned(b) for b in stakes[loser])
        received = sum(stakes[loser]) - burned
        cost = {
            loser: fees[loser] + sum(stakes[loser]),
            winner: fees[winner] - received,
        }
        out["honest_wins"].append(honest_wins)
        out["hc"].append(cost["H"])
        out["ac"].append(cost["A"])
        out["burned"].append(burned)
        out["fees"].append(fees["H"] + fees["A"])
        out["reached"].append(reached)
        out["seconds"].append(seconds)
        out["p"].append(float(prob))
    return DisputeTable(
        np.array(out["honest_wins"], dtype=np.bool_),
        np.array(out["hc"], dtype=np.float64),
        np.array(out["ac"], dtype=np.float64),
        np.array(out["burned"], dtype=np.float64),
        np.array(out["fees"], dtype=np.float64),
        np.array(out["reached"], dtype=np.int64),
        np.array(out["seconds"], dtype=np.float64),
        np.array(out["p"], dtype=np.float64),
    )


def _walk(
    ladder: Ladder, bases: list[int], pattern: int, *, claimant_honest: bool, funds_until: int
) -> tuple[bool, dict[str, list[int]], dict[str, int], int, int]:
    """One path: (honest side wins, stakes per side, fees paid per side, levels entered,
    seconds to the decision)."""
    claimant, challenger = ("H", "A") if claimant_honest else ("A", "H")
    stakes: dict[str, list[int]] = {"H": [], "A": []}
    fees = {"H": 0, "A": 0}
    stakes[challenger].append(bases[0])
    asker = challenger  # who asked for (and pays) the current level
    if claimant == "A" and funds_until <= 0:  # no defence: decided for the challenger
        return True, stakes, fees, 1, ladder.times(0, 0).start + ladder.delta
    stakes[claimant].append(bases[0])
    level = 0
    while True:
        times = ladder.times(0, level)
        winner = "H" if pattern >> level & 1 else "A"
        fees[asker] += ladder.levels[level].fee  # the level ruled: its fee is paid
        if level == ladder.final_level:
            return winner == "H", stakes, fees, level + 1, times.rule_by
        loser = "A" if winner == "H" else "H"
        if loser == "A" and level + 1 >= funds_until:  # the adversary does not appeal
            return winner == "H", stakes, fees, level + 1, times.appeal_by
        stakes[loser].append(ladder.appeal_stake(bases[level + 1]))
        if winner == "A" and level + 1 >= funds_until:  # the appeal is not matched
            return True, stakes, fees, level + 1, times.match_by
        stakes[winner].append(bases[level + 1])
        asker = loser
        level += 1


# --- compiled parameter points -------------------------------------------------------------------


@attrs.frozen(eq=False)
class PointModel:
    """One parameter point compiled to the numbers the vectorised kernel needs (made by
    :func:`compile_point`; every protocol quantity in it comes from a library function).

    ``k``, ``detection`` and ``check_cost`` are indexed by a solver's earned trust (index 0:
    full checking; one entry unless the rule is ``reputation``)."""

    params: SimulationParams
    kinds: npt.NDArray[np.int8]
    k: IntArray
    detection: FloatArray
    check_cost: FloatArray
    audit_rate: float
    budget: float
    probation: int
    cooloff: int
    accuracy: FloatArray
    against_cheat: DisputeTable
    against_honest: DisputeTable
    false_challenge_rate: float
    insight: float
    cheat_rate: float
    gain: float
    """f × work cost: what a cheat saves."""
    failure_loss: float
    """What a failed cheat loses besides its dispute costs: payment, claim bond, the bet."""
    caught_loss: float
    """The expected loss of a cheat once challenged: P(fails) × failure_loss + E[its dispute
    cost]."""
    bond_burned: float
    bet_back: float
    """What the solver loses on the bet if its claim fails (b × lots)."""
    bet_lay: float
    """What the bettors lose if the claim stands (l × lots)."""

    @property
    def solvers(self) -> int:
        """How many solvers this point has."""
        return int(self.kinds.size)

    @property
    def levels(self) -> int:
        """How many levels its ladder has."""
        return int(self.accuracy.size)


def cheat_gain(audit: Any, detection: Any, insight: Any, gain: Any, caught_loss: Any) -> Any:
    """The expected gain of one cheat over doing the work: ``f·C − P(challenged) · loss``,
    where ``P(challenged) = a·d + (1 − a·d)·q`` (caught by the audit, or else spotted by an
    informed bettor). Works on floats and arrays alike; the adaptive cheaters decide by it."""
    caught = audit * detection
    challenged = caught + (1.0 - caught) * insight
    return gain - challenged * caught_loss


def compile_point(
    params: SimulationParams, *, steps: int, memo: dict[Any, Any] | None = None
) -> PointModel:
    """The numbers of one parameter point, each from the library's own rules (see the module
    docstring); ``steps`` bounds the trust a solver can earn in a run. ``memo`` (a dict shared
    across the points of one sweep) reuses the k tables and dispute tables of points that
    differ only in other parameters."""
    if not isinstance(params, SimulationParams):
        raise InvalidArgument("compile_point takes SimulationParams")
    memo = {} if memo is None else memo
    f = params.fraud_fraction
    ladder = params.ladder()
    try:
        if params.verification is VerificationMode.LOTTERY:
            # The ticket's exact win probability: the verifier "audits" the winning tickets,
            # and a winning false span is always caught (re-running it disagrees).
            p_win = threshold_probability(win_threshold(params.win_probability))
            ks = [0]
            detection = [1.0]
            costs = [float(params.rerun_cost)]
            audit = float(p_win)
            probation = cooloff = 0
        else:
            key = (
                "k",
                params.rule,
                params.checks,
                params.epsilon,
                f,
                params.prior,
                params.payment,
                params.cost_per_check,
                params.overhead,
                params.probation,
                params.cooloff,
                params.trust_rate,
                params.floor,
                steps,
            )
            if key not in memo:
                memo[key] = _check_sizes(params, steps)
            ks = memo[key]
            detection = [float(detection_probability(k, f)) if k else 0.0 for k in ks]
            costs = [float(params.overhead + k * params.cost_per_check) if k else 0.0 for k in ks]
            audit = float(params.audit_rate)
            rep = params.rule is CheckRule.REPUTATION
            probation, cooloff = (params.probation, params.cooloff) if rep else (0, 0)
    except OddsproofError as exc:
        raise InvalidArgument(str(exc)) from exc
    accuracy = [level.accuracy for level in params.levels]
    funds = params.adversary_funds_until
    lkey = (
        "ladder",
        params.levels,
        params.growth,
        params.premium,
        params.burn,
        params.delta,
        funds,
    )
    if lkey not in memo:
        memo[lkey] = (
            dispute_table(ladder, accuracy, claimant_honest=False, funds_until=funds),
            dispute_table(ladder, accuracy, claimant_honest=True, funds_until=funds),
        )
    against_cheat, against_honest = memo[lkey]
    b, lay = params.odds
    failure_loss = float(params.payment + params.claim_bond + (b + lay) * params.lots)
    fail_share = against_cheat.expected("honest_wins")  # a cheat fails when the honest side wins
    caught_loss = fail_share * failure_loss + against_cheat.expected("adversary_cost")
    kinds = np.array(
        [Kind.HONEST] * params.honest
        + [Kind.CHEATER] * params.cheaters
        + [Kind.ADAPTIVE] * params.adaptive,
        dtype=np.int8,
    )
    return PointModel(
        params=params,
        kinds=kinds,
        k=np.array(ks, dtype=np.int64),
        detection=np.array(detection, dtype=np.float64),
        check_cost=np.array(costs, dtype=np.float64),
        audit_rate=audit,
        budget=math.inf
        if params.budget is None or params.verification is VerificationMode.LOTTERY
        else float(params.budget),
        probation=probation,
        cooloff=cooloff,
        accuracy=np.array([float(a) for a in accuracy], dtype=np.float64),
        against_cheat=against_cheat,
        against_honest=against_honest,
        false_challenge_rate=float(params.false_challenge_rate) if funds > 0 else 0.0,
        insight=float(params.bettor_insight),
        cheat_rate=float(params.cheat_rate),
        gain=float(f * params.work_cost),
        failure_loss=failure_loss,
        caught_loss=caught_loss,
        bond_burned=float(ladder.burned(params.claim_bond)) if params.claim_bond else 0.0,
        bet_back=float(b * params.lots),
        bet_lay=float(lay * params.lots),
    )


def _check_sizes(params: SimulationParams, steps: int) -> list[int]:
    """k by earned trust: one entry for the fixed rules; the reputation policy's k for 0, 1,
    2, … clean checks beyond the wait, until the floor (or ``steps``, the most a run earns)."""
    f = params.fraud_fraction
    if params.rule is CheckRule.FIXED:
        return [params.checks]
    if params.rule is CheckRule.PLAN:
        return [plan(float(params.epsilon), float(f))]
    if params.rule is CheckRule.REASONER:
        p = fraud_probability(None, prior=params.prior)
        return [
            best_check(
                value=params.payment,
                fraud_probability=p,
                fraud_fraction=f,
                cost_per_check=params.cost_per_check,
                overhead=params.overhead,
            ).k
        ]
    if params.floor is None:
        policy = CheckPolicy(
            params.epsilon,
            f,
            probation=params.probation,
            cooloff=params.cooloff,
            trust_rate=params.trust_rate,
        )
    else:
        policy = CheckPolicy(
            params.epsilon,
            f,
            params.floor,
            probation=params.probation,
            cooloff=params.cooloff,
            trust_rate=params.trust_rate,
        )
    key = _arbiter(0).key
    ks = [policy.full]
    for earned in range(1, steps + 1):
        clean = params.probation + earned
        record = ReputationRecord(key, Digest(bytes(32)), checked=clean, clean=clean)
        ks.append(policy.checks(record, now=0).k)
        if ks[-1] == policy.floor:
            break
    return ks


# --- closed form ---------------------------------------------------------------------------------


@attrs.frozen
class Expectation:
    """Exact expected values of one parameter point under a rule with a constant k (every rule
    but ``reputation``), per run of ``steps`` rounds unless named per claim."""

    cheat_gain: float
    """The expected gain of a cheating claim over doing the work honestly."""
    cheat_probability: float
    """The chance that a given claim is a cheat."""
    fraud_through: float
    """The share of cheating claims that stand."""
    honest_overhead: float
    """(Verification + honest dispute costs) / work paid, a ratio of expectations."""
    claims: float
    cheats: float
    work_paid: float
    verification_cost: float
    honest_dispute_cost: float
    burned: float
    disputes: tuple[float, ...]
    """Disputes entering each level, per run."""


def expected_values(params: SimulationParams, *, steps: int = 1) -> Expectation:
    """The closed-form expectations of the model for ``params`` over ``steps`` rounds, from the
    same compiled numbers the simulation samples (the tests check the Monte Carlo means against
    them). Refused for the ``reputation`` rule, whose k depends on each solver's history."""
    if params.rule is CheckRule.REPUTATION and params.verification is VerificationMode.SPOT_CHECK:
        raise InvalidArgument("the reputation rule has no closed form (k depends on history)")
    if type(steps) is not int or steps < 1:
        raise InvalidArgument("steps is a positive integer")
    m = compile_point(params, steps=steps)
    k = int(m.k[0])
    audit = (
        min(m.audit_rate, m.budget / (k * m.solvers)) if k and m.budget < math.inf else m.audit_rate
    )
    d = float(m.detection[0])
    gain = float(cheat_gain(audit, d, m.insight, m.gain, m.caught_loss))
    adaptive_cheats = 1.0 if gain > 0 else 0.0
    p = params
    cheats = p.cheaters * m.cheat_rate + p.adaptive * adaptive_cheats
    honest_claims = m.solvers - cheats
    caught = audit * d
    challenged = caught + (1.0 - caught) * m.insight
    fail = challenged * m.against_cheat.expected("honest_wins")
    griefed = m.false_challenge_rate
    wrong = griefed * (1.0 - m.against_honest.expected("honest_wins"))
    fails = cheats * fail + honest_claims * wrong
    work_paid = p.payment * (m.solvers - fails)
    verification = m.solvers * audit * float(m.check_cost[0])
    dispute_cost = cheats * challenged * m.against_cheat.expected(
        "honest_cost"
    ) + honest_claims * griefed * m.against_honest.expected("honest_cost")
    burned = (
        cheats * challenged * m.against_cheat.expected("burned")
        + honest_claims * griefed * m.against_honest.expected("burned")
        + fails * m.bond_burned
    )
    disputes = tuple(
        steps
        * (
            cheats * challenged * m.against_cheat.reach_probability(level)
            + honest_claims * griefed * m.against_honest.reach_probability(level)
        )
        for level in range(m.levels)
    )
    return Expectation(
        cheat_gain=gain,
        cheat_probability=cheats / m.solvers,
        fraud_through=1.0 - fail,
        honest_overhead=(verification + dispute_cost) / work_paid if work_paid else math.nan,
        claims=float(steps * m.solvers),
        cheats=steps * cheats,
        work_paid=steps * work_paid,
        verification_cost=steps * verification,
        honest_dispute_cost=steps * dispute_cost,
        burned=steps * burned,
        disputes=disputes,
    )


# --- the vectorised kernel -----------------------------------------------------------------------

SUM_METRICS: Final = (
    "claims",
    "cheats",
    "cheats_failed",
    "cheat_gain",
    "honest_failed",
    "verification_cost",
    "honest_dispute_cost",
    "work_paid",
    "burned",
    "fees",
    "bettor_profit",
    "disputes",
    "dispute_seconds",
)
"""What each run adds up over its rounds and solvers (disputes per level come besides)."""


@attrs.frozen
class Unit:
    """A block of runs of one point: the unit of random numbers (its own generator, seeded by
    ``SeedSequence(seed, spawn_key=(point, block))``) and of work."""

    point: int = attrs.field(validator=_int_range(0))
    block: int = attrs.field(validator=_int_range(0))
    runs: int = attrs.field(validator=_int_range(1))
    seed: np.random.SeedSequence = attrs.field(
        validator=attrs.validators.instance_of(np.random.SeedSequence)
    )


class _Batch:
    """The per-row arrays of a group of units: each row is one run, each column one solver;
    a point's scalars and tables are gathered per row (``lp``: the row's point, locally)."""

    def __init__(
        self, models: Mapping[int, PointModel] | Sequence[PointModel], units: Sequence[Unit]
    ) -> None:
        points = sorted({unit.point for unit in units})
        local = {p: i for i, p in enumerate(points)}
        pm = [models[p] for p in points]
        self.rows = sum(unit.runs for unit in units)
        self.width = max(m.solvers for m in pm)
        self.depth = max(m.levels for m in pm)
        self.lp = np.empty((self.rows, 1), dtype=np.int64)
        self.starts: list[int] = []
        r = 0
        for unit in units:
            self.starts.append(r)
            self.lp[r : r + unit.runs] = local[unit.point]
            r += unit.runs
        self.shape = (self.rows, self.width)
        self.bounds = np.array([*self.starts, self.rows], dtype=np.int64)
        self.pow2 = 1 << np.arange(self.depth, dtype=np.int64)
        self.padded = any(m.solvers != self.width for m in pm)
        self._tables(pm)
        self._scalars(pm)

    def _tables(self, pm: list[PointModel]) -> None:
        entries = max(m.k.size for m in pm)
        self.single = entries == 1
        self.offset = self.lp * entries
        self.row_offset = np.arange(self.rows, dtype=np.int64)[:, None] * entries
        kinds = np.zeros((len(pm), self.width), dtype=np.int8)
        self.ktab = np.zeros((len(pm), entries), dtype=np.int64)
        self.dtab = np.zeros((len(pm), entries), dtype=np.float64)
        self.ctab = np.zeros((len(pm), entries), dtype=np.float64)
        self.acc = np.zeros((len(pm), self.depth), dtype=np.float64)  # padding never rules
        npat = 1 << self.depth
        self.tables: dict[str, dict[str, Any]] = {}
        for name in ("against_cheat", "against_honest"):
            cols = {
                c: np.zeros((len(pm), npat), dtype=np.float64)
                for c in ("honest_wins", "honest_cost", "adversary_cost", "burned", "fees")
            }
            cols["seconds"] = np.zeros((len(pm), npat), dtype=np.float64)
            cols["reached"] = np.zeros((len(pm), npat), dtype=np.int64)
            self.tables[name] = cols
        for i, m in enumerate(pm):
            kinds[i, : m.solvers] = m.kinds
            n = m.k.size
            self.ktab[i, :n], self.ktab[i, n:] = m.k, m.k[-1]
            self.dtab[i, :n], self.dtab[i, n:] = m.detection, m.detection[-1]
            self.ctab[i, :n], self.ctab[i, n:] = m.check_cost, m.check_cost[-1]
            self.acc[i, : m.levels] = m.accuracy
            for name, cols in self.tables.items():
                table: DisputeTable = getattr(m, name)
                for c, arr in cols.items():
                    arr[i, : table.reached.size] = getattr(table, c)
        kind = kinds[self.lp[:, 0]]
        self.present = kind != Kind.ABSENT
        self.is_cheater = kind == Kind.CHEATER
        self.is_adaptive = kind == Kind.ADAPTIVE

    def _scalars(self, pm: list[PointModel]) -> None:
        def gather(values: list[Any], dtype: Any = np.float64) -> Any:
            return np.asarray(values, dtype=dtype)[self.lp]

        self.last_entry = gather([m.k.size - 1 for m in pm], np.int64)
        self.probation = gather([m.probation for m in pm], np.int64)
        self.cooloff = gather([m.cooloff for m in pm], np.int64)
        self.audit_rate = gather([m.audit_rate for m in pm])
        self.budget = gather([m.budget for m in pm])
        self.cheat_rate = gather([m.cheat_rate for m in pm])
        self.insight = gather([m.insight for m in pm])
        self.grief = gather([m.false_challenge_rate for m in pm])
        self.gain = gather([m.gain for m in pm])
        self.caught_loss = gather([m.caught_loss for m in pm])
        self.failure_loss = gather([m.failure_loss for m in pm])
        self.payment = gather([float(m.params.payment) for m in pm])
        self.bond_burned = gather([m.bond_burned for m in pm])
        self.bet_back = gather([m.bet_back for m in pm])
        self.bet_lay = gather([m.bet_lay for m in pm])


class _State:
    """What evolves during a run: each solver's record (clean checks since its last failure,
    failures), and per run the counts of what happened (exact integers) from which the money is
    reckoned at the end, plus the verification cost."""

    def __init__(self, batch: _Batch) -> None:
        self.clean = np.zeros(batch.shape, dtype=np.int64)
        self.failed = np.zeros(batch.shape, dtype=np.int64)
        self.counts = {
            name: np.zeros(batch.rows, dtype=np.int64)
            for name in ("cheats", "cheats_failed", "honest_failed", "stands", "fails")
        }
        self.verification = np.zeros(batch.rows, dtype=np.float64)
        npat = 1 << batch.depth
        self.paths = {name: np.zeros((batch.rows, npat), dtype=np.int64) for name in batch.tables}


def _disputes(
    b: _Batch,
    st: _State,
    who: tuple[BoolArray, BoolArray],
    gens: list[np.random.Generator],
    shapes: list[Any],
) -> BoolArray:
    """Draw every dispute's path (against cheats, then against griefed honest claims), count
    the paths per run, and return which claims fail."""
    fails = np.zeros(b.shape, dtype=np.bool_)
    for name, disputed in zip(("against_cheat", "against_honest"), who, strict=True):
        ri, rj = np.nonzero(disputed)
        if ri.size == 0:
            continue
        levels = np.ones((ri.size, b.depth), dtype=np.float64)
        bounds = np.searchsorted(ri, b.bounds)
        for gen, (_, _, depth), lo, hi in zip(gens, shapes, bounds[:-1], bounds[1:], strict=True):
            if hi > lo:  # each unit draws its own disputes' levels, in row-major order
                levels[lo:hi, :depth] = gen.random((hi - lo, depth))
        p = b.lp[ri, 0]
        pattern = (levels < b.acc[p]).astype(np.int64) @ b.pow2
        np.add.at(st.paths[name], (ri, pattern), 1)
        honest_wins = b.tables[name]["honest_wins"][p, pattern] > 0
        fails[ri, rj] = honest_wins if name == "against_cheat" else ~honest_wins
    return fails


def _step(
    b: _Batch, st: _State, u: FloatArray, gens: list[np.random.Generator], shapes: list[Any]
) -> None:
    """One round: the verifier's k and audit rate, the solvers' choices, audits, challenges,
    disputes (their paths drawn level by level, counted per path), and the records' update."""
    if b.single:
        rows = b.lp[:, 0]
        k, det, cost = b.ktab[rows, :1], b.dtab[rows, :1], b.ctab[rows, :1]
        entry = None
    else:
        entry = np.clip(st.clean - b.probation - b.cooloff * st.failed, 0, b.last_entry)
        flat = b.offset + entry
        k, det, cost = b.ktab.ravel()[flat], b.dtab.ravel()[flat], b.ctab.ravel()[flat]
    if b.padded:
        k = np.where(b.present, k, 0)
    total_k = (k.sum(axis=1, keepdims=True) if k.shape[1] > 1 else k * b.width).astype(np.float64)
    share = np.divide(b.budget, total_k, out=np.full_like(b.budget, np.inf), where=total_k > 0)
    audit = np.minimum(b.audit_rate, share)
    if entry is None:
        pays = cheat_gain(audit, det, b.insight, b.gain, b.caught_loss) > 0
    else:  # decide once per (run, k entry), then look each solver's entry up
        table = cheat_gain(audit, b.dtab[b.lp[:, 0]], b.insight, b.gain, b.caught_loss) > 0
        pays = table.ravel()[b.row_offset + entry]
    cheat = (b.is_cheater & (u[..., 0] < b.cheat_rate)) | (b.is_adaptive & pays)
    audited = u[..., 1] < audit
    if b.padded:
        audited &= b.present
    caught = cheat & (u[..., 1] < audit * det)  # ⊂ audited: P(caught | audited) = det
    spotted = u[..., 2]
    challenged = cheat & (caught | (spotted < b.insight))
    griefed = ~cheat & (spotted < b.grief)
    if b.padded:
        griefed &= b.present
    fails = _disputes(b, st, (challenged, griefed), gens, shapes)
    counts = st.counts
    counts["cheats"] += cheat.sum(axis=1)
    counts["cheats_failed"] += (cheat & fails).sum(axis=1)
    counts["honest_failed"] += (~cheat & fails).sum(axis=1)
    counts["fails"] += fails.sum(axis=1)
    st.verification += np.where(audited, cost, 0.0).sum(axis=1)
    checked_fail = audited & caught
    st.clean = np.where(checked_fail, 0, st.clean + audited)
    st.failed += checked_fail


def run_units(
    models: Mapping[int, PointModel] | Sequence[PointModel], units: Sequence[Unit], *, steps: int
) -> list[dict[str, Any]]:
    """Simulate ``steps`` rounds for every run of ``units`` (their points' models found by
    ``Unit.point`` in ``models``) at once; returns, per unit, each metric of
    :data:`SUM_METRICS` per run and ``levels`` (runs × levels, disputes entering each level).

    Every operation is elementwise or a reduction along one run's row, each unit draws from its
    own generator in a fixed order, and the money is reckoned at the end from exact counts, so a
    unit's results do not depend on which other units share the call (the basis of
    determinism across workers and chunkings; units of points with different numbers of
    solvers are best given in separate calls, as :func:`~oddsproof.arbitration.simulate` does,
    so that no row is padded)."""
    if not units:
        return []
    batch = _Batch(models, units)
    state = _State(batch)
    u = np.ones((*batch.shape, BASE_DRAWS), dtype=np.float64)  # padding never passes a test
    gens = [np.random.Generator(np.random.PCG64(unit.seed)) for unit in units]
    shapes = [(unit.runs, models[unit.point].solvers, models[unit.point].levels) for unit in units]
    for _ in range(steps):
        for gen, start, (nr, ns, _) in zip(gens, batch.starts, shapes, strict=True):
            u[start : start + nr, :ns] = gen.random((nr, ns, BASE_DRAWS))
        _step(batch, state, u, gens, shapes)
    return [
        _reckon(models[unit.point], state, slice(start, start + unit.runs), steps)
        for unit, start in zip(units, batch.starts, strict=True)
    ]


def _reckon(m: PointModel, st: _State, rows: slice, steps: int) -> dict[str, Any]:
    """A unit's per-run totals from its counts: money = counts × the point's amounts."""
    c = {name: arr[rows].astype(np.float64) for name, arr in st.counts.items()}
    cheat = st.paths["against_cheat"][rows, : m.against_cheat.reached.size].astype(np.float64)
    honest = st.paths["against_honest"][rows, : m.against_honest.reached.size].astype(np.float64)
    a, h = m.against_cheat, m.against_honest
    claims = np.full(c["cheats"].shape, float(m.solvers * steps))
    stands = claims - c["fails"]
    reached = np.arange(m.levels)[:, None] < a.reached[None, :]
    reached_h = np.arange(m.levels)[:, None] < h.reached[None, :]
    return {
        "claims": claims,
        "cheats": c["cheats"],
        "cheats_failed": c["cheats_failed"],
        "cheat_gain": m.gain * c["cheats"]
        - m.failure_loss * c["cheats_failed"]
        - cheat @ a.adversary_cost,
        "honest_failed": c["honest_failed"],
        "verification_cost": st.verification[rows].copy(),
        "honest_dispute_cost": cheat @ a.honest_cost + honest @ h.honest_cost,
        "work_paid": float(m.params.payment) * stands,
        "burned": cheat @ a.burned + honest @ h.burned + m.bond_burned * c["fails"],
        "fees": cheat @ a.fees + honest @ h.fees,
        "bettor_profit": m.bet_back * c["fails"] - m.bet_lay * stands,
        "disputes": cheat.sum(axis=1) + honest.sum(axis=1),
        "dispute_seconds": cheat @ a.seconds + honest @ h.seconds,
        "levels": cheat @ reached.T.astype(np.float64) + honest @ reached_h.T.astype(np.float64),
    }
