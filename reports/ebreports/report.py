"""`report RESULTS... --out DIR`: report.md, report.html (self-contained), rows.csv,
summary.csv, summary.json, cache_levels.csv (when the runs have per-packet rows over
cache-sized corpora, cachelevels.py) and charts/*.svg|png."""
from __future__ import annotations

import base64
import csv
import html
import json
import os
from datetime import datetime, timezone
from typing import Dict, List, Optional

import jinja2
import markupsafe

from . import analysis as an
from . import cachelevels
from . import crosscpu
from . import history as hi
from . import cost as cost_results
from .charts import Chart, ChartWriter, Palette
from .history_charts import event_chart
from .model import InputError, Run

IDENTITY_FIELDS = [
    ("machine_class", "machine class"), ("cpu_brand", "CPU"), ("cpu_vendor", "vendor"),
    ("microarchitecture", "microarchitecture"), ("cpu_family", "family"), ("cpu_model", "model"),
    ("cpu_stepping", "stepping"), ("num_cpus", "CPUs"), ("mhz_per_cpu", "MHz (nominal)"),
    ("tsc_hz", "TSC Hz"), ("tsc_hz_source", "TSC Hz from"), ("caches", "caches"),
    ("isa_flags", "ISA flags"), ("hypervisor", "hypervisor"), ("pmu", "PMU"),
    ("cycles_source", "cycles from"), ("compiler", "compiler"), ("build_type", "build type"),
    ("library_build_type", "Google Benchmark build"), ("hwy_version", "Highway"),
    ("hwy_targets", "Highway targets"), ("isal_version", "ISA-L"), ("dpdk_version", "DPDK"),
    ("benchmark_version", "Google Benchmark"), ("git_commit", "commit"),
    ("suite_commit", "commit"), ("date", "date"),
    ("preset", "preset"), ("run_wall_seconds", "run wall time, s"), ("host_name", "host"),
    ("executable", "executable"), ("load_avg", "load average"),
]


def _ctx_str(key, v) -> str:
    if key == "caches" and isinstance(v, list):
        parts = []
        for c in v:
            if isinstance(c, dict):
                size = c.get("size", 0)
                s = ("%d KiB" % (size >> 10)) if size < (1 << 20) else ("%g MiB" % (size / (1 << 20)))
                parts.append("L%s%s %s%s" % (c.get("level"), {"Data": "d", "Instruction": "i"}.get(
                    c.get("type"), ""), s, " ×%d shared" % c["num_sharing"]
                    if c.get("num_sharing", 1) > 1 else ""))
        return ", ".join(parts)
    if key in ("tsc_hz", "tsc_hz_calibrated"):
        try:
            return "%.6g GHz" % (float(v) / 1e9)
        except (TypeError, ValueError):
            return str(v)
    if isinstance(v, list):
        return ", ".join(str(x) for x in v)
    if isinstance(v, dict):
        return json.dumps(v)
    return str(v)


def identity(run: Run) -> List[tuple]:
    ctx = run.context
    out = [(label, _ctx_str(k, ctx[k])) for k, label in IDENTITY_FIELDS if k in ctx]
    known = {k for k, _ in IDENTITY_FIELDS}
    out += [(k, _ctx_str(k, v)) for k, v in ctx.items() if k not in known]
    return out


# ---------------------------------------------------------------------------------- tables

