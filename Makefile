# The developer's verbs. `make help` lists them.
PYTHON ?= python3
CC ?= cc
CORE_DIR := src/tortoise_pathway/_engine/core
CORE_SRC := $(sort $(wildcard $(CORE_DIR)/*.c))
CTEST_SRC := $(sort $(wildcard tests/c/*.c))
CFLAGS_STRICT := -std=c11 -Wall -Wextra -Wconversion -Wswitch-enum -Werror -I$(CORE_DIR) -Itests/c
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: help install check test ctest asan lint bench example clean

help:
	@echo "make check     install, then the whole suite: C tests, lint, pytest on all three databases"
	@echo "make install   build the C engine in place and install the package (editable, dev+test)"
	@echo "make test      the whole test suite: C unit tests, then pytest on SQLite, PostgreSQL, MariaDB"
	@echo "make ctest     the C core's unit tests (prints 'N passed, N failed')"
	@echo "make asan      C tests and the Python suite under AddressSanitizer + UBSan"
	@echo "make lint      ruff and mypy"
	@echo "make bench     the benchmarks in benchmarks/"
	@echo "make example   run the example app end to end on SQLite"

install:
	$(PYTHON) -m pip install -q -e ".[dev,test]"

check: install
	$(MAKE) ctest
	$(MAKE) lint
	$(PYTHON) -m pytest -q -p no:cacheprovider tests

build/ctest: $(CORE_SRC) $(CTEST_SRC) $(wildcard $(CORE_DIR)/*.h) tests/c/pw_test.h
	@mkdir -p build
	$(CC) $(CFLAGS_STRICT) -O1 -g $(SAN) -o $@ $(CORE_SRC) $(CTEST_SRC)

ctest: build/ctest
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ./build/ctest

asan: ctest
	PATHWAY_SANITIZE=1 $(PYTHON) setup.py build_ext --inplace --force
	LD_PRELOAD="$$($(CC) -print-file-name=libasan.so) $$($(CC) -print-file-name=libubsan.so)" \
	ASAN_OPTIONS=detect_leaks=0 $(PYTHON) -m pytest -q -p no:cacheprovider tests
	$(PYTHON) setup.py build_ext --inplace --force

test: ctest
	$(PYTHON) -m pytest -q tests

lint:
	$(PYTHON) -m ruff check src tests benchmarks example
	$(PYTHON) -m mypy src/tortoise_pathway

bench:
	$(PYTHON) benchmarks/run.py

example: install
	$(PYTHON) example/run_example.py

clean:
	rm -rf build src/tortoise_pathway/*.so
