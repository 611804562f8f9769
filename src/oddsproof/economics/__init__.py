"""The dispute-economics model: parameters compiled with the library's own rules, the
vectorised Monte Carlo kernel, sweeps on any executor, reports and plots
(``docs/simulation.md``).
"""

from ._model import CheckRule as CheckRule
from ._model import DisputeTable as DisputeTable
from ._model import Expectation as Expectation
from ._model import SimLevel as SimLevel
from ._model import SimulationParams as SimulationParams
from ._model import VerificationMode as VerificationMode
from ._model import dispute_table as dispute_table
from ._model import expected_values as expected_values
from ._report import format_table as format_table
from ._report import summarize as summarize
from ._report import write_csv as write_csv
from ._report import write_plots as write_plots
from ._report import write_summary as write_summary
from ._sweep import DEFAULT_CONFIG as DEFAULT_CONFIG
from ._sweep import SimulationConfig as SimulationConfig
from ._sweep import SimulationResult as SimulationResult
from ._sweep import dask_executor as dask_executor
from ._sweep import grid as grid
from ._sweep import load_config as load_config
from ._sweep import parse_config as parse_config
from ._sweep import run_config as run_config
from ._sweep import simulate as simulate

__all__ = [
    "DEFAULT_CONFIG",
    "CheckRule",
    "DisputeTable",
    "Expectation",
    "SimLevel",
    "SimulationConfig",
    "SimulationParams",
    "SimulationResult",
    "VerificationMode",
    "dask_executor",
    "dispute_table",
    "expected_values",
    "format_table",
    "grid",
    "load_config",
    "parse_config",
    "run_config",
    "simulate",
    "summarize",
    "write_csv",
    "write_plots",
    "write_summary",
]
