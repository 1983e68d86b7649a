#!/bin/sh
# docs/options.md must be exactly what `ulockdep options-markdown` prints from
# src/base/options.inc, so the documented options never drift from the real
# ones; the man page docs/ulockdep.1 must describe exactly those options and
# carry the project's version.
# Usage: options.sh BUILD_DIR
. "$(dirname "$0")/prelude.sh"

"$U" options-markdown >"$T/options.md" || { echo "FAIL: ulockdep options-markdown exited $?"; exit 1; }
# The generated table must hold a row per option, or comparing proves nothing.
names=$(sed -n 's/^UD_OPTION([A-Z]*, *\([A-Za-z0-9_]*\),.*/\1/p' "$SRC/src/base/options.inc")
[ -n "$names" ] || { echo "FAIL: no option names found in options.inc"; exit 1; }
for n in $names; do
	grep -q "^| \`$n\` |" "$T/options.md" || { echo "FAIL: no table row for '$n' in the generated document"; exit 1; }
done
if ! diff -u "$SRC/docs/options.md" "$T/options.md"; then
	echo "FAIL: docs/options.md is out of date; regenerate it with:"
	echo "  $U options-markdown > docs/options.md"
	exit 1
fi

# The man page: one ".BR name (type, default ...)" entry per option, no others.
man="$SRC/docs/ulockdep.1"
documented=$(sed -n 's/^\.BR \([a-z_0-9]*\) " (.*default.*/\1/p' "$man" | sort)
expected=$(echo "$names" | tr ' ' '\n' | sort)
if [ "$documented" != "$expected" ]; then
	echo "FAIL: docs/ulockdep.1 options differ from options.inc:"
	echo "  man page:    $(echo $documented)"
	echo "  options.inc: $(echo $expected)"
	exit 1
fi
finish "docs/options.md and docs/ulockdep.1 match options.inc"
