#!/bin/sh
# report_cxx.sh BUILD_DIR: C++ at -O0 and -O2 -g (tests/report/cxx_cache.cpp:
# two std::mutex members inverted through std::lock_guard, std::unique_lock
# and std::scoped_lock, on a heap object and on a static one).
#  - classes are named after the program's frame past the C++ library's
#    (acq:Cache::put@cxx_cache.cpp:LINE) or after the member
#    (cache.mu_), never after __gthread_mutex_lock, and the two sites of put
#    are two classes, not one with #2;
#  - the lock being taken is "at:" Cache::evict on its own line, the title
#    is "possible deadlock in Cache::evict", text and JSON;
#  - with stack_frames=2 a backtrace shows two frames of the program's:
#    the library's frames are not printed and not counted;
#  - _start, which has no debug information, gets no neighbour's source
#    line (which could make it pass for a library frame);
#  - no stack line, class name, title or "at:" line names the C++ library,
#    not even a held lock's at -O0, which the runtime finds past the
#    out-of-line __gthread_mutex_lock (report_cxx_held.sh has more of that).
. "$(dirname "$0")/prelude.sh"

mark() { grep -n "MARK:$2 " "$1" | cut -d: -f1; }

P=$SRC/tests/report/cxx_cache.cpp
L_put_mu=$(mark "$P" put_mu) L_put_lru=$(mark "$P" put_lru)
L_ev_lru=$(mark "$P" evict_lru) L_ev_mu=$(mark "$P" evict_mu)
for l in "$L_put_mu" "$L_put_lru" "$L_ev_lru" "$L_ev_mu"; do
	[ -n "$l" ] || { echo "FAIL: a MARK comment is missing in $P"; exit 1; }
done
MU="acq:Cache::put@cxx_cache.cpp:$L_put_mu"
LRU="acq:Cache::put@cxx_cache.cpp:$L_put_lru"
# What names the C++ library: its namespaces, its thread layer, its headers.
LIB='std::|__gnu_cxx|__gthr|gthr-default\.h|/c\+\+/|libstdc\+\+|std_mutex\.h|unique_lock\.h'

for opt in O0 O2; do
	exe=$T/cxx_$opt
	g++ -std=c++17 -$opt -g -pthread -o "$exe" "$P" || { fail "g++ -$opt"; continue; }
	name="cxx_cache -$opt"
	e=$T/$opt.err
	(cd "$T" && "$U" run -- "$exe" >/dev/null 2>"$e"); rc=$?
	[ $rc -eq 66 ] || fail "$name: exit $rc, expected 66"
	n=$(grep -c "WARNING: possible circular locking dependency detected" "$e")
	[ "$n" -eq 2 ] || fail "$name: $n circular reports, expected 2 (heap and static)"

	# The classes: by site for the heap object, by member for the static one.
	for s in "  lock($LRU);" "  lock($MU);" "  lock(cache.lru_);" "  lock(cache.mu_);" \
		"  1x possible deadlock in Cache::evict ($MU -> $LRU -> $MU)" \
		"  1x possible deadlock in Cache::evict (cache.mu_ -> cache.lru_ -> cache.mu_)"; do
		grep -q -F -- "$s" "$e" || fail "$name: no line '$s'"
	done
	grep -q -E 'cxx_cache\.cpp:[0-9]+#[0-9]' "$e" &&
		fail "$name: a class name with #N: two sites taken for one"

	# The lock being taken, on its first "at:" line: evict's own line.
	grep -A1 "is trying to acquire lock:" "$e" | grep "^0000" >"$T/$opt.at"
	[ "$(wc -l <"$T/$opt.at")" -eq 2 ] || fail "$name: not two 'trying to acquire' lines"
	for cls in "$MU" "cache.mu_"; do
		grep -q "($cls){+...}-{3:3}, at: Cache::evict[+ ].*cxx_cache.cpp:$L_ev_mu\( \[inline\]\)\{0,1\}$" "$T/$opt.at" ||
			fail "$name: ($cls) is not taken at Cache::evict cxx_cache.cpp:$L_ev_mu"
	done
	# The held lock's line too names evict's own line.
	grep -A1 "but task is already holding lock:" "$e" |
		grep -q "($LRU){+...}-{3:3}, at: Cache::evict[+ ].*cxx_cache.cpp:$L_ev_lru" ||
		fail "$name: the held lock is not at Cache::evict cxx_cache.cpp:$L_ev_lru"

	# The stacks: put's link at its unique_lock line, evict's at its guard.
	grep -q "^       Cache::put[+ ].*cxx_cache.cpp:$L_put_lru" "$e" ||
		fail "$name: no stack line 'Cache::put ... cxx_cache.cpp:$L_put_lru'"
	grep -q "^       Cache::evict[+ ].*cxx_cache.cpp:$L_ev_mu" "$e" ||
		fail "$name: no stack line 'Cache::evict ... cxx_cache.cpp:$L_ev_mu'"

	# _start has no debug information: no neighbour's line either (libdwfl's
	# unit for it holds a gap there; with a header's line it would even pass
	# for a library frame and be hidden).
	grep -q "^       _start+0x[0-9a-f]*/0x[0-9a-f]*$" "$e" ||
		fail "$name: no '_start+0x../0x..' frame without a source line"

	# Nothing of the library's.
	if grep -E "$LIB" "$e" >"$T/$opt.lib"; then
		fail "$name: lines naming the C++ library:"
		cat "$T/$opt.lib"
	fi

	# stack_frames=2: the two frames are the program's, the library's
	# frames (five of them at -O0) not counted.
	(cd "$T" && "$U" run --stack-frames=2 -- "$exe" >/dev/null 2>"$T/$opt.sf")
	awk '/^stack backtrace:/ { on = 1; next } on && /^       / { print; next } on { exit }' \
		"$T/$opt.sf" >"$T/$opt.bt"
	grep -v -E "\[inline\]$" "$T/$opt.bt" >"$T/$opt.bt_real"
	[ "$(wc -l <"$T/$opt.bt_real")" -eq 2 ] ||
		fail "$name: stack_frames=2 printed $(wc -l <"$T/$opt.bt_real") frames"
	head -n 1 "$T/$opt.bt" | grep -q "^       Cache::evict[+ ]" ||
		fail "$name: stack_frames=2: the backtrace does not start at Cache::evict"

	# JSON: the same title, not one name of the library's anywhere.
	(cd "$T" && "$U" run --format=json -- "$exe" 2>&1 >/dev/null) >"$T/$opt.json"
	grep -q '"title":"possible deadlock in Cache::evict"' "$T/$opt.json" ||
		fail "$name: JSON title is not 'possible deadlock in Cache::evict'"
	if grep -q -E "$LIB" "$T/$opt.json"; then
		fail "$name: the JSON report names the C++ library"
	fi
	[ $fails -eq 0 ] || { echo "--- $name stderr:"; cat "$e"; }
done

finish "C++ classes, at: lines, stacks and titles name the program, at -O0 and -O2"
