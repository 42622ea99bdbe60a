# The developer's verbs. `make help` lists them.
PYTHON ?= python3
CC ?= cc
CORE_DIR := src/tortoise_pathway/_engine/core
CORE_SRC := $(sort $(wildcard $(CORE_DIR)/*.c))
CTEST_SRC := $(sort $(wildcard tests/c/*.c))
CFLAGS_STRICT := -std=c11 -Wall -Wextra -Wconversion -Wswitch-enum -Werror -I$(CORE_DIR) -Itests/c
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: help install check test ctest asan fuzz fuzz-smoke lint bench example clean

help:
	@echo "make check     install, then the whole suite: C tests, lint, pytest on all three databases"
	@echo "make install   build the C engine in place and install the package (editable, dev+test)"
	@echo "make test      the whole test suite: C unit tests, then pytest on SQLite, PostgreSQL, MariaDB"
	@echo "make ctest     the C core's unit tests (prints 'N passed, N failed')"
	@echo "make asan      C tests and the Python suite under AddressSanitizer + UBSan"
	@echo "make fuzz      libFuzzer on the C core for FUZZ_SECONDS (default 600); needs clang"
	@echo "make fuzz-smoke  the same for 30 seconds"
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

# make asan: the C tests (ctest builds them with -fsanitize=address,undefined), then the
# Python suite on an engine built with PATHWAY_SANITIZE=1. That engine is built apart, in
# build/asan (a copy of the package with the sanitized extension), and put first on the
# path by PYTHONPATH, which the CLI subprocesses inherit along with LD_PRELOAD: the
# in-place extension everything else uses is never replaced, so there is nothing to
# rebuild after the run, even a failed one. The runtime preloaded is that of the compiler
# setup.py builds with (CC from the environment, else Python's own): libasan + libubsan
# for gcc, clang's asan runtime (UBSan included) for clang. Python "leaks" at exit: no
# leak detection there; any UBSan report stops the run.
ASAN_DIR := build/asan
EXT_CC_CMD = $(PYTHON) -c 'import os, sysconfig; print((os.environ.get("CC") or sysconfig.get_config_var("CC")).split()[0])'
SAN_RUNTIME = $(shell cc=$$($(EXT_CC_CMD)); \
	if $$cc --version 2>/dev/null | grep -qi clang; then \
	  $$cc -print-file-name=libclang_rt.asan-$$(uname -m).so; \
	else echo $$($$cc -print-file-name=libasan.so) $$($$cc -print-file-name=libubsan.so); fi)
ASAN_ENV = PYTHONPATH="$(CURDIR)/$(ASAN_DIR)" LD_PRELOAD="$(SAN_RUNTIME)" \
	ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

asan: ctest
	rm -rf $(ASAN_DIR)
	mkdir -p $(ASAN_DIR)
	cp -R src/tortoise_pathway $(ASAN_DIR)/
	rm -f $(ASAN_DIR)/tortoise_pathway/*.so
	find $(ASAN_DIR) -name __pycache__ -prune -exec rm -rf {} +
	PATHWAY_SANITIZE=1 $(PYTHON) setup.py -q build_ext --force --build-lib $(ASAN_DIR) \
	  --build-temp $(ASAN_DIR)/tmp
	$(ASAN_ENV) $(PYTHON) -c 'import tortoise_pathway._engine as e; \
	  assert "/$(ASAN_DIR)/" in e.__file__, e.__file__; print("sanitized engine:", e.__file__)'
	$(ASAN_ENV) $(PYTHON) -m pytest -q -p no:cacheprovider tests

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

# ---- fuzzing (tests/fuzz/README.md) ------------------------------------------
# libFuzzer needs clang; nothing else in this Makefile does.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 600
# Worker processes: 1 fuzzes in one process, anything else forks 2 (libFuzzer -fork=2):
# never more than 2 cores.
FUZZ_JOBS ?= 2
FUZZ_FORK := $(if $(filter 1,$(FUZZ_JOBS)),,-fork=2)
FUZZ_CFLAGS := -std=c11 -Wall -Wextra -Wconversion -Wswitch-enum -Werror -I$(CORE_DIR) \
	-g -O1 -DPW_DEBUG=1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
FUZZ_RUN = mkdir -p build/fuzz-artifacts build/fuzz-corpus && \
	ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0 UBSAN_OPTIONS=print_stacktrace=1 \
	./build/fuzz_core -max_total_time=$(1) -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
	$(FUZZ_FORK) \
	-artifact_prefix=build/fuzz-artifacts/ -print_final_stats=1 \
	build/fuzz-corpus tests/fuzz/corpus

build/fuzz_core: tests/fuzz/fuzz_core.c $(CORE_SRC) $(wildcard $(CORE_DIR)/*.h)
	@mkdir -p build
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz_core.c $(CORE_SRC)

fuzz: build/fuzz_core
	$(call FUZZ_RUN,$(FUZZ_SECONDS))

fuzz-smoke: build/fuzz_core
	$(call FUZZ_RUN,30)
