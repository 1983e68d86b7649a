#!/bin/sh
# run.sh BUILD_DIR [TARGET...]: build the libFuzzer targets of tests/fuzz with
# clang and fuzz each for a bounded time; exit 1 if any failed to build,
# crashed, broke a check, leaked or timed out. Without TARGET, every
# tests/fuzz/fuzz_<target>.c.
#
# A harness names what it is built with in two comment lines:
#   // SOURCES: src/... src/...   the src/ files it needs (alloc_shim.c is
#                                 always added: it stands in for
#                                 src/base/alloc.c so that ASan sees each block)
#   // FLAGS: -max_len=N ...      libFuzzer options of its own
#
# Environment:
#   UD_FUZZ_TIME  seconds of fuzzing per target (default 15)
#   UD_FUZZ_ARGS  more libFuzzer options (e.g. -jobs=2 -workers=2)
#   CLANG         the compiler (default clang)
#
# Each target works in BUILD_DIR/fuzz/<target>/: the binary `fuzz`, the log
# `fuzz.log`, `corpus/` (a fresh copy of tests/fuzz/corpus/<target>/ that the
# run adds to; kept afterwards) and, after a failure, the input that failed
# (crash-*, leak-*, timeout-*), which `fuzz FILE` runs again.
set -u

if [ $# -lt 1 ] || [ -z "$1" ]; then
	echo "usage: $0 BUILD_DIR [TARGET...]" >&2
	exit 2
fi
B=$(cd "$1" && pwd) || {
	echo "$0: cannot use build directory '$1'" >&2
	exit 2
}
shift
SRC=$(cd "$(dirname "$0")/../.." && pwd)
F="$SRC/tests/fuzz"
CLANG=${CLANG:-clang}
TIME=${UD_FUZZ_TIME:-15}

if [ $# -eq 0 ]; then
	for h in "$F"/fuzz_*.c; do
		t=${h##*/fuzz_}
		set -- "$@" "${t%.c}"
	done
fi

if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "FAIL: no '$CLANG': the fuzz targets need clang with libFuzzer" \
		"(Debian: clang libclang-rt-dev)"
	exit 1
fi

# directive FILE NAME: the value of the first "// NAME:" line of FILE.
directive() {
	sed -n "s|^// $2: *||p" "$1" | head -n 1
}

# UBSan findings abort, so that libFuzzer records them as crashes.
CFLAGS="-std=gnu11 -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined
	-fno-sanitize-recover=all -I$SRC/src -I$F"

fails=0
for t in "$@"; do
	h="$F/fuzz_$t.c"
	W="$B/fuzz/$t"
	if [ ! -f "$h" ]; then
		echo "FAIL: $t: no $h"
		fails=$((fails + 1))
		continue
	fi
	rm -rf "$W"
	mkdir -p "$W/obj" "$W/corpus" || exit 1

	# The harness is ours and must build clean; warnings in src/ are the
	# gcc build's to enforce, so a clang-only one there does not stop this.
	objs="" ok=1
	# shellcheck disable=SC2086 # CFLAGS and the lists split on purpose
	$CLANG $CFLAGS -Wall -Wextra -Werror -fsanitize=fuzzer -c "$h" \
		-o "$W/obj/harness.o" 2>"$W/build.log" || ok=0
	# shellcheck disable=SC2086
	$CLANG $CFLAGS -Wall -Wextra -Werror -fsanitize=fuzzer-no-link \
		-c "$F/alloc_shim.c" -o "$W/obj/alloc_shim.o" 2>>"$W/build.log" || ok=0
	for s in $(directive "$h" SOURCES); do
		o="$W/obj/$(echo "$s" | tr / _).o"
		# shellcheck disable=SC2086
		$CLANG $CFLAGS -Wall -Wextra -fsanitize=fuzzer-no-link \
			-c "$SRC/$s" -o "$o" 2>>"$W/build.log" || ok=0
		objs="$objs $o"
	done
	# shellcheck disable=SC2086
	[ $ok -eq 1 ] && $CLANG $CFLAGS -fsanitize=fuzzer -o "$W/fuzz" \
		"$W/obj/harness.o" "$W/obj/alloc_shim.o" $objs 2>>"$W/build.log" || ok=0
	if [ $ok -ne 1 ]; then
		cat "$W/build.log"
		echo "FAIL: $t: does not build"
		fails=$((fails + 1))
		continue
	fi

	cp "$F/corpus/$t"/* "$W/corpus/" 2>/dev/null
	# -timeout: an input that takes seconds is a bug (the parsers and the
	# matcher run inside the program).
	# shellcheck disable=SC2046,SC2086 # FLAGS and UD_FUZZ_ARGS split on purpose
	(cd "$W" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1 \
		./fuzz -max_total_time="$TIME" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$W/" \
		$(directive "$h" FLAGS) ${UD_FUZZ_ARGS:-} corpus) >"$W/fuzz.log" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		tail -n 60 "$W/fuzz.log"
		found=$(ls "$W"/crash-* "$W"/leak-* "$W"/timeout-* "$W"/oom-* 2>/dev/null)
		echo "FAIL: $t: libFuzzer exited $rc; log $W/fuzz.log"
		for a in $found; do
			echo "  input: $a (again: $W/fuzz $a)"
		done
		fails=$((fails + 1))
		continue
	fi
	# "#N DONE cov: C ft: F corp: ..." is libFuzzer's last status line.
	done_line=$(grep -a 'DONE' "$W/fuzz.log" | tail -n 1)
	echo "ok: $t: ${TIME}s: ${done_line:-no DONE line}"
done

if [ $fails -ne 0 ]; then
	echo "$(basename "$0"): $fails target(s) failed"
	exit 1
fi
echo "$(basename "$0"): ok: $*"
exit 0
