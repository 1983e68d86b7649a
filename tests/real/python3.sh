#!/bin/bash
# python3: threads (4 threads under one Lock with hashlib, a
# ThreadPoolExecutor) and multiprocessing (pools and a process with fork,
# spawn and forkserver), natively and under ulockdep. PYTHON picks the
# interpreter (default Debian's /usr/bin/python3; a pyenv shim would put a
# shell and its helpers under the runtime too).
. "$(dirname "$0")/lib.sh"
PYTHON=${PYTHON:-/usr/bin/python3}
need "$PYTHON"
"$PYTHON" --version
real_pair python3_threads "$PYTHON" "$SRC/tests/real/python3_threads.py"
real_pair python3_mp "$PYTHON" "$SRC/tests/real/python3_mp.py"
