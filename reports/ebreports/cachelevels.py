"""Per-packet cost as the working set grows: the LEVEL rows.

The benchmarks run some per-packet rows over corpora sized to the machine's caches (bench/common
inputs.h, cache_level_inputs): FAMILY/IMPL/BASE-LEVEL with LEVEL l1, l2, l3 (resident in that
level, half its size) and mem (DRAM-resident, 4x the largest level), e.g. checksum-tx/avx512/
imix-l2 or rss-pipeline-parse/gfni-x16/mixed-mem. The run's context says the corpus sizes
(`cache_corpora`, "l1 24k, l2 512k, l3 16m, mem 64m of packets (...)") and the machine's caches
(`caches`).

Per machine class (its latest run, as the rest of the report), family, base corpus and
implementation: ns/packet at each level (median over repetitions, with the row's CV over
repetitions), the ratio to l1 with the bootstrap 95% CI of the ratio of medians (stats.py, as
`compare` uses it) and the level where the path falls off the cache: the first level after l1
whose ratio exceeds 1 by more than the noise of the two rows (the larger of their CVs) and whose
CI lies above 1. Rows without repetitions have no CV and no CI: the report's CV threshold
(--cv-threshold) stands in for the noise and the verdict says it is untested.
"""
from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from . import analysis as an
from .analysis import MachineSummary
from .model import Row, Run
from .stats import median_ratio_ci

_LEVEL_INPUT = re.compile(r"^(.+)-(l\d+|mem)$")
_CORPUS = re.compile(r"\b(l\d+|mem)\s+(\d+(?:\.\d+)?)\s*(k|m|g|KiB|MiB|GiB)?\b")
_SCALE = {None: 1, "k": 1 << 10, "KiB": 1 << 10, "m": 1 << 20, "MiB": 1 << 20, "g": 1 << 30,
          "GiB": 1 << 30}


def level_of(inp: str) -> Optional[Tuple[str, str]]:
    """'imix-l2' -> ('imix', 'l2'); 'mixed-mem' -> ('mixed', 'mem'); None for other inputs."""
    m = _LEVEL_INPUT.match(inp)
    return (m.group(1), m.group(2)) if m else None


def level_sort_key(level: str):
    return (1, 0) if level == "mem" else (0, int(level[1:]))


def corpus_sizes(ctx: dict) -> Dict[str, int]:
    """{level: corpus bytes} from the context's `cache_corpora` (a string as `encapbench run`
    writes it, or a {level: bytes} object); {} when absent or unreadable."""
    v = ctx.get("cache_corpora")
    out: Dict[str, int] = {}
    if isinstance(v, dict):
        for k, b in v.items():
            if isinstance(k, str) and isinstance(b, (int, float)) and not isinstance(b, bool):
                out[k] = int(b)
        return out
    if isinstance(v, str):
        for lvl, num, unit in _CORPUS.findall(v.split("(")[0]):
            out.setdefault(lvl, int(float(num) * _SCALE[unit or None]))
    return out


def fmt_bytes(n: Optional[float]) -> str:
    if n is None:
        return "n/a"
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            v = n / scale
            return ("%d %s" % (v, unit)) if v == int(v) else ("%.1f %s" % (v, unit))
    return "%d B" % n


def per_packet_samples(row: Row) -> List[float]:
    """ns/packet per repetition: the ns_per_packet counter, else 1e9 / items_per_second."""
    s = row.samples.get("ns_per_packet")
    if s:
        return list(s)
    return [1e9 / x for x in row.samples.get("items_per_second", []) if x and x > 0]


def per_packet(row: Row) -> Optional[float]:
    s = per_packet_samples(row)
    if s:
        return statistics.median(s)
    v = row.value("ns_per_packet")
    if v is not None:
        return v
    ips = row.value("items_per_second")
    return 1e9 / ips if ips else None


