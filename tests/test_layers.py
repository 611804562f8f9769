"""Imports point down only.

The layers, bottom up: ``errors`` ← ``wire`` ← ``ledger`` ← ``contracts`` ← ``games`` ←
``markets`` ← ``arbitration`` ← ``economics``. Above them sit ``testing`` (workloads and cheating
players; may import every layer), ``strategies`` (the Hypothesis toolkit; may import every layer
and ``testing``) and ``cli`` (may import every layer and ``testing``, never the Hypothesis
toolkit, which is an optional extra). Checked statically (every import statement, relative ones
resolved) and at run time (importing a layer loads nothing above it).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import oddsproof

SRC = Path(oddsproof.__file__).parent
LAYERS = ("errors", "wire", "ledger", "contracts", "games", "markets", "arbitration", "economics")
TOP = ("testing", "strategies", "cli")
ALLOWED_ABOVE: dict[str, tuple[str, ...]] = {
    "testing": (),
    "strategies": ("testing",),
    "cli": ("testing",),
}


def _forbidden(layer: str) -> tuple[str, ...]:
    if layer in LAYERS:
        above = LAYERS[LAYERS.index(layer) + 1 :] + TOP
    else:
        above = tuple(t for t in TOP if t != layer and t not in ALLOWED_ABOVE[layer])
    return tuple(f"oddsproof.{p}" for p in above)


FORBIDDEN = {layer: _forbidden(layer) for layer in LAYERS + TOP}


def imported_modules(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Absolute names of everything ``source`` (the code of ``module``) imports.

    ``from X import y`` yields both ``X`` and ``X.y`` (y may be a submodule), and string
    arguments of ``importlib.import_module``/``__import__`` count too.
    """
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                origin = f"{base}.{node.module}" if node.module else base
            else:
                origin = node.module or ""
            found.add(origin)
            found.update(f"{origin}.{alias.name}" for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and (
                (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                or (isinstance(node.func, ast.Name) and node.func.id == "__import__")
            )
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return found


def violations(layer: str) -> list[str]:
    out = []
    for path in sorted((SRC / layer).rglob("*.py")):
        relative = path.relative_to(SRC.parent).with_suffix("")
        is_package = relative.name == "__init__"
        parts = relative.parts[:-1] if is_package else relative.parts
        module = ".".join(parts)
        for name in imported_modules(
            path.read_text(encoding="utf-8"), module, is_package=is_package
        ):
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN[layer]):
                out.append(f"{path.relative_to(SRC.parent)} imports {name}")
    return out


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_imports_point_down(layer: str) -> None:
    assert list((SRC / layer).glob("*.py")), "no modules found: the test would pass vacuously"
    assert not violations(layer)


@pytest.mark.parametrize(
    "source",
    [
        "import oddsproof.games",
        "import oddsproof.cli._main as cli",
        "from oddsproof.games import plan",
        "from oddsproof import games",
        "from .. import arbitration",
        "from ..games._planning import plan",
        "def f():\n    from ..arbitration import main",
        "import importlib\nimportlib.import_module('oddsproof.games')",
        "__import__('oddsproof.arbitration')",
    ],
)
def test_the_checker_catches_upward_imports(source: str) -> None:
    """Negative control: each of these, placed in a wire module, is an upward import."""
    names = imported_modules(source, "oddsproof.wire._encoding")
    assert any(n.startswith(FORBIDDEN["wire"]) for n in names), names


@pytest.mark.parametrize(
    "source",
    ["from . import _hashing", "from ._errors import EncodingError", "import cbor2", "import os"],
)
def test_the_checker_allows_imports_within_the_layer(source: str) -> None:
    names = imported_modules(source, "oddsproof.wire._encoding")
    assert not any(n.startswith(("oddsproof.games", "oddsproof.arbitration")) for n in names)


def test_relative_imports_resolve_from_packages_and_modules() -> None:
    assert imported_modules("from . import x", "oddsproof.games", is_package=True) >= {
        "oddsproof.games.x"
    }
    assert imported_modules("from .. import x", "oddsproof.games._m") >= {"oddsproof.x"}


def test_the_checker_catches_the_cli_importing_the_strategies() -> None:
    """Negative control for the top of the stack: the CLI may not import the toolkit (an extra)."""
    names = imported_modules("from ..strategies import contracts", "oddsproof.cli._main")
    assert "oddsproof.strategies" in names
    assert any(n.startswith(FORBIDDEN["cli"]) for n in names)


def test_every_package_has_a_place_in_the_layering() -> None:
    packages = {p.name for p in SRC.iterdir() if (p / "__init__.py").exists()}
    assert packages == set(LAYERS + TOP)


def test_the_strategies_may_import_every_layer() -> None:
    source = (SRC / "strategies" / "_values.py").read_text(encoding="utf-8")
    names = imported_modules(source, "oddsproof.strategies._values")
    assert {"oddsproof.contracts", "oddsproof.games", "oddsproof.arbitration"} <= names


@pytest.mark.parametrize("layer", LAYERS + TOP)
def test_importing_a_layer_loads_nothing_above_it(layer: str) -> None:
    code = (
        f"import sys, oddsproof.{layer}\n"
        "print('\\n'.join(m for m in sys.modules if m.startswith('oddsproof.')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()
    assert f"oddsproof.{layer}" in loaded
    above = {f.split(".")[1] for f in FORBIDDEN[layer]}
    assert not [m for m in loaded if m.split(".")[1] in above]
