"""Synthetic result archives with known changes, for the change-point tests.

Each commit's file is a copy of one golden result file whose per-repetition figures are scaled
by a speed factor: 1 plus run-to-run noise of a chosen coefficient of variation (one draw per
row and commit: what separates two runs of the same code), times the designed steps. Aggregate
entries are dropped (the reports use the repetitions). The context gets `git_commit` and
`git_commit_order`, as `encapbench run` writes them. The expected answer is the design, never
the code under test."""
import copy
import hashlib
import json
import os
import random

SPEED_UP = ("bytes_per_second", "items_per_second")
TIME_LIKE = ("real_time", "cpu_time")


def _scale(row, f):
    """Speed multiplied by f: rates times f, times and per-byte costs divided by f."""
    for k, v in list(row.items()):
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            continue
        if k in SPEED_UP:
            row[k] = v * f
        elif k in TIME_LIKE or "_per_byte" in k or "_per_packet" in k:
            row[k] = v / f


def commit_id(i):
    """A 12-digit commit id for commit i (distinct in its first 8 digits, as real ones are)."""
    return hashlib.sha1(b"commit %d" % i).hexdigest()[:12]


def make_history(out_dir, base_file, n_commits, steps=(), cv=0.01, seed=1,
                 machine_class=None):
    """steps: [(row-name prefix, first commit index of the new level, speed factor)].
    Returns the file paths, oldest commit first."""
    with open(base_file) as f:
        base = json.load(f)
    rng = random.Random(seed)
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    for i in range(n_commits):
        doc = copy.deepcopy(base)
        ctx = doc["context"]
        ctx.pop("suite_commit", None)
        ctx["git_commit"] = commit_id(i)
        ctx["git_commit_order"] = str(100 + i)
        if machine_class:
            ctx["machine_class"] = machine_class
        ctx["date"] = "2024-06-%02dT10:00:00+00:00" % (1 + (n_commits - i) % 28)  # not in order
        rows = []
        noise = {}
        for r in doc["benchmarks"]:
            if r.get("run_type") != "iteration":
                continue
            name = r["run_name"]
            if name not in noise:
                noise[name] = max(0.5, rng.gauss(1.0, cv))
            f = noise[name]
            for prefix, at, factor in steps:
                if name.startswith(prefix) and i >= at:
                    f *= factor
            if not r.get("error_occurred"):
                _scale(r, f)
            rows.append(r)
        doc["benchmarks"] = rows
        p = os.path.join(out_dir, "%s-%s-2024060%dT100000Z.json" % (
            ctx["machine_class"], commit_id(i), i % 10))
        with open(p, "w") as f:
            json.dump(doc, f)
        paths.append(p)
    return paths
