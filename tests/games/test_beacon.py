"""Beacons: the round schedule, local Ed25519 rounds (drand's unchained scheme), the client
that checks them, and the external (grindable) adapter."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oddsproof.contracts import BeaconRound, beacon_message
from oddsproof.errors import InvalidArgument, Refused
from oddsproof.games import (
    BeaconReason,
    BeaconScheme,
    BeaconSpec,
    Ed25519Beacon,
    ExternalBeacon,
    ExternalRound,
    LocalBeacon,
)
from oddsproof.wire import Digest
from tests.strategies import BEACON, IDENTITIES, beacon_specs


def _local() -> LocalBeacon:
    return LocalBeacon(BEACON, genesis=1_000, period=10)


def test_rounds_map_to_times() -> None:
    beacon = _local()
    assert beacon.time_of(0) == 1_000
    assert beacon.time_of(7) == 1_070
    assert beacon.latest(now=999) is None
    assert beacon.latest(now=1_000) == 0
    assert beacon.latest(now=1_079) == 7
    assert beacon.published(7, now=1_070)
    assert not beacon.published(7, now=1_069)


@given(beacon_specs, st.integers(0, 2**40))
def test_latest_is_the_last_published_round(spec: BeaconSpec, now: int) -> None:
    latest = spec.latest(now=now)
    if latest is None:
        assert now < spec.genesis
        assert not spec.published(0, now=now)
    else:
        assert spec.published(latest, now=now)
        assert not spec.published(latest + 1, now=now)


def test_local_rounds_are_drand_unchained_with_ed25519() -> None:
    beacon = _local()
    value = beacon.value(5, now=1_050)
    assert isinstance(value, BeaconRound)
    assert value.round == 5
    # The message is the key and the round only (unchained: no previous signature).
    BEACON.key.verify(beacon_message(BEACON.key, 5).raw, value.signature)
    randomness = beacon.randomness(value)
    assert randomness == Digest(hashlib.sha256(value.signature).digest())
    assert beacon.value(5, now=2_000) == value  # one value per round


def test_a_round_is_refused_before_its_time() -> None:
    beacon = _local()
    with pytest.raises(Refused, match=r"^not-published") as refused:
        beacon.value(5, now=1_049)
    assert refused.value.reason is BeaconReason.NOT_PUBLISHED


def test_the_client_checks_rounds_it_receives() -> None:
    local = _local()
    client = Ed25519Beacon.from_spec(local.spec)
    assert client.id == local.id
    value = local.value(3, now=1_030)
    with pytest.raises(InvalidArgument, match="not been received"):
        client.value(3, now=1_030)
    assert client.receive(value) == local.randomness(value)  # type: ignore[arg-type]
    assert client.value(3, now=1_030) == value
    with pytest.raises(Refused, match=r"^not-published"):
        client.value(3, now=1_029)


def test_forged_and_foreign_rounds_are_refused() -> None:
    beacon = _local()
    value = beacon.value(4, now=1_040)
    assert isinstance(value, BeaconRound)
    forged = BeaconRound(value.beacon, value.round, bytes(64))
    with pytest.raises(InvalidArgument, match="does not verify"):
        beacon.randomness(forged)
    moved = BeaconRound(value.beacon, 5, value.signature)  # a signature of another round
    with pytest.raises(InvalidArgument):
        beacon.randomness(moved)
    other = LocalBeacon(IDENTITIES[3], genesis=1_000, period=10)
    with pytest.raises(InvalidArgument, match="another beacon"):
        beacon.randomness(other.value(4, now=1_040))
    ext = ExternalRound(beacon.id, 4, bytes(32))
    with pytest.raises(InvalidArgument):
        beacon.randomness(ext)


def test_external_values_are_grindable_and_checked() -> None:
    chain = {10: b"\x11" * 32}
    beacon = ExternalBeacon("chain/block-hash", genesis=0, period=12, fetch=chain.get)
    assert beacon.grindable
    assert not LocalBeacon.grindable
    value = beacon.value(10, now=120)
    assert isinstance(value, ExternalRound)
    assert beacon.randomness(value) == value.randomness
    with pytest.raises(InvalidArgument, match="no value"):
        beacon.value(11, now=1_000)
    with pytest.raises(Refused, match=r"^not-published"):
        beacon.value(10, now=119)
    fake = ExternalRound(beacon.id, 10, b"\x22" * 32)
    with pytest.raises(InvalidArgument, match="not the source's"):
        beacon.randomness(fake)
    elsewhere = ExternalRound(Digest(b"\x01" * 32), 10, b"\x11" * 32)
    with pytest.raises(InvalidArgument, match="another beacon"):
        beacon.randomness(elsewhere)


def test_external_check_callable_and_failing_sources() -> None:
    def broken(_round: int) -> bytes | None:
        raise RuntimeError("node down")

    beacon = ExternalBeacon(
        "x", genesis=0, period=1, fetch=broken, check=lambda r, v: v == bytes([r]) * 32
    )
    with pytest.raises(InvalidArgument, match="node down"):
        beacon.value(3, now=10)
    assert beacon.randomness(ExternalRound(beacon.id, 3, b"\x03" * 32))
    with pytest.raises(InvalidArgument, match="vouch"):
        beacon.randomness(ExternalRound(beacon.id, 3, b"\x04" * 32))
    short = ExternalBeacon("y", genesis=0, period=1, fetch=lambda r: b"short")
    with pytest.raises(InvalidArgument, match="32 bytes"):
        short.value(1, now=5)


def test_external_randomness_binds_beacon_round_and_value() -> None:
    base = ExternalRound(Digest(b"\x01" * 32), 1, b"\x02" * 32)
    others = [
        ExternalRound(Digest(b"\x09" * 32), 1, b"\x02" * 32),
        ExternalRound(Digest(b"\x01" * 32), 2, b"\x02" * 32),
        ExternalRound(Digest(b"\x01" * 32), 1, b"\x03" * 32),
    ]
    assert all(o.randomness != base.randomness for o in others)


def test_specs_are_consistent() -> None:
    with pytest.raises(InvalidArgument):
        BeaconSpec(BeaconScheme.ED25519, None, None, 0, 1)
    with pytest.raises(InvalidArgument):
        BeaconSpec(BeaconScheme.EXTERNAL, BEACON.key, "x", 0, 1)
    with pytest.raises(InvalidArgument):
        BeaconSpec(BeaconScheme.EXTERNAL, None, "x", 0, 0)
    with pytest.raises(InvalidArgument):
        ExternalRound(Digest(b"\x01" * 32), 1, b"\x02" * 31)
    with pytest.raises(InvalidArgument):
        _local().time_of(-1)
    with pytest.raises(InvalidArgument):
        Ed25519Beacon.from_spec(BeaconSpec(BeaconScheme.EXTERNAL, None, "x", 0, 1))
