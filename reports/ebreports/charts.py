"""Charts (matplotlib, Agg backend), each written as SVG and PNG. Colours are fixed per
implementation name across every chart of a report; line styles say the kind: ours solid,
reference dashed grey, peers dash-dot, physical limits black."""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from typing import Dict, List, Optional

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import colors as mcolors  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from .analysis import (MAX_HEADER_SIZE, FamilySummary, InputSummary, Matrix, MachineSummary,  # noqa: E402
                       Trend, fmt_num)

plt.rcParams.update({
    "svg.fonttype": "none",        # text stays text in the SVG files
    "svg.hashsalt": "encapbench",  # stable element ids: same data, same file
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.fontsize": 8,
    "legend.frameon": False,
})

# Ours: saturated tab10-like colours; peers: browns and mauves, never shared with ours.
OURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#e377c2",
        "#bcbd22", "#393b79", "#637939", "#6baed6", "#fd8d3c", "#74c476", "#9e9ac8",
        "#e7298a", "#1b9e77", "#d95f02", "#7570b3", "#66a61e", "#e6ab02"]
PEERS = ["#8c564b", "#c49c94", "#7b4173", "#ad494a", "#bd9e39", "#843c39", "#a55194",
         "#8c6d31", "#e7969c", "#636363"]
MARKERS = ["o", "^", "D", "v", "s", "P", "X", "<", ">", "h"]
REFERENCE = "#7f7f7f"
LIMIT = "#000000"


@dataclass
class Chart:
    name: str      # file stem
    title: str
    svg: str       # path
    png: str       # path
    caption: str


