"""The public surface of every package, pinned (after trio's
``test_exports``).

Each package exports its names once, in order, documented, from private ``_modules``; and the
set of names is pinned in ``tests/data/public_surface.json``, so a change to the surface is a
deliberate, reviewed change. After adding or removing a public name, regenerate the snapshot::

    UPDATE_SURFACE=1 .venv/bin/pytest tests/test_public_surface.py
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

PACKAGES = [
    "oddsproof.errors",
    "oddsproof.wire",
    "oddsproof.ledger",
    "oddsproof.contracts",
    "oddsproof.games",
    "oddsproof.games.lowlevel",
    "oddsproof.markets",
    "oddsproof.arbitration",
    "oddsproof.economics",
    "oddsproof.testing",
    "oddsproof.strategies",
    "oddsproof.cli",
]
MAX_NAMES = 100
"""A namespace a person can hold in mind; low-level names go into a sub-namespace."""
SNAPSHOT = Path(__file__).parent / "data" / "public_surface.json"
REGENERATE = "UPDATE_SURFACE=1 .venv/bin/pytest tests/test_public_surface.py"


def _module(name: str) -> ModuleType:
    return importlib.import_module(name)


def _exported(package: str) -> list[tuple[str, Any]]:
    module = _module(package)
    return [(name, getattr(module, name)) for name in module.__all__]


def isort_key(name: str) -> tuple[int, list[Any]]:
    """Ruff's RUF022 "isort-style" order: CONSTANTS, then Classes, then the rest, naturally."""
    if name.isupper() or (name.upper() == name and any(c.isalpha() for c in name)):
        group = 0
    elif name[:1].isupper():
        group = 1
    else:
        group = 2
    parts = [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]
    return group, parts


@pytest.mark.parametrize("package", PACKAGES)
def test_all_is_sorted_without_duplicates(package: str) -> None:
    names = list(_module(package).__all__)
    assert len(names) == len(set(names)), "a name is exported twice"
    assert names == sorted(names, key=isort_key)


@pytest.mark.parametrize("package", PACKAGES)
def test_every_exported_name_exists_and_is_documented(package: str) -> None:
    undocumented = []
    for name, obj in _exported(package):
        if inspect.isclass(obj) or inspect.isfunction(obj):
            if not (obj.__doc__ or "").strip():
                undocumented.append(name)
            if inspect.isclass(obj):
                undocumented += [f"{name}.{m}" for m in _undocumented_members(obj)]
    assert not undocumented, f"missing docstrings: {undocumented}"


def _undocumented_members(cls: type) -> list[str]:
    out = []
    for member, value in vars(cls).items():
        if member.startswith("_"):
            continue
        target = value.fget if isinstance(value, property) else getattr(value, "__func__", value)
        is_api = (callable(target) or isinstance(value, property)) and not inspect.isclass(target)
        if is_api and not (getattr(target, "__doc__", None) or "").strip():
            out.append(member)
    return out


@pytest.mark.parametrize("package", PACKAGES)
def test_exports_come_from_the_package_private_modules(package: str) -> None:
    misplaced = {
        name: obj.__module__
        for name, obj in _exported(package)
        if (inspect.isclass(obj) or inspect.isfunction(obj))
        and not obj.__module__.startswith(f"{_home(package)}._")
    }
    assert not misplaced, f"exported from outside {package}'s private modules: {misplaced}"


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_class_or_function_is_exported(package: str) -> None:
    module = _module(package)
    missing = [
        name
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(obj) or inspect.isfunction(obj))
        and getattr(obj, "__module__", "").startswith("oddsproof")
        and name not in module.__all__
    ]
    assert not missing, f"public but not in __all__: {missing}"


@pytest.mark.parametrize("package", PACKAGES)
def test_code_lives_in_private_modules(package: str) -> None:
    folder = Path(_module(package).__file__ or "").parent
    public = [
        p.name
        for p in folder.iterdir()
        if (p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists()))
        and not p.name.startswith("_")
        and p.name != "lowlevel.py"  # a sub-namespace of re-exports (as trio.lowlevel)
    ]
    assert not public, f"modules in {package} must be private (_name.py): {public}"


def _home(package: str) -> str:
    """Where a namespace's code lives: a ``lowlevel`` sub-namespace re-exports its parent's."""
    return package.removesuffix(".lowlevel")


def current_surface() -> dict[str, list[str]]:
    return {package: list(_module(package).__all__) for package in PACKAGES}


def test_surface_matches_the_snapshot() -> None:
    surface = current_surface()
    if os.environ.get("UPDATE_SURFACE") == "1":
        SNAPSHOT.write_text(json.dumps(surface, indent=2) + "\n", encoding="ascii")
    pinned = json.loads(SNAPSHOT.read_text(encoding="ascii"))
    changes = []
    for package in sorted(set(surface) | set(pinned)):
        now, before = set(surface.get(package, [])), set(pinned.get(package, []))
        changes += [f"+ {package}.{n}" for n in sorted(now - before)]
        changes += [f"- {package}.{n}" for n in sorted(before - now)]
    assert not changes, (
        "the public surface changed:\n  " + "\n  ".join(changes) + "\n"
        f"if that is deliberate, regenerate the snapshot with: {REGENERATE}"
    )
    assert surface == pinned, f"the order of __all__ changed; regenerate with: {REGENERATE}"


@pytest.mark.parametrize("package", PACKAGES)
def test_no_namespace_is_too_large(package: str) -> None:
    assert len(_module(package).__all__) <= MAX_NAMES


def test_no_name_means_two_things() -> None:
    """A public name is exported by one package only (``Outcome`` once meant two things)."""
    seen: dict[str, str] = {}
    twice = []
    for package in PACKAGES:
        for name in _module(package).__all__:
            if name in seen:
                twice.append(f"{name}: {seen[name]} and {package}")
            seen[name] = package
    assert not twice


def test_a_lowlevel_namespace_only_re_exports() -> None:
    """``lowlevel`` modules define nothing of their own: they name low-level code of the package."""
    for package in PACKAGES:
        if package.endswith(".lowlevel"):
            module = _module(package)
            own = [
                n
                for n, obj in vars(module).items()
                if (inspect.isclass(obj) or inspect.isfunction(obj)) and obj.__module__ == package
            ]
            assert not own, own
