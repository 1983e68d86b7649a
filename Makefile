# Thin wrapper over CMake with the commands a C developer expects.
#   make            build into build/ (build/ulockdep, build/libulockdep.so)
#   make test       install missing build and test dependencies, build, run
#                   every test; then the debug build's unit tests and the
#                   scenario suite with every shortcut off, whose verdicts
#                   must be the same
#   make demo       build what the demo needs (quietly), then run the ext4
#                   mmap scenario with and without the fix
#   make install PREFIX=/usr/local
#   make bench      benchmark against native, TSan and Helgrind; then merge and
#                   check a suite of 1,000 process records (bench/suite.sh)
#   make bench-memcached  memcached's throughput under memaslap, native and
#                   under ulockdep
#   make torture    build, then run the torture programs (tests/torture)
#                   natively and under ulockdep run: minutes, not in make test

BUILD   ?= build
PREFIX  ?= /usr/local
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
DEBUG_BUILD ?= $(BUILD)-debug
# Every shortcut switched off (docs/design.md, "Checking the shortcuts").
SHORTCUTS_OFF = chain_cache=0:order_shortcut=0:mutex_hint=0:rwlock_hint=0:instance_cache=0:site_cache=0:site_shortcut=0:free_key_cache=0:lazy_release=0

.PHONY: all build test test-debug demo install bench bench-memcached torture deps build-deps clean

all: build

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS) -- --no-print-directory

deps:
	@scripts/install-deps

build-deps:
	@scripts/install-deps build

test: deps
	@$(MAKE) --no-print-directory build
	rm -rf $(BUILD)/verdicts
	cd $(BUILD) && UD_SCENARIO_VERDICTS=$(CURDIR)/$(BUILD)/verdicts \
		ctest --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory test-debug

# The debug build (cmake -DUD_DEBUG=ON) checks its invariants as it runs. It
# runs the unit tests and the scenario suite twice: with the shortcuts on
# (which exercises the fast paths under the checks) and with every shortcut
# off. Each scenario's verdict (kinds, counts, exit status) must equal the
# one of the normal build's last `make test` both times.
test-debug: deps
	cmake -S . -B $(DEBUG_BUILD) -DUD_DEBUG=ON -DULOCKDEP_SANITIZE=OFF $(CMAKE_FLAGS)
	cmake --build $(DEBUG_BUILD) -j $(JOBS) -- --no-print-directory
	rm -rf $(DEBUG_BUILD)/verdicts $(DEBUG_BUILD)/verdicts-off
	cd $(DEBUG_BUILD) && UD_SCENARIO_VERDICTS=$(CURDIR)/$(DEBUG_BUILD)/verdicts \
		ctest --output-on-failure -j $(JOBS) -R '^(unit|scenario)/'
	cd $(DEBUG_BUILD) && UD_SCENARIO_OPTIONS=$(SHORTCUTS_OFF) \
		UD_SCENARIO_VERDICTS=$(CURDIR)/$(DEBUG_BUILD)/verdicts-off \
		ctest --output-on-failure -j $(JOBS) -R '^scenario/'
	scripts/compare-verdicts $(BUILD)/verdicts $(DEBUG_BUILD)/verdicts
	scripts/compare-verdicts $(BUILD)/verdicts $(DEBUG_BUILD)/verdicts-off

# Only the command, the runtime and the example (CMake target demo), not the
# tests: the demo is often the first build. Its output goes to a log, shown
# only when the build fails, so that the report is what the screen shows.
DEMO_LOG = $(BUILD)/demo-build.log
demo: build-deps
	@mkdir -p $(BUILD)
	@echo "make demo: building ulockdep and the example (output in $(DEMO_LOG))"
	@{ test -f $(BUILD)/CMakeCache.txt || cmake -S . -B $(BUILD) $(CMAKE_FLAGS); } >$(DEMO_LOG) 2>&1 && \
		cmake --build $(BUILD) --target demo -j $(JOBS) >>$(DEMO_LOG) 2>&1 || \
		{ cat $(DEMO_LOG); echo "make demo: the build failed; its output is above and in $(DEMO_LOG)"; exit 1; }
	@examples/ext4-mmap/demo.sh $(BUILD)

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

bench: deps
	@$(MAKE) --no-print-directory build
	@bench/run.sh $(BUILD)
	@bench/suite.sh $(BUILD)

bench-memcached: deps
	@$(MAKE) --no-print-directory build
	@bench/memcached.sh $(BUILD)

# UD_TORTURE_REPEAT=N runs each case N times under ulockdep; see
# tests/torture/run.sh for the other variables.
torture: deps
	@$(MAKE) --no-print-directory build
	@tests/torture/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(DEBUG_BUILD)
