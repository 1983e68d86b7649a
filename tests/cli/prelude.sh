#!/bin/sh
# prelude.sh: what every tests/cli script shares. A script sources it first:
#   . "$(dirname "$0")/prelude.sh"
# with the build directory as its own $1, and gets:
#   B      the build directory, absolute (a script may change directory)
#   SRC    the source tree, found from the script's own path
#   U      the ulockdep command of the build
#   T      a fresh temporary directory, removed when the script exits
#   fail   fail TEXT: prints "FAIL: TEXT" and counts it; the script goes on,
#          so that one run shows every failed check
#   finish finish TEXT: the last line of a script; prints a summary and exits
#          1 if any check failed, else 0
#   consumer_report FILE: true when FILE holds the report of
#          tests/report/consumer.c
# ULOCKDEP_OPTIONS and ULOCKDEP_LIB are cleared: a developer's environment
# must not change what a test sees. POSIX sh, since the scripts run as
# /bin/sh.
# shellcheck disable=SC2034 # B, SRC, U and T are for the sourcing script

set -u

if [ $# -lt 1 ] || [ -z "$1" ]; then
	echo "usage: $0 BUILD_DIR" >&2
	exit 2
fi
B=$(cd "$1" && pwd) || {
	echo "$0: cannot use build directory '$1'" >&2
	exit 2
}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
U="$B/ulockdep"

T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
# An interrupted run exits through the EXIT trap too, so T does not linger.
trap 'exit 1' HUP INT TERM

unset ULOCKDEP_OPTIONS ULOCKDEP_LIB

fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

finish() {
	if [ "$fails" -ne 0 ]; then
		echo "$(basename "$0"): $fails check(s) failed"
		exit 1
	fi
	echo "$(basename "$0"): ok: $*"
	exit 0
}

# consumer_report FILE: FILE holds the report of tests/report/consumer.c (a
# circular dependency between the classes its annotations name), which the
# packaging and test-launcher scripts build in other projects.
consumer_report() {
	grep -q '^WARNING: possible circular locking dependency detected' "$1" &&
		grep -q '(consumer_a)' "$1" && grep -q '(consumer_b)' "$1"
}

# tests/CMakeLists.txt registers every tests/cli/*.sh, this file included; run
# on its own, it checks only that the setup above works.
case "$0" in
prelude.sh | */prelude.sh) finish "B, SRC, U and T set up" ;;
esac
