"""The ray tracer: scene bytes, determinism of single pixels, and the computation it declares."""

from __future__ import annotations

import hashlib

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oddsproof.contracts import Shape
from oddsproof.errors import InvalidArgument
from oddsproof.games import commit_output
from oddsproof.testing import Scene, Sphere, demo_scene, ray_tracer, render

SMALL = demo_scene(24, 16, samples=3, bounces=2, seed=11)
SMALL_IMAGE = render(SMALL, np.arange(SMALL.pixels))


def test_scene_bytes_round_trip() -> None:
    data = SMALL.to_bytes()
    assert Scene.from_bytes(data) == SMALL
    assert Scene.from_bytes(bytearray(data)) == SMALL
    assert len(data) == Scene._HEADER.size + Sphere._FORMAT.size * len(SMALL.spheres)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda b: b"XXXX" + b[4:],  # magic
        lambda b: b[:4] + b"\x02" + b[5:],  # format version
        lambda b: b[:20],  # truncated header
        lambda b: b[:-1],  # truncated sphere
        lambda b: b + b"\x00",  # trailing byte
        lambda b: b[:5] + b"\x00\x00" + b[7:],  # width 0
        lambda b: b[:9] + b"\x00" + b[10:],  # samples 0
    ],
)
def test_malformed_scene_bytes_are_refused(mutate: object) -> None:
    with pytest.raises(InvalidArgument):
        Scene.from_bytes(mutate(SMALL.to_bytes()))  # type: ignore[operator]


def test_scene_validators() -> None:
    with pytest.raises(InvalidArgument):
        attrs.evolve(SMALL, width=0)
    with pytest.raises(InvalidArgument):
        attrs.evolve(SMALL, samples=65)
    with pytest.raises(InvalidArgument):
        attrs.evolve(SMALL, target=SMALL.eye)
    with pytest.raises(InvalidArgument):
        attrs.evolve(SMALL, target=(SMALL.eye[0], 0, SMALL.eye[2]))  # straight down
    with pytest.raises(InvalidArgument):
        attrs.evolve(SMALL, spheres=())
    with pytest.raises(InvalidArgument):
        attrs.evolve(SMALL, ground_colors=((0, 0, 0),))
    with pytest.raises(InvalidArgument):
        Sphere((0, 0, 0), 0, (0, 0, 0), 0, 0)
    with pytest.raises(InvalidArgument):
        Sphere((0, 0, 0), 1, (0, 0, 70000), 0, 0)
    with pytest.raises(InvalidArgument):
        Scene.from_bytes("text")  # type: ignore[arg-type]


def test_image_is_a_real_render() -> None:
    image = SMALL_IMAGE.reshape(16, 24, 3)
    assert image.min() >= 0.0
    assert image.max() <= 1.0
    sky = image[0, 0]
    assert sky[2] > sky[0]  # the sky is blue
    assert image.std() > 0.1  # spheres, floor and sky differ
    assert len({tuple(px) for px in SMALL_IMAGE.round(2)}) > 50


@settings(max_examples=15)
@given(st.lists(st.integers(0, SMALL.pixels - 1), min_size=1, max_size=40))
def test_any_subset_renders_bit_identically(pixels: list[int]) -> None:
    """A pixel's value does not depend on which other pixels share its batch."""
    assert np.array_equal(render(SMALL, pixels), SMALL_IMAGE[pixels])


def test_single_pixels_and_batch_boundaries() -> None:
    for pixel in (0, 17, SMALL.pixels - 1):
        assert np.array_equal(render(SMALL, [pixel]), SMALL_IMAGE[[pixel]])
    many = demo_scene(128, 128, samples=2, bounces=1)
    picks = np.array([0, 5000, 9000, 16383])
    # Rendering all of them crosses several internal batches.
    full = render(many, np.arange(many.pixels))
    assert np.array_equal(render(many, picks), full[picks])


def test_render_refuses_bad_pixels() -> None:
    for bad in ([-1], [SMALL.pixels], [["x"]]):
        with pytest.raises(InvalidArgument):
            render(SMALL, bad)
    with pytest.raises(InvalidArgument):
        render("scene", [0])  # type: ignore[arg-type]
    assert render(SMALL, []).shape == (0, 3)


def test_ray_tracer_declares_the_computation() -> None:
    comp = ray_tracer(SMALL)
    spec = comp.spec
    assert spec.name == "oddsproof/raytrace"
    assert spec.shape is Shape.PARALLEL
    assert spec.size == SMALL.pixels
    assert spec.precision == 16
    assert ray_tracer(SMALL).spec.id == spec.id
    assert ray_tracer(demo_scene(24, 16, samples=1)).spec.code == spec.code
    assert np.array_equal(comp.evaluate(SMALL.to_bytes(), [3, 4]), SMALL_IMAGE[[3, 4]])
    other = demo_scene(24, 16, samples=1, seed=3)
    assert not np.array_equal(comp.evaluate(other.to_bytes(), [3]), SMALL_IMAGE[[3]])
    with pytest.raises(InvalidArgument):
        comp.evaluate(demo_scene(8, 8).to_bytes(), [0])
    with pytest.raises(InvalidArgument):
        comp.evaluate(b"not a scene", [0])
    with pytest.raises(InvalidArgument):
        ray_tracer("scene")  # type: ignore[arg-type]


def test_rendered_output_is_pinned() -> None:
    """Known answer: the quantized output of a small scene, the same on every machine (the
    tracer uses only correctly rounded IEEE operations)."""
    comp = ray_tracer(SMALL)
    committed = commit_output(comp, SMALL_IMAGE)
    digest = hashlib.sha256(committed.data).hexdigest()
    assert digest == "b0365b0f3aa0692e7c78acc35429a5f60de93842f987aeaa4282d5776fac5e2c"
