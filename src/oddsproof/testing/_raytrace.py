"""Real workloads for tests, examples, benchmarks and the ``oddsproof demo``.

Sections:

- **Ray tracer** (parallel work): one pixel per piece. A small Whitted-style ray tracer in
  numpy: spheres over a checkered ground plane, a spherical area light sampled per ray (soft
  shadows), Lambert diffuse plus Blinn–Phong specular, mirror reflections for a few bounces, a
  sky gradient, and several jittered samples per pixel (anti-aliasing). The scene is the input
  bytes (:class:`Scene`, a compact binary format of fixed-point integers, so the input has one
  byte form and no floats); the output of a pixel is its RGB colour in [0, 1], gamma 2.

Determinism is what makes a single pixel checkable: every pixel's random numbers (jitter, light
samples) come from a counter-based integer hash of (scene seed, pixel, sample, bounce), and the
tracer uses only IEEE-754 operations that are correctly rounded element by element (``+ - * /``,
``sqrt``, ``floor``, comparisons, ``min``), never transcendental functions (whose vectorised
and scalar code paths may differ in the last bit) nor reductions whose order depends on the
batch. Rendering pixel ``i`` alone or among a million gives the same bits, on any machine.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from oddsproof.contracts import Computation, Shape
from oddsproof.errors import InvalidArgument
from oddsproof.games import ParallelComputation
from oddsproof.games.lowlevel import code_digest

# =============================================================================================
# Ray tracer (parallel work)

RAYTRACE_NAME: Final = "oddsproof/raytrace"
RAYTRACE_VERSION: Final = "1"
RAYTRACE_PRECISION: Final = 16
"""Bits kept per colour channel before hashing: far beyond what a display shows."""

SCENE_MAGIC: Final = b"OPRT"
SCENE_FORMAT_VERSION: Final = 1
FIXED_ONE: Final = 1 << 16
"""Coordinates and lengths are signed Q16.16 fixed point (1.0 is 65536)."""
UNIT_ONE: Final = 0xFFFF
"""Colours and reflectivities are unsigned 16-bit fractions (1.0 is 65535)."""

MAX_SIDE: Final = 1 << 15
MAX_SAMPLES: Final = 64
MAX_BOUNCES: Final = 8
MAX_SPHERES: Final = 64
MAX_SHININESS: Final = 10
"""Specular exponents are powers of two, ``2**shininess``, up to 1024."""

_BATCH_RAYS: Final = 1 << 14
"""Rays traced per numpy batch: large enough to amortise numpy's call overhead, small enough
that the working arrays stay in cache."""
_EPSILON: Final = 1e-6
_FAR: Final = 1e30


def _int_in(lo: int, hi: int) -> Any:
    def check(_inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
        if type(value) is not int or not lo <= value <= hi:
            raise InvalidArgument(f"{attr.name} must be an integer in [{lo}, {hi}], got {value!r}")

    return check


def _triple(lo: int, hi: int) -> Any:
    def check(_inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
        if (
            type(value) is not tuple
            or len(value) != 3
            or not all(type(v) is int and lo <= v <= hi for v in value)
        ):
            raise InvalidArgument(f"{attr.name} must be three integers in [{lo}, {hi}]")

    return check


_I32: Final = (-(1 << 31), (1 << 31) - 1)
_U16: Final = (0, UNIT_ONE)
_POINT = _triple(*_I32)
_COLOUR = _triple(*_U16)


@attrs.frozen
class Sphere:
    """A sphere: centre and radius in Q16.16, colour and mirror reflectivity in 1/65535,
    and a specular exponent of ``2**shininess``."""

    center: tuple[int, int, int] = attrs.field(validator=_POINT)
    radius: int = attrs.field(validator=_int_in(1, _I32[1]))
    color: tuple[int, int, int] = attrs.field(validator=_COLOUR)
    reflect: int = attrs.field(validator=_int_in(*_U16))
    shininess: int = attrs.field(validator=_int_in(0, MAX_SHININESS))

    _FORMAT = struct.Struct("<3iI3HHB")

    def pack(self) -> bytes:
        """The sphere's 27 bytes in the scene format."""
        return self._FORMAT.pack(
            *self.center, self.radius, *self.color, self.reflect, self.shininess
        )

    @classmethod
    def unpack(cls, raw: bytes) -> Sphere:
        """Read one sphere record."""
        fields = cls._FORMAT.unpack(raw)
        return cls(fields[0:3], fields[3], fields[4:7], fields[7], fields[8])


