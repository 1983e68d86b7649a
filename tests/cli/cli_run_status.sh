#!/bin/sh
# `ulockdep run` with the real runtime: the library is loaded into the
# program, and a program that reports nothing exits with its own status.
# Needs libulockdep.so, found the way `ulockdep run` finds it by default.
# Usage: cli_run_status.sh BUILD_DIR
. "$(dirname "$0")/prelude.sh"

"$U" run -- /bin/true; rc=$?
[ $rc -eq 0 ] || fail "'ulockdep run -- /bin/true' exited $rc, expected 0"
"$U" run -- sh -c 'exit 3'; rc=$?
[ $rc -eq 3 ] || fail "'ulockdep run -- sh -c \"exit 3\"' exited $rc, expected 3"
"$U" run --exitcode=0 -- sh -c 'exit 7'; rc=$?
[ $rc -eq 7 ] || fail "'ulockdep run --exitcode=0 -- sh -c \"exit 7\"' exited $rc, expected 7"
"$U" run true; rc=$?
[ $rc -eq 0 ] || fail "'ulockdep run true' (PATH lookup) exited $rc, expected 0"
# Death by a signal is passed on as the shell sees it (128 + SIGTERM).
"$U" run -- sh -c 'kill -TERM $$'; rc=$?
[ $rc -eq 143 ] || fail "program killed by SIGTERM: status $rc, expected 143"

# The runtime really is in the program.
maps=$("$U" run -- sh -c 'cat /proc/$$/maps'); rc=$?
[ $rc -eq 0 ] || fail "reading the program's maps exited $rc"
echo "$maps" | grep -q 'libulockdep\.so' || fail "libulockdep.so is not mapped in the program"

finish "exit statuses passed through with the runtime loaded"
