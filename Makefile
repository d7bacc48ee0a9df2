# Two commands do all the set-up on a fresh machine:
#   make demo   # creates .venv when missing, then scores the bundled examples with the bundled model
#   make test   # creates .venv when missing, then runs the test suite
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.stylecheck-installed
DEMO_OUT ?= demo-out

.PHONY: demo test test-all venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/stylecheck score stylecheck/examples/audio --expected stylecheck/examples/styles.csv --out $(DEMO_OUT) --force

test: $(STAMP)
	$(PY) -m pytest -q

test-all: $(STAMP)
	$(PY) -m pytest -q -m ''

clean:
	rm -rf $(DEMO_OUT) .pytest_cache
