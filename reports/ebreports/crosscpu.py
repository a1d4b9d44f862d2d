"""The cross-CPU view: every row on every machine class, made fair.

Absolute speed depends on clock and memory; two ratios measured on the machine itself do not:
× reference (the row's speed over the reference implementation's at the same input, same
machine) and % of the machine's own physical limit (its read or memcpy pass at the same input).
Machines are grouped by microarchitecture. Rows measured under emulation (context
`"emulated": true`, `"emulator"` naming it) or from a Debug build of the suite are refused: they
are listed with the reason and take no part in "which CPU wins"; a debug build of the Google
Benchmark library alone is marked (it adds overhead per iteration, not per byte).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from . import analysis as an
from .analysis import MachineSummary
from .model import context_true


@dataclass
class Machine:
    machine_class: str
    microarchitecture: str
    cpu: str
    refused: Optional[str]      # why its rows are not compared, None when they are
    marks: List[str]            # loud notes that do not refuse (debug benchmark library)


@dataclass
class Cell:
    speed: Optional[float]
    speedup: Optional[float]
    frac_limit: Optional[float]
    limit: Optional[str]


@dataclass
class CrossRow:
    family: str
    key: str                    # FAMILY/IMPL/INPUT
    impl: str
    kind: str
    unit: str
    scale: float
    cells: Dict[str, Cell]      # machine class -> figures
    win_speed: Optional[str] = None
    win_speedup: Optional[str] = None
    win_limit: Optional[str] = None


@dataclass
class CrossCpu:
    machines: List[Machine]     # grouped by microarchitecture
    groups: List[Tuple[str, List[str]]]  # (microarchitecture, machine classes)
    rows: List[CrossRow]
    refused: List[Machine]
    wins: Dict[str, Dict[str, int]] = field(default_factory=dict)  # criterion -> mc -> rows won

    @property
    def compared(self) -> List[str]:
        return [m.machine_class for m in self.machines if not m.refused]


def machine_of(s: MachineSummary) -> Machine:
    c = s.run.context
    refused = None
    if context_true(c.get("emulated")):
        refused = "measured under emulation (%s)" % (c.get("emulator") or "emulator not named")
    elif str(c.get("build_type", "")).lower() == "debug":
        refused = "the suite is a Debug build (build_type: %s)" % c.get("build_type")
    marks = []
    if str(c.get("library_build_type", "")).lower() == "debug":
        marks.append("Google Benchmark library is a debug build")
    return Machine(machine_class=s.run.machine_class,
                   microarchitecture=str(c.get("microarchitecture") or "unknown"),
                   cpu=str(c.get("cpu_brand") or "unknown CPU"), refused=refused, marks=marks)


def cross_cpu(summaries: List[MachineSummary]) -> Optional[CrossCpu]:
    """None with fewer than two machine classes."""
    if len(summaries) < 2:
        return None
    ms = sorted((machine_of(s) for s in summaries),
                key=lambda m: (m.microarchitecture, m.machine_class))
    by_mc = {s.run.machine_class: s for s in summaries}
    groups: List[Tuple[str, List[str]]] = []
    for m in ms:
        if groups and groups[-1][0] == m.microarchitecture:
            groups[-1][1].append(m.machine_class)
        else:
            groups.append((m.microarchitecture, [m.machine_class]))
    rows: Dict[str, CrossRow] = {}
    for m in ms:
        for fs in by_mc[m.machine_class].families:
            for inp in fs.inputs:
                for impl, at in inp.impls.items():
                    key = at.row.key
                    cr = rows.get(key)
                    if cr is None:
                        cr = rows[key] = CrossRow(family=fs.family, key=key, impl=impl,
                                                  kind=at.row.kind, unit=fs.speed.unit,
                                                  scale=fs.speed.scale, cells={})
                    cr.cells[m.machine_class] = Cell(speed=at.speed, speedup=at.speedup,
                                                     frac_limit=at.frac_limit,
                                                     limit=inp.natural_limit)
    compared = [m.machine_class for m in ms if not m.refused]
    wins: Dict[str, Dict[str, int]] = {k: {mc: 0 for mc in compared}
                                       for k in ("speed", "speedup", "limit")}

    def winner(cr: CrossRow, attr: str) -> Optional[str]:
        vals = [(getattr(cr.cells[mc], attr), mc) for mc in compared
                if mc in cr.cells and getattr(cr.cells[mc], attr)]
        if len(vals) < 2:
            return None
        return max(vals)[1]

    for cr in rows.values():
        cr.win_speed = winner(cr, "speed")
        cr.win_speedup = winner(cr, "speedup") if cr.kind != "reference" else None
        cr.win_limit = winner(cr, "frac_limit")
        for crit, w in (("speed", cr.win_speed), ("speedup", cr.win_speedup),
                        ("limit", cr.win_limit)):
            if w:
                wins[crit][w] += 1
    ordered = sorted(rows.values(), key=lambda r: (an.family_sort_key(r.family),
                                                   an.KIND_ORDER.get(r.kind, 9), r.key))
    return CrossCpu(machines=ms, groups=groups, rows=ordered,
                    refused=[m for m in ms if m.refused], wins=wins)


def md_section(x: CrossCpu) -> List[str]:
    L = ["## Across CPUs", "",
         "Per row and machine class: absolute speed, **× ref** (over the reference "
         "implementation on the same machine) and **% lim** (of the same machine's own read or "
         "memcpy pass at that input). The two ratios do not depend on clock or memory speed; "
         "\"wins\" names the machine with the highest value among those compared.", ""]
    for arch, mcs in x.groups:
        L.append("- **%s**: %s" % (arch, ", ".join(mcs)))
    L.append("")
    for m in x.refused:
        L.append("- ⛔ **%s: refused**, %s; its figures are shown struck out and take no part "
                 "in the wins." % (m.machine_class, m.refused))
    for m in x.machines:
        for note in m.marks:
            L.append("- ⚠ %s: %s" % (m.machine_class, note))
    L.append("")
    if len(x.compared) >= 2:
        L += ["| rows won by | " + " | ".join(x.compared) + " |",
              "|---|" + "--:|" * len(x.compared)]
        for crit, label in (("speed", "absolute speed"), ("speedup", "× reference"),
                            ("limit", "% of own limit")):
            L.append("| %s | %s |" % (label, " | ".join(str(x.wins[crit][mc])
                                                         for mc in x.compared)))
        L.append("")
    mcs = [m.machine_class for m in x.machines]
    refused = {m.machine_class for m in x.refused}
    L += ["<details><summary>Every row on every CPU (%d rows)</summary>" % len(x.rows), "",
          "| row | " + " | ".join("%s speed | × ref | %% lim" % mc for mc in mcs) +
          " | wins (speed / × ref / % lim) |",
          "|---|" + "--:|--:|--:|" * len(mcs) + "---|"]
    for r in x.rows:
        cells = []
        for mc in mcs:
            c = r.cells.get(mc)
            vals = ["", "", ""] if c is None else [
                (an.fmt_num(c.speed / r.scale) + " " + r.unit) if c.speed else "",
                an.fmt_ratio(c.speedup), an.fmt_pct(c.frac_limit)]
            if mc in refused:
                vals = ["~~%s~~" % v if v else v for v in vals]
            cells += vals
        L.append("| %s | %s | %s / %s / %s |" % (r.key, " | ".join(cells), r.win_speed or "–",
                                                  r.win_speedup or "–", r.win_limit or "–"))
    L += ["", "</details>", ""]
    return L


def to_json(x: CrossCpu) -> dict:
    return dict(
        groups=[dict(microarchitecture=a, machines=m) for a, m in x.groups],
        refused={m.machine_class: m.refused for m in x.refused}, wins=x.wins,
        rows=[dict(key=r.key, family=r.family, kind=r.kind, win_speed=r.win_speed,
                   win_speedup=r.win_speedup, win_limit=r.win_limit,
                   cells={mc: dict(speed=c.speed, speedup=c.speedup, frac_limit=c.frac_limit,
                                   limit=c.limit) for mc, c in r.cells.items()})
              for r in x.rows])
