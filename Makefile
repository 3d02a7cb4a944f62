# One entry point for the course.
#   make lab    set up .venv (first time only) and open the course in JupyterLab
#   make app    the live labs as an app (Voila: no code, for projecting; token on, 127.0.0.1)
#   make lab-zh the course in Chinese: JupyterLab's interface in Chinese, opens notebooks/zh/00_start_here.ipynb
#   make test   set up .venv (first time only) and run every test
# Override the interpreter or the torch build if you like, e.g.
#   make lab PYTHON=python3.12 TORCH="torch torchvision --index-url https://download.pytorch.org/whl/cpu"

PYTHON ?= python3
VENV   ?= .venv
# These two releases lie on the course machines' local disk; pip takes them from there.
TORCH  ?= torch==2.14.1 torchvision==0.29.1
PORT   ?= 8888
APP_PORT ?= 8866

BIN    := $(VENV)/bin
# Jupyter refuses to run as root unless told (containers, CI machines).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
STAMP  := $(VENV)/.convlab-installed

.PHONY: setup lab lab-zh app test test-fast bench lint clean readme translations labextension

setup: $(STAMP)

# Re-runs only when pyproject.toml, this Makefile or the built RISE extension changes; a second `make` skips it.
$(STAMP): pyproject.toml Makefile labextension/convlab-rise-widgets/package.json
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

# JupyterLab's own interface in Chinese (the zh-CN language pack), from a settings folder of its own,
# so `make lab` stays English; CONVLAB_LANG makes convlab speak Chinese in every kernel.
ZH_SETTINGS := $(VENV)/convlab-zh-settings
lab-zh: setup
	@mkdir -p $(ZH_SETTINGS)/@jupyterlab/translation-extension
	@echo '{"locale": "zh_CN"}' > $(ZH_SETTINGS)/@jupyterlab/translation-extension/plugin.jupyterlab-settings
	@echo "==> 在 http://127.0.0.1:$(PORT) 打开中文版课程（带令牌的链接见下方）"
	JUPYTERLAB_SETTINGS_DIR=$(ZH_SETTINGS) CONVLAB_LANG=zh \
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) $(ROOT_FLAG) \
		--LabApp.default_url=/lab/tree/notebooks/zh/00_start_here.ipynb

app: setup
	@echo "==> Serving the live labs (Voila, no code shown) on http://127.0.0.1:$(APP_PORT) (link with its token below)"
	$(BIN)/voila notebooks/live_labs.ipynb --no-browser --Voila.ip=127.0.0.1 --Voila.port=$(APP_PORT) \
		--Voila.port_retries=0 --token --strip_sources=True --theme=light

test: setup
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest tests -m "not browser" -p no:nbval

# Every benchmark runs; the target fails if any budget was missed.
bench: setup
	@status=0; \
	$(BIN)/python benchmarks/lab_response.py || status=1; \
	$(BIN)/python benchmarks/lab_memory.py || status=1; \
	$(BIN)/python benchmarks/course_run.py || status=1; \
	exit $$status

# The same scope as tests/test_lint.py.
LINT_PATHS := convlab tests benchmarks .ci
lint: setup
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/mypy convlab

# Messages: extract every _("...") from convlab, update the Chinese catalog, compile it.
translations: setup
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k figure_text --no-location --sort-output \
		--project=convlab --copyright-holder="The convlab team" -o convlab/locale/convlab.pot convlab
	$(BIN)/pybabel update -i convlab/locale/convlab.pot -d convlab/locale -D convlab -l zh --no-fuzzy-matching
	$(BIN)/pybabel compile -d convlab/locale -D convlab -l zh --statistics

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

readme: setup
	$(BIN)/python -m convlab.course

# Rebuilds labextension/convlab-rise-widgets, the small JupyterLab extension that lets the live labs
# run inside jupyterlab-rise's slides (see labextension/README.md). Needs node and npm; the built
# files are committed, so only whoever changes labextension/ runs this.
labextension: setup
	cd labextension && npm ci --no-audit --no-fund --loglevel=error && \
	JUPYTERLAB_STAGING="$$($(abspath $(BIN))/python -c 'import jupyterlab, os; print(os.path.join(os.path.dirname(jupyterlab.__file__), "staging"))')" \
	PATH="$(abspath $(BIN)):$$PATH" npm run build
