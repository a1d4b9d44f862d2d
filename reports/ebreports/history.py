"""History: per machine class and row, the series over commits, its change points, and the
change events (rows that moved together at one commit).

Commit order, best source first:
1. the git repository (`--repo`, default the current folder when it is a work tree holding the
   commits): `git rev-list --topo-order --reverse --all`, so merges and branches order as git
   does;
2. `git_commit_order` in a result's context (commits reachable from HEAD when the binary was
   built, written by `encapbench run`), ties broken by `git_commit_time`;
3. the run's date, with a warning: two commits measured out of order then swap.
Never the file's modification time.

Several results of one commit and machine class are pooled (their repetitions together). Each
row's series is the median of its speed metric per commit; change points are found on the log
of it (changepoint.py), so a difference of segment means is a relative change and the
confidence interval is in the same terms. Sizes are given as a change in SPEED: a time metric
that doubles is a -50% speed change; negative = regression.
"""
from __future__ import annotations

import math
import os
import statistics
import subprocess
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import numpy as np

from .changepoint import ChangePoint, change_points
from .model import InputError, Run

HIGHER_IS_BETTER = ("bytes_per_second", "items_per_second")


def _clean(commit: str) -> str:
    return commit[:-len("-dirty")] if commit.endswith("-dirty") else commit


