#!/bin/bash
# node: 3 worker_threads hashing, zlib gzip/gunzip of 1 MiB, crypto.pbkdf2,
# fs.writeFile/readFile (node.js), natively and under ulockdep.
. "$(dirname "$0")/lib.sh"
need node
echo "node $(node --version)"
real_pair node node "$SRC/tests/real/node.js"