def _spheres(_inst: object, _attr: object, value: Any) -> None:
    if type(value) is not tuple or not 1 <= len(value) <= MAX_SPHERES:
        raise InvalidArgument(f"a scene has 1 to {MAX_SPHERES} spheres")
    if not all(isinstance(s, Sphere) for s in value):
        raise InvalidArgument("spheres must be Sphere values")


@attrs.frozen
class Scene:
    """Everything the ray tracer reads: image size, sampling, camera, light, ground, spheres.

    Encoded with :meth:`to_bytes` as the input X of the computation; :meth:`from_bytes` refuses
    anything but the exact bytes :meth:`to_bytes` produces. ``fov`` is the tangent of half the
    vertical field of view (Q16.16), given directly so that no trigonometry runs anywhere.
    """

    width: int = attrs.field(validator=_int_in(1, MAX_SIDE))
    height: int = attrs.field(validator=_int_in(1, MAX_SIDE))
    samples: int = attrs.field(validator=_int_in(1, MAX_SAMPLES))
    bounces: int = attrs.field(validator=_int_in(0, MAX_BOUNCES))
    seed: int = attrs.field(validator=_int_in(0, (1 << 64) - 1))
    eye: tuple[int, int, int] = attrs.field(validator=_POINT)
    target: tuple[int, int, int] = attrs.field(validator=_POINT)
    fov: int = attrs.field(validator=_int_in(1, _I32[1]))
    light: tuple[int, int, int] = attrs.field(validator=_POINT)
    light_radius: int = attrs.field(validator=_int_in(0, _I32[1]))
    light_color: tuple[int, int, int] = attrs.field(validator=_COLOUR)
    ambient: tuple[int, int, int] = attrs.field(validator=_COLOUR)
    horizon: tuple[int, int, int] = attrs.field(validator=_COLOUR)
    zenith: tuple[int, int, int] = attrs.field(validator=_COLOUR)
    ground: int = attrs.field(validator=_int_in(*_I32))
    tile: int = attrs.field(validator=_int_in(1, _I32[1]))
    ground_colors: tuple[tuple[int, int, int], tuple[int, int, int]] = attrs.field()
    ground_reflect: int = attrs.field(validator=_int_in(*_U16))
    spheres: tuple[Sphere, ...] = attrs.field(validator=_spheres)

    @ground_colors.validator
    def _check_ground(self, _attr: object, value: Any) -> None:
        if type(value) is not tuple or len(value) != 2:
            raise InvalidArgument("ground_colors is a pair of colours")
        for colour in value:
            _COLOUR(self, attrs.fields(Scene).ambient, colour)

    @target.validator
    def _check_view(self, _attr: object, value: Any) -> None:
        dx, dy, dz = (t - e for t, e in zip(value, self.eye, strict=True))
        if dx == 0 and dy == 0 and dz == 0:
            raise InvalidArgument("the camera target must differ from the eye")
        if dx == 0 and dz == 0:
            raise InvalidArgument("the camera must not look straight up or down")

    _HEADER = struct.Struct("<4sBHHBBQ3i3ii3iI3H3H3H3HiI3H3HHB")

    @property
    def pixels(self) -> int:
        """Number of pixels, the pieces of the computation."""
        return self.width * self.height

    def to_bytes(self) -> bytes:
        """The scene's one byte form (little-endian fixed-size fields, then the spheres)."""
        head = self._HEADER.pack(
            SCENE_MAGIC,
            SCENE_FORMAT_VERSION,
            self.width,
            self.height,
            self.samples,
            self.bounces,
            self.seed,
            *self.eye,
            *self.target,
            self.fov,
            *self.light,
            self.light_radius,
            *self.light_color,
            *self.ambient,
            *self.horizon,
            *self.zenith,
            self.ground,
            self.tile,
            *self.ground_colors[0],
            *self.ground_colors[1],
            self.ground_reflect,
            len(self.spheres),
        )
        return head + b"".join(s.pack() for s in self.spheres)

    @classmethod
    def from_bytes(cls, data: bytes) -> Scene:
        """Parse scene bytes; raise :class:`InvalidArgument` unless they are exactly canonical."""
        if not isinstance(data, bytes | bytearray | memoryview):
            raise InvalidArgument(f"a scene is bytes, got {type(data).__name__}")
        raw = bytes(data)
        size = cls._HEADER.size
        if len(raw) < size:
            raise InvalidArgument("scene bytes are too short for the header")
        f = cls._HEADER.unpack(raw[:size])
        if f[0] != SCENE_MAGIC or f[1] != SCENE_FORMAT_VERSION:
            raise InvalidArgument("not an oddsproof scene (bad magic or format version)")
        count = f[-1]
        record = Sphere._FORMAT.size
        if len(raw) != size + count * record:
            raise InvalidArgument(f"scene bytes must hold exactly {count} sphere records")
        spheres = tuple(
            Sphere.unpack(raw[size + j * record : size + (j + 1) * record]) for j in range(count)
        )
        scene = cls(
            width=f[2],
            height=f[3],
            samples=f[4],
            bounces=f[5],
            seed=f[6],
            eye=f[7:10],
            target=f[10:13],
            fov=f[13],
            light=f[14:17],
            light_radius=f[17],
            light_color=f[18:21],
            ambient=f[21:24],
            horizon=f[24:27],
            zenith=f[27:30],
            ground=f[30],
            tile=f[31],
            ground_colors=(f[32:35], f[35:38]),
            ground_reflect=f[38],
            spheres=spheres,
        )
        if scene.to_bytes() != raw:  # pragma: no cover - the struct layout is a bijection
            raise InvalidArgument("scene bytes are not canonical")
        return scene


