"""`compare BASE NEW`: per row old, new, change, Mann-Whitney U p-value over the repetitions and
a bootstrap CI of the ratio of medians; geometric mean per family; exit 1 on a significant
regression beyond the threshold."""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from typing import Dict, List, Optional

from .analysis import family_sort_key, input_sort_key, impl_sort_key
from .model import InputError, Run
from .stats import (geomean, mann_whitney_p, median_ratio_ci, min_achievable_p,
                    min_repetitions_for)

import statistics


def lower_is_better(metric: str) -> Optional[bool]:
    if metric in ("real_time", "cpu_time"):
        return True
    if metric.endswith("_per_second"):
        return False
    if "_per_" in metric or metric.startswith(("ns_", "tsc_", "cycles_", "instructions_")):
        return True
    return None


@dataclass
class RowCmp:
    name: str
    family: str
    n_old: int
    n_new: int
    old: float          # median
    new: float
    ratio: float        # new / old (raw metric)
    slowdown: float     # > 0 means worse, in the metric's sense (time up, throughput down)
    p: float
    ci_low: float       # bootstrap CI of new/old median ratio
    ci_high: float
    verdict: str        # regression | improvement | noise | within threshold | untestable


@dataclass
class Comparison:
    base: str
    new: str
    base_machine: str
    new_machine: str
    metric: str
    lower_is_better: bool
    threshold: float
    alpha: float
    rows: List[RowCmp]
    only_base: List[str]
    only_new: List[str]
    skipped: Dict[str, str]
    family_geomean: Dict[str, float]  # new/old median ratio, geometric mean over the family
    overall_geomean: Optional[float]
    warnings: List[str]
    cannot_gate: Optional[str] = None  # why no verdict is possible (too few repetitions)

    @property
    def regressions(self) -> List[RowCmp]:
        return [r for r in self.rows if r.verdict == "regression"]

    @property
    def exit_code(self) -> int:
        if self.cannot_gate:
            return 2
        return 1 if self.regressions else 0


