# saveroute — two commands matter: `make run` and `make test`. Both set up what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" -ne 0 ] && command -v sudo)
APT_PACKAGES := redis-server prometheus

.PHONY: setup system-deps venv run demo test test-unit test-integration bench bench-engine bench-pipeline clean

system-deps:  ## Debian/Ubuntu packages: a real Redis server, Prometheus and promtool
	@missing=""; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v promtool >/dev/null || missing="$$missing prometheus"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

# the modules mypyc compiles at install time (pyproject.toml [tool.saveroute] compiled):
# editing one rebuilds, so a compiled copy never shadows newer source
COMPILED := $(shell $(PYTHON) -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['tool']['saveroute']['compiled'])")

$(BIN)/.installed: pyproject.toml setup.py $(COMPILED)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

venv: $(BIN)/.installed

setup: system-deps venv

run: setup  ## the embedded default: local broker, redis, every service, demo data, live decisions
	$(BIN)/saveroute up

demo: setup  ## a finite demo: exits 0 once every demo decision has arrived
	$(BIN)/saveroute demo

test: setup  ## the whole suite: unit, property and integration tests against real parts
	$(BIN)/pytest -q

test-unit: setup
	$(BIN)/pytest -q tests/unit

test-integration: setup
	$(BIN)/pytest -q tests/integration

bench: bench-engine bench-pipeline

bench-engine: setup  ## scenarios/s for `saveroute route` over 10,000 scenarios in one process
	$(BIN)/python -m saveroute.bench.engine

bench-pipeline: setup  ## signals/s and end-to-end latency through all four services
	$(BIN)/python -m saveroute.bench.pipeline

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .run
