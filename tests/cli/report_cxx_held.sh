#!/bin/sh
# report_cxx_held.sh BUILD_DIR: the "at:" lines of held locks taken through
# std::scoped_lock, std::lock_guard and std::unique_lock
# (tests/report/cxx_held.cpp), at -O0 and -O2 -g. At -O0 the library's
# wrappers are functions of their own and the lock call's return address
# lies in gthr-default.h; the runtime finds the program's line by the
# frame-pointer chain (src/rt/call_site.c). Checked:
#  - "but task is already holding lock:" and each of the three held locks
#    are "at:" Store::scan on the line of their guard;
#  - nothing in the report, text or JSON, names the C++ library;
#  - with call_site_walk=0, -O0 shows the return address again (the check
#    above is not one that cannot fail).
. "$(dirname "$0")/prelude.sh"

mark() { grep -n "MARK:$2 " "$1" | cut -d: -f1; }

P=$SRC/tests/report/cxx_held.cpp
L_d=$(mark "$P" scan_d) L_a=$(mark "$P" scan_a) L_b=$(mark "$P" scan_b)
for l in "$L_d" "$L_a" "$L_b"; do
	[ -n "$l" ] || { echo "FAIL: a MARK comment is missing in $P"; exit 1; }
done
LIB='std::|__gnu_cxx|__gthr|gthr-default\.h|/c\+\+/|libstdc\+\+|std_mutex\.h|unique_lock\.h|/mutex:'
AT='}-{3:3}, at: Store::scan[+ ].*cxx_held\.cpp'

for opt in O0 O2; do
	exe=$T/held_$opt
	g++ -std=c++17 -$opt -g -pthread -o "$exe" "$P" || { fail "g++ -$opt"; continue; }
	name="cxx_held -$opt"
	e=$T/$opt.err
	(cd "$T" && "$U" run -- "$exe" >/dev/null 2>"$e"); rc=$?
	[ $rc -eq 66 ] || fail "$name: exit $rc, expected 66"
	n=$(grep -c "WARNING: possible circular locking dependency detected" "$e")
	[ "$n" -eq 1 ] || fail "$name: $n circular reports, expected 1"

	grep -A1 "but task is already holding lock:" "$e" | grep -q "$AT:$L_b\( \[inline\]\)\{0,1\}$" ||
		fail "$name: the held lock is not at Store::scan cxx_held.cpp:$L_b"
	grep -q "^3 locks held by " "$e" || fail "$name: no '3 locks held by' line"
	for held in "#0:.*$AT:$L_d" "#1:.*$AT:$L_a" "#2:.*$AT:$L_b"; do
		grep -q "^ $held\( \[inline\]\)\{0,1\}$" "$e" ||
			fail "$name: no held-lock line ' $held'"
	done
	if grep -E "$LIB" "$e" >"$T/$opt.lib"; then
		fail "$name: lines naming the C++ library:"
		cat "$T/$opt.lib"
	fi

	(cd "$T" && "$U" run --format=json -- "$exe" 2>&1 >/dev/null) >"$T/$opt.json"
	grep -q "\"line\":$L_d" "$T/$opt.json" || fail "$name: JSON names no line $L_d"
	grep -q -E "$LIB" "$T/$opt.json" && fail "$name: the JSON report names the C++ library"
	[ $fails -eq 0 ] || { echo "--- $name stderr:"; cat "$e"; }
done

# The walk switched off: -O0's held locks are at the lock call's return
# address again, inside the library.
(cd "$T" && ULOCKDEP_OPTIONS=call_site_walk=0 "$U" run -- "$T/held_O0" >/dev/null 2>"$T/off.err")
grep -A1 "but task is already holding lock:" "$T/off.err" | grep -q "at: __gthread_mutex_lock" ||
	fail "call_site_walk=0: the held lock's line is not __gthread_mutex_lock's"

finish "held locks taken through C++ lock guards are at the program's lines, at -O0 and -O2"
