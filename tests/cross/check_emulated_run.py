#!/usr/bin/python3
"""`encapbench run --emulated=NAME` on an emulated CPU: one benchmark binary (a wrapper that runs it
under the same emulator) gives a result file whose context says `emulated: true`, names NAME as
the emulator, and describes the emulated architecture; `encapbench report` then draws no speed
conclusion from it. Run by scripts/emulated_tests.sh for every CPU model.

usage: check_emulated_run.py ENCAPBENCH BENCH_DIR EMULATOR_NAME ARCH WORKDIR
ENCAPBENCH is the program or its emulator wrapper; BENCH_DIR holds eb-bench-* (wrappers); ARCH is
the emulated architecture the context must name (x86_64, aarch64).
Exit 0 when every check holds; one line per failed check otherwise.
"""
import json
import os
import subprocess
import sys

eb, bench_dir, name, want_arch = sys.argv[1:5]
eb, bench_dir = os.path.abspath(eb), os.path.abspath(bench_dir)
work = os.path.abspath(sys.argv[5])
os.makedirs(work, exist_ok=True)
out = os.path.join(work, "emulated-run.json")
env = dict(os.environ)
env.pop("EB_EMULATED", None)  # the flag alone must label the run
p = subprocess.run([eb, "run", "--emulated=" + name, "--bench-dir", bench_dir, "--filter", "^checksum/reference/1500$",
                    "--repetitions", "1", "--min-time", "0.01", "--out", out],
                   capture_output=True, text=True, env=env, timeout=900, cwd=work)
failures = []
if p.returncode != 0:
    failures.append("run exited %d: %s" % (p.returncode, p.stderr.strip()[-500:]))
else:
    with open(out) as f:
        doc = json.load(f)
    ctx = doc.get("context", {})
    if ctx.get("emulated") != "true":
        failures.append("context emulated = %r, want 'true'" % ctx.get("emulated"))
    if ctx.get("emulator") != name:
        failures.append("context emulator = %r, want %r" % (ctx.get("emulator"), name))
    rows = [b for b in doc.get("benchmarks", []) if b.get("run_name") == "checksum/reference/1500"]
    if not rows:
        failures.append("no checksum/reference/1500 row in the result")
    if ctx.get("cpu_arch") != want_arch:
        failures.append("context cpu_arch = %r, want %r" % (ctx.get("cpu_arch"), want_arch))
    # report: an emulated file is flagged, so no speed conclusion is drawn from it.
    rep = os.path.join(work, "report")
    r = subprocess.run([eb, "report", out, "--out", rep], capture_output=True, text=True, timeout=600, cwd=work)
    said = r.stdout + r.stderr
    for root, _, names in os.walk(rep):
        for n in names:
            with open(os.path.join(root, n), errors="replace") as f:
                said += f.read()
    if r.returncode != 0:
        failures.append("report exited %d: %s" % (r.returncode, r.stderr.strip()[-300:]))
    elif "MEASURED UNDER EMULATION" not in said:
        failures.append("the report does not say the results were measured under emulation")
for f in failures:
    print("check_emulated_run: " + f)
print("check_emulated_run: %s (%s)" % ("ok" if not failures else "FAILED", name))
sys.exit(1 if failures else 0)
