#!/bin/sh
# package_consumer.sh BUILD_DIR: another project builds against an installed
# ulockdep. The build is installed (cmake --install) into a fresh prefix; then
# tests/report/consumer.c, an annotated program with a lock inversion, is
# built from that prefix alone:
#  - by CMake, find_package(ulockdep VERSION) with CMAKE_PREFIX_PATH: linked
#    with ulockdep::ulockdep it reports the inversion by itself (exit 66);
#    with ulockdep::headers it reports nothing alone and the inversion under
#    ULOCKDEP_EXECUTABLE run; a version above the installed one is refused;
#  - with pkg-config (PKG_CONFIG_PATH) and cc: the same as linked;
#  - by Meson, dependency('ulockdep'): linked, and headers only
#    (partial_dependency) under `ulockdep run`.
. "$(dirname "$0")/prelude.sh"
# The project builds below must not join a make that runs this test.
unset MAKEFLAGS MAKELEVEL MFLAGS

part() { sed -n "s/^#define ULOCKDEP_VERSION_$1 \([0-9][0-9]*\)$/\1/p" "$SRC/include/ulockdep.h"; }
version="$(part MAJOR).$(part MINOR).$(part PATCH)"
case $version in
[0-9]*.[0-9]*.[0-9]*) ;;
*) echo "FAIL: cannot read the version from include/ulockdep.h"; exit 1 ;;
esac
command -v meson >/dev/null && command -v ninja >/dev/null ||
	{ echo "FAIL: meson and ninja are needed (scripts/install-deps)"; exit 1; }

# log NAME CMD...: runs CMD with its output in $T/NAME.log, shown on failure.
log() {
	name=$1
	shift
	"$@" >"$T/$name.log" 2>&1 && return 0
	cat "$T/$name.log"
	return 1
}

# expect_report NAME RC FILE: a run that reported consumer.c's inversion.
expect_report() {
	[ "$2" -eq 66 ] || fail "$1: exit $2, expected 66"
	consumer_report "$3" || fail "$1: no report of the inversion: $(head -c 600 "$3")"
}

# expect_clean NAME RC FILE: a run without the runtime.
expect_clean() {
	[ "$2" -eq 0 ] || fail "$1: exit $2, expected 0"
	grep -q 'WARNING:' "$3" && fail "$1: a report without the runtime"
	grep -q 'consumer: done' "$3" || fail "$1: the program did not finish: $(cat "$3")"
}

P=$T/prefix
log install cmake --install "$B" --prefix "$P" || { echo "FAIL: cmake --install"; exit 1; }
pc=$(find "$P" -name ulockdep.pc)
cfg=$(find "$P" -name ulockdepConfig.cmake)
[ -n "$pc" ] || { echo "FAIL: no ulockdep.pc installed"; exit 1; }
[ -n "$cfg" ] || { echo "FAIL: no ulockdepConfig.cmake installed"; exit 1; }
[ "$(basename "$(dirname "$pc")")" = pkgconfig ] || fail "ulockdep.pc installed in $pc, not in a pkgconfig directory"
case $cfg in
*/cmake/ulockdep/ulockdepConfig.cmake) ;;
*) fail "ulockdepConfig.cmake installed in $cfg, not in <libdir>/cmake/ulockdep" ;;
esac
[ -f "$(dirname "$cfg")/ulockdepConfigVersion.cmake" ] || fail "no ulockdepConfigVersion.cmake next to $cfg"

mkdir "$T/src"
cp "$SRC/tests/report/consumer.c" "$T/src/"

# (a) CMake.
cat >"$T/src/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.16)
project(consumer C)
find_package(Threads REQUIRED)
find_package(ulockdep ${WANT} REQUIRED)
add_executable(linked consumer.c)
target_link_libraries(linked PRIVATE ulockdep::ulockdep Threads::Threads)
add_executable(annotated consumer.c)
target_link_libraries(annotated PRIVATE ulockdep::headers Threads::Threads)
file(WRITE "${CMAKE_BINARY_DIR}/ulockdep_executable" "${ULOCKDEP_EXECUTABLE}")
EOF
log cmake cmake -S "$T/src" -B "$T/cm" -DCMAKE_PREFIX_PATH="$P" -DWANT="$version" &&
	log cmake-build cmake --build "$T/cm" || { echo "FAIL: the CMake consumer does not build"; exit 1; }
