#!/usr/bin/env python3
"""gen_records.py DIR [PROCESSES CLASSES DEPS]: write the process records of
a large test suite into DIR, for bench/suite.sh: PROCESSES records (1,000)
that together hold CLASSES classes (10,000) and DEPS distinct dependencies
(100,000). The classes have a global order that every dependency follows,
as in a program with a lock hierarchy, except in ten pairs of processes,
each of which learns one half of an inversion: ten cycles across processes.
Each dependency has a stack of three frames. The output is the same for the
same arguments (a fixed seed)."""
import json
import os
import random
import sys

out = sys.argv[1]
nproc = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
ncls = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
ndeps = int(sys.argv[4]) if len(sys.argv) > 4 else 100000
rnd = random.Random(12)
os.makedirs(out, exist_ok=True)

per = ndeps // nproc
window = 200
seen = set()
procs = []
for p in range(nproc):
    base = (p * (ncls - window)) // max(1, nproc - 1)
    deps = []
    while len(deps) < per:
        a, b = sorted(rnd.sample(range(base, base + window), 2))
        if (a, b) not in seen:
            seen.add((a, b))
            deps.append((a, b))
    procs.append(deps)
# Ten inversions: process 2k learns x -> y, process 2k + 1 learns y -> x.
for k in range(10):
    x, y = 100 * k + 1, 100 * k + 2
    procs[2 * k].append((x, y))
    procs[2 * k + 1].append((y, x))

# Classes no dependency reached are still classes some process knew.
spare = sorted(set(range(ncls)) - {c for deps in procs for d in deps for c in d})
alone = [spare[p::nproc] for p in range(nproc)]

for p, deps in enumerate(procs):
    used = sorted({c for d in deps for c in d} | set(alone[p]))
    num = {c: i + 1 for i, c in enumerate(used)}
    lines = [{"process": {"version": 1, "pid": 10000 + p, "ppid": 9999,
                          "program": "/suite/test_%04d" % p,
                          "argv": ["./test_%04d" % p, "--case", str(p % 7)],
                          "state": "exited", "status": 0,
                          "time": 1700000000 + p}}]
    for c in used:
        lines.append({"class": {"n": num[c], "id": "libsuite.so:lock_%05d" % c,
                                "stable": True, "name": "lock_%05d" % c,
                                "type": "mutex", "usage": "+..."}})
    for a, b in deps:
        lines.append({"dep": {"from": num[a], "to": num[b], "read": "W",
                              "from_read": "W", "stack": [
                                  {"func": "take_%05d" % b, "file": "suite.c",
                                   "line": 100 + b % 900, "module": "libsuite.so",
                                   "offset": "0x%x" % (0x1000 + b)},
                                  {"func": "path_%05d" % a, "file": "suite.c",
                                   "line": 1000 + a % 900},
                                  {"func": "main", "file": "test.c", "line": 9}]}})
    lines.append({"summary": {"classes": len(used), "deps": len(deps),
                              "chains": 2 * len(deps), "max_chain": 2,
                              "max_depth": 2, "reports": 0}})
    with open(os.path.join(out, "%d.%d.rec" % (10000 + p, p)), "w") as f:
        f.write("".join(json.dumps(l) + "\n" for l in lines))
classes = {c for deps in procs for d in deps for c in d} | set(spare)
print("gen_records: %d records, %d classes, %d dependencies" %
      (nproc, len(classes), len(seen) + 20))
