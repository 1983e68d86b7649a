#!/bin/bash
# Every workload of tests/real, one after the other, into one work
# directory (REAL_WORK, else a new one under /tmp). nng's runs only when
# NNG_BUILD names a build of it (nng.sh).
here=$(cd "$(dirname "$0")" && pwd)
export REAL_WORK=${REAL_WORK:-$(mktemp -d /tmp/ulockdep-real.XXXXXX)}
echo "work directory: $REAL_WORK"
for s in node python3 curl redis git mariadb pigz memcached; do
	echo "== $s"
	"$here/$s.sh"
done
if [ -n "${NNG_BUILD:-}" ]; then
	echo "== nng"
	"$here/nng.sh"
fi
