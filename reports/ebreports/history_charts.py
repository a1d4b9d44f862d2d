"""Charts of the change events (history.py): each event's rows over commits, as speed relative
to the segment before the change, the change marked. Written through ChartWriter like every
other chart of the report."""
from __future__ import annotations

from typing import Optional

import matplotlib.pyplot as plt
import numpy as np

from .charts import Chart, ChartWriter
from .history import Event, MachineHistory, series_array

MAX_ROWS = 8


def event_chart(cw: ChartWriter, m: MachineHistory, e: Event) -> Optional[Chart]:
    fig, ax = plt.subplots(figsize=(7.2, 3.4))
    ticks = [c.commit[:8] for c in m.commits]
    shown = e.rows[:MAX_ROWS]
    for rc in shown:
        pts = series_array(m, rc.key)
        if not len(pts):
            continue
        xs, vs = pts[:, 0], pts[:, 1]
        higher = rc.metric in ("bytes_per_second", "items_per_second")
        speed = vs if higher else 1.0 / vs
        before = speed[xs < rc.index]
        base = np.mean(before) if len(before) else speed[0]
        # Rows of one event often share an implementation: the default colour cycle keeps
        # them apart (the implementation colours of the other charts would not).
        ax.plot(xs, 100 * (speed / base - 1), marker="o", markersize=3, linewidth=1.2,
                label=rc.key)
    ax.axvspan(e.first - 1, e.last, color="#d62728" if e.regression else "#2ca02c", alpha=0.12,
               linewidth=0)
    ax.axhline(0, color="#888888", linewidth=0.8)
    step = max(1, len(ticks) // 16)
    ax.set_xticks(range(0, len(ticks), step), ticks[::step], fontsize=7, rotation=45,
                  ha="right")
    ax.set_ylabel("speed vs before the change, %")
    more = "" if len(e.rows) <= MAX_ROWS else " (%d of %d rows)" % (MAX_ROWS, len(e.rows))
    ax.set_title("%s · %s %+.1f%% at %s..%s%s" % (
        m.machine_class, e.kind, 100 * e.speed_change, e.commits[0][:8], e.commits[1][:8],
        more))
    ax.legend(fontsize=6.5, loc="best")
    fig.tight_layout()
    return cw._save(fig, "%s__change_%s_%s" % (m.machine_class, e.commits[1][:12], e.kind),
                    "%s %s at %s" % (m.machine_class, e.kind, e.commits[1][:12]),
                    "The event's rows over commits, as speed relative to the mean before the "
                    "change point; the shaded band is the commit range the change falls in.")
