#!/bin/sh
# cli_unreachable.sh BUILD_DIR: programs the runtime cannot enter (statically
# linked, setuid to another user) and a log_path that cannot be written are
# refused before anything runs, with a message saying why.
. "$(dirname "$0")/prelude.sh"

printf '#include <stdio.h>\nint main(void) { puts("ran"); return 0; }\n' > "$T/p.c"
gcc -o "$T/dyn" "$T/p.c" || fail "gcc"

# refused NAME PATTERN COMMAND...: exit 2, PATTERN on stderr, nothing ran.
refused() {
	name=$1 pat=$2
	shift 2
	"$@" >"$T/$name.out" 2>"$T/$name.err"; rc=$?
	[ $rc -eq 2 ] || fail "$name: exit $rc, expected 2"
	grep -q "$pat" "$T/$name.err" || fail "$name: no '$pat' in: $(cat "$T/$name.err")"
	[ -s "$T/$name.out" ] && fail "$name: the program ran"
}

# A statically linked program: no loader, so no LD_PRELOAD.
gcc -static -o "$T/static" "$T/p.c" || fail "gcc -static"
refused static "is statically linked: .*-lulockdep" "$U" run -- "$T/static"
gcc -static-pie -fPIE -o "$T/static_pie" "$T/p.c" || fail "gcc -static-pie"
refused static_pie "is statically linked" "$U" run -- "$T/static_pie"

# setuid to another user: the loader's secure mode drops LD_PRELOAD.
if [ "$(id -u)" -eq 0 ]; then
	cp "$T/dyn" "$T/suid"
	chown nobody "$T/suid" && chmod 4755 "$T/suid" || fail "chown/chmod"
	suid=$T/suid
	cp "$T/dyn" "$T/sgid"
	chgrp nogroup "$T/sgid" && chmod 2755 "$T/sgid" || fail "chgrp/chmod"
	refused sgid "is setgid" "$U" run -- "$T/sgid"
else
	suid=$(find /usr/bin /bin -maxdepth 1 -perm -4000 -user root -type f 2>/dev/null | head -1)
	[ -n "$suid" ] || fail "no setuid-root program to try"
fi
refused suid "is setuid: .*ignores LD_PRELOAD" "$U" run -- "$suid" --version
# ... but a setuid program of the caller's own runs as usual.
cp "$T/dyn" "$T/own" && chmod 4755 "$T/own"
"$U" run -- "$T/own" >"$T/own.out" 2>"$T/own.err" || fail "own setuid program: exit $?: $(cat "$T/own.err")"
grep -q '^ran$' "$T/own.out" || fail "own setuid program did not run"

# log_path: its directory must exist and take files, before the program runs.
refused nodir "directory '$T/none': No such file" "$U" run --log-path="$T/none/log" -- "$T/dyn"
refused isdir "names a directory" "$U" run --log-path="$T/" -- "$T/dyn"
refused notdir "is not a directory" "$U" run --log-path="$T/p.c/log" -- "$T/dyn"
if [ "$(id -u)" -ne 0 ]; then
	mkdir "$T/ro" && chmod 555 "$T/ro"
	refused rodir "cannot create files in" "$U" run --log-path="$T/ro/log" -- "$T/dyn"
fi
# A relative log_path is made absolute: the program may change directory.
mkdir "$T/elsewhere"
(cd "$T" && "$U" run --log-path=rel -- sh -c 'cd elsewhere && echo "$ULOCKDEP_OPTIONS"') >"$T/rel.out" 2>&1
grep -q "log_path=$T/rel" "$T/rel.out" || fail "relative log_path not made absolute: $(cat "$T/rel.out")"

finish "unreachable programs and log paths are refused"
