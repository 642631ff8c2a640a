# Marwah: the two commands a new user needs are `make demo` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install system-deps lint typecheck messages bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) system-deps

system-deps:
	@bash scripts/system-deps.sh

demo: install
	$(BIN)/marwah compilemessages -v 0 --ignore=.venv
	$(BIN)/marwah demo

test: install
	bash scripts/test.sh

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy marwah

messages: $(STAMP)
	cd marwah && ../$(BIN)/marwah makemessages -l id -l en --no-obsolete --ignore=tests/* && ../$(BIN)/marwah compilemessages

bench: install
	bash benchmarks/run.sh

clean:
	rm -rf $(VENV) var
