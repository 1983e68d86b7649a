#!/bin/sh
# launcher_meson.sh BUILD_DIR: ulockdep over a Meson project's tests, as the
# README's recipes say. The project has two tests built from
# tests/report/consumer.c: `inversion` takes two locks in both orders,
# `ordered` in one order only. Launched each way below, `inversion` must fail
# with exit status 66 and its report in the error log, `ordered` must pass,
# and `meson test` must exit 1:
#  - meson test --wrapper='ulockdep run --';
#  - a test setup of the project, add_test_setup(exe_wrapper: ulockdep run
#    --), chosen with meson test --setup.
# Without a wrapper, both tests pass.
. "$(dirname "$0")/prelude.sh"
command -v meson >/dev/null && command -v ninja >/dev/null ||
	{ echo "FAIL: meson and ninja are needed (scripts/install-deps)"; exit 1; }

mkdir "$T/src"
cp "$SRC/tests/report/consumer.c" "$T/src/"
cat >"$T/src/meson.build" <<EOF
project('consumer', 'c')
threads = dependency('threads')
inc = include_directories('$SRC/include')
inversion = executable('inversion', 'consumer.c',
  include_directories: inc, dependencies: threads)
ordered = executable('ordered', 'consumer.c',
  include_directories: inc, dependencies: threads, c_args: '-DCONSUMER_ORDERED')
test('inversion', inversion)
test('ordered', ordered)
add_test_setup('ulockdep', exe_wrapper: ['$U', 'run', '--'])
EOF
if ! { meson setup "$T/b" "$T/src" && meson compile -C "$T/b"; } >"$T/build.log" 2>&1; then
	cat "$T/build.log"
	echo "FAIL: cannot build the project"
	exit 1
fi

# mtest NAME ARGS...: meson test ARGS, output in $T/NAME.out.
mtest() {
	out=$T/$1.out
	shift
	timeout 120 meson test -C "$T/b" --no-rebuild --print-errorlogs "$@" >"$out" 2>&1
}

# expect_verdicts NAME RC WHAT: in $T/NAME.out, inversion failed with its
# report and ordered passed; meson test exited RC.
expect_verdicts() {
	out=$T/$1.out what=$3
	[ "$2" -eq 1 ] || fail "$what: exit $2, expected 1 (a test failed)"
	grep -q '^ *[0-9]*/2 inversion *FAIL .*exit status 66' "$out" ||
		fail "$what: test 'inversion' did not fail with exit status 66"
	grep -q '^ *[0-9]*/2 ordered *OK' "$out" || fail "$what: test 'ordered' did not pass"
	consumer_report "$out" || fail "$what: the error log has no report of the inversion"
}

mtest none; rc=$?
[ $rc -eq 0 ] || fail "no wrapper: meson test exit $rc, expected 0: $(cat "$T/none.out")"
grep -q 'WARNING:' "$T/none.out" && fail "no wrapper: a report"

mtest wrapper --wrapper="$U run --"
expect_verdicts wrapper $? "meson test --wrapper"

mtest setup --setup=ulockdep
expect_verdicts setup $? "meson test --setup (add_test_setup exe_wrapper)"

finish "meson test under ulockdep with --wrapper and a test setup"