def per_packet_cv(row: Row) -> Optional[float]:
    s = per_packet_samples(row)
    if len(s) >= 2:
        mean = statistics.fmean(s)
        return statistics.stdev(s) / mean if mean else None
    cv = row.aggregates.get("cv", {})
    return cv.get("ns_per_packet", cv.get("items_per_second"))


@dataclass
class LevelCell:
    level: str
    key: str                       # the row's FAMILY/IMPL/INPUT
    ns: Optional[float]            # median ns/packet; None when skipped
    cv: Optional[float]
    n: int                         # repetitions
    error: Optional[str] = None
    ratio: Optional[float] = None  # ns / ns at l1
    ci: Optional[Tuple[float, float]] = None  # bootstrap 95% CI of that ratio
    noise: Optional[float] = None  # max(CV here, CV at l1), or the CV threshold without reps
    above_noise: Optional[bool] = None


@dataclass
class ImplLevels:
    impl: str
    kind: str
    threads: int
    cells: Dict[str, LevelCell]    # level -> cell (only the levels that have a row)
    falls_off: Optional[str] = None  # first level above l1 by more than the noise
    verdict: str = ""

    @property
    def label(self) -> str:
        return self.impl + (" (%d threads)" % self.threads if self.threads != 1 else "")


@dataclass
class Group:
    family: str
    base: str                      # the corpus without its level: imix, mixed, default
    levels: List[str]              # every level any implementation of the group has
    impls: List[ImplLevels]


@dataclass
class MachineLevels:
    machine_class: str
    cpu: str
    caches: str                    # as the identity table writes them
    corpora: Dict[str, int]        # level -> corpus bytes (context cache_corpora)
    corpora_note: str              # the context's own words, or why there are none
    groups: List[Group]


def _judge(il: ImplLevels, rows: Dict[str, Row], cv_threshold: float):
    base = il.cells.get("l1")
    if base is None or base.ns is None:
        il.verdict = "no l1 row: nothing to compare with"
        return
    base_s = None
    for lvl in sorted(il.cells, key=level_sort_key):
        c = il.cells[lvl]
        if lvl == "l1" or c.ns is None:
            continue
        c.ratio = c.ns / base.ns if base.ns else None
        if c.ratio is None:
            continue
        cvs = [x for x in (base.cv, c.cv) if x is not None]
        c.noise = max(cvs) if cvs else cv_threshold
        if base_s is None:
            base_s = per_packet_samples(rows["l1"])
        s = per_packet_samples(rows[lvl])
        if len(base_s) >= 2 and len(s) >= 2:
            lo, hi = median_ratio_ci(base_s, s)
            c.ci = (lo, hi) if math.isfinite(lo) and math.isfinite(hi) else None
        c.above_noise = c.ratio - 1 > c.noise and (c.ci is None or c.ci[0] > 1)
        if c.above_noise and il.falls_off is None:
            il.falls_off = lvl
    last = max((lvl for lvl, c in il.cells.items() if c.ns is not None), key=level_sort_key)
    if il.falls_off:
        c = il.cells[il.falls_off]
        il.verdict = "%s (%s l1%s)" % (il.falls_off, an.fmt_ratio(c.ratio),
                                       "" if c.ci else ", untested: no repetitions")
    elif last == "l1":
        il.verdict = "only l1 measured"
    else:
        il.verdict = "within noise up to %s" % last