def compare_runs(base: Run, new: Run, threshold_pct: float = 5.0, alpha: float = 0.05,
                 metric: str = "real_time", allow_cross_machine: bool = False,
                 direction: Optional[str] = None) -> Comparison:
    if not (0 < alpha < 1):
        raise InputError("--alpha must be between 0 and 1, got %g" % alpha)
    if threshold_pct < 0:
        raise InputError("--threshold must be >= 0, got %g" % threshold_pct)
    warnings: List[str] = []
    bm, nm = base.context.get("machine_class"), new.context.get("machine_class")
    if bm and nm and bm != nm and not allow_cross_machine:
        raise InputError(
            "refusing to compare across machine classes: BASE %s is '%s', NEW %s is '%s'. A "
            "different CPU is not a regression; pass --allow-cross-machine to compare anyway "
            "(the result then says how the CPUs differ, not whether the code regressed)" %
            (base.path, bm, new.path, nm))
    if not bm or not nm:
        warnings.append("machine_class missing in %s: cannot check that both runs are from the "
                        "same kind of CPU" % " and ".join(
                            p for p, m in ((base.path, bm), (new.path, nm)) if not m))
    elif bm != nm:
        warnings.append("comparing different machine classes (%s vs %s): changes reflect the "
                        "CPUs as much as the code" % (bm, nm))
    if metric == "real_time":
        for run in (base, new):
            woc = run.wall_over_cpu()
            if woc and woc > 1.3:
                warnings.append("%s: wall time is %.1f× CPU time (a busy machine): real_time "
                                "is noisy there; --metric cpu_time is steadier" % (run.path, woc))
    lib = direction == "lower" if direction else lower_is_better(metric)
    if lib is None:
        raise InputError("--metric %s: cannot tell whether lower or higher is better; pass "
                         "--direction lower|higher" % metric)
    thr = threshold_pct / 100.0

    keys_b, keys_n = set(base.rows), set(new.rows)
    only_base = sorted(keys_b - keys_n)
    only_new = sorted(keys_n - keys_b)
    common = [k for k in base.rows if k in keys_n]
    common.sort(key=lambda k: (family_sort_key(base.rows[k].family),
                               input_sort_key(base.rows[k]), impl_sort_key(base.rows[k])))
    rows: List[RowCmp] = []
    skipped: Dict[str, str] = {}
    few: List[str] = []
    for k in common:
        b, n = base.rows[k], new.rows[k]
        if b.error or n.error:
            skipped[k] = "skipped in %s: %s" % ("BASE" if b.error else "NEW", b.error or n.error)
            continue
        sb, sn = b.samples.get(metric), n.samples.get(metric)
        if sb is None and sn is None and b.value(metric) is None:
            raise InputError("%s: row '%s' has no '%s' (available: %s)" % (
                base.path, k, metric, ", ".join(sorted(b.samples) or sorted(
                    next(iter(b.aggregates.values()), {})))))
        if not sb or not sn or len(sb) < 2 or len(sn) < 2:
            # No test possible, but the table still shows the ratio of what there is.
            few.append(k)
            ob, on = (statistics.median(sb) if sb else b.value(metric),
                      statistics.median(sn) if sn else n.value(metric))
            if ob and on and ob > 0 and on > 0:
                ratio = on / ob
                rows.append(RowCmp(name=k, family=b.family, n_old=len(sb or ()),
                                   n_new=len(sn or ()), old=ob, new=on, ratio=ratio,
                                   slowdown=(ratio - 1) if lib else (1 / ratio - 1),
                                   p=float("nan"), ci_low=float("nan"), ci_high=float("nan"),
                                   verdict="untestable"))
            continue
        ob, on = statistics.median(sb), statistics.median(sn)
        if ob <= 0 or on <= 0:
            raise InputError("row '%s': median %s is not positive (%g, %g)" % (k, metric, ob, on))
        ratio = on / ob
        slow = (ratio - 1) if lib else (1 / ratio - 1)
        p = mann_whitney_p(sb, sn)
        lo, hi = median_ratio_ci(sb, sn)
        if math.isnan(p) or min_achievable_p(len(sb), len(sn)) >= alpha:
            verdict = "untestable"
        elif p >= alpha:
            verdict = "noise"
        elif slow > thr:
            verdict = "regression"
        elif slow < -thr:
            verdict = "improvement"
        else:
            verdict = "within threshold"
        rows.append(RowCmp(name=k, family=b.family, n_old=len(sb), n_new=len(sn), old=ob,
                           new=on, ratio=ratio, slowdown=slow, p=p, ci_low=lo, ci_high=hi,
                           verdict=verdict))
    if not rows and common and not skipped:
        raise InputError("no row could be compared")
    if not common:
        raise InputError("BASE and NEW have no benchmark in common (%d vs %d rows): mismatched "
                         "files?" % (len(keys_b), len(keys_n)))
    cannot_gate = None
    untestable = [r for r in rows if r.verdict == "untestable"]
    if few:
        cannot_gate = (
            "%d matched row(s) lack repetitions of '%s' in one of the files (e.g. '%s'): the "
            "significance test needs at least 2 per side, %d for alpha %g; run `encapbench run "
            "--repetitions N` (per-repetition rows must be kept, not only aggregates)" % (
                len(few), metric, few[0], min_repetitions_for(alpha), alpha))
    elif rows and len(untestable) == len(rows):
        nb = min(r.n_old for r in rows)
        nn = min(r.n_new for r in rows)
        cannot_gate = (
            "with %d and %d repetitions the smallest possible Mann-Whitney p-value is %.3g, not "
            "below alpha %g: no regression could ever be detected; use at least %d repetitions "
            "per side" % (nb, nn, min_achievable_p(nb, nn), alpha, min_repetitions_for(alpha)))
    elif untestable:
        warnings.append("%d row(s) have too few repetitions to reach alpha %g (e.g. %s)" % (
            len(untestable), alpha, untestable[0].name))
    fam: Dict[str, List[float]] = {}
    for r in rows:
        fam.setdefault(r.family, []).append(r.ratio)
    fgm = {f: geomean(v) for f, v in sorted(fam.items(), key=lambda kv: family_sort_key(kv[0]))}
    return Comparison(base=base.path, new=new.path, base_machine=str(bm), new_machine=str(nm),
                      metric=metric, lower_is_better=lib, threshold=thr, alpha=alpha, rows=rows,
                      only_base=only_base, only_new=only_new, skipped=skipped,
                      family_geomean=fgm, overall_geomean=geomean(r.ratio for r in rows),
                      warnings=warnings, cannot_gate=cannot_gate)


# ------------------------------------------------------------------------------- formats

def _val(metric: str, v: float) -> str:
    if metric in ("real_time", "cpu_time"):
        for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
            if v >= scale:
                return "%.4g %s" % (v / scale, unit)
        return "%.4g ns" % v
    if metric.endswith("_per_second"):
        for unit, scale in (("G/s", 1e9), ("M/s", 1e6), ("k/s", 1e3)):
            if v >= scale:
                return "%.4g %s" % (v / scale, unit)
    return "%.4g" % v


def _pct(x: float) -> str:
    return "%+.1f%%" % (100 * x)


MARK = {"regression": "REGRESSION", "improvement": "improved", "noise": "noise",
        "within threshold": "within threshold", "untestable": "too few reps"}


