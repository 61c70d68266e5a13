# The two commands of the README: `make run` and `make test`. Both install what is missing
# (apt-get, only when a package is absent) and build into build/ first.

BUILD_DIR := build
JOBS := $(shell nproc)

.PHONY: run test bench deps test-deps build

run: build
	scripts/run-example.sh

test: build test-deps
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j2

deps:
	scripts/install-deps.sh

test-deps: deps
	scripts/install-test-deps.sh

build: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD_DIR) -j$(JOBS)

# The benchmarks of bench/ (tables, CSV and a chart under bench/results/); QUICK=1 for a short run.
bench: deps
	QUICK=$(QUICK) scripts/bench.sh
