"""Dashboard exports of one result file.

- bencher: Bencher Metric Format (BMF) JSON, {benchmark: {measure: {value, lower_value,
  upper_value}}}. value is the median over repetitions; lower/upper are the smallest and largest
  repetition. Measures: latency (ns per iteration, Bencher's built-in), bytes-per-second,
  tsc-per-byte, and where present cycles-per-byte and instructions-per-byte. Use the run's
  machine_class as Bencher's testbed (`bencher run --testbed MACHINE_CLASS`).
- gab-smaller / gab-bigger: github-action-benchmark's customSmallerIsBetter and
  customBiggerIsBetter JSON arrays [{name, unit, value, range, extra}]: cycles (or TSC ticks) per
  byte, and bytes per second. The two tools are separate action steps, hence two files.
"""
from __future__ import annotations

import json
import statistics
from typing import Dict, List

from .model import InputError, Row, Run

BENCHER_MEASURES = [
    ("latency", "real_time"),
    ("bytes-per-second", "bytes_per_second"),
    ("tsc-per-byte", "tsc_ticks_per_byte"),
    ("cycles-per-byte", "core_cycles_per_byte"),
    ("instructions-per-byte", "instructions_per_byte"),
]
FORMATS = ("bencher", "gab-smaller", "gab-bigger")
ALIASES = {"github-action-benchmark": "gab-smaller", "gab": "gab-smaller",
           "bmf": "bencher"}


def _stats(row: Row, metric: str):
    s = row.samples.get(metric)
    if s:
        return statistics.median(s), min(s), max(s), s
    v = row.value(metric)
    return (v, None, None, []) if v is not None else None


def bencher(run: Run) -> Dict:
    out: Dict[str, Dict] = {}
    for key, row in run.rows.items():
        if not row.ok:
            continue
        measures = {}
        for slug, metric in BENCHER_MEASURES:
            st = _stats(row, metric)
            if st is None or slug in measures:
                continue
            v, lo, hi, _ = st
            m = {"value": v}
            if lo is not None:
                m["lower_value"], m["upper_value"] = lo, hi
            measures[slug] = m
        if measures:
            out[key] = measures
    return out


def _cost_metric(run: Run):
    pb, _, label = run.cycles_metric()
    unit = {"core_cycles_per_byte": "cycles/byte", "tsc_ticks_per_byte": "TSC ticks/byte",
            "ns_per_byte": "ns/byte"}[pb]
    return pb, unit, label


def gab(run: Run, bigger: bool) -> List[Dict]:
    metric, unit, label = ("bytes_per_second", "bytes/s", "") if bigger else _cost_metric(run)
    out = []
    for key, row in run.rows.items():
        if not row.ok:
            continue
        m, u = metric, unit
        st = _stats(row, m)
        if st is None and not bigger:  # a row without per-byte counters: time per iteration
            m, u = "real_time", "ns/iteration"
            st = _stats(row, m)
        if st is None:
            continue
        v, lo, hi, s = st
        e = {"name": key, "unit": u, "value": v}
        if len(s) >= 2:
            e["range"] = "± %.4g" % statistics.stdev(s)
        extra = ["median of %d repetition(s)" % len(s) if s else "aggregate",
                 "machine_class %s" % run.machine_class, "commit %s" % run.commit]
        if lo is not None and len(s) >= 2:
            extra.insert(1, "min %.4g, max %.4g" % (lo, hi))
        if label and m != "real_time" and label != "ns":
            extra.append("cycles: %s" % label)
        e["extra"] = "; ".join(extra)
        out.append(e)
    return out


def export(run: Run, fmt: str):
    fmt = ALIASES.get(fmt, fmt)
    if fmt == "bencher":
        doc = bencher(run)
    elif fmt in ("gab-smaller", "gab-bigger"):
        doc = gab(run, fmt == "gab-bigger")
    else:
        raise InputError("unknown export format '%s' (have: %s)" % (fmt, ", ".join(FORMATS)))
    if not doc:
        raise InputError("%s: no successful benchmark rows to export" % run.path)
    return json.dumps(doc, indent=1) + "\n"
