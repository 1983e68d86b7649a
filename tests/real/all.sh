#!/bin/bash
# Every workload of tests/real, one after the other, into one work
# directory (REAL_WORK, else a new one under /tmp).
here=$(cd "$(dirname "$0")" && pwd)
export REAL_WORK=${REAL_WORK:-$(mktemp -d /tmp/ulockdep-real.XXXXXX)}
echo "work directory: $REAL_WORK"
for s in node python3 curl redis git mariadb; do
	echo "== $s"
	"$here/$s.sh"
done