def _table(c: Comparison):
    head = ["benchmark", "old", "new", "change", "p (U test)", "95% CI new/old", "verdict"]
    body = []
    for r in c.rows:
        tested = not math.isnan(r.p)
        body.append([r.name, _val(c.metric, r.old), _val(c.metric, r.new), _pct(r.ratio - 1),
                     "%.4f" % r.p if tested else "n/a",
                     "%.3f–%.3f" % (r.ci_low, r.ci_high) if not math.isnan(r.ci_low) else "n/a",
                     MARK[r.verdict]])
    return head, body


def _summary_line(c: Comparison) -> str:
    better = "lower" if c.lower_is_better else "higher"
    s = ("%d row(s) compared on %s (%s is better), threshold %.1f%%, alpha %g: %d regression(s), "
         "%d improvement(s)" % (len(c.rows), c.metric, better, 100 * c.threshold, c.alpha,
                                len(c.regressions),
                                sum(r.verdict == "improvement" for r in c.rows)))
    if c.overall_geomean:
        s += "; geometric mean new/old %.3f" % c.overall_geomean
    if c.cannot_gate:
        s = "CANNOT GATE (exit 2): " + c.cannot_gate + ". " + s
    return s


def format_text(c: Comparison) -> str:
    head, body = _table(c)
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body)] if body else \
        [len(h) for h in head]
    out = ["BASE %s (%s)" % (c.base, c.base_machine), "NEW  %s (%s)" % (c.new, c.new_machine), ""]
    fmt = "  ".join("%%-%ds" % w if i == 0 or i == len(head) - 1 else "%%%ds" % w
                    for i, w in enumerate(widths))
    out.append(fmt % tuple(head))
    out.append("  ".join("-" * w for w in widths))
    out += [fmt % tuple(r) for r in body]
    out.append("")
    out.append("geometric mean of new/old per family (%s):" % c.metric)
    out += ["  %-20s %.3f (%s)" % (f, g, _pct(g - 1)) for f, g in c.family_geomean.items() if g]
    out += _sides(c, "  ")
    out += ["warning: " + w for w in c.warnings]
    out.append("")
    out.append(_summary_line(c))
    for r in c.regressions:
        out.append("REGRESSION %s: %s -> %s (%s, p=%.4f)" % (
            r.name, _val(c.metric, r.old), _val(c.metric, r.new), _pct(r.ratio - 1), r.p))
    return "\n".join(out) + "\n"


def _sides(c: Comparison, indent: str) -> List[str]:
    out = []
    if c.only_base:
        out.append("only in BASE (%d): %s" % (len(c.only_base), ", ".join(c.only_base)))
    if c.only_new:
        out.append("only in NEW (%d): %s" % (len(c.only_new), ", ".join(c.only_new)))
    if c.skipped:
        out.append("not compared (%d): %s" % (len(c.skipped), "; ".join(
            "%s (%s)" % kv for kv in c.skipped.items())))
    return out


def format_md(c: Comparison) -> str:
    head, body = _table(c)
    verdict = ("⚠ cannot gate" if c.cannot_gate else "❌ regression" if c.regressions else
               "✅ no significant regression")
    out = ["## encapbench compare: %s" % verdict, "",
           "BASE `%s` (%s) → NEW `%s` (%s)" % (c.base, c.base_machine, c.new, c.new_machine), "",
           _summary_line(c) + ".", ""]
    if c.regressions:
        out += ["| regressed | old | new | change | p |", "|---|--:|--:|--:|--:|"]
        out += ["| %s | %s | %s | %s | %.4f |" % (r.name, _val(c.metric, r.old),
                                                   _val(c.metric, r.new), _pct(r.ratio - 1), r.p)
                for r in c.regressions]
        out.append("")
    out += ["| family | geomean new/old |", "|---|--:|"]
    out += ["| %s | %.3f (%s) |" % (f, g, _pct(g - 1)) for f, g in c.family_geomean.items() if g]
    out += ["", "<details><summary>All %d rows</summary>" % len(body), "",
            "| " + " | ".join(head) + " |", "|---|" + "--:|" * (len(head) - 2) + "---|"]
    out += ["| " + " | ".join(r) + " |" for r in body]
    out += ["", "</details>", ""]
    out += ["- " + s for s in _sides(c, "")]
    out += ["- ⚠ " + w for w in c.warnings]
    return "\n".join(out).rstrip() + "\n"


def format_json(c: Comparison) -> str:
    d = asdict(c)
    d["regressions"] = [r.name for r in c.regressions]
    d["exit_code"] = c.exit_code
    for r in d["rows"]:
        for k in ("p", "ci_low", "ci_high"):
            if isinstance(r[k], float) and math.isnan(r[k]):
                r[k] = None
    return json.dumps(d, indent=1) + "\n"


FORMATS = {"text": format_text, "md": format_md, "json": format_json}