def machine_levels(run: Run, cv_threshold: float = an.DEFAULT_CV_THRESHOLD
                   ) -> Optional[MachineLevels]:
    """None when the run has no LEVEL rows (older files)."""
    found: Dict[Tuple[str, str], Dict[Tuple[str, int], Dict[str, Row]]] = {}
    for r in run.rows.values():
        lv = level_of(r.input)
        if lv is None or r.family == "limit":
            continue
        found.setdefault((r.family, lv[0]), {}).setdefault((r.impl, r.threads), {})[lv[1]] = r
    if not found:
        return None
    groups: List[Group] = []
    for (fam, base) in sorted(found, key=lambda k: (an.family_sort_key(k[0]), k[1])):
        impls: List[ImplLevels] = []
        by_impl = found[(fam, base)]
        for (impl, threads) in sorted(by_impl, key=lambda k: (
                an.impl_sort_key(next(iter(by_impl[k].values()))), k[1])):
            rows = by_impl[(impl, threads)]
            cells = {}
            for lvl, r in rows.items():
                ok = r.ok
                cells[lvl] = LevelCell(level=lvl, key=r.key, ns=per_packet(r) if ok else None,
                                       cv=per_packet_cv(r) if ok else None,
                                       n=len(per_packet_samples(r)) if ok else 0,
                                       error=None if ok else (r.error or "no data"))
            il = ImplLevels(impl=impl, kind=next(iter(rows.values())).kind, threads=threads,
                            cells=cells)
            if not any(c.ns is not None for c in cells.values()):
                il.verdict = "skipped at every level"
            else:
                _judge(il, rows, cv_threshold)
            impls.append(il)
        levels = sorted({lvl for il in impls for lvl in il.cells}, key=level_sort_key)
        groups.append(Group(family=fam, base=base, levels=levels, impls=impls))
    from .report import _ctx_str  # the identity table's wording of the caches
    ctx = run.context
    corpora = corpus_sizes(ctx)
    note = str(ctx["cache_corpora"]) if "cache_corpora" in ctx else \
        "the run's context has no cache_corpora: corpus sizes unknown"
    return MachineLevels(machine_class=run.machine_class,
                         cpu=str(ctx.get("cpu_brand") or "unknown CPU"),
                         caches=_ctx_str("caches", ctx["caches"]) if ctx.get("caches") else
                         "unknown (the run's context has no caches)",
                         corpora=corpora, corpora_note=note, groups=groups)


def cache_levels(summaries: List[MachineSummary], cv_threshold: float
                 ) -> List[MachineLevels]:
    return [m for m in (machine_levels(s.run, cv_threshold) for s in summaries) if m]


# --------------------------------------------------------------------------- presentation

def level_head(m: MachineLevels, lvl: str) -> str:
    size = m.corpora.get(lvl)
    return "%s (%s)" % (lvl, fmt_bytes(size)) if size else lvl


def ns_cell(c: Optional[LevelCell]) -> str:
    if c is None:
        return "–"
    if c.ns is None:
        return "skipped"
    return "%s ±%s" % (an.fmt_num(c.ns), "%.1f%%" % (100 * c.cv) if c.cv is not None else "?")


def ratio_cell(c: Optional[LevelCell]) -> str:
    if c is None or c.ratio is None:
        return "–"
    s = an.fmt_ratio(c.ratio)
    if c.ci:
        s += " [%s–%s]" % (an.fmt_num(c.ci[0]), an.fmt_num(c.ci[1]))
    return s


def table(m: MachineLevels, g: Group) -> Dict:
    later = [lvl for lvl in g.levels if lvl != "l1"]
    head = ["implementation"] + ["%s ns/pkt" % level_head(m, lvl) for lvl in g.levels] + \
        ["%s × l1 [95%% CI]" % lvl for lvl in later] + ["falls off at"]
    rows = []
    for il in g.impls:
        cells = [il.label if il.kind == "implementation" else "%s (%s)" % (il.label, il.kind)]
        cells += [ns_cell(il.cells.get(lvl)) for lvl in g.levels]
        cells += [ratio_cell(il.cells.get(lvl)) for lvl in later]
        cells.append(il.verdict)
        rows.append(dict(cells=cells, falls_off=il.falls_off, impl=il.impl))
    return dict(head=head, rows=rows, nlevels=len(g.levels))


