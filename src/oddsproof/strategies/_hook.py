"""The ``hypothesis`` entry point (``[project.entry-points.hypothesis]`` in pyproject.toml).

Hypothesis runs it when it is imported, which can happen while this package is itself being
imported (``oddsproof.strategies`` imports hypothesis): so this module imports nothing, and the
hook imports the registrations only when called.
"""

from __future__ import annotations


def _hypothesis_setup_hook() -> None:
    """Register oddsproof's strategies for its value types (``st.from_type(Claim)`` & co)."""
    from ._registration import register_type_strategies  # noqa: PLC0415 - see the module doc

    register_type_strategies()