def family_table(fs: an.FamilySummary, points: List[an.InputSummary]) -> Dict:
    peers = sorted({n for p in points for n, _ in p.peers})
    limits = sorted({n for p in points for n, _ in p.limits})
    cost_short = fs.cost_label.replace("TSC ticks (not core cycles)", "TSC ticks").replace(
        "core cycles (PMU)", "cycles")
    head = ["input", "best", fs.speed.unit, cost_short, "× reference"]
    head += ["vs %s" % p for p in peers] + ["%% of %s" % lim for lim in limits]
    head += ["margin over runner-up", "CV"]
    rows = []
    for p in points:
        cells = [p.input, p.best.impl if p.best else "none", fs.speed.fmt(p.best_speed),
                 an.fmt_num(p.cost), an.fmt_ratio(p.speedup)]
        pd = dict(p.peers)
        ld = dict(p.limits)
        cells += [an.fmt_ratio(pd.get(n)) for n in peers]
        cells += [an.fmt_pct(ld.get(n)) for n in limits]
        cells += ["%s (%s)" % (an.fmt_pct(p.margin), p.runner_up.impl)
                  if p.runner_up and p.margin is not None else "n/a",
                  ("%.1f%%" % (100 * p.cv)) + (" ⚠" if p.noisy else "") if p.cv is not None
                  else "n/a"]
        rows.append(dict(cells=cells, noisy=p.noisy, peer_wins=p.peer_wins,
                         beyond=bool(p.header_size and p.header_size > an.MAX_HEADER_SIZE)))
    return dict(head=head, rows=rows)


def _range(vals):
    vals = [v for v in vals if v is not None]
    return (min(vals), max(vals)) if vals else None


def glance_rows(ms: an.MachineSummary) -> List[Dict]:
    """Per family and kind of input (header-size sweeps, other inputs): who wins where, the
    speed-up over the reference, the ratio to the fastest peer and the fraction of the limit,
    each as a range over the inputs."""
    out = []
    for fs in ms.families:
        groups = []
        if fs.sweeps:
            groups.append(("header size (%s)" % ", ".join(
                k[3:] if k.startswith("hs-") else k for k in sorted(fs.sweeps)),
                [p for k in sorted(fs.sweeps) for p in fs.sweeps[k]], True))
        rest = fs.buffers + fs.others
        if rest:
            groups.append((", ".join(p.input for p in rest), rest, False))
        for scope, pts, sweep in groups:
            where: Dict[str, List[str]] = {}
            if sweep:
                for k in sorted(fs.sweeps):
                    tag = k[3:] if k.startswith("hs-") else k
                    for n, a, b in an.winner_ranges(fs.sweeps[k]):
                        where.setdefault(n, []).append(
                            "%s %g" % (tag, a) if a == b else "%s %g–%g" % (tag, a, b))
            else:
                for p in pts:
                    where.setdefault(p.best.impl if p.best else "none", []).append(p.input)
            if len(where) == 1:
                where = {n: ["all"] for n in where}
            peer_r, peer_names = [], set()
            for p in pts:
                if p.peers:
                    name, r = min(((n, r) for n, r in p.peers if r), key=lambda x: x[1],
                                  default=(None, None))
                    if name:
                        peer_r.append(r)
                        peer_names.add(name)
            nat = next((p.natural_limit for p in pts if p.natural_limit), None)
            out.append(dict(
                family=fs.family, scope=scope, n=len(pts),
                winners=[(n, ", ".join(w)) for n, w in where.items()],
                speedup=_range(p.speedup for p in pts),
                peer=_range(peer_r), peer_names=sorted(peer_names),
                limit=_range(dict(p.limits).get(nat) for p in pts) if nat else None,
                limit_name=nat, peer_wins=sum(1 for p in pts if p.peer_wins),
                noisy=sum(1 for p in pts if p.noisy)))
    return out


def fmt_range(r, fmt) -> str:
    if not r:
        return "n/a"
    lo, hi = r
    return fmt(lo) if fmt(lo) == fmt(hi) else "%s–%s" % (fmt(lo), fmt(hi))


