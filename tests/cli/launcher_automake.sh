#!/bin/sh
# launcher_automake.sh BUILD_DIR: ulockdep over an Automake project's
# `make check`, as the README's recipe says: make check LOG_COMPILER='ulockdep
# run --'. The project has two test programs built from
# tests/report/consumer.c: `inversion` takes two locks in both orders,
# `ordered` in one order only. `inversion` must FAIL with its report in its
# log and in test-suite.log, `ordered` must PASS, and make must fail.
# Without LOG_COMPILER, both pass.
. "$(dirname "$0")/prelude.sh"
# This project's make must not join a make that runs this test.
unset MAKEFLAGS MAKELEVEL MFLAGS
command -v autoreconf >/dev/null && command -v automake >/dev/null ||
	{ echo "FAIL: autoconf and automake are needed (scripts/install-deps)"; exit 1; }

mkdir "$T/src"
cp "$SRC/tests/report/consumer.c" "$T/src/"
cat >"$T/src/configure.ac" <<'EOF'
AC_INIT([consumer], [1.0])
AM_INIT_AUTOMAKE([foreign])
AC_PROG_CC
AC_CONFIG_FILES([Makefile])
AC_OUTPUT
EOF
cat >"$T/src/Makefile.am" <<'EOF'
check_PROGRAMS = inversion ordered
inversion_SOURCES = consumer.c
ordered_SOURCES = consumer.c
ordered_CPPFLAGS = -DCONSUMER_ORDERED
LDADD = -lpthread
TESTS = $(check_PROGRAMS)
EOF
cd "$T/src" || exit 1
if ! { autoreconf -i && ./configure CPPFLAGS="-I$SRC/include"; } >"$T/build.log" 2>&1; then
	cat "$T/build.log"
	echo "FAIL: cannot set up the project"
	exit 1
fi

timeout 120 make check >"$T/plain.out" 2>&1; rc=$?
[ $rc -eq 0 ] || fail "no LOG_COMPILER: make check exit $rc, expected 0: $(cat "$T/plain.out")"
grep -q '^PASS: inversion' "$T/plain.out" || fail "no LOG_COMPILER: inversion did not pass"
rm -f ./*.log ./*.trs

timeout 120 make check LOG_COMPILER="$U run --" >"$T/check.out" 2>&1; rc=$?
[ $rc -ne 0 ] || fail "LOG_COMPILER: make check succeeded"
grep -q '^FAIL: inversion' "$T/check.out" || fail "LOG_COMPILER: inversion did not FAIL: $(cat "$T/check.out")"
grep -q '^PASS: ordered' "$T/check.out" || fail "LOG_COMPILER: ordered did not PASS"
consumer_report inversion.log || fail "LOG_COMPILER: inversion.log has no report of the inversion"
consumer_report test-suite.log || fail "LOG_COMPILER: test-suite.log has no report of the inversion"
grep -q 'WARNING:' ordered.log && fail "LOG_COMPILER: ordered.log has a report"

finish "make check under ulockdep with LOG_COMPILER"
