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
                              "reports": len(a.report)}})
with open(a.out, "w") as f:
    for l in lines:
        f.write(json.dumps(l) + "\n")