def _q(value: float) -> int:
    return round(value * FIXED_ONE)


def _u(value: float) -> int:
    return round(value * UNIT_ONE)


def _rgb(r: float, g: float, b: float) -> tuple[int, int, int]:
    return (_u(r), _u(g), _u(b))


def _xyz(x: float, y: float, z: float) -> tuple[int, int, int]:
    return (_q(x), _q(y), _q(z))


def demo_scene(
    width: int = 1024, height: int = 1024, *, samples: int = 4, bounces: int = 2, seed: int = 7
) -> Scene:
    """The scene of the examples and benchmarks: five spheres (three mirrors) on a checkered
    floor under a soft light, at the given size and sampling."""
    spheres = (
        Sphere(_xyz(0.0, 1.0, 0.0), _q(1.0), _rgb(0.9, 0.9, 0.95), _u(0.6), 7),
        Sphere(_xyz(-2.2, 0.7, 0.9), _q(0.7), _rgb(0.85, 0.25, 0.2), _u(0.15), 5),
        Sphere(_xyz(2.1, 0.6, 0.6), _q(0.6), _rgb(0.2, 0.45, 0.85), _u(0.3), 6),
        Sphere(_xyz(0.9, 0.35, 2.0), _q(0.35), _rgb(0.95, 0.8, 0.2), _u(0.05), 4),
        Sphere(_xyz(-0.8, 0.3, 2.3), _q(0.3), _rgb(0.3, 0.8, 0.35), _u(0.4), 8),
    )
    return Scene(
        width=width,
        height=height,
        samples=samples,
        bounces=bounces,
        seed=seed,
        eye=_xyz(0.0, 2.2, 7.5),
        target=_xyz(0.0, 0.6, 0.0),
        fov=_q(math.tan(math.radians(20.0))),
        light=_xyz(-4.0, 7.0, 5.0),
        light_radius=_q(1.0),
        light_color=_rgb(1.0, 0.97, 0.9),
        ambient=_rgb(0.08, 0.09, 0.11),
        horizon=_rgb(0.85, 0.9, 1.0),
        zenith=_rgb(0.25, 0.45, 0.85),
        ground=0,
        tile=_q(1.0),
        ground_colors=(_rgb(0.85, 0.85, 0.8), _rgb(0.15, 0.15, 0.18)),
        ground_reflect=_u(0.2),
        spheres=spheres,
    )