def glance_md(ms: an.MachineSummary) -> List[str]:
    L = ["| family | inputs | best of ours (where) | × reference | vs fastest peer | % of limit |",
         "|---|---|---|--:|--:|--:|"]
    for g in glance_rows(ms):
        peer = fmt_range(g["peer"], an.fmt_ratio)
        if g["peer"]:
            peer += " (%s)" % ", ".join(g["peer_names"])
        if g["peer_wins"]:
            peer += " ⚠ peer faster at %d/%d" % (g["peer_wins"], g["n"])
        lim = fmt_range(g["limit"], an.fmt_pct)
        if g["limit"]:
            lim += " of %s" % g["limit_name"]
        L.append("| %s | %s | %s | %s | %s | %s |" % (
            g["family"], g["scope"], "; ".join("**%s** (%s)" % w for w in g["winners"]),
            fmt_range(g["speedup"], an.fmt_ratio), peer, lim))
    return L


def md_table(t: Dict) -> List[str]:
    lines = ["| " + " | ".join(t["head"]) + " |",
             "|" + "|".join("---" if i < 2 else "--:" for i in range(len(t["head"]))) + "|"]
    for r in t["rows"]:
        cells = list(r["cells"])
        if r["beyond"]:
            cells[0] += " (beyond %d)" % an.MAX_HEADER_SIZE
        if r["peer_wins"]:
            cells[1] += " (⚠ %s faster)" % ", ".join(r["peer_wins"])
        lines.append("| " + " | ".join(cells) + " |")
    return lines


# ------------------------------------------------------------------------------ markdown

