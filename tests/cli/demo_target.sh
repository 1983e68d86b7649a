#!/bin/sh
# demo_target.sh BUILD_DIR: `make demo` builds only what the demo runs. In a
# fresh configuration (sanitizer copies on, as by default), the commands of
# the CMake target demo (listed by ninja, nothing built) compile the command,
# the runtime and the ext4 example, and nothing of tests/ and nothing with
# -fsanitize; the Makefile's demo rule builds that target, not everything.
. "$(dirname "$0")/prelude.sh"
# The dry run of make below must not join a make that runs this test.
unset MAKEFLAGS MAKELEVEL MFLAGS
command -v ninja >/dev/null || { echo "FAIL: ninja is needed (scripts/install-deps)"; exit 1; }

if ! cmake -S "$SRC" -B "$T/b" -G Ninja -DULOCKDEP_SANITIZE=ON >"$T/configure.log" 2>&1; then
	cat "$T/configure.log"
	echo "FAIL: cannot configure a fresh build"
	exit 1
fi
ninja -C "$T/b" -t commands demo >"$T/commands" 2>&1 ||
	{ cat "$T/commands"; echo "FAIL: ninja cannot list the demo target's commands"; exit 1; }
# The sources compiled, relative to the tree.
grep -o -e ' -c [^ ]*' "$T/commands" | sed "s| -c $SRC/||" | sort -u >"$T/sources"

for f in src/cli/main.c src/cli/cmd_run.c src/rt/intercept_mutex.c src/engine/check.c \
	src/rt_free/intercept_free.c examples/ext4-mmap/ext4_mmap.c; do
	grep -qx "$f" "$T/sources" || fail "the demo target does not compile $f"
done
grep '^tests/' "$T/sources" >"$T/tests" && fail "the demo target compiles tests: $(tr '\n' ' ' <"$T/tests")"
grep -q -e '-fsanitize' "$T/commands" && fail "the demo target compiles with -fsanitize"

# The Makefile's rule builds the target demo, into a log.
make -s -n -C "$SRC" demo BUILD="$T/b" >"$T/make.out" 2>&1
grep -q -e "cmake --build $T/b --target demo .*>>$T/b/demo-build.log" "$T/make.out" ||
	fail "make demo does not build the demo target into its log: $(cat "$T/make.out")"

finish "the demo target builds the command, the runtime and the example only"
