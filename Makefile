# Two commands on a fresh machine: `make export` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
NOW    ?=

.PHONY: export test install install-test test-tools clean

export: $(VENV)/.installed
	$(BIN)/press export sources -o dist $(if $(NOW),--now $(NOW))

test: $(VENV)/.installed-test test-tools
	$(BIN)/python -m pytest

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Command-line tools the tests use to look at PDFs (pdftotext, pdffonts, qpdf).
test-tools:
	@command -v pdftotext >/dev/null && command -v qpdf >/dev/null || { \
	  echo "installing poppler-utils and qpdf"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils qpdf >/dev/null; }

clean:
	rm -rf dist .cache .pytest_cache
