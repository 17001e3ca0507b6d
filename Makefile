# The two commands that do all set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint lab notebooks torch clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/chainrule demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

# The bridge to PyTorch (the `torch` extra) as a CPU build: the version the suite is
# tested with, else the newest from PyTorch's CPU index. Without torch its tests skip.
TORCH_CPU ?= torch==2.13.0+cpu
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
torch: $(STAMP)
	$(BIN)/python -c "import torch" 2>/dev/null \
	|| $(BIN)/python -m pip install --quiet --retries 1 --timeout 60 \
	     --extra-index-url $(TORCH_INDEX) '$(TORCH_CPU)' \
	|| $(BIN)/python -m pip install --quiet --retries 1 --timeout 60 \
	     --index-url $(TORCH_INDEX) torch

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

notebooks: $(STAMP)
	$(BIN)/python tests/notebooks/runner.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) chainrule-demo
