#!/bin/bash
# nng's own test suite (ctest of a Debug build with tests on), natively and
# under ulockdep (ctest and every test under the runtime, one store for the
# whole run). NNG_BUILD is that build directory, made with
#   cmake -DCMAKE_BUILD_TYPE=Debug -DNNG_TESTS=ON SRC && make
# (nng needs only cmake and a C compiler). The output compared is the list
# of tests with their verdicts. Then the lock classes made in
# src/core/socket.c are listed from the store (issue 15: the socket mutex
# s_mx is one class).
. "$(dirname "$0")/lib.sh"
need ctest
if [ ! -f "${NNG_BUILD:-}/CTestTestfile.cmake" ]; then
	echo "NNG_BUILD must be a built nng tree with tests (see tests/real/nng.sh)" >&2
	exit 2
fi
J=${NNG_JOBS:-1}

verdicts() {
	sed -n 's/^ *[0-9]*\/[0-9]* Test *#[0-9]*: \([^ ]*\) .*\(Passed\|Failed\|Timeout\|Exception\|Not Run\).*/\1 \2/p' "$1" |
		LC_ALL=C sort
}
rm -f "$W"/logs/nng.* "$W/nng.db"
(cd "$NNG_BUILD" && timeout -k 10 "$T" ctest -j"$J" --timeout 600) >"$W/nng.native.log" 2>&1
rn=$?
# shellcheck disable=SC2086 # UL_OPTS is a list of options
(cd "$NNG_BUILD" && timeout -k 10 "$T" "$U" run --log-path="$W/logs/nng" \
	--graph="$W/nng.db" $UL_OPTS -- ctest -j"$J" --timeout 600) \
	>"$W/nng.ud.log" 2>"$W/nng.ud.err"
ru=$?
verdicts "$W/nng.native.log" >"$W/nng.native.out"
verdicts "$W/nng.ud.log" >"$W/nng.ud.out"
real_compare nng "$rn" "$ru"
grep -a '^ulockdep: ' "$W/nng.ud.err" | sed 's/^/  /'
real_reports nng | grep -v '^  ulockdep: '
echo "nng: lock classes made in src/core/socket.c (whole run):"
"$U" graph "$W/nng.db" --format=dot |
	sed -n 's/^ *c[0-9]* \[label="\([^"]*@socket\.c[^"]*\)".*/    \1/p' | LC_ALL=C sort
