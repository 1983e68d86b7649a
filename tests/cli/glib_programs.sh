#!/bin/sh
# glib_programs.sh BUILD_DIR: correct GLib programs run under `ulockdep run`
# with no report, and with the output and exit status they have natively:
#  - GStreamer pipelines (gst-launch-1.0; Debian: gstreamer1.0-tools and
#    gstreamer1.0-plugins-base), whose elements, pads and tasks lock GMutexes
#    and GRecMutexes from libgstreamer's threads;
#  - tests/report/glib_gio.c: GTask worker threads, a GThreadPool, a GMutex
#    and GObject properties set from the pool's threads;
#  - the gio tool.
. "$(dirname "$0")/prelude.sh"

command -v gst-launch-1.0 >/dev/null ||
	{ echo "FAIL: no gst-launch-1.0 (Debian: gstreamer1.0-tools)"; exit 1; }
cflags=$(pkg-config --cflags gio-2.0) && libs=$(pkg-config --libs gio-2.0) ||
	{ echo "FAIL: no gio-2.0 for pkg-config (Debian: libglib2.0-dev)"; exit 1; }
# shellcheck disable=SC2086 # the flags are words
gcc -O0 -g -o "$T/gio_prog" "$SRC/tests/report/glib_gio.c" $cflags $libs ||
	{ echo "FAIL: cannot build glib_gio.c"; exit 1; }

# same NAME COMMAND...: the same stdout and status natively and under
# ulockdep, and nothing from ulockdep on stderr (--quiet: not even the
# summary line).
same() {
	name=$1
	shift
	"$@" >"$T/$name.native" 2>"$T/$name.native.err"; want=$?
	"$U" run --quiet -- "$@" >"$T/$name.out" 2>"$T/$name.err"; rc=$?
	[ $rc -eq $want ] || fail "$name: exit $rc under ulockdep, $want natively"
	cmp -s "$T/$name.native" "$T/$name.out" || fail "$name: output differs"
	if grep -q 'ulockdep\|WARNING:' "$T/$name.err"; then
		fail "$name: reported"
		head -40 "$T/$name.err"
	fi
}

same gst gst-launch-1.0 -q audiotestsrc num-buffers=50 ! audioconvert ! fakesink
same gst_queue gst-launch-1.0 -q audiotestsrc num-buffers=50 ! queue ! audioconvert ! \
	audioresample ! fakesink
same gio_prog "$T/gio_prog"
grep -q '^squares 1496 sum 500500$' "$T/gio_prog.out" || fail "gio_prog: $(cat "$T/gio_prog.out")"
same gio_info gio info -a standard::type /

finish "GStreamer pipelines, a GIO program and gio run clean and unchanged"