class Palette:
    """One colour and style per implementation name for the whole report."""

    def __init__(self, kinds: Dict[str, str]):
        self.style: Dict[str, dict] = {}
        ours = sorted(n for n, k in kinds.items() if k == "implementation")
        peers = sorted(n for n, k in kinds.items() if k == "peer")
        for i, n in enumerate(ours):
            self.style[n] = dict(color=OURS[i % len(OURS)], linestyle="-",
                                 marker=MARKERS[(i // len(OURS)) % len(MARKERS)],
                                 linewidth=1.8, markersize=4)
        for i, n in enumerate(peers):
            self.style[n] = dict(color=PEERS[i % len(PEERS)], linestyle="-.",
                                 marker=MARKERS[(i + 4) % len(MARKERS)], linewidth=1.4,
                                 markersize=4)
        for n, k in kinds.items():
            if k == "reference":
                self.style[n] = dict(color=REFERENCE, linestyle="--", marker="x", linewidth=1.4,
                                     markersize=4)
            elif k == "limit":
                self.style[n] = dict(color=LIMIT, linestyle=":" if n != "read" else "-",
                                     marker=None, linewidth=1.2, markersize=0)

    def __call__(self, name: str) -> dict:
        return self.style.get(name, dict(color="#444444", linestyle="-", marker="."))

    def color(self, name: str) -> str:
        return self(name)["color"]


def _slug(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", s).strip("_")


def _label(impl: str, kind: str) -> str:
    if kind == "implementation" or impl == kind:
        return impl
    return "%s (%s)" % (impl, kind)


def _auto_log(ax, ratio: float = 10.0, axes_group=None):
    """Log scale when a panel (or a row of panels sharing y) spans more than `ratio`, with
    plain numbers on the ticks."""
    vals = []
    for ln in [ln for a in (axes_group or [ax]) for ln in a.get_lines()]:
        y = np.asarray(ln.get_ydata(), dtype=float)
        vals.extend(y[np.isfinite(y) & (y > 0)])
    if vals and max(vals) / min(vals) > ratio:
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_num(v)))
        ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
        return True
    ax.set_ylim(bottom=0)
    return False


def _wrap(name: str, width: int = 18) -> str:
    """Machine classes are long: break them at '-' into lines of about `width`."""
    lines, cur = [], ""
    for part in name.split("-"):
        piece = part if not cur else "-" + part
        if cur and len(cur) + len(piece) > width:
            lines.append(cur + "-")
            cur = part
        else:
            cur += piece
    lines.append(cur)
    return "\n".join(lines)


def _bytes_label(n: float) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            v = n / scale
            return ("%d %s" % (v, unit)) if v == int(v) else ("%.1f %s" % (v, unit))
    return "%d B" % n


MAX_OURS_IN_LINES = 5
MAX_PEERS_IN_LINES = 3


def pick_impls(fs: FamilySummary, points: List[InputSummary]):
    """Line charts stay readable with a handful of lines: the fastest of ours (geometric mean
    over these inputs), the reference and the fastest peers. Every implementation is in the
    heatmap and the tables."""
    def gm(impl):
        v = [p.impls[impl].speed for p in points if impl in p.impls and p.impls[impl].speed]
        return math.exp(sum(map(math.log, v)) / len(v)) if v else 0.0

    rows = [r for r in fs.impls if any(r.impl in p.impls for p in points)]
    ours = sorted((r for r in rows if r.kind == "implementation"), key=lambda r: -gm(r.impl))
    peers = sorted((r for r in rows if r.kind == "peer"), key=lambda r: -gm(r.impl))
    ref = [r for r in rows if r.kind == "reference"]
    picked = ours[:MAX_OURS_IN_LINES] + ref + peers[:MAX_PEERS_IN_LINES]
    left = len(rows) - len(picked)
    return picked, left


class ChartWriter:
    def __init__(self, out_dir: str, palette: Palette, png_dpi: int = 110):
        self.dir = os.path.join(out_dir, "charts")
        self.palette = palette
        self.dpi = png_dpi
        self.charts: List[Chart] = []

    def _save(self, fig, name: str, title: str, caption: str) -> Chart:
        stem = _slug(name)
        os.makedirs(self.dir, exist_ok=True)
        svg = os.path.join(self.dir, stem + ".svg")
        png = os.path.join(self.dir, stem + ".png")
        fig.savefig(svg, format="svg", bbox_inches="tight", metadata={"Date": None})
        fig.savefig(png, format="png", dpi=self.dpi, bbox_inches="tight")
        plt.close(fig)
        c = Chart(name=stem, title=title, svg=svg, png=png, caption=caption)
        self.charts.append(c)
        return c

    # --- header-size sweep --------------------------------------------------------------
    def sweeps(self, ms: MachineSummary, fs: FamilySummary) -> Optional[Chart]:
        """Every header-size sweep of a family in one figure: rows are throughput, cost,
        speed-up over the reference and % of the limit; columns are the sweeps (outer/inner IP
        versions). One sweep: a 2 x 2 grid."""
        if not fs.sweeps:
            return None
        mc = ms.run.machine_class
        series = sorted(fs.sweeps)
        has_limit = any(p.natural_limit for v in fs.sweeps.values() for p in v)
        nat = next((p.natural_limit for v in fs.sweeps.values() for p in v if p.natural_limit),
                   None)
        metrics = [("tp", "throughput, %s" % fs.speed.unit, "Throughput (higher is better)"),
                   ("cost", fs.cost_label.replace(" (not core cycles)", "\n(not core cycles)"),
                    "Cost (lower is better)"),
                   ("sp", "speed-up over reference (×)", "Speed-up over the reference")]
        if has_limit:
            metrics.append(("lim", "%% of %s limit" % nat,
                            "Fraction of the physical limit (%s)" % nat))
        if len(series) == 1:
            nr, nc = 2, 2
            fig, axes = plt.subplots(2, 2, figsize=(11, 7.2), sharex=True, squeeze=False)
            grid = {(m[0], series[0]): axes.flat[i] for i, m in enumerate(metrics)}
            for ax in axes.flat[len(metrics):]:
                ax.set_visible(False)
        else:
            nr, nc = len(metrics), len(series)
            fig, axes = plt.subplots(nr, nc, figsize=(1.2 + 3.5 * nc, 1.0 + 2.5 * nr),
                                     sharex="col", sharey="row", squeeze=False)
            grid = {(m[0], sr): axes[i][j] for i, m in enumerate(metrics)
                    for j, sr in enumerate(series)}
        seen = {}
        shown, left = pick_impls(fs, [p for v in fs.sweeps.values() for p in v])
        for sr in series:
            points = fs.sweeps[sr]
            hs = [p.header_size for p in points]

            def line(ax, get, impl, kind, label):
                xs, ys = [], []
                for p in points:
                    v = get(p)
                    if v is not None:
                        xs.append(p.header_size)
                        ys.append(v)
                if xs:
                    h, = ax.plot(xs, ys, label=label, **self.palette(impl))
                    seen.setdefault(label, h)

            for r in shown:
                if not any(r.impl in p.impls for p in points):
                    continue
                lab = _label(r.impl, r.kind)

                def at(p, n=r.impl):
                    return p.impls.get(n)

                line(grid[("tp", sr)], lambda p: (at(p).speed / fs.speed.scale
                                                  if at(p) and at(p).speed else None),
                     r.impl, r.kind, lab)
                line(grid[("cost", sr)], lambda p: at(p).cost if at(p) else None,
                     r.impl, r.kind, lab)
                if r.kind != "reference":
                    line(grid[("sp", sr)], lambda p: at(p).speedup if at(p) else None,
                         r.impl, r.kind, lab)
                if has_limit:
                    line(grid[("lim", sr)], lambda p: (100 * at(p).frac_limit
                                                       if at(p) and at(p).frac_limit else None),
                         r.impl, r.kind, lab)
            for lname in sorted({n for p in points for n, _ in p.limits}):
                rows = [(p, ms.limits.get(p.input, {}).get(lname)) for p in points]
                rows = [(p, row) for p, row in rows if row is not None]
                if rows:
                    st = self.palette(lname)
                    lab = "%s (limit)" % lname
                    h, = grid[("tp", sr)].plot(
                        [p.header_size for p, _ in rows],
                        [(fs.speed.of(row) or np.nan) / fs.speed.scale for _, row in rows],
                        label=lab, **st)
                    grid[("cost", sr)].plot([p.header_size for p, _ in rows],
                                            [row.value(fs.cost_metric) or np.nan
                                             for _, row in rows], **st)
                    seen.setdefault(lab, h)
            grid[("sp", sr)].axhline(1.0, color=REFERENCE, linestyle="--", linewidth=1)
            for m, _, _ in metrics:
                self._max_header_marks(grid[(m, sr)], hs)
        for i, (m, ylabel, title) in enumerate(metrics):
            row_axes = [grid[(m, sr)] for sr in series]
            if m in ("tp", "cost"):
                _auto_log(row_axes[0], axes_group=row_axes)
            else:
                row_axes[0].set_ylim(bottom=0)
            row_axes[0].set_ylabel(ylabel)
            if len(series) == 1:
                row_axes[0].set_title(title)
        if len(series) > 1:
            for j, sr in enumerate(series):
                axes[0][j].set_title(sr, fontweight="bold")
            for ax in axes[-1]:
                ax.set_xlabel("header size, bytes")
        else:
            for ax in list(axes.flat)[2:]:
                ax.set_xlabel("header size, bytes (first byte to end of inner TCP/UDP header)")
        fig.legend(list(seen.values()), list(seen.keys()), loc="lower center",
                   ncol=min(6, len(seen)), bbox_to_anchor=(0.5, -0.01))
        fig.suptitle("%s · against header size · %s" % (fs.family, mc), fontsize=11,
                     fontweight="bold")
        if left:
            fig.text(0.99, 0.005, "%d more implementation(s) in the heatmap and tables" % left,
                     ha="right", va="bottom", fontsize=7, color="#666666")
        fig.tight_layout(rect=(0, 0.05, 1, 0.97))
        return self._save(fig, "%s__%s__header-size" % (mc, fs.family),
                          "%s against header size (%s)" % (fs.family, ", ".join(series)),
                          "Per implementation against header size on %s, one column per outer/"
                          "inner combination. The dashed line is MaxHeaderSize %d; beyond it "
                          "(shaded) a NIC would not offload and software does the work." % (
                              mc, MAX_HEADER_SIZE))

    @staticmethod
    def _max_header_marks(ax, hs):
        if not hs:
            return
        hi = max(hs)
        lo = min(hs)
        if lo > MAX_HEADER_SIZE:
            return
        ax.axvline(MAX_HEADER_SIZE, color="#d62728", linestyle="--", linewidth=1.2)
        if hi > MAX_HEADER_SIZE:
            ax.axvspan(MAX_HEADER_SIZE, hi + 4, color="#d62728", alpha=0.07, linewidth=0)
            ax.text((MAX_HEADER_SIZE + hi + 4) / 2, 0.02, "software\nfallback", color="#d62728",
                    transform=ax.get_xaxis_transform(), ha="center", va="bottom", fontsize=7)
        ax.text(MAX_HEADER_SIZE, 1.0, " MaxHeaderSize %d" % MAX_HEADER_SIZE, color="#d62728",
                transform=ax.get_xaxis_transform(), va="top", ha="left" if hi > MAX_HEADER_SIZE
                else "right", fontsize=7)

    # --- buffer sizes across cache levels ------------------------------------------------
    def cache(self, ms: MachineSummary, fs: FamilySummary) -> Optional[Chart]:
        pts = sorted(fs.buffers, key=lambda p: p.buffer)
        if len({p.buffer for p in pts}) < 2:
            return None
        mc = ms.run.machine_class
        shown, left = pick_impls(fs, pts)
        fig, (a_tp, a_cost) = plt.subplots(1, 2, figsize=(11, 4.6))
        for r in shown:
            xs = [p.buffer for p in pts if r.impl in p.impls]
            if not xs:
                continue
            tp = [(p.impls[r.impl].speed or np.nan) / fs.speed.scale for p in pts
                  if r.impl in p.impls]
            cost = [p.impls[r.impl].cost or np.nan for p in pts if r.impl in p.impls]
            st = self.palette(r.impl)
            a_tp.plot(xs, tp, label=_label(r.impl, r.kind), **st)
            a_cost.plot(xs, cost, label=_label(r.impl, r.kind), **st)
        for lname in sorted({n for p in pts for n, _ in p.limits}):
            xs, tp, cost = [], [], []
            for p in pts:
                row = ms.limits.get(p.input, {}).get(lname)
                if row is not None:
                    xs.append(p.buffer)
                    tp.append((fs.speed.of(row) or np.nan) / fs.speed.scale)
                    cost.append(row.value(fs.cost_metric) or np.nan)
            st = self.palette(lname)
            a_tp.plot(xs, tp, label="%s (limit)" % lname, **st)
            a_cost.plot(xs, cost, label="%s (limit)" % lname, **st)
        for ax in (a_tp, a_cost):
            ax.set_xscale("log", base=2)
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _bytes_label(v)))
            ax.set_xlabel("buffer size")
            top = max(p.buffer for p in pts)
            for lvl, size in ms.run.caches():
                if size > 2 * top:  # keep the axis on the data; say what lies beyond
                    continue
                ax.axvline(size, color="#2ca02c", linestyle=":", linewidth=1.1)
                ax.text(size, 0.98, " %s %s" % (lvl, _bytes_label(size)), rotation=90,
                        transform=ax.get_xaxis_transform(), va="top", ha="right", fontsize=7,
                        color="#2ca02c")
        a_tp.set_ylabel("throughput, %s" % fs.speed.unit)
        a_tp.set_title("Throughput (higher is better)")
        a_tp.set_ylim(bottom=0)
        _auto_log(a_cost)
        a_cost.set_ylabel(fs.cost_label)
        a_cost.set_title("Cost per byte (lower is better)")
        handles, labels = a_tp.get_legend_handles_labels()
        ncol = min(6, len(labels))
        nrow = (len(labels) + ncol - 1) // ncol
        fig.legend(handles, labels, loc="lower center", ncol=ncol, bbox_to_anchor=(0.5, 0.0))
        fig.suptitle("%s · buffer size across cache levels · %s" % (fs.family, mc), fontsize=11,
                     fontweight="bold")
        beyond = [("%s %s" % (lvl, _bytes_label(size))) for lvl, size in ms.run.caches()
                  if size > 2 * max(p.buffer for p in pts)]
        notes = []
        if beyond:
            notes.append("beyond the largest buffer: " + ", ".join(beyond))
        if left:
            notes.append("%d more implementation(s) in the heatmap and tables" % left)
        if notes:
            fig.text(0.99, 0.005, "; ".join(notes), ha="right", va="bottom", fontsize=7,
                     color="#666666")
        fig.tight_layout(rect=(0, 0.04 + 0.045 * nrow, 1, 0.95))
        return self._save(fig, "%s__%s__cache" % (mc, fs.family),
                          "%s: cost against buffer size" % fs.family,
                          "Green dotted lines: this machine's L1d/L2/L3 sizes (from the run's "
                          "context). Limits are the read-only pass and memcpy at each size.")

    # --- per-input bars (inputs that are neither sweeps nor buffer sizes) ----------------
    def bars(self, ms: MachineSummary, fs: FamilySummary, points: List[InputSummary]
             ) -> Optional[Chart]:
        if not points:
            return None
        mc = ms.run.machine_class
        n = len(points)
        nimpl = max(len(p.impls) for p in points)
        fig, axes = plt.subplots(1, n, figsize=(min(5.2 * n, 16), 0.38 * nimpl + 1.6),
                                 squeeze=False)
        for ax, p in zip(axes[0], points):
            items = sorted(p.impls.values(), key=lambda x: (x.speed or 0))
            names = [_label(i.row.impl, i.row.kind) for i in items]
            vals = [(i.speed or 0) / fs.speed.scale for i in items]
            cols = [self.palette.color(i.row.impl) for i in items]
            y = np.arange(len(items))
            ax.barh(y, vals, color=cols, alpha=0.85)
            ax.set_yticks(y, names)
            ax.grid(axis="y", visible=False)
            top = max(vals) if vals else 1
            for yi, it, v in zip(y, items, vals):
                txt = fmt_num(v)
                if it.speedup and it.row.kind != "reference":
                    txt += "  (%s× ref)" % fmt_num(it.speedup)
                ax.text(v + top * 0.01, yi, txt, va="center", fontsize=7)
            ax.set_xlim(0, top * 1.45)
            ax.set_xlabel(fs.speed.unit)
            ax.set_title(p.input)
        fig.suptitle("%s · throughput per input · %s" % (fs.family, mc), fontsize=11,
                     fontweight="bold")
        fig.tight_layout(rect=(0, 0, 1, 0.93))
        return self._save(fig, "%s__%s__inputs" % (mc, fs.family),
                          "%s: throughput per input" % fs.family,
                          "Fastest at the top; in brackets the speed-up over the reference. "
                          "Peers and the reference are labelled.")

    # --- speed-up and %-of-limit heatmaps -------------------------------------------------
    def heatmaps(self, ms: MachineSummary, fs: FamilySummary) -> Optional[Chart]:
        pts = fs.buffers + fs.others + [p for v in fs.sweeps.values() for p in v]
        if not pts:
            return None
        impls = [r for r in fs.impls if r.kind != "reference"]
        if not impls:
            return None
        mc = ms.run.machine_class
        has_limit = any(p.natural_limit for p in pts)
        ncols = 2 if has_limit else 1
        w = max(5.0, 0.62 * len(pts) + 2.5)
        fig, axes = plt.subplots(1, ncols, figsize=(min(w * ncols, 18), 0.42 * len(impls) + 2.2),
                                 squeeze=False)
        ylabels = [_label(r.impl, r.kind) for r in impls]
        xlabels = [p.input for p in pts]

        def grid(get):
            m = np.full((len(impls), len(pts)), np.nan)
            for i, r in enumerate(impls):
                for j, p in enumerate(pts):
                    a = p.impls.get(r.impl)
                    v = get(a) if a else None
                    if v:
                        m[i, j] = v
            return m

        sp = grid(lambda a: a.speedup)
        self._heat(axes[0][0], sp, ylabels, xlabels, pts, impls, "×",
                   "speed-up over reference", log=True)
        if has_limit:
            lim = grid(lambda a: a.frac_limit)
            self._heat(axes[0][1], lim * 100, ylabels, xlabels, pts, impls, "%",
                       "% of the physical limit", log=False)
        fig.suptitle("%s · every implementation at every input · %s" % (fs.family, mc),
                     fontsize=11, fontweight="bold")
        fig.tight_layout(rect=(0, 0, 1, 0.94))
        return self._save(fig, "%s__%s__heatmap" % (mc, fs.family),
                          "%s: speed-up over reference and fraction of limit" % fs.family,
                          "Each cell is one benchmark row (median over repetitions); the best "
                          "of ours at each input is boxed. Blank: not measured or skipped.")

    @staticmethod
    def _heat(ax, m, ylabels, xlabels, pts, impls, unit, title, log):
        finite = m[np.isfinite(m)]
        if finite.size == 0:
            ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            return
        if log:
            lo, hi = max(finite.min(), 1e-3), max(finite.max(), 1.0001)
            lo = min(lo, 0.9999)
            norm = mcolors.TwoSlopeNorm(vmin=math.log10(lo), vcenter=0.0, vmax=math.log10(hi))
            data = np.log10(m)
            cmap = "RdYlGn"
        else:
            norm = mcolors.Normalize(vmin=0, vmax=max(100.0, float(finite.max())))
            data = m
            cmap = "viridis"
        ax.imshow(data, aspect="auto", cmap=cmap, norm=norm)
        ax.set_xticks(range(len(xlabels)), xlabels, rotation=45, ha="right")
        ax.set_yticks(range(len(ylabels)), ylabels)
        ax.grid(False)
        for j, p in enumerate(pts):
            best = p.best.impl if p.best else None
            for i, r in enumerate(impls):
                v = m[i, j]
                if not np.isfinite(v):
                    continue
                txt = ("%s×" % fmt_num(v)) if unit == "×" else ("%.0f%%" % v)
                dark = (not log) and v < 55
                ax.text(j, i, txt, ha="center", va="center", fontsize=6.5,
                        color="white" if dark else "black",
                        fontweight="bold" if r.impl == best else "normal")
                if r.impl == best:
                    ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False,
                                               edgecolor="black", linewidth=1.4))
        ax.set_title(title)

    # --- several machines ------------------------------------------------------------------
    def matrix(self, mx: Matrix) -> Optional[Chart]:
        fams = list(mx.family_geomean)
        if not fams:
            return None
        data = np.array([[mx.family_geomean[f][m] or np.nan for m in mx.machines] for f in fams])
        fig, ax = plt.subplots(figsize=(2.2 + 1.9 * len(mx.machines), 0.5 * len(fams) + 1.8))
        finite = data[np.isfinite(data)]
        lo = min(0.5, float(finite.min()) if finite.size else 0.5)
        hi = max(2.0, float(finite.max()) if finite.size else 2.0)
        norm = mcolors.TwoSlopeNorm(vmin=math.log10(lo), vcenter=0.0, vmax=math.log10(hi))
        ax.imshow(np.log10(data), cmap="RdYlGn", norm=norm, aspect="auto")
        ax.set_xticks(range(len(mx.machines)),
                      [_wrap(m) + ("\n(baseline)" if m == mx.baseline else "")
                       for m in mx.machines])
        ax.set_yticks(range(len(fams)), fams)
        ax.grid(False)
        for i in range(len(fams)):
            for j in range(len(mx.machines)):
                if np.isfinite(data[i, j]):
                    ax.text(j, i, "%.2f×" % data[i, j], ha="center", va="center", fontsize=8)
        ax.set_title("Speed relative to %s (geometric mean of every common row)" % mx.baseline)
        fig.tight_layout()
        return self._save(fig, "machines__matrix", "Machines against the baseline",
                          "Per family, the geometric mean over the rows both machines ran of "
                          "speed / baseline speed. Above 1: faster than the baseline CPU.")

    def cycles_side_by_side(self, mx: Matrix, summaries: List[MachineSummary]
                            ) -> Optional[Chart]:
        """Per family (one panel each, its own unit) and input (not sweeps): the cost of each
        machine's own best implementation, named at the end of its bar."""
        best: Dict[tuple, Dict[str, InputSummary]] = {}
        units: Dict[str, str] = {}
        order: List[tuple] = []
        for s in summaries:
            for fs in s.families:
                for p in fs.buffers + fs.others:
                    k = (fs.family, p.input)
                    if k not in best:
                        best[k] = {}
                        order.append(k)
                    if p.best is not None and p.cost:
                        best[k][s.run.machine_class] = p
                        units.setdefault(fs.family, fs.cost_label.split(" per ")[-1])
        keys = [k for k in order if len(best[k]) >= 2]
        if not keys:
            return None
        fams = []
        for f, _ in keys:
            if f not in fams:
                fams.append(f)
        ms = mx.machines
        heights = [sum(1 for k in keys if k[0] == f) * len(ms) * 0.3 + 0.6 for f in fams]
        fig, axes = plt.subplots(len(fams), 1, figsize=(11, sum(heights) + 1.2), squeeze=False,
                                 gridspec_kw={"height_ratios": heights})
        cols = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2"]
        for ax, fam in zip(axes[:, 0], fams):
            fk = [k for k in keys if k[0] == fam]
            y = np.arange(len(fk))
            h = 0.8 / len(ms)
            top = max(p.cost for k in fk for p in best[k].values())
            for j, m in enumerate(ms):
                yy = y + j * h - 0.4 + h / 2
                vals = [best[k][m].cost if m in best[k] else 0 for k in fk]
                ax.barh(yy, vals, height=h, color=cols[j % len(cols)],
                        label="%s (%s)" % (m, mx.cycles_labels[m]))
                for yi, k, v in zip(yy, fk, vals):
                    txt = ("%s  %s" % (fmt_num(v), best[k][m].best.impl)) if m in best[k] \
                        else "not run"
                    ax.text(v + top * 0.01, yi, txt, va="center", fontsize=6.5,
                            color="black" if m in best[k] else "#888888")
            ax.set_yticks(y, [k[1] for k in fk])
            ax.invert_yaxis()
            ax.set_xlim(0, top * 1.35)
            ax.grid(axis="y", visible=False)
            ax.set_title("%s: cycles per %s (lower is better)" % (fam, units.get(fam, "byte")),
                         loc="left", fontsize=9)
        handles, labels = axes[0, 0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", ncol=len(ms), bbox_to_anchor=(0.5, -0.01))
        fig.suptitle("Cycles side by side: each machine's best implementation per input",
                     fontsize=11, fontweight="bold")
        fig.tight_layout(rect=(0, 0.03, 1, 0.97))
        return self._save(fig, "machines__cycles", "Cycles side by side",
                          "Per family and input, the cost of each machine's own best "
                          "implementation (named after the bar), in that machine's cycle source: "
                          "TSC ticks are not core cycles.")

    def trend(self, t: Trend) -> Optional[Chart]:
        fams = [f for f in t.series if t.series[f]]
        if not fams:
            return None
        ncol = min(3, len(fams))
        nrow = (len(fams) + ncol - 1) // ncol
        fig, axes = plt.subplots(nrow, ncol, figsize=(4.6 * ncol, 3.4 * nrow), squeeze=False)
        for ax in axes.flat[len(fams):]:
            ax.set_visible(False)
        xs = np.arange(len(t.runs))
        ticks = ["%s\n%s" % (r.commit[:8], r.date.strftime("%Y-%m-%d")) for r in t.runs]
        for ax, fam in zip(axes.flat, fams):
            for impl, vals in sorted(t.series[fam].items()):
                first = vals[0]
                ys = [(100 * (v / first - 1)) if v and first else np.nan for v in vals]
                ax.plot(xs, ys, label=impl, **self.palette(impl))
                if np.isfinite(ys[-1]) and abs(ys[-1]) >= 2:
                    ax.annotate("%s %+.0f%%" % (impl, ys[-1]), (xs[-1], ys[-1]), fontsize=7,
                                xytext=(4, 0), textcoords="offset points", va="center")
            ax.axhline(0, color="#888888", linewidth=0.8)
            ax.set_xticks(xs, ticks, fontsize=7)
            ax.set_xlim(-0.2, len(xs) - 0.5 + 0.6)
            ax.set_title(fam)
            ax.set_ylabel("throughput change from first run, %")
            lo, hi = ax.get_ylim()
            ax.set_ylim(min(lo, -5), max(hi, 5))
            ax.legend(fontsize=6.5, loc="best")
        fig.suptitle("History · %s · change from the first run (geomean over common inputs)" %
                     t.machine_class,
                     fontsize=11, fontweight="bold")
        fig.tight_layout(rect=(0, 0, 1, 0.92))
        return self._save(fig, "%s__trend" % t.machine_class, "History of %s" % t.machine_class,
                          "Per implementation, the geometric mean throughput over the inputs "
                          "every run of this machine class measured, as a change from the first "
                          "run. Limits (read, memcpy) do not depend on our code: when they move, "
                          "the machine did.")

    # --- per-packet cost over cache-sized corpora (cachelevels.py) -------------------------
    def cache_levels(self, m) -> Optional[Chart]:
        """One panel per family and base corpus of a machine's LEVEL rows: ns/packet (median
        over repetitions) against the level, one line per implementation; a ring marks where
        each falls off the cache."""
        from .cachelevels import level_head
        groups = [g for g in m.groups if any(c.ns is not None for il in g.impls
                                             for c in il.cells.values())]
        if not groups:
            return None
        ncol = min(3, len(groups))
        nrow = (len(groups) + ncol - 1) // ncol
        fig, axes = plt.subplots(nrow, ncol, figsize=(4.4 * ncol + 0.6, 3.5 * nrow + 0.9),
                                 squeeze=False)
        for ax in axes.flat[len(groups):]:
            ax.set_visible(False)
        seen = {}
        for ax, g in zip(axes.flat, groups):
            xs = {lvl: i for i, lvl in enumerate(g.levels)}
            for il in g.impls:
                pts = [(xs[lvl], c) for lvl, c in sorted(il.cells.items(), key=lambda kv: xs[kv[0]])
                       if c.ns is not None]
                if not pts:
                    continue
                lab = _label(il.label, il.kind)
                h, = ax.plot([x for x, _ in pts], [c.ns for _, c in pts], label=lab,
                             **self.palette(il.impl))
                seen.setdefault(lab, h)
                if il.falls_off:
                    c = il.cells[il.falls_off]
                    ax.plot([xs[il.falls_off]], [c.ns], marker="o", markersize=11,
                            markerfacecolor="none", markeredgecolor=self.palette.color(il.impl),
                            linestyle="none")
                    ax.annotate("falls off\n%s" % fmt_num(c.ratio) + "× l1",
                                (xs[il.falls_off], c.ns), fontsize=6.5, xytext=(6, -4),
                                textcoords="offset points", va="top",
                                color=self.palette.color(il.impl))
            ax.set_xticks(range(len(g.levels)),
                          [level_head(m, lvl).replace(" (", "\n(") for lvl in g.levels])
            ax.set_xlim(-0.3, len(g.levels) - 0.45)
            ax.set_title("%s · %s" % (g.family, g.base))
            ax.set_ylabel("ns per packet (lower is better)")
            ax.set_xlabel("corpus resident in (corpus size)")
            _auto_log(ax)
        fig.legend(list(seen.values()), list(seen.keys()), loc="lower center",
                   ncol=min(5, max(1, len(seen))), bbox_to_anchor=(0.5, 0.0))
        nleg = (len(seen) + 4) // 5
        fig.suptitle("Per-packet cost as the working set grows · %s" % m.machine_class,
                     fontsize=11, fontweight="bold")
        fig.tight_layout(rect=(0, 0.03 + 0.04 * nleg, 1, 0.95))
        return self._save(fig, "%s__cache-levels" % m.machine_class,
                          "Per-packet cost against the cache level of the corpus",
                          "ns/packet (median over repetitions) of each implementation over the "
                          "same corpus sized to fit L1, L2, L3 and DRAM (sizes under the levels, "
                          "from the run's context). A ring marks the first level whose cost "
                          "exceeds l1 by more than the rows' noise.")
