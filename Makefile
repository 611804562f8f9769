# The two commands: `make demo` and `make test`. Each builds .venv from pyproject.toml first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

RADCAD_VENV := benchmarks/.venv-radcad

.PHONY: demo test bench lint clean radcad-venv

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/oddsproof demo

test: $(STAMP)
	$(PY) -m ruff check src tests benchmarks examples
	$(PY) -m mypy
	$(PY) -m pytest -q

bench: $(STAMP) radcad-venv
	$(PY) benchmarks/run.py $(if $(QUICK),--quick,)

# radCAD 0.14 (for `radcad_speedup` only) pins an old numpy and imports typing_extensions
# without declaring it: it gets its own venv, never the project's. If it cannot be built the
# benchmark reports NaN and says why; `make bench` goes on.
radcad-venv:
	@test -f $(RADCAD_VENV)/.installed || { \
	  rm -rf $(RADCAD_VENV) && $(PYTHON) -m venv $(RADCAD_VENV) && \
	  $(RADCAD_VENV)/bin/python -m pip install --quiet radcad==0.14.0 typing_extensions && \
	  touch $(RADCAD_VENV)/.installed; \
	} || { rm -rf $(RADCAD_VENV); echo "could not build $(RADCAD_VENV): radcad_speedup is skipped" >&2; }

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
