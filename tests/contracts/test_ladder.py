"""The ladder a contract names: validation, exact bond arithmetic, schedule nesting, and the
contract's ``ladder`` field."""

from __future__ import annotations

from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from oddsproof.contracts import MAX_LEVELS, Close, Contract, Ladder, Level
from oddsproof.errors import InvalidArgument
from oddsproof.wire import decode
from tests.strategies import ARBITERS, IDENTITIES, LADDER_IDENTITIES, ladders, sound_contracts

A, B, C = (i.party for i in LADDER_IDENTITIES[:3])


def test_defaults_double_the_bond_and_burn_half() -> None:
    ladder = Ladder((Level(A, 0, 100, 1000), Level(B, 0, 1, 1000)))
    assert ladder.growth_ratio == 2
    assert ladder.premium_ratio == 2
    assert ladder.burn_ratio == Fraction(1, 2)
    assert ladder.next_base(1, 100) == 200  # growth beats the level's own bond of 1
    assert ladder.appeal_stake(200) == 400  # the previous loser pays twice the winner's 200
    assert ladder.burned(101) == 51  # ⌈101 / 2⌉


@given(ladders(), st.integers(1, 10**9))
def test_bonds_grow_and_the_loser_always_pays_more(ladder: Ladder, base: int) -> None:
    for level in range(1, len(ladder.levels)):
        grown = ladder.next_base(level, base)
        assert grown >= base * ladder.growth_ratio
        assert grown >= ladder.levels[level].bond
        assert ladder.appeal_stake(grown) > grown
        assert ladder.appeal_stake(grown) >= grown * ladder.premium_ratio


@given(ladders(), st.integers(1, 10**12))
def test_a_forfeit_always_burns_something_and_never_more_than_the_bond(
    ladder: Ladder, amount: int
) -> None:
    burned = ladder.burned(amount)
    assert 1 <= burned <= amount
    assert burned >= amount * ladder.burn_ratio


@given(ladders())
def test_every_level_keeps_enough_of_a_forfeit_to_pay_its_fee(ladder: Ladder) -> None:
    for level in ladder.levels:
        assert level.bond - ladder.burned(level.bond) >= level.fee


@given(ladders(), st.integers(0, 2**40))
def test_deadlines_nest_delta_apart_and_levels_follow_each_other(
    ladder: Ladder, opened: int
) -> None:
    delta, start = ladder.delta, opened
    for i in range(len(ladder.levels)):
        t = ladder.times(opened, i)
        assert t.start == start
        assert t.start + delta < t.rule_by  # the defence deadline nests inside level 0
        assert t.rule_by + delta == t.appeal_by
        assert t.appeal_by + delta == t.match_by
        start = t.match_by
    assert start == opened + ladder.span


def test_exposure_is_what_an_appellant_at_every_level_locks() -> None:
    ladder = Ladder((Level(A, 5, 100, 1000), Level(B, 10, 100, 1000), Level(C, 20, 50, 1000)))
    # level 0: 100 + 5; level 1: base 200, stake 400, fee 10; level 2: base 400, stake 800, fee 20
    assert ladder.exposure() == 105 + 410 + 820


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"levels": ()}, "1 to"),
        ({"levels": (Level(A, 0, 1, 1000), Level(A, 0, 1, 1000))}, "two levels"),
        ({"growth": (1, 2)}, "growth"),
        ({"premium": (1, 1)}, "premium"),
        ({"burn": (0, 1)}, "ratio"),
        ({"burn": (3, 2)}, "burn"),
        ({"growth": (2, 0)}, "ratio"),
        ({"delta": 0}, "delta"),
        ({"delta": 400}, "3Δ"),
        ({"levels": (Level(A, 60, 100, 1000),)}, "fee"),
    ],
)
def test_invalid_ladders_are_refused(change: dict[str, object], message: str) -> None:
    base = {"levels": (Level(A, 0, 100, 1000),), "delta": 60}
    with pytest.raises(InvalidArgument, match=message):
        Ladder(**{**base, **change})  # type: ignore[arg-type]


def test_the_depth_is_capped() -> None:
    arbiters = [i.party for i in (*IDENTITIES, *LADDER_IDENTITIES)]
    levels = tuple(Level(p, 0, 1, 1000) for p in arbiters[: MAX_LEVELS + 1])
    with pytest.raises(InvalidArgument, match=f"1 to {MAX_LEVELS}"):
        Ladder(levels)
    assert len(Ladder(levels[:MAX_LEVELS]).levels) == MAX_LEVELS


def test_floats_never_reach_the_encoding() -> None:
    with pytest.raises(InvalidArgument):
        Ladder((Level(A, 0, 1, 1000),), growth=(2.0, 1))  # type: ignore[arg-type]


@given(ladders())
def test_ladders_round_trip_through_their_canonical_bytes(ladder: Ladder) -> None:
    assert decode(ladder.encoded, Ladder) == ladder


@given(sound_contracts(), ladders(arbiters=ARBITERS, min_levels=2, max_levels=2))
def test_a_contract_names_its_ladder_and_the_same_arbiters(
    contract: Contract, ladder: Ladder
) -> None:
    laddered = attrs.evolve(contract, ladder=ladder)
    assert laddered.arbiters == ladder.arbiters
    assert laddered.id != contract.id  # the ladder is part of the offer
    assert decode(laddered.encoded, Contract) == laddered
    reordered = attrs.evolve(ladder, levels=ladder.levels[::-1])
    with pytest.raises(InvalidArgument, match="ladder's arbiters"):
        attrs.evolve(contract, ladder=reordered)


def test_a_contract_without_a_ladder_encodes_it_as_null() -> None:
    contract = Contract((A,), Close(), nonce=bytes(16))
    assert contract.ladder is None
    assert b"fladder\xf6" in contract.encoded