# --- the tracer ------------------------------------------------------------------------------

_F = npt.NDArray[np.float64]
_U64 = npt.NDArray[np.uint64]


@attrs.frozen
class _Prepared:
    """A scene as float64 arrays, plus the camera basis (computed once per call)."""

    scene: Scene
    eye: _F
    forward: _F
    right: _F
    up: _F
    half_w: float
    half_h: float
    centers: _F  # (M, 3)
    radii2: _F  # (M,)
    colors: _F  # (M, 3)
    reflect: _F  # (M,)
    shininess: npt.NDArray[np.int64]  # (M,)
    light: _F
    light_radius: float
    light_color: _F
    ambient: _F
    horizon: _F
    zenith: _F
    ground_colors: _F  # (2, 3)


def _vec(values: Sequence[int], scale: int) -> _F:
    return np.array([v / scale for v in values], dtype=np.float64)


def _normalized(v: _F) -> _F:
    length = math.sqrt(float(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]))
    return np.asarray(v / length, dtype=np.float64)


def _cross(a: _F, b: _F) -> _F:
    return np.array(
        [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]],
        dtype=np.float64,
    )


def _prepare(scene: Scene) -> _Prepared:
    eye = _vec(scene.eye, FIXED_ONE)
    forward = _normalized(_vec(scene.target, FIXED_ONE) - eye)
    right = _normalized(_cross(forward, np.array([0.0, 1.0, 0.0])))
    up = _cross(right, forward)
    half_h = scene.fov / FIXED_ONE
    spheres = scene.spheres
    radii = np.array([s.radius / FIXED_ONE for s in spheres])
    return _Prepared(
        scene=scene,
        eye=eye,
        forward=forward,
        right=right,
        up=up,
        half_w=half_h * scene.width / scene.height,
        half_h=half_h,
        centers=np.array([_vec(s.center, FIXED_ONE) for s in spheres]),
        radii2=radii * radii,
        colors=np.array([_vec(s.color, UNIT_ONE) for s in spheres]),
        reflect=np.array([s.reflect / UNIT_ONE for s in spheres]),
        shininess=np.array([s.shininess for s in spheres], dtype=np.int64),
        light=_vec(scene.light, FIXED_ONE),
        light_radius=scene.light_radius / FIXED_ONE,
        light_color=_vec(scene.light_color, UNIT_ONE),
        ambient=_vec(scene.ambient, UNIT_ONE),
        horizon=_vec(scene.horizon, UNIT_ONE),
        zenith=_vec(scene.zenith, UNIT_ONE),
        ground_colors=np.array([_vec(c, UNIT_ONE) for c in scene.ground_colors]),
    )


_GOLDEN: Final = np.uint64(0x9E3779B97F4A7C15)
_MIX1: Final = np.uint64(0xBF58476D1CE4E5B9)
_MIX2: Final = np.uint64(0x94D049BB133111EB)
_STREAMS: Final = 8
"""Random numbers drawn per ray and bounce: 2 for the pixel jitter, 3 per bounce for the light."""


def _uniform(keys: _U64, stream: int) -> _F:
    """SplitMix64 of ``key * streams + stream``: uniform doubles in [0, 1), exact per element.

    Integer arithmetic wraps modulo 2**64 in numpy arrays (the hash relies on it) and never
    warns; every operand here is an array or an unsigned scalar.
    """
    z = keys * np.uint64(_STREAMS) + np.uint64(stream)
    z = z * _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def _dot(a: _F, b: _F) -> _F:
    """Row-wise dot product of (n, 3) arrays, summed in a fixed order."""
    result: _F = a[:, 0] * b[:, 0] + a[:, 1] * b[:, 1] + a[:, 2] * b[:, 2]
    return result


