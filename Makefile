# Two commands: `make run` (the product on embedded defaults) and `make test` (the whole suite).
# Both set everything up in .venv first and reuse what is already there.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements-installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup demo lint format

setup: $(STAMP)

$(STAMP): requirements.txt
	@sh .ci/setup-venv "$(PYTHON)" "$(VENV)"
	@touch $@

demo: setup
	@$(BIN)/python manage.py migrate --no-input -v0
	@$(BIN)/python manage.py load_demo

run: demo
	@sh .ci/run-product "$(HOST)" "$(PORT)"

test: setup
	@sh .ci/test-all

lint: setup
	@$(BIN)/ruff format --check . && $(BIN)/ruff check .

format: setup
	@$(BIN)/ruff format . && $(BIN)/ruff check --fix .