def write_markdown(path, runs, summaries, matrix, trend_list, cv_threshold, sections=()):
    L: List[str] = ["# encapbench report", ""]
    L.append("From %d result file(s); %d machine class(es). Speeds are medians over "
             "repetitions. *× reference*: our best implementation's speed over the reference "
             "(the plain, obviously correct code). *vs PEER*: our best's speed over the peer's "
             "(above 1× we are faster). *%% of LIMIT*: our best's speed as a fraction of a "
             "physical limit (read-only pass, memcpy) at the same input. Rows whose CV (of the "
             "throughput over repetitions) exceeds "
             "%.0f%% are marked ⚠." % (len(runs), len(summaries), 100 * cv_threshold))
    L += ["", "## Machines", "",
          "| machine class | CPU | microarchitecture | cycles from | commit | date | warnings |",
          "|---|---|---|---|---|---|--:|"]
    for s in summaries:
        c = s.run.context
        L.append("| %s | %s | %s | %s | %s | %s | %d |" % (
            s.run.machine_class, c.get("cpu_brand", "unknown"), c.get("microarchitecture", "?"),
            s.cycles_label, s.run.commit[:12], s.run.date.strftime("%Y-%m-%d %H:%M"),
            len(s.warnings)))
    L += ["", "## At a glance", "",
          "Ranges are over the inputs of each row; *vs fastest peer* is our best's speed over "
          "the fastest peer at each input (below 1× the peer is faster).", ""]
    for s in summaries:
        L.append("**%s**" % s.run.machine_class)
        L.append("")
        L += glance_md(s)
        L.append("")
    for s in summaries:
        L += ["## %s" % s.run.machine_class, ""]
        L.append("%s · %s · cycles: %s · commit %s" % (
            s.run.context.get("cpu_brand", "unknown CPU"),
            s.run.context.get("microarchitecture", "unknown microarchitecture"), s.cycles_label,
            s.run.commit[:12]))
        L.append("")
        if s.warnings:
            L += ["Warnings:", ""] + ["- ⚠ " + w for w in s.warnings] + [""]
        for fs in s.families:
            L += ["### %s" % fs.family, ""]
            L.append("Throughput in %s; cost in %s." % (fs.speed.unit, fs.cost_label))
            L.append("")
            groups = [("", fs.buffers + fs.others)] + [(k, v) for k, v in fs.sweeps.items()]
            for title, pts in groups:
                if not pts:
                    continue
                table = md_table(family_table(fs, pts))
                if title:
                    ranges = an.winner_ranges(pts)
                    L.append("Header-size sweep **%s**: " % title + ", ".join(
                        "%s wins %g–%g" % (n, a, b) for n, a, b in ranges) + ".")
                    L.append("")
                if len(pts) > 10:
                    L += ["<details><summary>%d inputs</summary>" % len(pts), ""] + table + \
                         ["", "</details>"]
                else:
                    L += table
                L.append("")
            if fs.errors:
                L.append("Skipped: " + "; ".join("%s (%s)" % (r.key, r.error)
                                                 for r in fs.errors[:8]) +
                         ("; …%d more" % (len(fs.errors) - 8) if len(fs.errors) > 8 else ""))
                L.append("")
        if s.limits:
            L += ["### physical limits", "", "| input | " + " | ".join(
                sorted({n for d in s.limits.values() for n in d})) + " |"]
            names = sorted({n for d in s.limits.values() for n in d})
            L.append("|---|" + "--:|" * len(names))
            rows = sorted(s.limits.items(), key=lambda kv: an.input_sort_key(
                next(iter(kv[1].values()))))
            for inp, d in rows:
                L.append("| %s | %s |" % (inp, " | ".join(
                    an.BYTES.fmt(d[n].value("bytes_per_second")) + " GB/s" if n in d else ""
                    for n in names)))
            L.append("")
        scaling = an.thread_scaling(s.run)
        if scaling:
            L += ["### thread scaling", "",
                  "Rows run at several thread counts (wall-clock time): the aggregate rate over "
                  "all threads, the time one thread spends per packet, and the aggregate rate over "
                  "the 1-thread row's (*efficiency*: that ratio per thread).", "",
                  "| row | threads | aggregate Mpps | ns/packet per core | scaling | efficiency |",
                  "|---|--:|--:|--:|--:|--:|"]
            for p in scaling:
                L.append("| %s | %d | %s | %s | %s | %s |" % (
                    p.base, p.threads, an.ITEMS.fmt(p.rate), an.fmt_num(p.ns_per_packet_per_core),
                    an.fmt_ratio(p.scaling), an.fmt_pct(p.efficiency)))
            L.append("")
        if s.noisy:
            L += ["### noise", "", "Rows with CV above %.0f%%:" % (100 * cv_threshold), ""]
            L += ["- %s: %.1f%% over %d repetitions" % (r.key, 100 * (r.cv() or 0), r.n)
                  for r in s.noisy[:20]]
            L.append("")
    if matrix:
        L += ["## Across machines (baseline %s)" % matrix.baseline, "",
              "Geometric mean, per family, of speed / baseline speed over the rows both "
              "machines ran (above 1×: faster than the baseline).", "",
              "| family | " + " | ".join(matrix.machines) + " |",
              "|---|" + "--:|" * len(matrix.machines)]
        for fam, d in matrix.family_geomean.items():
            L.append("| %s | %s |" % (fam, " | ".join(an.fmt_ratio(d[m]) for m in matrix.machines)))
        L += ["", "<details><summary>Every row: speed relative to %s, and cycles per byte "
              "(each machine's own source)</summary>" % matrix.baseline, "",
              "| benchmark | " + " | ".join("× (%s)" % m for m in matrix.machines) + " | " +
              " | ".join("cyc/B (%s)" % m for m in matrix.machines) + " |",
              "|---|" + "--:|" * (2 * len(matrix.machines))]
        for r in matrix.rows:
            L.append("| %s | %s | %s |" % (r.key, " | ".join(an.fmt_ratio(r.rel[m])
                                                             for m in matrix.machines),
                                          " | ".join(an.fmt_num(r.cost[m])
                                                     for m in matrix.machines)))
        L += ["", "Cycle sources: " + "; ".join("%s: %s" % kv for kv in
                                                matrix.cycles_labels.items()), "", "</details>",
              ""]
    if trend_list:
        L += ["## History", ""]
        for t in trend_list:
            L += ["### %s" % t.machine_class, "",
                  "Geometric mean throughput per implementation over the inputs every run has; "
                  "last column: change from the first run to the last.", "",
                  "| family | implementation | " + " | ".join(
                      "%s (%s)" % (r.commit[:8], r.date.strftime("%Y-%m-%d")) for r in t.runs) +
                  " | change |", "|---|---|" + "--:|" * (len(t.runs) + 1)]
            for fam, d in t.series.items():
                for impl, vals in sorted(d.items()):
                    ch = (vals[-1] / vals[0] - 1) if vals[0] and vals[-1] else None
                    L.append("| %s | %s | %s | %s |" % (
                        fam, impl, " | ".join(t.units[fam].fmt(v) + " " + t.units[fam].unit
                                              for v in vals),
                        "n/a" if ch is None else "%+.1f%%" % (100 * ch)))
            L.append("")
    for lines in sections:  # views computed in their own modules (crosscpu, history)
        L += lines
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(L).rstrip() + "\n")