def _unit(v: _F) -> _F:
    result: _F = v / np.sqrt(_dot(v, v))[:, None]
    return result


def _hit_spheres(p: _Prepared, origins: _F, dirs: _F, t_max: _F) -> tuple[_F, npt.NDArray[Any]]:
    """Nearest sphere hit along each ray within ``t_max``: distance (``_FAR`` if none) and the
    sphere's number."""
    count = len(origins)
    best = t_max.copy()
    which = np.full(count, -1, dtype=np.int64)
    for j in range(len(p.centers)):
        oc = origins - p.centers[j]
        b = _dot(oc, dirs)
        c = _dot(oc, oc) - p.radii2[j]
        disc = b * b - c
        root = np.sqrt(np.maximum(disc, 0.0))
        near = -b - root
        far = -b + root
        t = np.where(near > _EPSILON, near, far)
        hit = (disc > 0.0) & (t > _EPSILON) & (t < best)
        best = np.where(hit, t, best)
        which = np.where(hit, j, which)
    return best, which


def _occluded(p: _Prepared, origins: _F, dirs: _F, distance: _F) -> npt.NDArray[np.bool_]:
    """Whether any sphere blocks each shadow ray before ``distance``."""
    blocked = np.zeros(len(origins), dtype=np.bool_)
    for j in range(len(p.centers)):
        oc = origins - p.centers[j]
        b = _dot(oc, dirs)
        c = _dot(oc, oc) - p.radii2[j]
        disc = b * b - c
        root = np.sqrt(np.maximum(disc, 0.0))
        near = -b - root
        far = -b + root
        t = np.where(near > _EPSILON, near, far)
        blocked |= (disc > 0.0) & (t > _EPSILON) & (t < distance)
    return blocked


def _power_of_two_exponent(base: _F, exponents: npt.NDArray[np.int64]) -> _F:
    """``base ** (2 ** exponents)`` by repeated squaring (exact IEEE multiplications)."""
    result = np.where(exponents == 0, base, 0.0)
    value = base
    for e in range(1, MAX_SHININESS + 1):
        value = value * value
        result = np.where(exponents == e, value, result)
    return result


def _sky(p: _Prepared, dirs: _F) -> _F:
    blend = np.clip(dirs[:, 1], 0.0, 1.0)[:, None]
    result: _F = p.horizon * (1.0 - blend) + p.zenith * blend
    return result


@attrs.frozen
class _Surface:
    """What the nearest hit of each ray is made of."""

    point: _F
    normal: _F
    albedo: _F
    mirror: _F
    shine: npt.NDArray[np.int64]


def _nearest(p: _Prepared, origins: _F, dirs: _F) -> tuple[_F, npt.NDArray[Any], _F]:
    """Nearest hit along each ray: distance (``_FAR`` for a miss), sphere number (-1 for none,
    and for the ground plane), and whether the hit is on the ground plane (1.0) or not."""
    t_sphere, which = _hit_spheres(p, origins, dirs, np.full(len(origins), _FAR))
    dy = dirs[:, 1]
    toward = dy < -1e-12
    ground = p.scene.ground / FIXED_ONE
    t_plane = np.where(toward, (ground - origins[:, 1]) / np.where(toward, dy, -1.0), _FAR)
    on_plane = toward & (t_plane > _EPSILON) & (t_plane < t_sphere)
    which = np.where(on_plane, -1, which)
    t = np.where(on_plane, t_plane, np.where(which >= 0, t_sphere, _FAR))
    return t, which, on_plane.astype(np.float64)


