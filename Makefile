# cloudsift — the two commands a fresh Debian 12 machine needs: `make run` and `make test`.
# Everything else (bench, fuzz, format) builds on the same set-up.
JOBS      ?= $(shell nproc)
RELEASE   := build/release
DEBUG     := build/debug
FUZZDIR   := build/fuzz
BIN       := $(RELEASE)/cloudsift
SCENARIO  ?= webapp-coinminer
RUN_DIR   := $(or $(RUN_DIR),$(shell mktemp -d -u /tmp/cloudsift-run.XXXXXX))
FUZZ_SECONDS ?= 30

.PHONY: all setup build debug run test bench fuzz fuzz-smoke format clean

all: build

setup:
	@bash scripts/setup

$(RELEASE)/build.ninja:
	cmake --preset release >/dev/null

$(DEBUG)/build.ninja:
	cmake --preset debug >/dev/null

build: setup $(RELEASE)/build.ninja
	cmake --build $(RELEASE) -j $(JOBS) --target cloudsift

debug: setup $(DEBUG)/build.ninja
	cmake --build $(DEBUG) -j $(JOBS)

# Simulate an incident (a compromised PHP web app whose instance credentials mine coins), hunt it
# with the built-in rules and summarize.
run: build
	@$(BIN) simulate --scenario $(SCENARIO) --out $(RUN_DIR) --seed 7
	@$(BIN) hunt $(RUN_DIR)/AWSLogs $(RUN_DIR)/hosts --rules rules
	@echo "logs kept in $(RUN_DIR)"

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer.
test: debug
	cd $(DEBUG) && ctest --output-on-failure -j $(JOBS)

bench: setup $(RELEASE)/build.ninja
	cmake --build $(RELEASE) -j $(JOBS)
	bash bench/run

fuzz: setup
	CC=clang-14 CXX=clang++-14 cmake --preset fuzz >/dev/null
	cmake --build $(FUZZDIR) -j $(JOBS)
	bash fuzz/run $(FUZZDIR) $(FUZZ_SECONDS)

# CI's check of the fuzz targets: they build with clang and every target runs over the seed
# inputs (tests/fixtures) once, without mutation (deterministic).
fuzz-smoke: setup
	CC=clang-14 CXX=clang++-14 cmake --preset fuzz >/dev/null
	cmake --build $(FUZZDIR) -j $(JOBS)
	bash fuzz/run $(FUZZDIR) 0

format:
	clang-format -i $$(git ls-files 'src/*.cpp' 'src/*.h' 'tests/*.cpp' 'tests/*.h' 'bench/*.cpp' 'fuzz/*.cpp')

clean:
	rm -rf build