# ----------------------------------------------------------------------------------- CSV

CSV_FIRST = ["file", "machine_class", "git_commit", "date", "name", "run_name", "family",
             "implementation", "input", "kind", "header_size", "buffer_bytes", "threads",
             "run_type", "aggregate_name", "repetitions", "repetition_index", "iterations",
             "real_time_ns", "cpu_time_ns", "time_unit", "error_occurred", "error_message"]


def write_rows_csv(path, runs: List[Run]):
    from .model import TIME_UNIT_NS, split_name
    counters = set()
    for run in runs:
        for raw in run.raw_rows:
            for k, v in raw.items():
                if isinstance(v, (int, float)) and not isinstance(v, bool) and k not in (
                        "real_time", "cpu_time", "family_index", "per_family_instance_index",
                        "repetitions", "repetition_index", "threads", "iterations"):
                    counters.add(k)
    cols = CSV_FIRST + sorted(counters)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for run in runs:
            for raw in run.raw_rows:
                rn = raw.get("run_name") or raw.get("name")
                key = split_name(rn)[0]
                row = run.rows.get(key)
                scale = TIME_UNIT_NS.get(raw.get("time_unit", "ns"), 1.0)
                agg = raw.get("aggregate_name")
                rec = {
                    "file": os.path.basename(run.path), "machine_class": run.machine_class,
                    "git_commit": run.commit, "date": run.date.isoformat(),
                    "name": raw.get("name"), "run_name": rn,
                    "family": row.family if row else "", "implementation": row.impl if row else "",
                    "input": row.input if row else "", "kind": row.kind if row else "",
                    "header_size": row.header_size if row and row.header_size else "",
                    "buffer_bytes": row.buffer if row and row.buffer is not None else "",
                    "threads": raw.get("threads", ""), "run_type": raw.get("run_type", ""),
                    "aggregate_name": agg or "", "repetitions": raw.get("repetitions", ""),
                    "repetition_index": raw.get("repetition_index", ""),
                    "iterations": raw.get("iterations", ""),
                    "real_time_ns": (raw.get("real_time", "") * (1 if agg == "cv" else scale))
                    if isinstance(raw.get("real_time"), (int, float)) else "",
                    "cpu_time_ns": (raw.get("cpu_time", "") * (1 if agg == "cv" else scale))
                    if isinstance(raw.get("cpu_time"), (int, float)) else "",
                    "time_unit": raw.get("time_unit", ""),
                    "error_occurred": "true" if raw.get("error_occurred") else "",
                    "error_message": raw.get("error_message", ""),
                }
                for c in counters:
                    v = raw.get(c)
                    rec[c] = v if isinstance(v, (int, float)) and not isinstance(v, bool) else ""
                w.writerow([rec[c] for c in cols])