def _surface(p: _Prepared, point: _F, which: npt.NDArray[Any], plane: npt.NDArray[Any]) -> _Surface:
    """Normal and material at hit points: a sphere's, or the checkered ground's."""
    scene = p.scene
    tile = scene.tile / FIXED_ONE
    sphere_index = np.maximum(which, 0)
    sphere_normal = _unit(point - p.centers[sphere_index])
    normal = np.where(plane[:, None], np.array([0.0, 1.0, 0.0]), sphere_normal)
    checker = (np.floor(point[:, 0] / tile) + np.floor(point[:, 2] / tile)) % 2.0
    floor_color = np.where((checker < 0.5)[:, None], p.ground_colors[0], p.ground_colors[1])
    return _Surface(
        point=point,
        normal=normal,
        albedo=np.where(plane[:, None], floor_color, p.colors[sphere_index]),
        mirror=np.where(plane, scene.ground_reflect / UNIT_ONE, p.reflect[sphere_index]),
        shine=np.where(plane, 3, p.shininess[sphere_index]),
    )


def _direct(p: _Prepared, s: _Surface, dirs: _F, keys: _U64, bounce: int) -> tuple[_F, _F]:
    """Ambient, diffuse and specular light at each hit, with a soft shadow: the shadow ray aims
    at a uniformly jittered point of the light's bounding cube. Also returns the offset start
    point for rays leaving the surface."""
    stream = 2 + 3 * bounce
    jitter = np.stack([_uniform(keys, stream + a) for a in range(3)], axis=1) * 2.0 - 1.0
    target = p.light + jitter * p.light_radius
    start = s.point + s.normal * 1e-4
    to_light = target - start
    distance = np.sqrt(_dot(to_light, to_light))
    light_dir = to_light / distance[:, None]
    lambert = np.maximum(_dot(s.normal, light_dir), 0.0)
    lit = (lambert > 0.0) & ~_occluded(p, start, light_dir, distance)
    half = _unit(light_dir - dirs)
    specular = _power_of_two_exponent(np.maximum(_dot(s.normal, half), 0.0), s.shine)
    direct = (
        np.where(lit, lambert, 0.0)[:, None] * s.albedo
        + np.where(lit, specular, 0.0)[:, None] * (0.5 * s.mirror + 0.1)[:, None]
    )
    local: _F = s.albedo * p.ambient + direct * p.light_color
    return local, start


def _trace(p: _Prepared, origins: _F, dirs: _F, keys: _U64) -> _F:
    """Colour of each ray: local shading at each hit plus mirror reflections, up to the
    scene's bounce count; rays that leave the scene see the sky."""
    color = np.zeros((len(origins), 3))
    weight = np.ones((len(origins), 3))
    alive = np.arange(len(origins))
    bounces = p.scene.bounces
    for bounce in range(bounces + 1):
        t, which, plane = _nearest(p, origins, dirs)
        w = weight[alive]
        missed = t >= _FAR
        color[alive[missed]] += w[missed] * _sky(p, dirs[missed])
        hit = ~missed
        if not hit.any():
            break
        d, w, alive = dirs[hit], w[hit], alive[hit]
        surface = _surface(p, origins[hit] + d * t[hit][:, None], which[hit], plane[hit] > 0.5)
        local, start = _direct(p, surface, d, keys[alive], bounce)
        last = bounce == bounces
        keep = 1.0 if last else 1.0 - surface.mirror
        color[alive] += w * local * np.reshape(keep, (-1, 1))
        reflective = surface.mirror > 0.0
        if last or not reflective.any():
            break
        w_next = w * (surface.mirror[:, None] * (0.25 + 0.75 * surface.albedo))
        alive = alive[reflective]
        weight[alive] = w_next[reflective]
        n = surface.normal
        origins = start[reflective]
        dirs = (d - n * (2.0 * _dot(d, n))[:, None])[reflective]
    return color


