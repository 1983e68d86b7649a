#!/bin/sh
# glib_instance_init.sh BUILD_DIR: the class of a GLib lock made by a GObject
# instance_init (tests/report/glib_instance_init.c; docs/design.md, "Lock
# classes"): the key runs past GObject's frames to the code that made the
# object, so the locks of two unrelated types derived from one base are two
# classes (no false cycle between them), and objects made at one site are
# one class (their inversion is reported).
. "$(dirname "$0")/prelude.sh"
cflags=$(pkg-config --cflags gobject-2.0) && libs=$(pkg-config --libs gobject-2.0) ||
	{ echo "FAIL: no gobject-2.0 for pkg-config (Debian: libglib2.0-dev)"; exit 1; }
# shellcheck disable=SC2086 # the flags are words
gcc -O0 -g -o "$T/prog" "$SRC/tests/report/glib_instance_init.c" $cflags $libs ||
	{ echo "FAIL: cannot build glib_instance_init.c"; exit 1; }

"$U" run -- "$T/prog" >/dev/null 2>"$T/two.err"; rc=$?
[ $rc -eq 0 ] || fail "two types: exit $rc, expected 0: $(head -30 "$T/two.err")"
grep -q 'WARNING:' "$T/two.err" && fail "two types: reported"

"$U" run -- "$T/prog" same >/dev/null 2>"$T/same.err"; rc=$?
[ $rc -eq 66 ] || fail "one site: exit $rc, expected 66"
grep -q '^WARNING: possible circular locking dependency detected' "$T/same.err" ||
	fail "one site: no circular report"

finish "a GObject instance_init's locks are keyed by the code that made the object"
