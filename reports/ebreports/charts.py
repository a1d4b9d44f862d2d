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
        "#bcbd22", "#393b79", "#637939", "#3182bd", "#e6550d"]
PEERS = ["#8c564b", "#c49c94", "#7b4173", "#ad494a", "#bd9e39"]
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
            self.style[n] = dict(color=OURS[i % len(OURS)], linestyle="-", marker="o",
                                 linewidth=1.8, markersize=4)
        for i, n in enumerate(peers):
            self.style[n] = dict(color=PEERS[i % len(PEERS)], linestyle="-.", marker="s",
                                 linewidth=1.4, markersize=4)
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


def _auto_log(ax, ratio: float = 10.0):
    """Log scale when a panel spans more than `ratio`, with plain numbers on the ticks."""
    vals = []
    for ln in ax.get_lines():
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
    def sweep(self, ms: MachineSummary, fs: FamilySummary, series: str,
              points: List[InputSummary]) -> Chart:
        mc = ms.run.machine_class
        impls = [r for r in fs.impls if any(r.impl in p.impls for p in points)]
        limit_names = sorted({n for p in points for n, _ in p.limits})
        fig, axes = plt.subplots(2, 2, figsize=(11, 7.2), sharex=True)
        (a_tp, a_cost), (a_sp, a_lim) = axes
        hs = [p.header_size for p in points]

        def line(ax, ys_of, impl, kind, **extra):
            xs, ys = [], []
            for p in points:
                v = ys_of(p)
                if v is not None:
                    xs.append(p.header_size)
                    ys.append(v)
            if xs:
                ax.plot(xs, ys, label=_label(impl, kind), **{**self.palette(impl), **extra})

        for r in impls:
            line(a_tp, lambda p, n=r.impl: (p.impls[n].speed / fs.speed.scale
                                            if n in p.impls and p.impls[n].speed else None),
                 r.impl, r.kind)
            line(a_cost, lambda p, n=r.impl: p.impls[n].cost if n in p.impls else None,
                 r.impl, r.kind)
            if r.kind != "reference":
                line(a_sp, lambda p, n=r.impl: p.impls[n].speedup if n in p.impls else None,
                     r.impl, r.kind)
            line(a_lim, lambda p, n=r.impl: (100 * p.impls[n].frac_limit
                                             if n in p.impls and p.impls[n].frac_limit else None),
                 r.impl, r.kind)
        # Limit rows at these inputs, in throughput and cost.
        for lname in limit_names:
            xs, tp, cost = [], [], []
            for p in points:
                row = ms.limits.get(p.input, {}).get(lname)
                if row is None:
                    continue
                xs.append(p.header_size)
                tp.append(fs.speed.of(row) / fs.speed.scale if fs.speed.of(row) else np.nan)
                cost.append(row.value(fs.cost_metric) or np.nan)
            if xs:
                st = self.palette(lname)
                a_tp.plot(xs, tp, label="%s (limit)" % lname, **st)
                a_cost.plot(xs, cost, label="%s (limit)" % lname, **st)
        a_tp.set_ylabel("throughput, %s" % fs.speed.unit)
        a_tp.set_title("Throughput (higher is better)")
        a_cost.set_ylabel(fs.cost_label)
        a_cost.set_title("Cost (lower is better)")
        a_sp.set_ylabel("speed-up over reference (×)")
        a_sp.set_title("Speed-up over the reference")
        a_sp.axhline(1.0, color=REFERENCE, linestyle="--", linewidth=1)
        nat = next((p.natural_limit for p in points if p.natural_limit), None)
        a_lim.set_ylabel("%% of %s limit" % (nat or "the"))
        a_lim.set_title("Fraction of the physical limit (%s)" % (nat or "no limit rows"))
        if not nat:
            a_lim.text(0.5, 0.5, "no limit rows measured at these inputs", ha="center",
                       va="center", transform=a_lim.transAxes, color="#888888")
        for ax in (a_tp, a_cost):
            _auto_log(ax)
        for ax in (a_sp, a_lim):
            ax.set_ylim(bottom=0)
        for ax in (a_tp, a_cost, a_sp, a_lim):
            self._max_header_marks(ax, hs)
        for ax in (a_sp, a_lim):
            ax.set_xlabel("header size, bytes (first byte to end of inner TCP/UDP header)")
        handles, labels = a_tp.get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", ncol=min(6, len(labels)),
                   bbox_to_anchor=(0.5, -0.04))
        fig.suptitle("%s · %s · %s" % (fs.family, series, mc), fontsize=11, fontweight="bold")
        fig.tight_layout(rect=(0, 0.04, 1, 0.97))
        return self._save(fig, "%s__%s__%s" % (mc, fs.family, series),
                          "%s: %s against header size" % (fs.family, series),
                          "Per implementation against header size on %s. The dashed line is "
                          "MaxHeaderSize %d; beyond it (shaded) a NIC would not offload and "
                          "software does the work." % (mc, MAX_HEADER_SIZE))

    @staticmethod
    def _max_header_marks(ax, hs):
        if not hs:
            return
        hi = max(hs)
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
        fig, (a_tp, a_cost) = plt.subplots(1, 2, figsize=(11, 4.2))
        for r in fs.impls:
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
            for lvl, size in ms.run.caches():
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
        fig.legend(handles, labels, loc="lower center", ncol=min(6, len(labels)),
                   bbox_to_anchor=(0.5, -0.08))
        fig.suptitle("%s · buffer size across cache levels · %s" % (fs.family, mc), fontsize=11,
                     fontweight="bold")
        fig.tight_layout(rect=(0, 0.05, 1, 0.95))
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
                          "Sorted fastest first at the bottom; in brackets the speed-up over "
                          "the reference. Peers and the reference are labelled.")

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
