# One entry point for the course.
#   make lab    set up .venv (first time only) and open the course in JupyterLab
#   make test   set up .venv (first time only) and run every test
# Override the interpreter or the torch build if you like, e.g.
#   make lab PYTHON=python3.12 TORCH="torch torchvision --index-url https://download.pytorch.org/whl/cpu"

PYTHON ?= python3
VENV   ?= .venv
# These two releases lie on the course machines' local disk; pip takes them from there.
TORCH  ?= torch==2.14.1 torchvision==0.29.1
PORT   ?= 8888

BIN    := $(VENV)/bin
# Jupyter refuses to run as root unless told (containers, CI machines).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
STAMP  := $(VENV)/.convlab-installed

.PHONY: setup lab test test-fast bench lint clean readme

setup: $(STAMP)

# Re-runs only when pyproject.toml or this Makefile changes; a second `make` skips it.
$(STAMP): pyproject.toml Makefile
	@echo "==> [1/3] Creating $(VENV) with $(PYTHON)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "==> [2/3] Installing PyTorch ($(TORCH)); the first time takes a few minutes"
	$(BIN)/python -m pip install --progress-bar on $(TORCH)
	@echo "==> [3/3] Installing convlab and the course's tools"
	$(BIN)/python -m pip install --progress-bar on -e '.[test]'
	@touch $(STAMP)
	@echo "==> Set-up done."

lab: setup
	@echo "==> Opening JupyterLab on http://127.0.0.1:$(PORT) (token printed below)"
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) $(ROOT_FLAG) \
		--LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb

test: setup
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest tests -m "not browser" -p no:nbval

bench: setup
	-$(BIN)/python benchmarks/lab_response.py
	-$(BIN)/python benchmarks/lab_memory.py
	-$(BIN)/python benchmarks/course_run.py

lint: setup
	$(BIN)/ruff check convlab tests benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

readme: setup
	$(BIN)/python -m convlab.course
