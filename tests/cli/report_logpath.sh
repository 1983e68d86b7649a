#!/bin/sh
# report_logpath.sh BUILD_DIR: four processes reporting at the same time with
# log_path=PATH each write PATH.<pid>, holding whole reports of that pid only,
# in text and in JSON.
. "$(dirname "$0")/prelude.sh"
gcc -O0 -g -pthread -o "$T/multi" "$SRC/tests/report/multi.c" || { echo "FAIL: gcc"; exit 1; }

for fmt in text json; do
	mkdir "$T/$fmt"
	pids=""
	for i in 1 2 3 4; do
		"$U" run --quiet --format=$fmt --log-path="$T/$fmt/log" -- "$T/multi" 200 2>"$T/$fmt/stderr.$i" &
		pids="$pids $!"
	done
	for p in $pids; do
		wait "$p"; rc=$?
		[ $rc -eq 66 ] || fail "$fmt: a process exited $rc, expected 66"
	done
	files=$(ls "$T/$fmt"/log.* 2>/dev/null | wc -l)
	[ "$files" -eq 4 ] || fail "$fmt: $files log files, expected 4"
	for i in 1 2 3 4; do
		[ -s "$T/$fmt/stderr.$i" ] && fail "$fmt: process $i wrote to stderr: $(head -3 "$T/$fmt/stderr.$i")"
	done
	for f in "$T/$fmt"/log.*; do
		pid=${f##*.}
		if [ $fmt = text ]; then
			# Each report: banner, title, ident of this pid, rule, body.
			n=$(grep -c '^WARNING: ' "$f")
			[ "$n" -eq 3 ] || fail "$f: $n reports, expected 3"
			idents=$(grep -c "^ulockdep [0-9.]* multi/$pid\$" "$f")
			[ "$idents" -eq 3 ] || fail "$f: $idents ident lines of pid $pid, expected 3"
			grep '^ulockdep [0-9.]* multi/' "$f" | grep -v "/$pid\$" | grep -q . &&
				fail "$f: holds a report of another process"
			awk '/^=+$/ { getline t; getline i; getline r;
				if (t !~ /^WARNING: / || i !~ /^ulockdep / || r !~ /^-+$/) bad = 1 }
				END { exit bad }' "$f" || fail "$f: a report banner is broken"
			grep -q '^ulockdep: 3 distinct problems reported' "$f" ||
				fail "$f: no summary of its 3 problems"
		else
			python3 - "$f" "$pid" <<'PY' || fail "$f: JSON lines (above)"
import json, sys
path, pid = sys.argv[1], int(sys.argv[2])
kinds = []
for line in open(path):
    o = json.loads(line)          # each line a whole object
    kinds.append(o['kind'])
    if o['kind'] not in ('summary', 'suppressions') and o['pid'] != pid:
        print(f"  report of pid {o['pid']} in {path}"); sys.exit(1)
if kinds != ['circular', 'unlock_balance', 'held_at_exit', 'summary']:
    print(f"  kinds {kinds}"); sys.exit(1)
PY
		fi
	done
done

finish "parallel processes with log_path write whole reports of their own pid"
