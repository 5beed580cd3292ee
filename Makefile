# The two commands that matter: `make lab` (students) and `make test` (CI, developers).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
LAB_PORT ?= 8888

.PHONY: lab class test setup browser farm venv engine images lint unit release execute bench demo clean help

help:
	@echo "make lab    - set up (venv, Docker engine, course images) and start JupyterLab"
	@echo "make test   - the same set-up, then lint and every test on the real engine"
	@echo "make demo   - grade the demo class (8+ students) with -j 3, print the summary, write an HTML report"
	@echo "make bench  - benchmarks into bench/RESULTS.md"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip 2>&1 | grep -v "is ignored" || true
	$(BIN)/python -m pip install --quiet -e '.[dev]' 2>&1 | grep -v "is ignored" || true
	@$(BIN)/python -c "import autograder, docker, nbgrader, papermill, playwright, celery, redis" \
		|| { echo "✗ Python packages did not install; see the pip output above"; exit 1; }
	@rm -f $(VENV)/.installed-*
	@touch $@

venv: $(STAMP)

setup: $(STAMP)
	$(BIN)/docker-course engine up
	$(BIN)/docker-course images prepare

lab: setup
	$(BIN)/docker-course lab --port $(LAB_PORT)

# the class server (JupyterHub): make class ROSTER=students.csv TEACHER=park
class: setup
	@test -n "$(ROSTER)" -a -n "$(TEACHER)" || { echo "usage: make class ROSTER=students.csv TEACHER=id"; exit 2; }
	$(BIN)/docker-course class up $(ROSTER) --teacher $(TEACHER)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# the browser tests (`pytest -m browser`) drive Debian's Chromium; Korean text needs CJK fonts.
# Playwright comes from PyPI (dev extras) and never downloads a browser of its own.
BROWSER_DEBS := chromium fonts-noto-cjk

browser: $(STAMP)
	@missing="$$(for p in $(BROWSER_DEBS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done)"; \
	if [ -n "$$missing" ]; then \
		$(BIN)/python -c 'import sys; from autograder.system import apt_install; \
			apt_install(sys.argv[1:], why="browser tests (pytest -m browser)")' $$missing \
		|| { echo "✗ could not install $$missing (needed by pytest -m browser):" \
			"install it with your package manager, then run make test again"; exit 1; }; \
	fi

# the grading farm's tests (`pytest -m farm`) start Debian's redis-server on a unix socket;
# systemd-analyze verifies the worker's unit (docs/docker-course-worker.service)
farm: $(STAMP)
	@command -v redis-server >/dev/null || $(BIN)/python -c 'from autograder.farm import \
		redis_server; redis_server.ensure_installed("farm tests (pytest -m farm)")' \
		|| { echo "✗ could not install redis-server (needed by pytest -m farm):" \
			"install it with your package manager, then run make test again"; exit 1; }
	@command -v systemd-analyze >/dev/null || $(BIN)/python -c 'from autograder.system import \
		apt_install; apt_install(["systemd"], why="the worker unit test (systemd-analyze verify)")' \
		|| { echo "✗ could not install systemd (systemd-analyze checks docs/docker-course-worker.service):" \
			"install it with your package manager, then run make test again"; exit 1; }

test: setup browser farm lint
	$(BIN)/pytest

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .course/modern-engine

release: $(STAMP)
	$(BIN)/docker-course release

execute: setup
	$(BIN)/docker-course execute --private -j 2

demo: setup
	$(BIN)/python -m autograder.demo
