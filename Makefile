# Two commands do all the set-up on a fresh machine:
#   make demo   # creates .venv when missing, then scores the bundled examples with the bundled model
#   make test   # creates .venv when missing, then runs the test suite
# Both install exactly the versions in requirements/lock.txt (the environment CI tested).
VENV ?= .venv
PY := $(VENV)/bin/python
LOCK := requirements/lock.txt
STAMP := $(VENV)/.stylecheck-installed
DEMO_OUT ?= demo-out
LOCK_VENV ?= .venv-lock
# PIP_CONSTRAINT (unlike -c) also reaches the build environments pip makes for sdists and for
# stylecheck itself, so nothing is resolved afresh on the day.
PIP := PIP_CONSTRAINT=$(abspath $(LOCK)) $(PY) -m pip

.PHONY: demo test test-all venv lock clean

venv: $(STAMP)

$(STAMP): pyproject.toml $(LOCK)
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q pip setuptools wheel
	$(PIP) install -q -e '.[test]'
	$(PY) scripts/check_env.py --lock $(LOCK)
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/stylecheck score stylecheck/examples/audio --expected stylecheck/examples/styles.csv --out $(DEMO_OUT) --force

test: $(STAMP)
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q

test-all: $(STAMP)
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q -m ''

# Resolve pyproject.toml afresh (newest releases its ranges allow) in a scratch venv and freeze
# it into the lock. Then run `make test` (the stamp depends on the lock, so .venv is rebuilt
# to match) and commit the lock only if the suite passes.
lock:
	rm -rf $(LOCK_VENV) && python3 -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install -q --upgrade pip setuptools wheel -e '.[test]'
	{ sed -n '1,3p' $(LOCK); $(LOCK_VENV)/bin/python -m pip freeze --all --exclude-editable \
	    | grep -v -e '^-e' -e '^stylecheck' | LC_ALL=C sort -f; } > $(LOCK).new
	mv $(LOCK).new $(LOCK) && rm -rf $(LOCK_VENV)

clean:
	rm -rf $(DEMO_OUT) .pytest_cache
