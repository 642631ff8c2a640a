# Marwah: the two commands a new user needs are `make demo` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install lint typecheck messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)
	@bash scripts/system-deps.sh test

demo: $(STAMP)
	@bash scripts/system-deps.sh app
	$(BIN)/marwah compilemessages -v 0 --ignore=.venv
	$(BIN)/marwah demo

test: install
	bash scripts/test.sh

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy marwah

# Each app (and the rules catalog) keeps its own catalog; translate the new Indonesian entries after this.
messages: $(STAMP)
	for dir in marwah/*/locale; do (cd $$dir/.. && ../../$(BIN)/marwah makemessages -l id -l en --ignore='tests/*' -v 0); done
	$(BIN)/marwah compilemessages -v 0 --ignore=.venv

clean:
	rm -rf $(VENV) var
