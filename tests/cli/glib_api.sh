#!/bin/sh
# glib_api.sh BUILD_DIR: the list of GLib calls the runtime watches
# (src/rt/glib_api.inc) is what the runtime exports, what GLib has, and what
# README.md lists.
. "$(dirname "$0")/prelude.sh"

names=$(sed -n 's/^UD_GLIB([^,]*, *\([a-z_0-9]*\),.*/\1/p' "$SRC/src/rt/glib_api.inc")
[ "$(printf '%s\n' "$names" | wc -l)" -ge 50 ] || fail "too few names read from glib_api.inc"
glib=$(pkg-config --variable=libdir glib-2.0)/libglib-2.0.so.0
[ -r "$glib" ] || { echo "FAIL: no $glib (Debian: libglib2.0-dev)"; exit 1; }
nm -D --defined-only "$B/libulockdep.so" | awk '{ print $3 }' >"$T/rt"
nm -D --defined-only "$glib" | awk '{ print $3 }' >"$T/glib"
for n in $names; do
	grep -qx "$n" "$T/rt" || fail "libulockdep.so does not export $n"
	grep -qx "$n" "$T/glib" || fail "libglib does not export $n"
	grep -q "\`$n\`" "$SRC/README.md" || fail "README.md does not list $n"
done
# The runtime needs no GLib to load or run.
ldd "$B/libulockdep.so" | grep -q glib && fail "libulockdep.so is linked with GLib"
"$U" run -- true || fail "a program without GLib: exit $?"

finish "$(printf '%s\n' "$names" | wc -l) GLib calls exported, in GLib, in README.md"
