# Communiqué: the commands a newcomer and CI use. Each target installs what is missing
# first (scripts/setup), so `make run` and `make test` work on a fresh Debian 12 machine.

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= 2
DATA_DIR ?= communique-data
# Warnings are errors in CI.
WERROR := $(if $(filter true,$(CI)),ON,OFF)

.PHONY: all setup configure build binary run test bench format clean

all: build

setup:
	@scripts/setup

configure: setup
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
	  -DCOMMUNIQUE_WERROR=$(WERROR) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)
	@echo "built $(BUILD_DIR)/communique"

# Only the program, without the tests: what `make run` needs.
binary: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target communique
	@echo "built $(BUILD_DIR)/communique"

run: binary
	$(BUILD_DIR)/communique --data-dir $(DATA_DIR) serve

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

bench: build
	bench/import_bench.py --binary $(BUILD_DIR)/communique
	bench/letter_bench.py --build $(BUILD_DIR)
	bench/smtp_bench.py --binary $(BUILD_DIR)/communique
	bench/http_bench.py --binary $(BUILD_DIR)/communique
	bench/feed_parse_bench.py --build $(BUILD_DIR)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD_DIR)