INTRO = ("Per-packet rows over corpora resident in each cache level (LEVEL l1, l2, l3: half "
         "that level; mem: DRAM-resident, 4× the largest). *ns/pkt*: median over repetitions, "
         "± the CV of the row's ns/packet over repetitions. *× l1*: median ns/packet at that "
         "level over the same implementation's at l1, with the bootstrap 95% CI of that ratio "
         "of medians. *Falls off at*: the first level whose ratio exceeds 1 by more than the "
         "noise (the larger CV of the two rows) with its CI above 1; rows without repetitions "
         "use the CV threshold instead and are untested. –: no row at that level.")


def md_section(levels: List[MachineLevels]) -> List[str]:
    L = ["## Per-packet cost as the working set grows", "", INTRO, ""]
    for m in levels:
        L += ["### %s" % m.machine_class, "",
              "%s · caches: %s" % (m.cpu, m.caches), "",
              "Corpora: %s" % (", ".join("%s %s" % (lvl, fmt_bytes(b)) for lvl, b in sorted(
                  m.corpora.items(), key=lambda kv: level_sort_key(kv[0]))) + " of packets"
                  if m.corpora else m.corpora_note), ""]
        for g in m.groups:
            t = table(m, g)
            L += ["#### %s · %s" % (g.family, g.base), ""]
            L.append("| " + " | ".join(t["head"]) + " |")
            L.append("|---|" + "--:|" * (len(t["head"]) - 2) + "---|")
            for r in t["rows"]:
                cells = list(r["cells"])
                if r["falls_off"]:
                    cells[-1] = "**%s**%s" % (r["falls_off"], cells[-1][len(r["falls_off"]):])
                L.append("| " + " | ".join(cells) + " |")
            L.append("")
            errs = [c for il in g.impls for c in il.cells.values() if c.error]
            if errs:
                L.append("Skipped: " + "; ".join("%s (%s)" % (c.key, c.error) for c in errs))
                L.append("")
    return L


def to_json(levels: List[MachineLevels]) -> list:
    return [dict(
        machine_class=m.machine_class, cpu=m.cpu, caches=m.caches, corpora=m.corpora,
        corpora_note=m.corpora_note,
        groups=[dict(family=g.family, base=g.base, levels=g.levels, implementations=[dict(
            implementation=il.impl, kind=il.kind, threads=il.threads, falls_off=il.falls_off,
            verdict=il.verdict,
            levels={lvl: dict(key=c.key, ns_per_packet=c.ns, cv=c.cv, repetitions=c.n,
                              error=c.error, ratio_to_l1=c.ratio,
                              ci_low=c.ci[0] if c.ci else None,
                              ci_high=c.ci[1] if c.ci else None, noise=c.noise,
                              above_noise=c.above_noise)
                    for lvl, c in sorted(il.cells.items(), key=lambda kv: level_sort_key(kv[0]))})
            for il in g.impls]) for g in m.groups]) for m in levels]


CSV_COLS = ["machine_class", "family", "base_corpus", "implementation", "kind", "threads",
            "level", "corpus_bytes", "ns_per_packet", "cv", "repetitions", "ratio_to_l1",
            "ci_low", "ci_high", "noise", "above_noise", "falls_off_at", "error"]


def csv_rows(levels: List[MachineLevels]):
    for m in levels:
        for g in m.groups:
            for il in g.impls:
                for lvl in g.levels:
                    c = il.cells.get(lvl)
                    if c is None:
                        continue

                    def e(x):
                        return "" if x is None else x
                    yield [m.machine_class, g.family, g.base, il.impl, il.kind, il.threads, lvl,
                           e(m.corpora.get(lvl)), e(c.ns), e(c.cv), c.n, e(c.ratio),
                           c.ci[0] if c.ci else "", c.ci[1] if c.ci else "", e(c.noise),
                           "" if c.above_noise is None else ("yes" if c.above_noise else "no"),
                           e(il.falls_off), e(c.error)]
