"""What a performance engineer reads: per machine and family, the best implementation per input,
its speed-up over the reference, its ratio to each peer and to the physical limit; machines
against a baseline; history per machine class."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from .model import Row, Run, context_true
from .stats import geomean

FAMILY_ORDER = ["checksum", "checksum-tx", "checksum-rx", "rss", "rss-prep", "rss-pipeline",
                "segment", "limit"]
KIND_ORDER = {"implementation": 0, "reference": 1, "peer": 2, "limit": 3}
# The physical limit each family is judged against when several limit rows match an input:
# checksums only read their bytes; segmentation writes them again.
NATURAL_LIMIT = {"checksum": "read", "rss": "read", "segment": "memcpy"}
# Families that do not stream their input (key preparation): a limit row that happens to share
# the input name ("40" bytes of key) is no bound for them.
NO_LIMIT_SUFFIXES = ("-prep",)
DEFAULT_CV_THRESHOLD = 0.05
MAX_HEADER_SIZE = 256  # NDIS's suggested MaxHeaderSizeSupported (docs/nvgre-offload.md)


def family_sort_key(f: str):
    if f in FAMILY_ORDER:
        return (FAMILY_ORDER.index(f), f)
    base = f.split("-")[0]
    if base in FAMILY_ORDER:
        return (FAMILY_ORDER.index(base) + 0.5, f)
    return (len(FAMILY_ORDER) - 0.5, f)


def input_sort_key(r: Row):
    if r.buffer is not None:
        return (0, "", r.buffer, r.input)
    if r.header_size is not None and r.series:
        return (1, r.series, r.header_size, r.input)
    return (2, "", 0, r.input)


def impl_sort_key(r: Row):
    return (KIND_ORDER.get(r.kind, 9), r.impl)


@dataclass
class SpeedMetric:
    metric: str  # bytes_per_second | items_per_second | rate
    unit: str
    scale: float

    def of(self, row: Optional[Row]) -> Optional[float]:
        if row is None or not row.ok:
            return None
        if self.metric == "rate":
            t = row.value("real_time")
            return 1e9 / t if t else None
        v = row.value(self.metric)
        return v if v and v > 0 else None

    def fmt(self, value: Optional[float]) -> str:
        return "n/a" if value is None else fmt_num(value / self.scale)


BYTES = SpeedMetric("bytes_per_second", "GB/s", 1e9)
ITEMS = SpeedMetric("items_per_second", "Mpps", 1e6)  # packets (one hash per packet) per second
RATE = SpeedMetric("rate", "M it/s", 1e6)


def speed_metric_for(family: str, rows: List[Row]) -> SpeedMetric:
    ok = [r for r in rows if r.ok]
    # RSS is about hashes per second; everything else moves bytes.
    prefer_items = family.startswith("rss")
    has_bytes = ok and all(r.has("bytes_per_second") for r in ok)
    has_items = ok and all(r.has("items_per_second") for r in ok)
    if prefer_items and has_items:
        return ITEMS
    if has_bytes:
        return BYTES
    if has_items:
        return ITEMS
    return RATE


def fmt_num(x: Optional[float]) -> str:
    if x is None:
        return "n/a"
    a = abs(x)
    if a >= 100:
        return "%.0f" % x
    if a >= 10:
        return "%.1f" % x
    if a >= 1:
        return "%.2f" % x
    if a >= 0.01:
        return "%.3f" % x
    return "%.3g" % x


def fmt_ratio(x: Optional[float]) -> str:
    """Three significant digits: 0.912×, 4.51×, 23.4×, 187×."""
    if x is None:
        return "n/a"
    a = abs(x)
    return ("%.0f×" if a >= 100 else "%.1f×" if a >= 10 else "%.2f×" if a >= 1 else "%.3f×") % x


def fmt_pct(x: Optional[float]) -> str:
    return "n/a" if x is None else "%.0f%%" % (100 * x)


@dataclass
class ImplAt:
    row: Row
    speed: Optional[float]
    speedup: Optional[float]  # over the reference at this input
    frac_limit: Optional[float]  # of the natural limit at this input
    cost: Optional[float]  # cycles (or TSC ticks) per byte or per packet
    cv: Optional[float]


@dataclass
class InputSummary:
    family: str
    input: str
    header_size: Optional[float]
    buffer: Optional[int]
    series: Optional[str]
    best: Optional[Row]
    best_speed: Optional[float]
    runner_up: Optional[Row]
    margin: Optional[float]  # best / runner-up speed - 1
    reference: Optional[Row]
    speedup: Optional[float]
    peers: List[Tuple[str, Optional[float]]]  # (peer impl, best / peer speed)
    limits: List[Tuple[str, Optional[float]]]  # (limit impl, best / limit speed)
    natural_limit: Optional[str]
    cost: Optional[float]
    cv: Optional[float]
    noisy: bool
    impls: Dict[str, ImplAt] = field(default_factory=dict)
    peer_wins: List[str] = field(default_factory=list)  # peers faster than our best


@dataclass
class FamilySummary:
    family: str
    speed: SpeedMetric
    cost_metric: str
    cost_label: str
    inputs: List[InputSummary]
    impls: List[Row]  # one representative row per implementation, ordered by kind then name
    sweeps: Dict[str, List[InputSummary]]  # header-size series with >= 2 sizes
    buffers: List[InputSummary]  # inputs that are buffer sizes
    others: List[InputSummary]
    errors: List[Row]


@dataclass
class MachineSummary:
    run: Run
    families: List[FamilySummary]
    limits: Dict[str, Dict[str, Row]]  # input -> limit impl -> row
    warnings: List[str]
    noisy: List[Row]
    errors: List[Row]
    cycles_label: str


def _limit_rows(run: Run) -> Dict[str, Dict[str, Row]]:
    out: Dict[str, Dict[str, Row]] = {}
    for r in run.rows.values():
        if r.family == "limit" and r.ok:
            out.setdefault(r.input, {})[r.impl] = r
    return out


def _natural_limit(family: str, available: List[str]) -> Optional[str]:
    want = NATURAL_LIMIT.get(family) or NATURAL_LIMIT.get(family.split("-")[0])
    if want in available:
        return want
    return available[0] if available else None


def summarize_machine(run: Run, cv_threshold: float = DEFAULT_CV_THRESHOLD) -> MachineSummary:
    per_byte, per_packet, cycles_label = run.cycles_metric()
    limits = _limit_rows(run)
    fams: Dict[str, List[Row]] = {}
    for r in run.rows.values():
        fams.setdefault(r.family, []).append(r)
    families: List[FamilySummary] = []
    for fam in sorted(fams, key=family_sort_key):
        if fam == "limit":
            continue
        rows = fams[fam]
        families.append(_summarize_family(fam, rows, limits, per_byte, per_packet, cycles_label,
                                          cv_threshold))
    noisy = sorted((r for r in run.rows.values() if r.ok and (r.cv() or 0) > cv_threshold),
                   key=lambda r: -(r.cv() or 0))
    errors = [r for r in run.rows.values() if r.error]
    return MachineSummary(run=run, families=families, limits=limits,
                          warnings=run_warnings(run, noisy, errors, cv_threshold), noisy=noisy,
                          errors=errors, cycles_label=cycles_label)


def _summarize_family(fam, rows, limits, per_byte, per_packet, cycles_label, cv_threshold):
    speed = speed_metric_for(fam, rows)
    use_bytes = speed is BYTES or all(r.has(per_byte) for r in rows if r.ok)
    if fam.startswith("rss") and any(r.has(per_packet) for r in rows if r.ok):
        use_bytes = False
    cost_metric = per_byte if use_bytes else per_packet
    unit = "byte" if use_bytes else "packet"
    cost_label = "%s per %s" % (cycles_label, unit)
    by_input: Dict[str, List[Row]] = {}
    for r in rows:
        by_input.setdefault(r.input, []).append(r)
    impls: Dict[str, Row] = {}
    for r in rows:
        impls.setdefault(r.impl, r)
    summaries: List[InputSummary] = []
    for inp, irows in sorted(by_input.items(), key=lambda kv: input_sort_key(kv[1][0])):
        summaries.append(_summarize_input(fam, inp, irows, limits.get(inp, {}), speed,
                                          cost_metric, cv_threshold))
    # A sweep is a series with at least two header sizes.
    groups: Dict[str, List[InputSummary]] = {}
    for s in summaries:
        if s.header_size is not None and s.series and s.buffer is None:
            groups.setdefault(s.series, []).append(s)
    sweeps = {k: sorted(v, key=lambda s: s.header_size) for k, v in groups.items()
              if len({s.header_size for s in v}) >= 2}
    in_sweep = {id(s) for v in sweeps.values() for s in v}
    buffers = [s for s in summaries if s.buffer is not None]
    others = [s for s in summaries if s.buffer is None and id(s) not in in_sweep]
    return FamilySummary(family=fam, speed=speed, cost_metric=cost_metric, cost_label=cost_label,
                         inputs=summaries,
                         impls=sorted(impls.values(), key=impl_sort_key), sweeps=sweeps,
                         buffers=buffers, others=others, errors=[r for r in rows if r.error])


def _summarize_input(fam, inp, rows, limit_rows, speed, cost_metric, cv_threshold):
    ok = [r for r in rows if r.ok]
    ref = next((r for r in ok if r.kind == "reference"), None)
    ours = [r for r in ok if r.kind == "implementation"]
    peers = sorted((r for r in ok if r.kind == "peer"), key=lambda r: r.impl)
    # Limits: the limit family's rows at this input, and any in-family limit rows.
    lims: Dict[str, Row] = {} if fam.endswith(NO_LIMIT_SUFFIXES) else dict(limit_rows)
    for r in ok:
        if r.kind == "limit":
            lims[r.impl] = r
    cands = sorted(ours, key=lambda r: -(speed.of(r) or 0))
    if not cands and ref is not None:
        cands = [ref]
    best = cands[0] if cands else None
    runner = cands[1] if len(cands) > 1 else None
    bs = speed.of(best)

    def ratio(a, b):
        return a / b if a and b else None

    # Ratios to limits use bytes when both sides have them (the limit family may count
    # differently from this family), else time per iteration.
    def limit_ratio(row, lim):
        if row is None:
            return None
        a, b = row.value("bytes_per_second"), lim.value("bytes_per_second")
        if a and b:
            return a / b
        ta, tb = row.value("real_time"), lim.value("real_time")
        return tb / ta if ta and tb else None

    lim_names = sorted(lims)
    natural = _natural_limit(fam, lim_names)
    ref_speed = speed.of(ref)
    impls: Dict[str, ImplAt] = {}
    for r in sorted(rows, key=impl_sort_key):
        if not r.ok:
            continue
        s = speed.of(r)
        impls[r.impl] = ImplAt(row=r, speed=s, speedup=ratio(s, ref_speed),
                               frac_limit=limit_ratio(r, lims[natural]) if natural else None,
                               cost=r.value(cost_metric), cv=r.cv())
    cv = best.cv() if best else None
    first = rows[0]
    return InputSummary(
        family=fam, input=inp, header_size=first.header_size, buffer=first.buffer,
        series=first.series, best=best, best_speed=bs, runner_up=runner,
        margin=(ratio(bs, speed.of(runner)) - 1) if runner and speed.of(runner) else None,
        reference=ref, speedup=ratio(bs, ref_speed),
        peers=[(p.impl, ratio(bs, speed.of(p))) for p in peers],
        limits=[(n, limit_ratio(best, lims[n])) for n in lim_names],
        natural_limit=natural, cost=best.value(cost_metric) if best else None, cv=cv,
        noisy=bool(cv is not None and cv > cv_threshold), impls=impls,
        peer_wins=[p.impl for p in peers if bs and (speed.of(p) or 0) > bs])


@dataclass
class ScalingPoint:
    """One thread count of a row run at several (rxpath: 1..N threads, wall-clock time)."""
    base: str  # FAMILY/IMPL/INPUT
    threads: int
    rate: Optional[float]  # aggregate packets (or items) per second over all threads
    ns_per_packet_per_core: Optional[float]
    scaling: Optional[float]  # rate / rate at 1 thread
    efficiency: Optional[float]  # scaling / threads


def thread_scaling(run: Run) -> List[ScalingPoint]:
    """Rows that ran at more than one thread count, with their aggregate rate, per-core cost and
    scaling over the 1-thread row (None where that row is missing or has no rate)."""
    groups: Dict[str, Dict[int, Row]] = {}
    for r in run.rows.values():
        if r.ok:
            base = "/".join(p for p in (r.family, r.impl, r.input) if p)
            groups.setdefault(base, {})[r.threads] = r
    out: List[ScalingPoint] = []
    for base in sorted(groups):
        by_t = groups[base]
        if len(by_t) < 2:
            continue
        one = by_t.get(1).value("items_per_second") if 1 in by_t else None
        for t in sorted(by_t):
            r = by_t[t]
            rate = r.value("items_per_second")
            per_core = r.value("ns_per_packet_per_core")
            if per_core is None and r.value("ns_per_packet") is not None:
                per_core = r.value("ns_per_packet") * t
            sc = rate / one if rate and one else None
            out.append(ScalingPoint(base=base, threads=t, rate=rate, ns_per_packet_per_core=per_core,
                                    scaling=sc, efficiency=sc / t if sc else None))
    return out


def winner_ranges(sweep: List[InputSummary]) -> List[Tuple[str, float, float]]:
    """Consecutive header sizes with the same winner: [(impl, first size, last size)]."""
    out: List[Tuple[str, float, float]] = []
    for s in sweep:
        name = s.best.impl if s.best else "none"
        if out and out[-1][0] == name:
            out[-1] = (name, out[-1][1], s.header_size)
        else:
            out.append((name, s.header_size, s.header_size))
    return out


def _truthy_hypervisor(v) -> Optional[str]:
    if v is None or v is False:
        return None
    s = str(v).strip()
    if s.lower() in ("", "none", "no", "false", "0", "bare-metal", "bare metal", "absent"):
        return None
    return "present" if s.lower() in ("true", "yes", "1") else s


def _int(v) -> Optional[int]:
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def run_warnings(run: Run, noisy: List[Row], errors: List[Row], cv_threshold: float) -> List[str]:
    ctx = run.context
    w: List[str] = list(run.warnings_load)
    if context_true(ctx.get("emulated")):
        w.append("MEASURED UNDER EMULATION (%s): these speeds are the emulator's, not a CPU's; "
                 "the cross-CPU view refuses this machine class" %
                 (ctx.get("emulator") or "emulator not named"))
    lbt = str(ctx.get("library_build_type", "")).lower()
    if lbt == "debug":
        w.append("Google Benchmark library is a debug build (library_build_type: debug): its "
                 "bookkeeping is unoptimised; the timed loops are ours, built as %s" %
                 (ctx.get("build_type") or "unknown"))
    bt = str(ctx.get("build_type", "")).lower()
    if bt and bt not in ("release", "relwithdebinfo"):
        w.append("encapbench was built as %s, not Release: figures do not show optimised code" %
                 ctx.get("build_type"))
    hv = _truthy_hypervisor(ctx.get("hypervisor"))
    if hv:
        w.append("measured under a hypervisor (%s): steal time and neighbours widen the spread" %
                 hv)
    pmu = str(ctx.get("pmu", ""))
    src = str(ctx.get("cycles_source", "")).lower()
    if pmu.lower().startswith("unavailable") or (src == "tsc" and not pmu):
        try:
            tsc = float(ctx.get("tsc_hz"))
        except (TypeError, ValueError):
            tsc = 0.0
        at = " at %.3f GHz" % (tsc / 1e9) if tsc > 0 else ""
        w.append("PMU absent (%s): cycles are TSC ticks%s, not core cycles" %
                 (pmu or "cycles_source: tsc", at))
    woc = run.wall_over_cpu()
    if woc and woc > 1.3:
        w.append("wall time is %.1f× CPU time (median over rows): the machine was busy and the "
                 "benchmark thread waited; throughput counters use CPU time, real_time is "
                 "inflated (compare with --metric cpu_time)" % woc)
    if ctx.get("cpu_scaling_enabled") is True:
        w.append("CPU frequency scaling was enabled: clock speed may have varied during the run")
    la, ncpu = ctx.get("load_avg"), _int(ctx.get("num_cpus"))
    if isinstance(la, list) and la and isinstance(ncpu, int) and ncpu > 0:
        if isinstance(la[0], (int, float)) and la[0] > 0.5 * ncpu:
            w.append("load average %.2f on %d CPUs while measuring" % (la[0], ncpu))
    if errors:
        w.append("%d benchmark(s) skipped with an error (e.g. %s: %s)" %
                 (len(errors), errors[0].key, errors[0].error))
    if noisy:
        w.append("%d row(s) with coefficient of variation above %.0f%% (noisiest: %s, %.1f%%)" %
                 (len(noisy), 100 * cv_threshold, noisy[0].key, 100 * (noisy[0].cv() or 0)))
    single = [r for r in run.rows.values() if r.ok and r.n < 2 and "cv" not in r.aggregates]
    if single:
        w.append("%d row(s) have no repetitions: no noise estimate, and `compare` cannot test "
                 "them (run with --repetitions)" % len(single))
    return w


# ----- several machines --------------------------------------------------------------------

def _date_order(r: Run):
    return (r.date,)


def latest_per_machine(runs: List[Run], order=None) -> List[Run]:
    """The newest run of each machine class: by `order` (a sort key of a run, e.g. commit order
    from history.History.run_order), else by date."""
    order = order or _date_order
    latest: Dict[str, Run] = {}
    for r in runs:
        cur = latest.get(r.machine_class)
        if cur is None or order(r) >= order(cur):
            latest[r.machine_class] = r
    # Keep the order in which machines first appear among the given files.
    order: List[str] = []
    for r in runs:
        if r.machine_class not in order:
            order.append(r.machine_class)
    return [latest[m] for m in order]


@dataclass
class MatrixRow:
    key: str
    family: str
    impl: str
    kind: str
    input: str
    rel: Dict[str, Optional[float]]  # machine class -> speed / baseline speed
    speed: Dict[str, Optional[float]]
    cost: Dict[str, Optional[float]]  # each machine's own cycles (or ticks) per byte


@dataclass
class Matrix:
    baseline: str
    machines: List[str]
    cycles_labels: Dict[str, str]
    rows: List[MatrixRow]
    family_geomean: Dict[str, Dict[str, Optional[float]]]  # family -> machine -> geomean rel
    speed_units: Dict[str, SpeedMetric]


def machine_matrix(summaries: List[MachineSummary], baseline: Optional[str]) -> Optional[Matrix]:
    if len(summaries) < 2:
        return None
    machines = [s.run.machine_class for s in summaries]
    if baseline is None:
        baseline = machines[0]
    by_mc = {s.run.machine_class: s for s in summaries}
    base = by_mc[baseline]
    speeds: Dict[str, SpeedMetric] = {}
    for fs in base.families:
        speeds[fs.family] = fs.speed
    lim_rows = [r for r in base.run.rows.values() if r.family == "limit"]
    if lim_rows:
        speeds["limit"] = speed_metric_for("limit", lim_rows)
    keys = sorted((k for k, r in base.run.rows.items() if r.ok),
                  key=lambda k: (family_sort_key(base.run.rows[k].family),
                                 input_sort_key(base.run.rows[k]),
                                 impl_sort_key(base.run.rows[k])))
    rows: List[MatrixRow] = []
    for k in keys:
        br = base.run.rows[k]
        sm = speeds.get(br.family) or speed_metric_for(br.family, [br])
        present = [m for m in machines if m != baseline and k in by_mc[m].run.rows
                   and by_mc[m].run.rows[k].ok]
        if not present:
            continue
        rel, sp, cost = {}, {}, {}
        bs = sm.of(br)
        for m in machines:
            r = by_mc[m].run.rows.get(k)
            s = sm.of(r) if r is not None else None
            sp[m] = s
            rel[m] = s / bs if s and bs else None
            pb, _, _ = by_mc[m].run.cycles_metric()
            cost[m] = r.value(pb) if r is not None and r.ok else None
        rows.append(MatrixRow(key=k, family=br.family, impl=br.impl, kind=br.kind, input=br.input,
                              rel=rel, speed=sp, cost=cost))
    fam_gm: Dict[str, Dict[str, Optional[float]]] = {}
    for fam in sorted({r.family for r in rows}, key=family_sort_key):
        fam_gm[fam] = {m: geomean(r.rel[m] for r in rows if r.family == fam and r.rel[m])
                       for m in machines}
    return Matrix(baseline=baseline, machines=machines,
                  cycles_labels={s.run.machine_class: s.cycles_label for s in summaries},
                  rows=rows, family_geomean=fam_gm, speed_units=speeds)


# ----- history ------------------------------------------------------------------------------

@dataclass
class Trend:
    machine_class: str
    runs: List[Run]  # oldest first
    # family -> impl -> [geomean speed per run over the inputs every run has]
    series: Dict[str, Dict[str, List[Optional[float]]]]
    units: Dict[str, SpeedMetric]
    inputs: Dict[str, Dict[str, List[str]]]  # family -> impl -> inputs used


def trends(runs: List[Run], order=None) -> List[Trend]:
    """Per machine class with two runs or more, oldest first by `order` (else date)."""
    by_mc: Dict[str, List[Run]] = {}
    for r in runs:
        by_mc.setdefault(r.machine_class, []).append(r)
    out: List[Trend] = []
    for mc, rs in by_mc.items():
        if len(rs) < 2:
            continue
        rs = sorted(rs, key=order or _date_order)
        fams = sorted({row.family for r in rs for row in r.rows.values()}, key=family_sort_key)
        series: Dict[str, Dict[str, List[Optional[float]]]] = {}
        units: Dict[str, SpeedMetric] = {}
        used: Dict[str, Dict[str, List[str]]] = {}
        for fam in fams:
            latest_rows = [row for row in rs[-1].rows.values() if row.family == fam]
            sm = speed_metric_for(fam, latest_rows)
            units[fam] = sm
            impls = sorted({row.impl for r in rs for row in r.rows.values() if row.family == fam})
            for impl in impls:
                def keys_of(r):
                    return {row.key for row in r.rows.values()
                            if row.family == fam and row.impl == impl and row.ok}
                common = set.intersection(*(keys_of(r) for r in rs))
                if not common:
                    continue
                vals = [geomean(sm.of(r.rows[k]) for k in common) for r in rs]
                series.setdefault(fam, {})[impl] = vals
                used.setdefault(fam, {})[impl] = sorted(rs[-1].rows[k].input for k in common)
        out.append(Trend(machine_class=mc, runs=rs, series=series, units=units, inputs=used))
    return out
