"""Shared fixtures for the report tests. The golden files are in golden/history (see
make_fixtures.py for what they hold and why). Expected values are recomputed here from the raw
JSON with the standard library, never taken from the code under test."""
import json
import os
import statistics
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPORTS_DIR = os.environ.get("EB_REPORTS_DIR") or os.path.join(HERE, "..", "..", "reports")
SCRIPT = os.path.join(REPORTS_DIR, "encapbench_reports.py")
PYTHON = "/usr/bin/python3"
HISTORY = os.path.join(HERE, "golden", "history")
MA = "sapphirerapids-avx512dl-l2_2m-l3_105m"
MB = "zen3-avx2-l2_512k-l3_32m"
C1, C2 = "1a2b3c4d5e6f", "7f8e9d0c1b2a"


def golden(mc, commit):
    for f in sorted(os.listdir(HISTORY)):
        if f.startswith("%s-%s-" % (mc, commit)):
            return os.path.join(HISTORY, f)
    raise FileNotFoundError((mc, commit))


def run_script(*args, cwd=None):
    """/usr/bin/python3 encapbench_reports.py ARGS in a child process -> CompletedProcess."""
    env = dict(os.environ, EB_PROG="encapbench")
    env.pop("EB_DEBUG", None)
    return subprocess.run([PYTHON, SCRIPT] + [str(a) for a in args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=300)


def run_tool(*args):
    """encapbench_reports.main(ARGS) in this process (scipy and matplotlib load once per test
    file instead of once per call) -> CompletedProcess with the exit code, stdout and stderr."""
    import contextlib
    import io
    sys.path.insert(0, REPORTS_DIR)
    import encapbench_reports
    out, err = io.StringIO(), io.StringIO()
    argv = [str(a) for a in args]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = encapbench_reports.main(argv)
        except SystemExit as e:  # argparse usage errors
            rc = e.code if isinstance(e.code, int) else 2
    return subprocess.CompletedProcess(["encapbench"] + argv, rc, out.getvalue(), err.getvalue())


def raw_samples(path):
    """{run_name: {metric: [per-repetition values]}} and {run_name: error} from the raw JSON."""
    with open(path) as f:
        doc = json.load(f)
    samples, errors, kinds = {}, {}, {}
    for r in doc["benchmarks"]:
        if r.get("error_occurred"):
            errors[r["run_name"]] = r["error_message"]
            continue
        if r["run_type"] != "iteration":
            continue
        d = samples.setdefault(r["run_name"], {})
        for k, v in r.items():
            if isinstance(v, float):
                d.setdefault(k, []).append(v)
        if "impl_kind" in r:
            kinds[r["run_name"]] = r["impl_kind"]
    return doc, samples, errors, kinds


def median(path_samples, name, metric):
    return statistics.median(path_samples[name][metric])


def report_over(tmp_path_factory, folder, tag):
    """`report` over `folder` into a fresh temporary folder: (out, summary.json, process)."""
    out = str(tmp_path_factory.mktemp(tag))
    p = run_tool("report", folder, "--out", out)
    assert p.returncode == 0, p.stderr
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
    return out, summary, p


@pytest.fixture(scope="session")
def golden_report(tmp_path_factory):
    """`report` over the whole golden history folder, once per session."""
    return report_over(tmp_path_factory, HISTORY, "report")


def machine(summary, mc):
    return next(m for m in summary["machines"] if m["machine_class"] == mc)


def family(summary, mc, fam):
    return next(f for f in machine(summary, mc)["families"] if f["family"] == fam)


def inputs(summary, mc, fam):
    return {i["input"]: i for i in family(summary, mc, fam)["inputs"]}


sys.path.insert(0, HERE)
