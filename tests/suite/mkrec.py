#!/usr/bin/env python3
"""mkrec.py: write a process record (format v1, docs/store.md "Process
records") by hand, for the tests of the command side.

  mkrec.py [options] OUT PID PROGRAM DEP...

DEP is FROM>TO (a dependency between two classes named FROM and TO, whose
identities are "id:FROM" and "id:TO"), FROM>>TO for a read acquisition of
TO while FROM is held for reading, or a lone NAME (a class with no
dependency). Each dependency's stack is
one frame, function FROM_then_TO in FROM.c at a line of its own.

  --argv "A B C"     the process's argv (default: PROGRAM)
  --report KIND      add a report line of this kind (repeatable)
  --signature HEX    the report lines' signature (default: from the pid)
  --version N        the record format version (default 1)
  --truncate         leave out the summary line
  --chains N         the summary's chains (default: the dependency count)
  --frame 'FROM>TO=FUNC FILE:LINE'
                     the stack of that dependency, one frame (repeatable)
  --stat 'NAME=ACQ,CONT,WAIT_TOTAL,WAIT_MAX,HOLD_TOTAL,HOLD_MAX[,OWNER,READ]'
                     a stat line (lock statistics) for class NAME
                     (repeatable; times in ns)
  --point 'NAME:contention=COUNT,WAIT,FUNC FILE:LINE'
  --point 'NAME:contending=COUNT,FUNC FILE:LINE'
                     a point of NAME's stat line (repeatable, in order)
  --cond 'ID=NAME,WAITS,TIMED_OUT,SIGNALS,BROADCASTS,WAIT_TOTAL,WAIT_MAX'
                     a cond_stat line (repeatable)
  --stats-count N    the summary's "stats" (default: the stat and
                     cond_stat lines written)
  --raw JSON         a line written as given, after the stat lines
"""
import argparse
import json
import sys

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("pid", type=int)
ap.add_argument("program")
ap.add_argument("deps", nargs="*")
ap.add_argument("--argv")
ap.add_argument("--report", action="append", default=[])
ap.add_argument("--signature", help="the reports' signature (default from the pid)")
ap.add_argument("--version", type=int, default=1)
ap.add_argument("--truncate", action="store_true")
ap.add_argument("--chains", type=int)
ap.add_argument("--frame", action="append", default=[])
ap.add_argument("--stat", action="append", default=[])
ap.add_argument("--point", action="append", default=[])
ap.add_argument("--cond", action="append", default=[])
ap.add_argument("--stats-count", type=int)
ap.add_argument("--raw", action="append", default=[])
a = ap.parse_intermixed_args()

classes = {}
deps = []


def cls(name):
    if name not in classes:
        classes[name] = len(classes) + 1
    return classes[name]


frames = {}
for fr in a.frame:
    dep, where = fr.split("=", 1)
    func, loc = where.split(" ")
    file, line = loc.rsplit(":", 1)
    frames[dep.replace(">>", ">")] = {"func": func, "file": file,
                                      "line": int(line)}

for d in a.deps:
    read = ">>" in d
    if ">" in d:
        f, t = d.split(">>" if read else ">")
        deps.append((cls(f), cls(t), read, f, t))
    else:
        cls(d)

lines = [{"process": {"version": a.version, "pid": a.pid, "ppid": 1,
                      "program": a.program,
                      "argv": (a.argv or a.program).split(" "),
                      "state": "exited", "status": 0, "time": 1700000000.5}}]
for name, n in classes.items():
    lines.append({"class": {"n": n, "id": "id:" + name, "stable": True,
                            "name": name, "type": "mutex", "usage": "+..."}})
for i, (f, t, read, fn, tn) in enumerate(deps):
    lines.append({"dep": {"from": f, "to": t, "read": "R" if read else "W",
                          "from_read": "R" if read else "W",
                          "stack": [frames.get(fn + ">" + tn, {
                              "func": fn + "_then_" + tn,
                              "file": fn + ".c", "line": 10 + i,
                              "module": a.program,
                              "offset": "0x%x" % (0x1100 + i)})],
                          "future_key": "ignored"}})
points = {}
for p in a.point:
    head, rest = p.split("=", 1)
    name, kind = head.split(":")
    fields = rest.split(",")
    func, loc = fields[-1].split(" ")
    file, line = loc.rsplit(":", 1)
    pt = {"count": int(fields[0])}
    if kind == "contention":
        pt["wait_ns"] = int(fields[1])
    pt["stack"] = [{"func": func, "file": file, "line": int(line),
                    "module": "libpool.so"}]
    points.setdefault((name, kind), []).append(pt)
nstats = 0
for st in a.stat:
    name, rest = st.split("=", 1)
    v = [int(x) for x in rest.split(",")]
    o = {"class": cls(name), "acquired": v[0],
         "acquired_read": v[7] if len(v) > 7 else 0, "contended": v[1],
         "owner_changes": v[6] if len(v) > 6 else 0,
         "wait_ns": {"total": v[2], "max": v[3]},
         "hold_ns": {"total": v[4], "max": v[5]},
         "contention_points": points.get((name, "contention"), []),
         "contending_points": points.get((name, "contending"), []),
         "future_key": 1}
    if cls(name) > len([l for l in lines if "class" in l]):
        lines.insert(len([l for l in lines if "process" in l or "class" in l]),
                     {"class": {"n": cls(name), "id": "id:" + name,
                                "stable": True, "name": name,
                                "type": "mutex", "usage": "+..."}})
    lines.append({"stat": o})
    nstats += 1
for c in a.cond:
    cid, rest = c.split("=", 1)
    f = rest.split(",")
    v = [int(x) for x in f[1:]]
    lines.append({"cond_stat": {"id": cid, "name": f[0], "waits": v[0],
                                "timed_out": v[1], "signals": v[2],
                                "broadcasts": v[3],
                                "wait_ns": {"total": v[4], "max": v[5]}}})
    nstats += 1
raw = [json.loads(r) for r in a.raw]
lines.extend(raw)
for k in a.report:
    lines.append({"report": {"schema_version": 1, "kind": k,
                             "title": "possible deadlock in main",
                             "signature": a.signature or "%016x" % (a.pid * 7919),
                             "program": a.program.split("/")[-1],
                             "pid": a.pid, "target": {"at": [
                                 {"function": "main", "file": "main.c",
                                  "line": 5}]}, "chain": []}})
lines.append({"unknown_line_type": {"x": 1}})
if not a.truncate:
    lines.append({"summary": {"classes": len(classes), "deps": len(deps),
                              "chains": a.chains if a.chains is not None
                              else len(deps),
                              "max_chain": 2, "max_depth": 2,
                              "reports": len(a.report),
                              "stats": a.stats_count
                              if a.stats_count is not None else nstats}})
with open(a.out, "w") as f:
    for l in lines:
        f.write(json.dumps(l) + "\n")
