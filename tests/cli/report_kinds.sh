#!/bin/sh
# report_kinds.sh BUILD_DIR: src/engine/report_kinds.inc is the one list of
# report kinds; everything else that names them must agree with it: the
# SARIF rules the runtime writes (the C view of the list), the words and
# headline patterns tests/run-scenario.sh reads from it, the tables and
# "Title:" lines of docs/reports.md, the kinds docs/json-schema.json names.
# And each headline must be what the runtime prints: one scenario program
# per kind is run and its title line matched whole.
. "$(dirname "$0")/prelude.sh"
inc="$SRC/src/engine/report_kinds.inc"
doc="$SRC/docs/reports.md"
tab=$(printf '\t')

# The list as this script reads it, one kind a line, tab-separated:
# word headline title level rule text located help. An entry whose strings
# are not eight is printed as "BAD <ENUM>".
awk '
	/^UD_REPORT_KIND\(/ {
		n = 0; on = 1
		e = $0; sub(/^UD_REPORT_KIND\(/, "", e); sub(/,.*/, "", e)
	}
	on {
		s = $0
		while (match(s, /"[^"]*"/)) {
			f[++n] = substr(s, RSTART + 1, RLENGTH - 2)
			s = substr(s, RSTART + RLENGTH)
		}
		if ($0 ~ /\)[ \t]*$/) {
			on = 0
			if (n != 8) { print "BAD " e; next }
			line = f[1]
			for (i = 2; i <= 8; i++) line = line "\t" f[i]
			print line
		}
	}' "$inc" >"$T/kinds"
grep '^BAD ' "$T/kinds" | while read -r _ e; do
	echo "FAIL: report_kinds.inc: entry $e does not have eight strings, each on one line"
done
grep -q '^BAD ' "$T/kinds" && fails=$((fails + 1))
entries=$(grep -c '^UD_REPORT_KIND(' "$inc")
nkinds=$(grep -vc '^BAD ' "$T/kinds")
[ "$nkinds" -gt 0 ] || fail "no kinds read from report_kinds.inc"
[ "$nkinds" -eq "$entries" ] || fail "report_kinds.inc: $entries entries, $nkinds read"
cut -f 1 "$T/kinds" | sort | uniq -d | while read -r w; do
	echo "FAIL: report_kinds.inc: the word $w is used twice"
done
[ -z "$(cut -f 1 "$T/kinds" | sort | uniq -d)" ] || fails=$((fails + 1))
grep -v '^BAD ' "$T/kinds" >"$T/k" && mv "$T/k" "$T/kinds"

# A headline as the runtime would print it, its placeholders filled in.
sample() {
	printf '%s\n' "$1" | sed -e 's|<thread>|worker/4242|g' -e 's/<signal>/SIGUSR1/g'
}

# ---- the runtime's SARIF rules: the C compiler's reading of the list --------

"$U" run --format=sarif --log-path="$T/sarif" -- /bin/true
set -- "$T"/sarif.*
if [ -r "$1" ]; then
	n=$(grep -o '"defaultConfiguration"' "$1" | wc -l)
	[ "$n" -eq "$nkinds" ] || fail "SARIF log: $n rules, the list has $nkinds kinds"
	while IFS="$tab" read -r word _ _ level rule text _ help; do
		want="{\"id\":\"$word\",\"name\":\"$rule\",\"shortDescription\":{\"text\":\"$text\"},\"fullDescription\":{\"text\":\"$help\"},\"defaultConfiguration\":{\"level\":\"$level\"}}"
		grep -qF -- "$want" "$1" || fail "SARIF log: no rule $want"
	done <"$T/kinds"
else
	fail "ulockdep run --format=sarif -- /bin/true wrote no log"
fi

# ---- tests/run-scenario.sh --------------------------------------------------

"$SRC/tests/run-scenario.sh" --kinds >"$T/runner" || fail "run-scenario.sh --kinds failed"
[ "$(cut -f 1 "$T/runner")" = "$(cut -f 1 "$T/kinds")" ] ||
	fail "run-scenario.sh reads the kinds $(cut -f 1 "$T/runner" | paste -sd ' '), the list has $(cut -f 1 "$T/kinds" | paste -sd ' ')"
# Each pattern matches its own headline whole, and no other kind's.
while IFS="$tab" read -r word headline _; do
	line=$(sample "$headline")
	while IFS="$tab" read -r w pat; do
		if [ "$w" = "$word" ]; then
			printf '%s\n' "$line" | grep -qxE -- "$pat" ||
				fail "run-scenario.sh: the pattern of $word, $pat, does not match '$line'"
		elif printf '%s\n' "$line" | grep -qE -- "$pat"; then
			fail "run-scenario.sh: the pattern of $w also matches the headline of $word"
		fi
	done <"$T/runner"
done <"$T/kinds"

# ---- docs/reports.md -------------------------------------------------------

# The rows ("| `...") of the table under heading $1.
rows() {
	awk -v h="## $1" '$0 == h { on = 1; next } /^## / { on = 0 } on && /^\| `/' "$doc"
}
rows "Report kinds" >"$T/doc_kinds"
rows "Titles" >"$T/doc_titles"
grep '^Title: `' "$doc" >"$T/doc_heads"
for f in doc_kinds doc_titles doc_heads; do
	n=$(wc -l <"$T/$f")
	[ "$n" -eq "$nkinds" ] || fail "docs/reports.md: $n lines in $f, the list has $nkinds kinds"
done
while IFS="$tab" read -r word headline title level rule _ _ help; do
	row="| \`$word\` | \`$headline\` | \`$rule\` | $level | $help |"
	[ "$(grep -cxF -- "$row" "$T/doc_kinds")" -eq 1 ] ||
		fail "docs/reports.md, Report kinds: no row (or several) $row"
	row="| \`$word\` | \`$title in <function>\` |"
	[ "$(grep -cxF -- "$row" "$T/doc_titles")" -eq 1 ] ||
		fail "docs/reports.md, Titles: no row (or several) $row"
	[ "$(grep -cF -- "Title: \`$headline\`" "$T/doc_heads")" -eq 1 ] ||
		fail "docs/reports.md: no section (or several) starts Title: \`$headline\`"
done <"$T/kinds"

# ---- docs/json-schema.json ---------------------------------------------------

want="\"description\": \"$(cut -f 1 "$T/kinds" | paste -sd ',' | sed 's/,/, /g') (more kinds"
grep -qF -- "$want" "$SRC/docs/json-schema.json" ||
	fail "docs/json-schema.json: the description of kind does not list the kinds: $want"

# ---- what the runtime prints ---------------------------------------------------

# The value of directive $2 in scenario source $1 (the last one).
directive() {
	sed -n "s|^[[:space:]]*//[[:space:]]*$2:[[:space:]]*\(.*\)$|\1|p" "$1" |
		sed 's/[[:space:]]*$//' | tail -n 1
}

while IFS="$tab" read -r word pat; do
	# A scenario expecting the kind, one that ends by itself if there is one.
	pick=
	for s in "$SRC"/tests/scenarios/*.c "$SRC"/tests/scenarios/*.cpp; do
		grep -qE "^[[:space:]]*//[[:space:]]*EXPECT:.*[ ,]$word([ ,]|\$)" "$s" || continue
		[ -z "$pick" ] && pick=$s
		if [ -z "$(directive "$s" HANGS)" ]; then
			pick=$s
			break
		fi
	done
	if [ -z "$pick" ]; then
		fail "no scenario expects $word: its headline is never checked"
		continue
	fi
	name=$(basename "$pick")
	name=${name%.*}
	opts=$(directive "$pick" OPTIONS)
	args=$(directive "$pick" ARGS)
	(
		if [ -n "$opts" ]; then export ULOCKDEP_OPTIONS="$opts"; fi
		# shellcheck disable=SC2086 # split on blanks, as run-scenario.sh does
		timeout -k 5 20 "$U" run -- "$B/tests/scenarios/$name" $args
	) >"$T/$name.out" 2>&1 </dev/null
	grep -qxE -- "$pat" "$T/$name.out" ||
		fail "$word: no line of $name's output is its headline ($pat)"
done <"$T/runner"

finish "$nkinds kinds agree in report_kinds.inc, the runtime, run-scenario.sh and the docs"
