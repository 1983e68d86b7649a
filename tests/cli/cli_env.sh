#!/bin/sh
# What `ulockdep run` hands to the program: ULOCKDEP_OPTIONS merged from the
# environment and the command line (command line wins) in a form the runtime
# parses back, LD_PRELOAD with the runtime first, the program's arguments
# untouched, and PATH lookup as a shell does it. A stand-in library file is
# used (ld.so skips it), so this does not need libulockdep.so.
# Usage: cli_env.sh BUILD_DIR
. "$(dirname "$0")/prelude.sh"

: >"$T/stand-in.so"
ULOCKDEP_LIB="$T/stand-in.so"
export ULOCKDEP_LIB
unset LD_PRELOAD

# check 'EXPECTED' CMD...: CMD's stdout must be EXPECTED and its status 0.
check() {
	want=$1
	shift
	got=$("$@" 2>"$T/err")
	rc=$?
	[ $rc -eq 0 ] || fail "'$*' exited $rc: $(cat "$T/err")"
	[ "$got" = "$want" ] || fail "'$*' printed '$got', expected '$want'"
}
show_opts='echo "${ULOCKDEP_OPTIONS-<unset>}"'

# Defaults only: nothing to pass.
check '<unset>' "$U" run -- sh -c "$show_opts"
check '<unset>' "$U" run --strict --no-strict -- sh -c "$show_opts"
# Both spellings, both value forms; booleans alone mean 1.
check 'strict=1:stack_frames=32:report_max=2' \
	"$U" run --strict --stack_frames 32 --report-max=2 sh -c "$show_opts"
# Environment first, command line over it, in order.
check 'strict=1:report_max=3:log_path=/tmp/x:summary=0' \
	env ULOCKDEP_OPTIONS='strict=1 report_max=4:log_path=/tmp/x' \
	"$U" run --report-max=3 --no-summary -- sh -c "$show_opts"
check 'halt_on_error=1:exitcode=0' \
	"$U" run --exitcode=5 --options='halt_on_error=yes exitcode=7' --exitcode=0 sh -c "$show_opts"
# Separators inside a string value are quoted so the runtime reads it back.
check "log_path='/tmp/a b:c'" "$U" run --log-path='/tmp/a b:c' -- sh -c "$show_opts"
# A relative log_path is made absolute (the program may change directory).
check "log_path=\"$(pwd)/it's\"" "$U" run --log-path "it's" -- sh -c "$show_opts"
# ... and a nested run (which validates its environment) accepts the result.
check "report_max=1:log_path='/tmp/a b:c'" \
	"$U" run --log-path='/tmp/a b:c' -- "$U" run --report-max=1 -- sh -c "$show_opts"

# LD_PRELOAD: the runtime first (absolute), what was there kept after it,
# not doubled by a nested run.
show_pre='echo "$LD_PRELOAD"'
check "$T/stand-in.so" "$U" run sh -c "$show_pre"
check "$T/stand-in.so:/nonexistent/other.so" \
	env LD_PRELOAD=/nonexistent/other.so "$U" run sh -c "$show_pre"
check "$T/stand-in.so:/nonexistent/other.so" \
	env LD_PRELOAD=/nonexistent/other.so "$U" run "$U" run sh -c "$show_pre"
check "$T/stand-in.so" sh -c "cd '$T' && ULOCKDEP_LIB=./stand-in.so '$U' run sh -c '$show_pre'"

# Arguments after PROGRAM belong to it, even ones that look like options.
check '[--strict][a b][][--]' "$U" run sh -c 'printf "[%s]" "$@"; echo' sh --strict 'a b' '' --
check '[x][--report-max=zz]' "$U" run -- sh -c 'printf "[%s]" "$@"; echo' sh x --report-max=zz

# PATH lookup; argv[0] is kept as typed (the kernel gives a #! script its
# path instead); a script without #! runs under sh, as with execvp.
check 'sh' "$U" run sh -c 'tr "\\0" "\\n" </proc/$$/cmdline | head -n 1'
mkdir "$T/bin"
printf 'echo "argv0=$0 arg=$1"\n' >"$T/bin/ud-noshebang"
chmod 755 "$T/bin/ud-noshebang"
printf '#!/bin/sh\necho "argv0=$0"\n' >"$T/bin/ud-tool"
chmod 755 "$T/bin/ud-tool"
check "argv0=$T/bin/ud-tool" env PATH="$T/bin:$PATH" "$U" run ud-tool
check "argv0=$T/bin/ud-noshebang arg=one" env PATH="$T/bin:$PATH" "$U" run ud-noshebang one
# An earlier non-executable match in PATH does not hide a later good one.
mkdir "$T/bin0"
printf '#!/bin/sh\necho wrong\n' >"$T/bin0/ud-tool"
chmod 644 "$T/bin0/ud-tool"
check "argv0=$T/bin/ud-tool" env PATH="$T/bin0:$T/bin:$PATH" "$U" run ud-tool

finish "environment and arguments passed to the program"
