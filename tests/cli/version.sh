#!/bin/sh
# version.sh BUILD_DIR: the version has one home, include/ulockdep.h; the
# command, the reports, the pkg-config file, the CMake package and the man
# page all say the same.
. "$(dirname "$0")/prelude.sh"

part() { sed -n "s/^#define ULOCKDEP_VERSION_$1 \([0-9][0-9]*\)$/\1/p" "$SRC/include/ulockdep.h"; }
V="$(part MAJOR).$(part MINOR).$(part PATCH)"
case $V in
[0-9]*.[0-9]*.[0-9]*) ;;
*) fail "no version in include/ulockdep.h ('$V')" ;;
esac

[ "$("$U" --version)" = "ulockdep $V" ] || fail "ulockdep --version says '$("$U" --version)', the header $V"
grep -q "^Version: $V\$" "$B/ulockdep.pc.in" || fail "ulockdep.pc does not say Version: $V"
grep -q "PACKAGE_VERSION \"$V\"" "$B/ulockdepConfigVersion.cmake" ||
	fail "ulockdepConfigVersion.cmake does not say $V"
grep -q "^\.TH ULOCKDEP 1 .*\"ulockdep $V\"" "$SRC/docs/ulockdep.1" || fail "the man page's .TH line does not say ulockdep $V"

# A report names the version too.
cat > "$T/aa.c" <<'C'
#include <pthread.h>
static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
int main(void)
{
	pthread_mutex_lock(&a); pthread_mutex_lock(&b);
	pthread_mutex_unlock(&b); pthread_mutex_unlock(&a);
	pthread_mutex_lock(&b); pthread_mutex_lock(&a);
	pthread_mutex_unlock(&a); pthread_mutex_unlock(&b);
	return 0;
}
C
gcc -g -pthread -o "$T/aa" "$T/aa.c" || fail "gcc"
"$U" run -- "$T/aa" 2>"$T/err"
grep -q "^ulockdep $V aa/[0-9]*\$" "$T/err" || fail "the report does not name ulockdep $V"

finish "one version: $V"
