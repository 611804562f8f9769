"""Noise seeds, the deterministic generator (checked against PCG64 written out in Python),
fixed-point outputs, and calibration of the noise magnitude."""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from oddsproof.errors import InvalidArgument
from oddsproof.games import (
    SeedSchedule,
    analytic_noise,
    calibrate_noise,
    fresh_seed,
    least_noise,
    noise,
    quantize,
    to_fixed,
)
from oddsproof.games.lowlevel import fixed_dtype, from_fixed, next_seed, unit_noise
from oddsproof.wire import Digest, tagged_hash
from tests.strategies import digests, small_chain

PCG_MULTIPLIER = 0x2360ED051FC65DA44385DF649FCCF645
MASK64 = (1 << 64) - 1


def reference_unit_noise(seed: Digest, count: int) -> list[float]:
    """The generator as documented, from first principles: PCG64 (XSL-RR 128/64, step then
    output) from the tagged hash of the seed, four little-endian 16-bit lanes per word."""
    stream = tagged_hash("oddsproof/noise-stream/v1", seed.raw).raw
    state = int.from_bytes(stream[:16], "little")
    inc = int.from_bytes(stream[16:], "little") | 1
    lanes: list[int] = []
    while len(lanes) < count:
        state = (state * PCG_MULTIPLIER + inc) % (1 << 128)
        word = (state >> 64) ^ (state & MASK64)
        rot = state >> 122
        word = ((word >> rot) | (word << (64 - rot))) & MASK64
        lanes += [(word >> (16 * k)) & 0xFFFF for k in range(4)]
    return [(2 * u - 65535) / 65536 for u in lanes[:count]]


@given(digests, st.integers(0, 67))
def test_the_generator_is_pcg64_as_documented(seed: Digest, count: int) -> None:
    assert unit_noise(seed, count).tolist() == reference_unit_noise(seed, count)


def test_known_answer_noise() -> None:
    # Pinned: any change of numpy, platform or code that alters the stream fails here.
    seed = Digest(bytes(32))
    assert [int(x * 65536) for x in unit_noise(seed, 8)] == [
        50973, -24261, 20999, -19761, -59765, -8833, 2769, 59139,
    ]  # fmt: skip
    digest = hashlib.sha256(unit_noise(seed, 4096).tobytes()).hexdigest()
    assert digest == "82415d9baad96f65da7fec2d848d39993d9cdbb439c9e6acbdf288aa8c4241a8"
    assert next_seed(seed).hex() == (
        "0d7438d43af98716748923dbd376938b88fc2a79905ba72748d20ec3448fd46f"
    )


def test_noise_statistics() -> None:
    # 2**18 values: the sample mean's standard error is 1/sqrt(3·2**18) ≈ 0.0011 (for m = 1).
    values = noise(Digest(b"\x42" * 32), (512, 512), 0.25)
    assert values.shape == (512, 512)
    assert np.abs(values).max() < 0.25
    assert abs(values.mean()) < 0.25 * 5 * 0.0011
    assert abs(values.std() - 0.25 / math.sqrt(3)) < 0.002
    assert noise(Digest(b"\x42" * 32), 4, 0.0).tolist() == [0.0] * 4


def test_seeds_chain() -> None:
    first = fresh_seed()
    schedule = SeedSchedule(first)
    walk = [first]
    for _ in range(5):
        walk.append(next_seed(walk[-1]))
    assert list(schedule.seeds(0, 6)) == walk
    assert schedule.seed(3) == walk[3]


@given(st.lists(st.integers(0, 3000), min_size=1, max_size=6))
def test_schedule_random_access_equals_the_walk(indices: list[int]) -> None:
    first = Digest(b"\x07" * 32)
    schedule = SeedSchedule(first)
    for index in indices:
        seed = first
        for _ in range(index):
            seed = next_seed(seed)
        assert schedule.seed(index) == seed


def test_fixed_point_is_an_absolute_precision() -> None:
    assert fixed_dtype(7) == np.int8
    assert fixed_dtype(8) == np.int16
    values = np.array([0.0, 0.5 / 128 - 1e-9, 0.5 / 128 + 1e-9, -1.0, 1.0, 0.3])
    fixed = to_fixed(values, 7)
    assert fixed.dtype == np.int8
    assert fixed.tolist() == [0, 0, 1, -127, 127, 38]
    assert from_fixed(fixed, 7).tolist() == [v / 128 for v in fixed.tolist()]
    with pytest.raises(InvalidArgument):
        to_fixed([np.nan], 7)
    with pytest.raises(InvalidArgument):
        fixed_dtype(16)


def test_the_zero_shortcut_needs_an_absolute_precision() -> None:
    """Under the library's relative quantization, F(0 + tiny noise) keeps its significant
    bits, so claiming the all-zero output never reproduces the hash; under 8-bit fixed point
    it does, until the noise reaches about half a quantum."""
    rng_weights = noise(Digest(b"\x01" * 32), (64, 64), math.sqrt(3 / 64))
    tiny = noise(Digest(b"\x02" * 32), (64, 64), 1e-30)
    out = np.tanh(rng_weights @ tiny)
    assert np.count_nonzero(quantize(out, 8)) == out.size  # relative: nothing rounds to zero
    assert not np.any(to_fixed(out, 7))  # absolute: everything does


def test_least_noise_bisects_a_threshold() -> None:
    found = least_noise(lambda m: m >= 0.003, low=1e-9, high=1.0, ratio=1.01)
    assert 0.003 <= found <= 0.003 * 1.01
    assert least_noise(lambda m: True, low=1e-9, high=1.0) == 1e-9
    with pytest.raises(InvalidArgument):
        least_noise(lambda m: False, low=1e-9, high=1.0)
    with pytest.raises(InvalidArgument):
        least_noise(lambda m: True, low=1.0, high=0.5)


def test_calibration_covers_the_worst_fake_input() -> None:
    chain = small_chain(size=32)
    honest = from_fixed(chain.run_span(chain.initial(b"x"), 0, 5), chain.fraction_bits)
    sparse = np.zeros((32, 32))
    sparse[0, 0] = 0.5
    fakes = [np.zeros((32, 32)), sparse, honest]
    seeds = [Digest(bytes([i]) * 32) for i in range(1, 4)]

    def commit(x: np.ndarray) -> bytes:
        return chain.apply(x).tobytes()

    result = calibrate_noise(commit, fakes, signal=0.6, fraction=0.2, seeds=seeds, margin=4)
    assert result.magnitude == 4 * result.least <= 0.12
    assert result.least == max(result.per_input)
    # At the calibrated magnitude every fake input's committed output depends on the noise.
    for x in fakes:
        outs = {commit(x + noise(s, x.shape, result.magnitude)) for s in seeds}
        assert len(outs) == len(seeds)
        assert commit(x) not in outs
    with pytest.raises(InvalidArgument, match="allows"):
        calibrate_noise(commit, fakes, signal=0.6, fraction=1e-4, seeds=seeds)


def test_analytic_noise() -> None:
    m = analytic_noise(quantum=2**-7, gain=1.5, signal=0.6, fraction=0.1)
    assert m == pytest.approx(4 * 2**-7 * math.sqrt(3) / 1.5)
    with pytest.raises(InvalidArgument):
        analytic_noise(quantum=2**-7, gain=1.5, signal=0.6, fraction=0.01)
    with pytest.raises(InvalidArgument):
        analytic_noise(quantum=0, gain=1.5, signal=0.6, fraction=0.1)
