#!/bin/sh
# report_cxx_plugin.sh BUILD_DIR: a C program (tests/report/dl_main.c) that
# dlopens a C++ plugin (tests/report/cxx_plugin.cpp) gets demangled names,
# whether or not a demangler is in reach of the program: the classes are
# plug::ma and plug::mb, not _ZN4plug2maE; the title is "possible deadlock in
# plug::backward", not in _ZL20__gthread_mutex_lockP15pthread_mutex_t; no
# mangled name anywhere, at -O0 and -O2, in text and JSON.
. "$(dirname "$0")/prelude.sh"

H=$SRC/tests/report/dl_main.c
P=$SRC/tests/report/cxx_plugin.cpp
L_bwd=$(grep -n "MARK:bwd_a " "$P" | cut -d: -f1)
[ -n "$L_bwd" ] || { echo "FAIL: no MARK:bwd_a in $P"; exit 1; }
gcc -O0 -g -o "$T/host" "$H" -ldl || { echo "FAIL: gcc $H"; exit 1; }
# A C host has no C++ runtime: the plugin brings it, loaded RTLD_LOCAL.
if nm -D "$T/host" | grep -q -i "stdc++\|cxa_demangle"; then
	echo "FAIL: the host links C++"
	exit 1
fi

for opt in O0 O2; do
	lib=$T/libplug_$opt.so
	g++ -std=c++17 -$opt -g -shared -fPIC -o "$lib" "$P" || { fail "g++ -$opt"; continue; }
	name="plugin -$opt"
	e=$T/$opt.err
	"$U" run -- "$T/host" "$lib" >/dev/null 2>"$e"; rc=$?
	[ $rc -eq 66 ] || fail "$name: exit $rc, expected 66"
	for s in "  1x possible deadlock in plug::backward (plug::ma -> plug::mb -> plug::ma)" \
		"  lock(plug::mb);" "  lock(plug::ma);"; do
		grep -q -F -- "$s" "$e" || fail "$name: no line '$s'"
	done
	grep -A1 "is trying to acquire lock:" "$e" |
		grep -q "(plug::ma){+...}-{3:3}, at: plug::backward[+ ].*cxx_plugin.cpp:$L_bwd" ||
		fail "$name: plug::ma is not taken at plug::backward cxx_plugin.cpp:$L_bwd"
	grep -q "^       plug::forward[+ ]" "$e" || fail "$name: no stack line of plug::forward"
	if grep -n "_Z[A-Za-z0-9_]*" "$e" >"$T/$opt.mangled"; then
		fail "$name: mangled names:"
		cat "$T/$opt.mangled"
	fi
	"$U" run --format=json -- "$T/host" "$lib" >/dev/null 2>"$T/$opt.json"
	grep -q '"title":"possible deadlock in plug::backward"' "$T/$opt.json" ||
		fail "$name: JSON title is not 'possible deadlock in plug::backward'"
	grep -q '"_Z' "$T/$opt.json" && fail "$name: mangled names in JSON"
	[ $fails -eq 0 ] || { echo "--- $name stderr:"; cat "$e"; }
done

finish "a C host's C++ plugin gets demangled classes, frames and titles"
