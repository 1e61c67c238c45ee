# `make serve` and `make test` each set themselves up on a fresh machine: a venv, CPU torch first
# (so pip never pulls a multi-GB CUDA build), then the project, then the one-time model build.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install model serve test lint system-deps train evaluate evaluate-uploads bench bench-report corpus-coverage

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

model: install
	$(PY) -m scripts.build_model

serve: model
	$(PY) -m scripts.keys dev
	@echo "Serving on http://127.0.0.1:$(PORT) (report page at /, API docs at /docs)"
	$(PY) -m uvicorn api.serve:app --host 127.0.0.1 --port $(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy api models pipeline scripts
	$(VENV)/bin/lint-imports

system-deps:
	scripts/system_deps.sh

test: lint model system-deps
	$(PY) -m pytest

train: install
	$(PY) -m scripts.train

evaluate: model
	$(PY) -m scripts.evaluate

evaluate-uploads: model
	$(PY) -m scripts.evaluate_uploads

bench: model
	$(PY) -m scripts.bench

bench-report: model
	$(PY) -m scripts.bench_report

corpus-coverage: install
	$(PY) -m scripts.corpus coverage