"$T/cm/linked" >"$T/cm-linked.out" 2>&1
expect_report "cmake, linked" $? "$T/cm-linked.out"
ldd "$T/cm/linked" | grep -q "$P/.*libulockdep\.so" ||
	fail "cmake, linked: not linked with the installed libulockdep.so: $(ldd "$T/cm/linked")"
"$T/cm/annotated" >"$T/cm-plain.out" 2>&1
expect_clean "cmake, headers" $? "$T/cm-plain.out"
exe=$(cat "$T/cm/ulockdep_executable")
[ "$exe" = "$P/bin/ulockdep" ] || fail "ULOCKDEP_EXECUTABLE is '$exe', expected $P/bin/ulockdep"
"$exe" run -- "$T/cm/annotated" >"$T/cm-run.out" 2>&1
expect_report "cmake, headers, under ULOCKDEP_EXECUTABLE run" $? "$T/cm-run.out"
cmake -S "$T/src" -B "$T/cm-new" -DCMAKE_PREFIX_PATH="$P" -DWANT=99.0 >"$T/cm-new.log" 2>&1 &&
	fail "find_package(ulockdep 99.0) accepted version $version"
grep -q 'ulockdepConfig.cmake, version: ' "$T/cm-new.log" ||
	fail "find_package(ulockdep 99.0) did not name the installed version: $(cat "$T/cm-new.log")"

# (b) pkg-config and cc.
PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_PATH
got=$(pkg-config --modversion ulockdep)
[ "$got" = "$version" ] || fail "pkg-config --modversion: '$got', expected $version"
cflags=$(pkg-config --cflags ulockdep) && libs=$(pkg-config --libs ulockdep) ||
	{ echo "FAIL: pkg-config does not read $pc"; exit 1; }
case " $cflags " in
*" -I$P/include "*) ;;
*) fail "pkg-config --cflags: '$cflags', expected -I$P/include" ;;
esac
libdir=$(pkg-config --variable=libdir ulockdep)
[ -f "$libdir/libulockdep.so" ] || fail "pkg-config libdir '$libdir' has no libulockdep.so"
# shellcheck disable=SC2086 # the flags are words
cc $cflags -pthread -o "$T/pc-linked" "$T/src/consumer.c" $libs -Wl,-rpath,"$libdir" ||
	{ echo "FAIL: cc with pkg-config's flags"; exit 1; }
"$T/pc-linked" >"$T/pc-linked.out" 2>&1
expect_report "pkg-config, linked" $? "$T/pc-linked.out"

# (c) Meson, through pkg-config.
cat >"$T/src/meson.build" <<EOF
project('consumer', 'c')
threads = dependency('threads')
ulockdep = dependency('ulockdep', version: '>=$version', method: 'pkg-config')
executable('linked', 'consumer.c', dependencies: [ulockdep, threads])
executable('annotated', 'consumer.c',
  dependencies: [ulockdep.partial_dependency(compile_args: true), threads])
EOF
log meson meson setup "$T/mb" "$T/src" &&
	log meson-build meson compile -C "$T/mb" || { echo "FAIL: the Meson consumer does not build"; exit 1; }
"$T/mb/linked" >"$T/mb-linked.out" 2>&1
expect_report "meson, linked" $? "$T/mb-linked.out"
"$T/mb/annotated" >"$T/mb-plain.out" 2>&1
expect_clean "meson, headers" $? "$T/mb-plain.out"
"$P/bin/ulockdep" run -- "$T/mb/annotated" >"$T/mb-run.out" 2>&1
expect_report "meson, headers, under ulockdep run" $? "$T/mb-run.out"

finish "CMake, pkg-config and Meson projects build against the installed package"
