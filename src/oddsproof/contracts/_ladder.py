"""The arbitration ladder a contract names in advance: who rules at each level, for what fee,
against what bond, within what time.

A dispute starts at level 0 (typically the re-execution judge of a verification game) and can be
appealed one level at a time up to the last level, whose ruling is final. Bonds grow: the stake
base of level ``i + 1`` is the larger of that level's own ``bond`` and ``growth`` times the base
of level ``i`` (default ×2, as Reality.eth and Kleros do), and the previous loser, who asks for
the appeal, stakes ``premium`` times the base while the previous winner stakes the base (the
loser pays more to appeal). Part of every forfeited bond burns (``burn``, a share) so that
disputing oneself is never free; the rest reimburses the honest side's costs.

Time: each level has a window. With ``Δ = delta`` and a level spanning ``[s, e)``: the
arbiter's ruling is due before ``e - 2Δ``, the loser's appeal bond before ``e - Δ`` and the
winner's matching bond before ``e``; level 0 also gives the claimant until ``s + Δ`` to post
its defence bond. Every nested deadline therefore ends at least Δ before its parent's, and the
whole ladder ends ``span`` seconds after the dispute opens. Rationals (growth, premium, burn)
are pairs of integers, so no float ever reaches an encoding. How the ladder is run is the
``arbitration`` layer's business (``docs/arbitration.md``).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Final

import attrs

from oddsproof.errors import InvalidArgument
from oddsproof.errors import _validators as v
from oddsproof.wire import INT_LIMIT, Canonical, Party, canonical

MAX_LEVELS: Final = 8
"""The depth cap: at most this many levels (UMA and Kleros cap appeals too)."""
MAX_RATIO_PART: Final = 1 << 32
"""Numerators and denominators of the ladder's rationals stay below this, so products of
bonds and ratios stay small integers."""


def _ratio(low: Fraction, high: Fraction | None, *, open_low: bool) -> Any:
    def check(_inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
        if (
            type(value) is not tuple
            or len(value) != 2
            or not all(type(v) is int and 1 <= v < MAX_RATIO_PART for v in value)
        ):
            raise InvalidArgument(
                f"{attr.name} is a ratio (numerator, denominator) of integers in [1, 2**32)"
            )
        ratio = Fraction(*value)
        if (ratio <= low if open_low else ratio < low) or (high is not None and ratio > high):
            bound = f"{'>' if open_low else '≥'} {low}" + (f" and ≤ {high}" if high else "")
            raise InvalidArgument(f"{attr.name} must be {bound}, got {ratio}")

    return check


def _ceil(amount: int, ratio: Fraction) -> int:
    return -(-amount * ratio.numerator // ratio.denominator)


@canonical("ladder-level")
@attrs.frozen
class Level(Canonical):
    """One rung: ``arbiter`` rules for ``fee`` (paid by whoever asks for this level), both
    sides stake at least ``bond``, and the level lasts ``window`` seconds."""

    arbiter: Party = attrs.field(validator=attrs.validators.instance_of(Party))
    fee: int = attrs.field(validator=v.amount)
    bond: int = attrs.field(validator=v.positive)
    window: int = attrs.field(validator=v.positive)


def _levels(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, tuple) or not 1 <= len(value) <= MAX_LEVELS:
        raise InvalidArgument(f"a ladder has 1 to {MAX_LEVELS} levels")
    if not all(isinstance(level, Level) for level in value):
        raise InvalidArgument("a ladder's levels are Level values")
    keys = [level.arbiter.key.raw for level in value]
    if len(set(keys)) != len(keys):
        raise InvalidArgument("an arbiter sits on two levels of one ladder")


@attrs.frozen
class LevelTimes:
    """The deadlines of one level for a dispute opened at a given time (all exclusive)."""

    start: int = attrs.field(validator=v.amount)
    rule_by: int = attrs.field(validator=v.amount)
    appeal_by: int = attrs.field(validator=v.amount)
    match_by: int = attrs.field(validator=v.amount)


@canonical("ladder")
@attrs.frozen
class Ladder(Canonical):
    """The arbitration ladder of a contract: levels from first to final, and the rules for
    bonds and time shared by all of them (see the module docstring).

    ``growth`` (≥ 1, default 2), ``premium`` (> 1, default 2) and ``burn`` (in (0, 1], default
    1/2) are exact ratios ``(numerator, denominator)``. ``delta`` is Δ in seconds.
    """

    levels: tuple[Level, ...] = attrs.field(validator=_levels)
    growth: tuple[int, int] = attrs.field(
        default=(2, 1), validator=_ratio(Fraction(1), None, open_low=False)
    )
    premium: tuple[int, int] = attrs.field(
        default=(2, 1), validator=_ratio(Fraction(1), None, open_low=True)
    )
    burn: tuple[int, int] = attrs.field(
        default=(1, 2), validator=_ratio(Fraction(0), Fraction(1), open_low=True)
    )
    delta: int = attrs.field(default=60, validator=v.positive)

    @delta.validator
    def _fits(self, _attr: object, value: int) -> None:
        if not all(isinstance(level, Level) for level in self.levels) or type(value) is not int:
            return
        for i, level in enumerate(self.levels):
            if level.window <= 3 * value:
                raise InvalidArgument(
                    f"level {i}'s window of {level.window} s must exceed 3Δ = {3 * value} s"
                    " (defence, ruling, appeal and matching deadlines nest Δ apart)"
                )
            kept = level.bond - self.burned(level.bond)
            if kept < level.fee:
                raise InvalidArgument(
                    f"level {i}: a forfeited bond of {level.bond} keeps {kept} after burning,"
                    f" less than the level's fee {level.fee}"
                )
        if self.span >= INT_LIMIT // 4:
            raise InvalidArgument("the ladder's windows add up to more than 2**61 seconds")
        if self.exposure() >= INT_LIMIT // 4:
            raise InvalidArgument("the ladder's bonds could grow beyond 2**61")

    # -- exact ratios -------------------------------------------------------------------------

    @property
    def growth_ratio(self) -> Fraction:
        """How much the stake base grows per appeal."""
        return Fraction(*self.growth)

    @property
    def premium_ratio(self) -> Fraction:
        """The appellant's (previous loser's) stake over the previous winner's."""
        return Fraction(*self.premium)

    @property
    def burn_ratio(self) -> Fraction:
        """The share of a forfeited bond that burns."""
        return Fraction(*self.burn)

    # -- shape --------------------------------------------------------------------------------

    @property
    def arbiters(self) -> tuple[Party, ...]:
        """The arbiters from level 0 to the final level."""
        return tuple(level.arbiter for level in self.levels)

    @property
    def final_level(self) -> int:
        """The index of the last level, whose ruling cannot be appealed."""
        return len(self.levels) - 1

    @property
    def span(self) -> int:
        """Seconds from a dispute's opening to the end of the last level."""
        return sum(level.window for level in self.levels)

    def times(self, opened: int, level: int) -> LevelTimes:
        """The deadlines of ``level`` for a dispute opened at ``opened``."""
        start = opened + sum(lv.window for lv in self.levels[:level])
        end = start + self.levels[level].window
        return LevelTimes(start, end - 2 * self.delta, end - self.delta, end)

    # -- money --------------------------------------------------------------------------------

    def next_base(self, level: int, base: int) -> int:
        """The stake base of ``level`` reached by appeal from a level whose base was ``base``."""
        return max(self.levels[level].bond, _ceil(base, self.growth_ratio))

    def appeal_stake(self, base: int) -> int:
        """What the appellant (the previous loser) stakes at a level with stake base ``base``;
        strictly more than the previous winner's ``base``."""
        return max(base + 1, _ceil(base, self.premium_ratio))

    def burned(self, amount: int) -> int:
        """How much of a forfeited bond of ``amount`` burns: ``⌈amount · burn⌉``, at least 1."""
        return min(amount, max(1, _ceil(amount, self.burn_ratio)))

    def exposure(self) -> int:
        """The most one side can have to lock over a whole dispute (stakes and fees), if it
        appeals at every level: what an honest party needs to follow the ladder to the end."""
        base = self.levels[0].bond
        total = base + self.levels[0].fee
        for level in range(1, len(self.levels)):
            base = self.next_base(level, base)
            total += self.appeal_stake(base) + self.levels[level].fee
        return total
