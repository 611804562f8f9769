"""oddsproof: pay for outsourced computation without trusting the worker or redoing the work.

The library is three layers, each a package with its own public surface:
``oddsproof.contracts`` (encoding, signatures, contract terms, ledger),
``oddsproof.games`` (verification games) and ``oddsproof.arbitration`` (disputes, the CLI).
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