def write_summary_csv(path, summaries: List[an.MachineSummary]):
    cols = ["machine_class", "git_commit", "family", "input", "header_size", "buffer_bytes",
            "implementation", "kind", "repetitions", "median_real_time_ns", "throughput",
            "throughput_unit", "speedup_over_reference", "fraction_of_limit", "limit", "cost",
            "cost_unit", "cv", "best"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for s in summaries:
            for fs in s.families:
                for p in fs.inputs:
                    for name, a in p.impls.items():
                        w.writerow([s.run.machine_class, s.run.commit, fs.family, p.input,
                                    p.header_size or "", p.buffer if p.buffer is not None else "",
                                    name, a.row.kind, a.row.n, a.row.value("real_time"),
                                    (a.speed / fs.speed.scale) if a.speed else "", fs.speed.unit,
                                    a.speedup or "", a.frac_limit or "", p.natural_limit or "",
                                    a.cost if a.cost is not None else "", fs.cost_label,
                                    a.cv if a.cv is not None else "",
                                    "yes" if p.best is not None and p.best.impl == name else ""])


# ------------------------------------------------------------------------------ summary.json

def summary_json(runs, summaries, matrix, trend_list, charts: List[Chart]) -> dict:
    def inp(p: an.InputSummary):
        return {
            "input": p.input, "header_size": p.header_size, "buffer_bytes": p.buffer,
            "best": p.best.impl if p.best else None, "best_speed": p.best_speed,
            "runner_up": p.runner_up.impl if p.runner_up else None, "margin": p.margin,
            "speedup_over_reference": p.speedup, "vs_peers": dict(p.peers),
            "fraction_of_limits": dict(p.limits), "natural_limit": p.natural_limit,
            "cost": p.cost, "cv": p.cv, "noisy": p.noisy, "peer_faster": p.peer_wins,
            "implementations": {n: {"kind": a.row.kind, "speed": a.speed, "speedup": a.speedup,
                                    "fraction_of_limit": a.frac_limit, "cost": a.cost,
                                    "cv": a.cv, "repetitions": a.row.n}
                                for n, a in p.impls.items()},
        }

    return {
        "files": [r.path for r in runs],
        "machines": [{
            "machine_class": s.run.machine_class, "commit": s.run.commit, "file": s.run.path,
            "cycles": s.cycles_label, "warnings": s.warnings,
            "noisy": [r.key for r in s.noisy], "skipped": {r.key: r.error for r in s.errors},
            "families": [{
                "family": fs.family, "speed_unit": fs.speed.unit, "speed_metric": fs.speed.metric,
                "speed_scale": fs.speed.scale, "cost": fs.cost_label,
                "cost_metric": fs.cost_metric,
                "inputs": [inp(p) for p in fs.inputs],
                "sweeps": {k: [p.input for p in v] for k, v in fs.sweeps.items()},
                "winner_ranges": {k: an.winner_ranges(v) for k, v in fs.sweeps.items()},
            } for fs in s.families],
        } for s in summaries],
        "matrix": None if not matrix else {
            "baseline": matrix.baseline, "machines": matrix.machines,
            "family_geomean": matrix.family_geomean,
            "rows": {r.key: {"relative": r.rel, "cost": r.cost} for r in matrix.rows},
        },
        "history": [{
            "machine_class": t.machine_class, "commits": [r.commit for r in t.runs],
            "series": t.series,
        } for t in trend_list],
        "charts": [os.path.relpath(c.svg, os.path.dirname(os.path.dirname(c.svg)))
                   for c in charts],
    }


# ----------------------------------------------------------------------------------- HTML

def _svg_data_uri(path: str) -> str:
    with open(path, "rb") as f:
        return "data:image/svg+xml;base64," + base64.b64encode(f.read()).decode("ascii")


def _md_bold(text: str):
    """Escape, then turn **x** into <b>x</b> (the glance lines are shared with report.md)."""
    import re
    return markupsafe.Markup(re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", str(markupsafe.escape(text))))


def _heat_color(rel: Optional[float]) -> str:
    """Background for a relative speed: green above 1, red below (log scale, capped at 4×)."""
    import math
    if not rel:
        return "#f0f0f0"
    x = max(-1.0, min(1.0, math.log(rel, 4)))
    if x >= 0:
        g = int(255 - 90 * x)
        return "rgb(%d,%d,%d)" % (int(255 - 140 * x), 255 - int(30 * x), g)
    x = -x
    return "rgb(255,%d,%d)" % (int(255 - 130 * x), int(255 - 130 * x))


def write_html(path, runs, summaries, matrix, trend_list, chart_map, cv_threshold, title,
               views=None, cost_section=""):
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(os.path.join(os.path.dirname(__file__), "templates")),
        autoescape=jinja2.select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = an.fmt_num
    env.filters["ratio"] = an.fmt_ratio
    env.filters["pct"] = an.fmt_pct
    env.filters["heat"] = _heat_color
    env.filters["mdbold"] = _md_bold
    env.filters["range"] = fmt_range
    env.filters["bytes"] = cachelevels.fmt_bytes
    tpl = env.get_template("report.html.j2")
    machines = []
    for s in summaries:
        fams = []
        for fs in s.families:
            groups = []
            if fs.buffers or fs.others:
                groups.append(("", family_table(fs, fs.buffers + fs.others)))
            for k, v in fs.sweeps.items():
                groups.append((k, family_table(fs, v)))
            fams.append(dict(
                fs=fs, groups=groups,
                ranges={k: an.winner_ranges(v) for k, v in fs.sweeps.items()},
                charts=[dict(title=c.title, caption=c.caption, uri=_svg_data_uri(c.svg),
                             name=c.name)
                        for c in chart_map.get((s.run.machine_class, fs.family), [])]))
        machines.append(dict(s=s, identity=identity(s.run), glance=glance_rows(s), families=fams,
                             id="m-" + s.run.machine_class))
    extra = {k: [dict(title=c.title, caption=c.caption, uri=_svg_data_uri(c.svg), name=c.name)
                 for c in v] for k, v in chart_map.items() if isinstance(k, str)}
    text = tpl.render(
        title=title, runs=runs, machines=machines, matrix=matrix, trends=trend_list,
        extra=extra, cv_threshold=cv_threshold, max_header=an.MAX_HEADER_SIZE,
        cost_section=markupsafe.Markup(cost_section),
        ratio_f=an.fmt_ratio, pct_f=an.fmt_pct,
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        views=views or {},
        trend_tables=[dict(t=t, rows=[(fam, impl, vals) for fam, d in t.series.items()
                                      for impl, vals in sorted(d.items())]) for t in trend_list])
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


# ------------------------------------------------------------------------------------ main

MAX_EVENT_CHARTS = 6  # per machine class


def _has_history(runs: List[Run]) -> bool:
    """A change-point section needs a machine class with three commits or more."""
    commits: Dict[str, set] = {}
    for r in runs:
        commits.setdefault(r.machine_class, set()).add(r.commit)
    return any(len(c) >= 3 for c in commits.values())


def make_report(runs: List[Run], out_dir: str, baseline: Optional[str] = None,
                cv_threshold: float = an.DEFAULT_CV_THRESHOLD, title: str = "encapbench report",
                png_dpi: int = 110, html: bool = True, repo: Optional[str] = None,
                p_value: float = 0.001, gate_min_rows: int = 2, costs=None) -> dict:
    # With a history, "latest" and the trend follow commit order, as the Changes section does.
    changes = hi.analyze(runs, repo=repo, p_value=p_value, gate_min_rows=gate_min_rows) \
        if _has_history(runs) else None
    order = changes.run_order() if changes else None
    latest = an.latest_per_machine(runs, order)
    machines = [r.machine_class for r in latest]
    if baseline is not None and baseline not in machines:
        raise InputError("--baseline %s: no such machine class among the results (have: %s)" %
                         (baseline, ", ".join(machines)))
    os.makedirs(out_dir, exist_ok=True)
    summaries = [an.summarize_machine(r, cv_threshold) for r in latest]
    matrix = an.machine_matrix(summaries, baseline)
    trend_list = an.trends(runs, order)
    xcpu = crosscpu.cross_cpu(summaries)
    levels = cachelevels.cache_levels(summaries, cv_threshold)

    kinds: Dict[str, str] = {}
    for r in runs:
        for row in r.rows.values():
            kinds.setdefault(row.impl, row.kind)
    cw = ChartWriter(out_dir, Palette(kinds), png_dpi)
    chart_map: Dict = {}
    for s in (summaries if html else []):
        for fs in s.families:
            lst = chart_map.setdefault((s.run.machine_class, fs.family), [])
            for c in (cw.sweeps(s, fs), cw.cache(s, fs), cw.bars(s, fs, fs.others),
                      cw.heatmaps(s, fs)):
                if c:
                    lst.append(c)
    if matrix and html:
        chart_map["machines"] = [c for c in (cw.matrix(matrix),
                                             cw.cycles_side_by_side(matrix, summaries)) if c]
    for t in (trend_list if html else []):
        c = cw.trend(t)
        if c:
            chart_map.setdefault("history", []).append(c)
    for m in (changes.machines if changes and html else []):
        for e in m.events[:MAX_EVENT_CHARTS]:
            c = event_chart(cw, m, e)
            if c:
                chart_map.setdefault("changes", []).append(c)
    level_charts = {}
    for m in (levels if html else []):
        c = cw.cache_levels(m)
        if c:
            level_charts[m.machine_class] = dict(title=c.title, caption=c.caption,
                                                 uri=_svg_data_uri(c.svg), name=c.name)
    sections = []
    if levels:
        sections.append(cachelevels.md_section(levels))
    if changes:
        sections.append(["## Changes", ""] + hi.md_section(changes))
    if xcpu:
        sections.append(crosscpu.md_section(xcpu))

    cost_charts = cost_results.draw(costs or [], cw) if html else []
    write_markdown(os.path.join(out_dir, "report.md"), runs, summaries, matrix, trend_list,
                   cv_threshold, sections)
    if costs:
        with open(os.path.join(out_dir, "report.md"), "a", encoding="utf-8") as f:
            f.write("\n".join(cost_results.markdown(costs)) + "\n")
    if html:
        write_html(os.path.join(out_dir, "report.html"), runs, summaries, matrix, trend_list,
                   chart_map, cv_threshold, title, views=dict(changes=changes, crosscpu=xcpu,
                              cachelevels=[dict(m=m, charts=[level_charts[m.machine_class]]
                                                if m.machine_class in level_charts else [],
                                                tables=[(g, cachelevels.table(m, g))
                                                        for g in m.groups])
                                           for m in levels]),
                   cost_section=cost_results.html_section(costs or [], [
                       dict(title=c.title, caption=c.caption, uri=_svg_data_uri(c.svg), name=c.name)
                       for c in cost_charts]))
    write_rows_csv(os.path.join(out_dir, "rows.csv"), runs)
    write_summary_csv(os.path.join(out_dir, "summary.csv"), summaries)
    if levels:
        with open(os.path.join(out_dir, "cache_levels.csv"), "w", newline="",
                  encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(cachelevels.CSV_COLS)
            w.writerows(cachelevels.csv_rows(levels))
    summ = summary_json(runs, summaries, matrix, trend_list, cw.charts)
    summ["changes"] = hi.to_json(changes) if changes else None
    summ["cross_cpu"] = crosscpu.to_json(xcpu) if xcpu else None
    summ["cache_levels"] = cachelevels.to_json(levels) if levels else None
    summ["exit_code"] = changes.exit_code if changes else 0
    with open(os.path.join(out_dir, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summ, f, indent=1, default=str)
    return summ


__all__ = ["make_report", "html"]
