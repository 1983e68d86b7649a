#!/bin/bash
# pigz (Debian's 2.6 by default, PIGZ picks another), natively and under
# ulockdep: 48 MB of /usr/include compressed with -p 4, with -p 8 -i
# (independent blocks), decompressed and tested; 400 small headers
# compressed with -r -p 4 and decompressed. The output compared is the
# checksum of each result. Then one -p 4 compression with a graph store
# lists the lock classes (issue 15: pigz's space->use is one class). With
# PIGZ_OLD set to a pigz built from before the fix of its lock-order
# inversion ("Remedy potential lock-order inversion", 2.5), that one is
# run too and its reports listed (see tests/real/README.md).
. "$(dirname "$0")/lib.sh"
PIGZ=${PIGZ:-pigz}
need "$PIGZ" sha256sum
"$PIGZ" -V 2>&1

cd "$W" || exit 2
find /usr/include -type f -name '*.h' | LC_ALL=C sort | xargs cat 2>/dev/null |
	head -c 48000000 >big
rm -rf small && mkdir small
find /usr/include -maxdepth 1 -type f -name '*.h' | LC_ALL=C sort | head -400 |
	xargs cp -t small

# step NAME CMD...: CMD natively then under ulockdep; what it printed is
# compared by checksum, with its status.
step() {
	local n=$1 rn ru
	shift
	rm -f "logs/$n".*
	timeout -k 10 "$T" "$@" 2>"$n.native.err" | sha256sum >"$n.native.out"
	rn=${PIPESTATUS[0]}
	# shellcheck disable=SC2046
	timeout -k 10 "$T" $(ud_cmd "$n") "$@" 2>"$n.ud.err" | sha256sum >"$n.ud.out"
	ru=${PIPESTATUS[0]}
	real_compare "$n" "$rn" "$ru"
	real_reports "$n"
}

step pigz-p4 "$PIGZ" -p 4 -c big
"$PIGZ" -p 4 -c big >big.gz
step pigz-p8i "$PIGZ" -p 8 -i -b 64 -c big
step pigz-d "$PIGZ" -d -p 4 -c big.gz
step pigz-t "$PIGZ" -t -p 4 -v big.gz

# Many small files: each is compressed in turn by one process.
smalls() {
	rm -rf "small.$1" && cp -rp small "small.$1"
	"${@:2}" "$PIGZ" -p 4 -r "small.$1" &&
		(cd "small.$1" && cat ./*.gz) &&
		"${@:2}" "$PIGZ" -d -p 4 -r "small.$1" &&
		(cd "small.$1" && cat ./*)
}
rm -f logs/pigz-small.*
smalls native 2>pigz-small.native.err | sha256sum >pigz-small.native.out
rn=${PIPESTATUS[0]}
# shellcheck disable=SC2046
smalls ud $(ud_cmd pigz-small) 2>pigz-small.ud.err | sha256sum >pigz-small.ud.out
ru=${PIPESTATUS[0]}
real_compare pigz-small "$rn" "$ru"
real_reports pigz-small

# The lock classes of one compression, by name (module+0xOFF in a stripped
# pigz) and key (init: the return addresses that key it).
classes() {
	rm -f "$1.db" "logs/$1".*
	# shellcheck disable=SC2086 # UL_OPTS is a list of options
	"$U" run --log-path="$W/logs/$1" --graph="$1.db" $UL_OPTS -- \
		"$2" -p 4 -c big 2>"$1.ud.err" >/dev/null
	echo "$1: exit status $?; lock classes of one -p 4 compression:"
	"$U" graph "$1.db" --format=dot |
		sed -n 's/^ *c[0-9]* \[label="\([^"]*\)", tooltip="\([^"]*\)".*/    \1  (\2)/p' |
		sed 's/[0-9a-f]\{40\}+/+/g'
	real_reports "$1"
}
classes pigz-classes "$PIGZ"

if [ -n "${PIGZ_OLD:-}" ]; then
	"$PIGZ_OLD" -V 2>&1
	step pigz-old "$PIGZ_OLD" -p 4 -c big
	classes pigz-old-classes "$PIGZ_OLD"
fi
