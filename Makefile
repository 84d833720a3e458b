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

# PYTHONWARNINGS: setuptools prints a notice about editable installs on every install, which says
# nothing to a communicator; errors still show.
$(VENV)/.installed: $(BIN)/python pyproject.toml
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# What the tests check outputs with: poppler-utils and qpdf (PDF), Debian's Chromium
# (axe-core runs in it), Java (the Nu Html Checker), newsboat (a real feed reader),
# and the two npm packages in tests/tools.
test-tools: tests/tools/node_modules/.installed
	@missing=""; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v qpdf >/dev/null || missing="$$missing qpdf"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	command -v newsboat >/dev/null || missing="$$missing newsboat"; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

tests/tools/node_modules/.installed: tests/tools/package.json tests/tools/package-lock.json
	cd tests/tools && npm ci --silent --no-audit --no-fund
	touch $@

clean:
	rm -rf dist .dist.snapshots .dist.lock .cache .pytest_cache .test-tmp
