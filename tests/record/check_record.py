#!/usr/bin/env python3
"""check_record.py FILE...: each FILE is a process record that follows
docs/store.md ("Process records", format v1). Prints what is wrong and
exits 1 if anything is; with --dump, prints each record as one JSON object
{"process":..., "classes":{n: class}, "deps":[...], "reports":[...],
"summary":...} per line, for the calling test to inspect."""
import json
import sys

ORDER = ["process", "class", "dep", "report", "summary"]


def check(path):
    errs = []
    rec = {"classes": {}, "deps": [], "reports": []}
    lines = open(path, encoding="utf-8").read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    else:
        errs.append("does not end with a newline")
    last = -1
    for i, line in enumerate(lines):
        try:
            obj = json.loads(line)
        except ValueError as e:
            errs.append("line %d is not JSON: %s" % (i + 1, e))
            continue
        if not isinstance(obj, dict) or len(obj) != 1:
            errs.append("line %d: not one keyed object" % (i + 1))
            continue
        kind, val = next(iter(obj.items()))
        if kind not in ORDER:
            errs.append("line %d: unknown line type %s" % (i + 1, kind))
            continue
        pos = ORDER.index(kind)
        if pos < last or (kind in ("process", "summary") and pos == last):
            errs.append("line %d: %s out of order" % (i + 1, kind))
        last = pos
        if kind == "process":
            for k, t in (("version", int), ("pid", int), ("ppid", int),
                         ("program", str), ("argv", list), ("state", str),
                         ("status", int), ("time", float)):
                if not isinstance(val.get(k), t):
                    errs.append("process.%s missing or not %s" % (k, t.__name__))
            if val.get("version") != 1:
                errs.append("process.version is not 1")
            if val.get("state") not in ("running", "exited", "exec", "signal"):
                errs.append("process.state %r" % val.get("state"))
            rec["process"] = val
        elif kind == "class":
            for k, t in (("n", int), ("id", str), ("stable", bool),
                         ("name", str), ("type", str), ("usage", str)):
                if not isinstance(val.get(k), t):
                    errs.append("class.%s missing or not %s" % (k, t.__name__))
            if val.get("n") in rec["classes"]:
                errs.append("class n=%s twice" % val.get("n"))
            rec["classes"][val.get("n")] = val
        elif kind == "dep":
            for k in ("from", "to"):
                if val.get(k) not in rec["classes"]:
                    errs.append("dep.%s=%r names no class" % (k, val.get(k)))
            for k in ("read", "from_read"):
                if val.get(k) not in ("R", "W"):
                    errs.append("dep.%s=%r" % (k, val.get(k)))
            for f in val.get("stack", []):
                if not isinstance(f, dict) or not f:
                    errs.append("dep.stack frame %r" % (f,))
            rec["deps"].append(val)
        elif kind == "report":
            if not isinstance(val.get("signature"), str) or not val.get("kind"):
                errs.append("report without kind or signature")
            rec["reports"].append(val)
        else:
            rec["summary"] = val
    if "process" not in rec:
        errs.append("no process line")
    s = rec.get("summary")
    if s is None:
        errs.append("no summary line: truncated")
    else:
        for k in ("classes", "deps", "chains", "max_chain", "max_depth", "reports"):
            if not isinstance(s.get(k), int):
                errs.append("summary.%s missing" % k)
        if s.get("classes") != len(rec["classes"]) or s.get("deps") != len(rec["deps"]) \
           or s.get("reports") != len(rec["reports"]):
            errs.append("summary counts differ from the lines")
    return errs, rec


def main():
    args = sys.argv[1:]
    dump = args and args[0] == "--dump"
    if dump:
        args = args[1:]
    bad = False
    for path in args:
        errs, rec = check(path)
        for e in errs:
            print("%s: %s" % (path, e))
            bad = True
        if dump:
            print(json.dumps(rec))
    sys.exit(1 if bad or not args else 0)


main()
