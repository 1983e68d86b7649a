#!/bin/sh
# launcher_ctest.sh BUILD_DIR: ulockdep over a CMake project's tests, as the
# README's recipes say. The project has two tests built from
# tests/report/consumer.c: `inversion` takes two locks in both orders,
# `ordered` in one order only. Launched each way below, `inversion` must fail
# with its report in ctest's output, `ordered` must pass, and ctest must exit
# 8 (tests failed):
#  - `ulockdep run -- ctest`: ctest, and through it every test, under the
#    runtime; ulockdep's status is ctest's. With exitcode=0 both tests pass,
#    and log_path leaves the report in a file of the process that reported;
#  - CMAKE_CROSSCOMPILING_EMULATOR="ulockdep;run;--" at configure time
#    (before CMake 3.29): each test program under `ulockdep run`;
#  - CMAKE_TEST_LAUNCHER, the same from CMake 3.29 (when this cmake has it).
# Without a launcher, both tests pass.
. "$(dirname "$0")/prelude.sh"
# The project builds below must not join a make that runs this test.
unset MAKEFLAGS MAKELEVEL MFLAGS

mkdir "$T/src"
cp "$SRC/tests/report/consumer.c" "$T/src/"
cat >"$T/src/CMakeLists.txt" <<EOF
cmake_minimum_required(VERSION 3.16)
project(consumer C)
enable_testing()
find_package(Threads REQUIRED)
include_directories("$SRC/include")
add_executable(inversion consumer.c)
target_link_libraries(inversion PRIVATE Threads::Threads)
add_executable(ordered consumer.c)
target_compile_definitions(ordered PRIVATE CONSUMER_ORDERED)
target_link_libraries(ordered PRIVATE Threads::Threads)
add_test(NAME inversion COMMAND inversion)
add_test(NAME ordered COMMAND ordered)
EOF

# build DIR CMAKE_ARGS...: configure and build the project in $T/DIR.
build() {
	dir=$T/$1
	shift
	if ! { cmake -S "$T/src" -B "$dir" "$@" && cmake --build "$dir"; } >"$dir.log" 2>&1; then
		cat "$dir.log"
		echo "FAIL: cannot build the project ($*)"
		exit 1
	fi
}

# ctest_in DIR NAME [LAUNCHER...]: runs ctest in $T/DIR, output in $T/NAME.out.
ctest_in() {
	dir=$T/$1 out=$T/$2.out
	shift 2
	(cd "$dir" && timeout 120 "$@" ctest --output-on-failure --timeout 60) >"$out" 2>&1
}

# expect_verdicts NAME RC WHAT: in $T/NAME.out, inversion failed with its
# report and ordered passed; ctest exited RC.
expect_verdicts() {
	out=$T/$1.out what=$3
	[ "$2" -eq 8 ] || fail "$what: exit $2, expected 8 (ctest: tests failed)"
	grep -q 'Test *#[0-9]*: inversion \.*\*\*\*Failed' "$out" || fail "$what: test 'inversion' did not fail"
	grep -q 'Test *#[0-9]*: ordered \.* *Passed' "$out" || fail "$what: test 'ordered' did not pass"
	consumer_report "$out" || fail "$what: ctest's output has no report of the inversion"
}

build plain
ctest_in plain none; rc=$?
[ $rc -eq 0 ] || fail "no launcher: ctest exit $rc, expected 0: $(cat "$T/none.out")"
grep -q 'WARNING:' "$T/none.out" && fail "no launcher: a report"

# Around the whole of ctest, every test keeps its own status (ctest sees
# inversion pass) and the tree's status is exitcode; the report is in the
# test's output, which ctest keeps in its log.
ctest_in plain run "$U" run --
rc=$?
[ $rc -eq 66 ] || fail "ulockdep run -- ctest: exit $rc, expected 66 (exitcode)"
grep -q 'Test *#[0-9]*: inversion \.* *Passed' "$T/run.out" || fail "ulockdep run -- ctest: inversion's status was changed"
grep -q '^ulockdep: .*1 problem reported' "$T/run.out" || fail "ulockdep run -- ctest: no summary line with the problem"
consumer_report "$T/plain/Testing/Temporary/LastTest.log" || fail "ulockdep run -- ctest: ctest's log has no report of the inversion"

# exitcode=0 keeps the statuses; the report is left in log_path.<pid>.
mkdir "$T/logs"
ctest_in plain quiet "$U" run --exitcode=0 --log-path="$T/logs/ud" --
rc=$?
[ $rc -eq 0 ] || fail "ulockdep run --exitcode=0 -- ctest: exit $rc, expected 0"
set -- "$T"/logs/ud.*
[ $# -eq 1 ] && [ -f "$1" ] || fail "log_path: $# files in $T/logs, expected one ($*)"
consumer_report "$1" || fail "log_path: $1 has no report of the inversion"
grep -q 'WARNING:' "$T/quiet.out" && fail "log_path: a report in ctest's output"

build emulator "-DCMAKE_CROSSCOMPILING_EMULATOR=$U;run;--"
ctest_in emulator emulator
expect_verdicts emulator $? CMAKE_CROSSCOMPILING_EMULATOR

# CMAKE_TEST_LAUNCHER is CMake 3.29's.
ver=$(cmake --version | sed -n 's/^cmake version \([0-9]*\.[0-9]*\).*/\1/p')
major=${ver%%.*} minor=${ver#*.}
if [ "${major:-0}" -gt 3 ] || { [ "${major:-0}" -eq 3 ] && [ "${minor:-0}" -ge 29 ]; }; then
	build launcher "-DCMAKE_TEST_LAUNCHER=$U;run;--"
	ctest_in launcher launcher
	expect_verdicts launcher $? CMAKE_TEST_LAUNCHER
	launched="run, CMAKE_CROSSCOMPILING_EMULATOR and CMAKE_TEST_LAUNCHER"
else
	launched="run and CMAKE_CROSSCOMPILING_EMULATOR (cmake $ver has no CMAKE_TEST_LAUNCHER)"
fi

finish "ctest under ulockdep $launched"