def git_order(repo: Optional[str]) -> Dict[str, int]:
    """{full sha: position} in topological order, oldest first; {} when not a git work tree."""
    if not repo or not os.path.isdir(repo):
        return {}
    try:
        p = subprocess.run(["git", "-C", repo, "rev-list", "--topo-order", "--reverse", "--all"],
                           capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return {}
    if p.returncode != 0:
        return {}
    return {sha: i for i, sha in enumerate(p.stdout.split())}


@dataclass
class Commit:
    commit: str
    order: Tuple                     # sort key
    runs: List[Run] = field(default_factory=list)

    @property
    def date(self):
        return max(r.date for r in self.runs)


@dataclass
class RowChange:
    machine_class: str
    key: str
    family: str
    impl: str
    metric: str
    index: int                  # position in the machine class's commit list (first new point)
    before: str                 # last commit of the old segment
    after: str                  # first commit of the new segment
    speed_change: float         # relative speed change, negative = slower
    ci: Tuple[float, float]
    p: float
    n_before: int
    n_after: int

    @property
    def regression(self) -> bool:
        return self.speed_change < 0


@dataclass
class Event:
    machine_class: str
    first: int                  # commit positions spanned by the rows' change points
    last: int
    commits: Tuple[str, str]    # (last commit before, first commit after)
    regression: bool
    rows: List[RowChange]
    speed_change: float         # median over the rows
    ci: Tuple[float, float]     # median of the rows' lower and upper bounds
    at_newest: bool

    @property
    def kind(self) -> str:
        return "regression" if self.regression else "improvement"

    @property
    def families(self) -> List[str]:
        return sorted({r.family for r in self.rows})


@dataclass
class MachineHistory:
    machine_class: str
    commits: List[Commit]
    series: Dict[str, List[Tuple[int, float]]]   # row key -> [(commit position, median)]
    metrics: Dict[str, str]
    changes: List[RowChange]
    events: List[Event]


@dataclass
class History:
    machines: List[MachineHistory]
    order_source: str
    warnings: List[str]
    p_value: float

    @property
    def events(self) -> List[Event]:
        return [e for m in self.machines for e in m.events]

    gate_min_rows: int = 2

    @property
    def newest_regressions(self) -> List[Event]:
        """Regression events at the newest commit that fail the gate: at least gate_min_rows
        rows moved. One row alone is shown but does not gate: by chance a row's newest point
        passes the test in 0.1-0.2% of runs (measured on pure noise), so over a hundred rows
        one of them would fail one CI run in seven; two independent rows at once, ~1%."""
        return [e for e in self.events if e.regression and e.at_newest and
                len(e.rows) >= self.gate_min_rows]

    @property
    def exit_code(self) -> int:
        return 1 if self.newest_regressions else 0

    def run_order(self):
        """A sort key for runs: commit position within its machine class, then date."""
        pos = {id(r): i for m in self.machines for i, c in enumerate(m.commits) for r in c.runs}
        return lambda r: (pos.get(id(r), -1), r.date)


def _order_keys(run: Run, git: Dict[str, int]) -> Dict[str, Tuple]:
    """The sort keys one run's commit has, by source: git, context, date."""
    c = _clean(run.commit)
    dirty = 1 if run.commit.endswith("-dirty") else 0
    keys: Dict[str, Tuple] = {"date": (run.date.timestamp(), dirty)}
    if git and len(c) >= 7:
        hits = [git[c]] if c in git else [pos for sha, pos in git.items() if sha.startswith(c)]
        if len(hits) == 1:
            keys["git"] = (hits[0], dirty)
    try:
        keys["context"] = (int(run.context.get("git_commit_order")),
                           str(run.context.get("git_commit_time") or ""), dirty)
    except (TypeError, ValueError):
        pass
    return keys


def _pooled_median(runs: List[Run], key: str, metric: str) -> Optional[float]:
    vals: List[float] = []
    for r in runs:
        row = r.rows.get(key)
        if not row or not row.ok:
            continue
        s = row.samples.get(metric)
        if s:
            vals += s
        else:
            v = row.value(metric)
            if v is not None:
                vals.append(v)
    vals = [v for v in vals if v > 0 and math.isfinite(v)]
    return statistics.median(vals) if vals else None


def _speed(diff_log: float, higher: bool) -> float:
    return math.exp(diff_log if higher else -diff_log) - 1.0


def _group(mc: str, changes: List[RowChange], newest: int, tolerance: int = 1) -> List[Event]:
    """Change points of one direction within `tolerance` commits of the first one in a group
    are one event (a commit that slows every checksum row is one event, not forty)."""
    events: List[Event] = []
    for regression in (True, False):
        pts = sorted((c for c in changes if c.regression == regression), key=lambda c: c.index)
        group: List[RowChange] = []
        for c in pts + [None]:
            if c is not None and (not group or c.index - group[0].index <= tolerance):
                group.append(c)
                continue
            if group:
                first = min(g.index for g in group)
                last = max(g.index for g in group)
                before = min(group, key=lambda g: g.index).before
                after = max(group, key=lambda g: g.index).after
                events.append(Event(
                    machine_class=mc, first=first, last=last, commits=(before, after),
                    regression=regression, rows=sorted(group, key=lambda g: g.speed_change),
                    speed_change=statistics.median(g.speed_change for g in group),
                    ci=(statistics.median(g.ci[0] for g in group),
                        statistics.median(g.ci[1] for g in group)),
                    at_newest=last == newest))
            group = [c] if c is not None else []
    return sorted(events, key=lambda e: (e.first, not e.regression))


def analyze(runs: List[Run], repo: Optional[str] = None, p_value: float = 0.001,
            window: int = 64, min_commits: int = 3, gate_min_rows: int = 2) -> History:
    if not runs:
        raise InputError("no result files")
    repo = repo if repo is not None else os.getcwd()
    git = git_order(repo)
    warnings: List[str] = []
    by_mc: Dict[str, Dict[str, Commit]] = {}
    for r in runs:
        commits = by_mc.setdefault(r.machine_class, {})
        c = commits.get(r.commit)
        if c is None:
            c = commits[r.commit] = Commit(commit=r.commit, order=())
        c.runs.append(r)
    # One source per machine class, the best that orders ALL of its commits: positions from
    # different sources are not comparable.
    sources = set()
    for mc, commits in by_mc.items():
        keys = {name: _order_keys(c.runs[0], git) for name, c in commits.items()}
        src = next(s for s in ("git", "context", "date") if all(s in k for k in keys.values()))
        sources.add(src)
        for name, c in commits.items():
            c.order = keys[name][src]
        if src == "date" and len(commits) > 1:
            warnings.append("%s: commit order unknown (no git repository holding its commits, "
                            "no git_commit_order in every result): ordered by run date, which "
                            "is wrong when commits were measured out of order; pass --repo "
                            "PATH" % mc)
    machines = []
    for mc in sorted(by_mc):
        commits = sorted(by_mc[mc].values(), key=lambda c: c.order)
        keys = sorted({k for c in commits for r in c.runs for k, row in r.rows.items()
                       if row.ok})
        series: Dict[str, List[Tuple[int, float]]] = {}
        metrics: Dict[str, str] = {}
        changes: List[RowChange] = []
        for key in keys:
            row0 = next(r.rows[key] for c in commits for r in c.runs if key in r.rows and
                        r.rows[key].ok)
            metric = row0.speed_metric
            pts = []
            for i, c in enumerate(commits):
                v = _pooled_median(c.runs, key, metric)
                if v is not None:
                    pts.append((i, v))
            series[key] = pts
            metrics[key] = metric
            if len(pts) < min_commits:
                continue
            higher = metric in HIGHER_IS_BETTER
            logs = [math.log(v) for _, v in pts]
            cps: List[ChangePoint] = change_points(logs, p_value=p_value, window=window)
            for cp in cps:
                ch = _speed(cp.difference, higher)
                lo, hi = sorted((_speed(cp.ci[0], higher), _speed(cp.ci[1], higher)))
                changes.append(RowChange(
                    machine_class=mc, key=key, family=row0.family, impl=row0.impl,
                    metric=metric, index=pts[cp.index][0],
                    before=commits[pts[cp.index - 1][0]].commit,
                    after=commits[pts[cp.index][0]].commit, speed_change=ch, ci=(lo, hi),
                    p=cp.p, n_before=cp.n_before, n_after=cp.n_after))
        events = _group(mc, changes, newest=len(commits) - 1)
        machines.append(MachineHistory(machine_class=mc, commits=commits, series=series,
                                       metrics=metrics, changes=changes, events=events))
    src = "+".join(sorted(sources))
    return History(machines=machines, order_source=src, warnings=warnings, p_value=p_value,
                   gate_min_rows=max(1, gate_min_rows))


# ------------------------------------------------------------------------------- formats

def _pct(x: float) -> str:
    return "%+.1f%%" % (100 * x)


def event_line(e: Event) -> str:
    rows = ", ".join(r.key for r in e.rows[:4]) + (" and %d more" % (len(e.rows) - 4)
                                                 if len(e.rows) > 4 else "")
    return "%s %s..%s: %s %s (95%% CI %s to %s) in %d row(s)%s: %s" % (
        e.machine_class, e.commits[0][:12], e.commits[1][:12], e.kind.upper(),
        _pct(e.speed_change), _pct(e.ci[0]), _pct(e.ci[1]), len(e.rows),
        " AT THE NEWEST COMMIT" if e.at_newest else "", rows)


def format_text(h: History) -> str:
    out = ["commit order from %s; t-test p <= %g" % (h.order_source, h.p_value)]
    for m in h.machines:
        out.append("")
        out.append("%s: %d commit(s) (%s .. %s), %d row(s), %d change point(s) in %d event(s)" % (
            m.machine_class, len(m.commits), m.commits[0].commit[:12],
            m.commits[-1].commit[:12], len(m.series), len(m.changes), len(m.events)))
        if len(m.commits) < 3:
            out.append("  too few commits for change points (3 or more needed)")
        for e in m.events:
            out.append("  " + event_line(e))
    out += ["warning: " + w for w in h.warnings]
    out.append("")
    n = len(h.newest_regressions)
    small = [e for e in h.events if e.regression and e.at_newest and e not in
             h.newest_regressions]
    out.append("%d event(s); %s" % (len(h.events), "%d regression(s) at the newest commit: exit 1"
                                    % n if n else "no regression at the newest commit"))
    if small:
        out.append("(%d single-row regression(s) at the newest commit below --gate-min-rows %d: "
                   "shown, not gating)" % (len(small), h.gate_min_rows))
    return "\n".join(out) + "\n"


def format_md(h: History) -> str:
    out = ["## encapbench history: %s" % ("❌ regression at the newest commit"
                                          if h.newest_regressions else "✅ no regression at "
                                          "the newest commit"), ""]
    out += md_section(h)
    return "\n".join(out).rstrip() + "\n"


def md_section(h: History) -> List[str]:
    out = ["Change points by E-Divisive means with a t-test between segments (p ≤ %g), per "
           "machine class and row, in commit order (from %s). Rows whose change points fall "
           "within one commit of each other and go the same way are one event; size is the "
           "median speed change of its rows with the median of their 95%% intervals." % (
               h.p_value, h.order_source), ""]
    for m in h.machines:
        out.append("**%s**: %d commits, %s … %s" % (m.machine_class, len(m.commits),
                                                    m.commits[0].commit[:12],
                                                    m.commits[-1].commit[:12]))
        out.append("")
        if not m.events:
            out += ["No change point." if len(m.commits) >= 3 else
                    "Too few commits for change points (3 or more needed).", ""]
            continue
        out += ["| commits | kind | speed change | 95% CI | rows | families | newest |",
                "|---|---|--:|---|--:|---|---|"]
        for e in m.events:
            out.append("| %s…%s | %s | %s | %s … %s | %d | %s | %s |" % (
                e.commits[0][:12], e.commits[1][:12], "❌ regression" if e.regression else
                "✅ improvement", _pct(e.speed_change), _pct(e.ci[0]), _pct(e.ci[1]),
                len(e.rows), ", ".join(e.families), "yes" if e.at_newest else ""))
        out.append("")
        out += ["<details><summary>%d row change points</summary>" % len(m.changes), "",
                "| row | commits | speed change | 95% CI | p |", "|---|---|--:|---|--:|"]
        for c in sorted(m.changes, key=lambda c: (c.index, c.key)):
            out.append("| %s | %s…%s | %s | %s … %s | %.2g |" % (
                c.key, c.before[:12], c.after[:12], _pct(c.speed_change), _pct(c.ci[0]),
                _pct(c.ci[1]), c.p))
        out += ["", "</details>", ""]
    out += ["- ⚠ " + w for w in h.warnings]
    return out


def to_json(h: History) -> dict:
    def ev(e: Event):
        return dict(machine_class=e.machine_class, kind=e.kind, commits=list(e.commits),
                    speed_change=e.speed_change, ci=list(e.ci), at_newest=e.at_newest,
                    rows=[dict(key=r.key, speed_change=r.speed_change, ci=list(r.ci), p=r.p,
                               metric=r.metric, before=r.before, after=r.after)
                          for r in e.rows])
    return dict(order_source=h.order_source, p_value=h.p_value, warnings=h.warnings,
                exit_code=h.exit_code, gate_min_rows=h.gate_min_rows,
                machines=[dict(machine_class=m.machine_class,
                               commits=[c.commit for c in m.commits],
                               events=[ev(e) for e in m.events]) for m in h.machines])


def series_array(m: MachineHistory, key: str) -> np.ndarray:
    """[(position, value)] of one row as an array (for charts)."""
    return np.asarray(m.series.get(key, []), dtype=float)