def _camera_rays(p: _Prepared, pixels: npt.NDArray[np.int64]) -> tuple[_F, _F, _U64]:
    """One jittered primary ray per (pixel, sample), sample-major within each pixel."""
    scene = p.scene
    samples = scene.samples
    pix = np.repeat(pixels, samples)
    sample = np.tile(np.arange(samples, dtype=np.int64), len(pixels))
    keys = (pix.astype(np.uint64) * np.uint64(MAX_SAMPLES) + sample.astype(np.uint64)) ^ np.uint64(
        scene.seed
    )
    x = (pix % scene.width).astype(np.float64) + _uniform(keys, 0)
    y = (pix // scene.width).astype(np.float64) + _uniform(keys, 1)
    px = (2.0 * x / scene.width - 1.0) * p.half_w
    py = (1.0 - 2.0 * y / scene.height) * p.half_h
    dirs = _unit(p.forward + px[:, None] * p.right + py[:, None] * p.up)
    origins = np.broadcast_to(p.eye, dirs.shape).copy()
    return origins, dirs, keys


def render(scene: Scene, pixels: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """RGB rows in [0, 1] (gamma 2) of the given pixels (``y * width + x``), shape (n, 3).

    The mean of the pixel's samples, clamped, then square-rooted (gamma 2). Raises
    :class:`InvalidArgument` for pixels outside the image.
    """
    if not isinstance(scene, Scene):
        raise InvalidArgument(f"render takes a Scene, got {type(scene).__name__}")
    try:
        idx = np.asarray(pixels, dtype=np.int64).reshape(-1)
    except (TypeError, ValueError, OverflowError) as exc:
        raise InvalidArgument(f"pixel indices must be integers: {exc}") from exc
    if len(idx) and (idx.min() < 0 or idx.max() >= scene.pixels):
        raise InvalidArgument(f"pixel indices must lie in [0, {scene.pixels})")
    p = _prepare(scene)
    out = np.empty((len(idx), 3), dtype=np.float64)
    step = max(1, _BATCH_RAYS // scene.samples)
    # A degenerate scene (a light sample exactly on a surface, say) divides by zero; that is
    # reported below as a refused scene rather than as numpy warnings.
    with np.errstate(all="ignore"):
        for start in range(0, len(idx), step):
            block = idx[start : start + step]
            origins, dirs, keys = _camera_rays(p, block)
            colors = _trace(p, origins, dirs, keys).reshape(len(block), scene.samples, 3)
            total = colors[:, 0, :].copy()
            for s in range(1, scene.samples):  # a fixed summation order, whatever the batch
                total += colors[:, s, :]
            out[start : start + len(block)] = np.sqrt(np.clip(total / scene.samples, 0.0, 1.0))
    if not np.isfinite(out).all():
        raise InvalidArgument("the scene is degenerate: some pixels have no finite colour")
    return out


_RAYTRACE_CODE = (
    Sphere,
    Scene,
    _prepare,
    _uniform,
    _dot,
    _unit,
    _hit_spheres,
    _occluded,
    _power_of_two_exponent,
    _sky,
    _nearest,
    _surface,
    _direct,
    _trace,
    _camera_rays,
    render,
)


def ray_tracer(scene: Scene) -> ParallelComputation:
    """The computation "render this scene": one piece per pixel, three values per piece, at
    :data:`RAYTRACE_PRECISION` bits.

    The computation's size is the scene's pixel count; its input is ``scene.to_bytes()``.
    Evaluating it on other bytes parses them as a scene and refuses one of another size.
    """
    if not isinstance(scene, Scene):
        raise InvalidArgument(f"ray_tracer takes a Scene, got {type(scene).__name__}")
    spec = Computation(
        name=RAYTRACE_NAME,
        version=RAYTRACE_VERSION,
        code=code_digest(*_RAYTRACE_CODE),
        shape=Shape.PARALLEL,
        size=scene.pixels,
        precision=RAYTRACE_PRECISION,
    )
    pixels = scene.pixels

    def pieces(data: bytes, indices: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        parsed = scene if data == scene_bytes else Scene.from_bytes(data)
        if parsed.pixels != pixels:
            raise InvalidArgument(f"the scene has {parsed.pixels} pixels, the computation {pixels}")
        return render(parsed, indices)

    scene_bytes = scene.to_bytes()
    return ParallelComputation(spec, pieces)
