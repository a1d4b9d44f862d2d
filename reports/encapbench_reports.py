#!/usr/bin/python3
"""encapbench reports: `report`, `compare` and dashboard exports over Google Benchmark JSON
written by `encapbench run`. The C++ CLI's `encapbench report|compare` exec this file with
/usr/bin/python3. Exit codes: 0 success, 1 a finding (a significant regression), 2 usage or input
error (one line on stderr)."""
from __future__ import annotations

import argparse
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ebreports.model import InputError  # noqa: E402

PROG = os.environ.get("EB_PROG", "encapbench")


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2, like the C++ CLI
        sys.stderr.write("%s: %s\n" % (self.prog, message))
        sys.exit(2)


def _pct(s: str) -> float:
    try:
        v = float(s.rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError("not a percentage: %r" % s)
    if v < 0:
        raise argparse.ArgumentTypeError("must be >= 0: %r" % s)
    return v


def cmd_report(a) -> int:
    from ebreports import export as ex
    from ebreports.model import Registry, history_file_name, load_run, load_runs
    registry = Registry.load(a.registry)
    if a.export:
        if len(a.results) != 1 or os.path.isdir(a.results[0]):
            raise InputError("--export takes exactly one result file")
        if not a.out:
            raise InputError("--export needs --out FILE")
        text = ex.export(load_run(a.results[0], registry), a.export)
        _write(a.out, text)
        if a.out != "-":
            print("%s: wrote %s (%s)" % (PROG, a.out, ex.ALIASES.get(a.export, a.export)),
                  file=sys.stderr)
        return 0
    from ebreports import cost as cost_results
    bench_files, costs = cost_results.split_results(a.results)
    runs = load_runs(bench_files, registry) if bench_files or not costs else []
    if a.archive:
        os.makedirs(a.archive, exist_ok=True)
        for r in runs:
            dst = os.path.join(a.archive, history_file_name(r.context, r.date))
            shutil.copyfile(r.path, dst)
            print(dst)
        return 0
    if not a.out:
        raise InputError("--out DIR is required")
    if os.path.exists(a.out) and not os.path.isdir(a.out):
        raise InputError("--out %s exists and is not a folder" % a.out)
    from ebreports.report import make_report
    summ = make_report(runs, a.out, baseline=a.baseline, cv_threshold=a.cv_threshold / 100.0,
                       title=a.title, png_dpi=a.png_dpi, html=not a.no_html, repo=a.repo,
                       p_value=a.p_value, gate_min_rows=a.gate_min_rows, costs=costs)
    if a.no_html:
        print("%s: wrote %s/report.md, rows.csv, summary.csv, summary.json from %d file(s)" %
              (PROG, a.out, len(runs)), file=sys.stderr)
    else:
        print("%s: wrote %s/report.html, report.md, rows.csv, summary.csv, summary.json and %d "
              "charts (SVG+PNG) from %d file(s)" % (PROG, a.out, len(summ["charts"]), len(runs)),
              file=sys.stderr)
    for m in summ["machines"]:
        for w in m["warnings"]:
            print("%s: %s: warning: %s" % (PROG, m["machine_class"], w), file=sys.stderr)
    ch = summ.get("changes")
    if ch:
        for m in ch["machines"]:
            for e in m["events"]:
                if e["kind"] == "regression" and e["at_newest"] and \
                        len(e["rows"]) >= ch["gate_min_rows"]:
                    print("%s: %s: REGRESSION at the newest commit %s: %+.1f%% in %d row(s) "
                          "(see the Changes section)" % (PROG, e["machine_class"],
                                                         e["commits"][1][:12],
                                                         100 * e["speed_change"],
                                                         len(e["rows"])), file=sys.stderr)
    return summ["exit_code"]


def _base_from_archive(a):
    """--base-commit SHA ARCHIVE [NEW]: NEW defaults to the archive's newest result; BASE is
    the newest result of commit SHA with NEW's machine class."""
    from ebreports.model import expand_paths, load_run
    if len(a.files) not in (1, 2):
        raise InputError("--base-commit SHA takes ARCHIVE [NEW] (got %d paths)" % len(a.files))
    if not os.path.isdir(a.files[0]):
        raise InputError("--base-commit: %s is not an archive folder" % a.files[0])
    sha = a.base_commit.lower()
    if len(sha) < 7 or not all(ch in "0123456789abcdef" for ch in sha):
        raise InputError("--base-commit %s: not a commit id (7 hex digits or more)" %
                         a.base_commit)
    runs = [load_run(p) for p in expand_paths([a.files[0]])]
    new = load_run(a.files[1]) if len(a.files) == 2 else max(runs, key=lambda r: r.date)
    same = [r for r in runs if r.machine_class == new.machine_class and
            os.path.abspath(r.path) != os.path.abspath(new.path)]
    hits = [r for r in same if r.commit.lower().startswith(sha) or
            sha.startswith(r.commit.lower().split("-")[0])]
    if not hits:
        have = sorted({r.commit[:12] for r in same})
        raise InputError("--base-commit %s: no result of machine class %s for that commit in %s "
                         "(it has: %s)" % (a.base_commit, new.machine_class, a.files[0],
                                           ", ".join(have) or "none"))
    base = max(hits, key=lambda r: r.date)
    print("%s compare: BASE %s (commit %s), NEW %s" % (PROG, base.path, base.commit[:12],
                                                       new.path), file=sys.stderr)
    return base, new


def cmd_compare(a) -> int:
    from ebreports.compare import FORMATS, compare_runs
    from ebreports.model import load_run
    if a.base_commit:
        base, new = _base_from_archive(a)
    else:
        if len(a.files) != 2:
            raise InputError("compare takes BASE NEW (or --base-commit SHA ARCHIVE [NEW])")
        base, new = load_run(a.files[0]), load_run(a.files[1])
    c = compare_runs(base, new, threshold_pct=a.threshold, alpha=a.alpha, metric=a.metric,
                     allow_cross_machine=a.allow_cross_machine, direction=a.direction)
    text = FORMATS[a.format](c)
    if a.out:
        _write(a.out, text)
    sys.stdout.write(text)
    if a.format == "json" or a.out:  # text and md already show them on stdout
        for w in c.warnings:
            print("%s compare: warning: %s" % (PROG, w), file=sys.stderr)
    if c.cannot_gate:
        print("%s compare: cannot gate: %s" % (PROG, c.cannot_gate), file=sys.stderr)
    return c.exit_code


def cmd_history(a) -> int:
    from ebreports import history as hi
    from ebreports.model import Registry, load_runs
    runs = load_runs(a.results, Registry.load(a.registry))
    if a.machine_class:
        runs = [r for r in runs if r.machine_class == a.machine_class]
        if not runs:
            raise InputError("--machine-class %s: no result of that machine class" %
                             a.machine_class)
    h = hi.analyze(runs, repo=a.repo, p_value=a.p_value, window=a.window,
                   gate_min_rows=a.gate_min_rows)
    if a.format == "json":
        import json
        text = json.dumps(hi.to_json(h), indent=1) + "\n"
    else:
        text = (hi.format_md if a.format == "md" else hi.format_text)(h)
    if a.out:
        _write(a.out, text)
    sys.stdout.write(text)
    return h.exit_code


def cmd_export(a) -> int:
    from ebreports import export as ex
    from ebreports.model import load_run
    text = ex.export(load_run(a.result), a.format)
    _write(a.out, text)
    return 0


def _write(path: str, text: str):
    if path == "-":
        sys.stdout.write(text)
        return
    d = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(d):
        raise InputError("cannot write %s: folder %s does not exist" % (path, d))
    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as e:
        raise InputError("cannot write %s: %s" % (path, e.strerror))


GATE_HELP = ("fewest rows a regression event at the newest commit must have to fail (exit 1; "
             "default 2): a single row's newest point passes the test by chance in 0.1-0.2%% of "
             "runs, so with a hundred rows one would fail a run in seven")


def build_parser():
    p = _Parser(prog=PROG, description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True, parser_class=_Parser)

    r = sub.add_parser(
        "report", help="write report.md, report.html, CSV and charts",
        description="Report over result files (one per machine or commit) or folders of them "
        "(a history: files named MACHINE_CLASS-COMMIT-TIME.json, see --archive). Writes "
        "DIR/report.md (for a pull-request comment), DIR/report.html (one self-contained page, "
        "opens offline), DIR/rows.csv (every JSON row), DIR/summary.csv, DIR/summary.json and "
        "DIR/charts/*.svg|png. A machine class with three commits or more gets a Changes "
        "section (see `history`); exit 1 when it shows a regression at the newest commit "
        "(everything is written first), 0 otherwise, 2 on bad input.")
    r.add_argument("results", nargs="+", metavar="RESULTS", help="result files or folders")
    r.add_argument("--out", metavar="DIR", help="output folder (a file with --export)")
    r.add_argument("--baseline", metavar="MACHINE_CLASS",
                   help="machine class the CPU matrix is normalised to (default: the first)")
    r.add_argument("--cv-threshold", type=_pct, default=5.0, metavar="PCT",
                   help="flag rows whose coefficient of variation exceeds PCT%% (default 5)")
    r.add_argument("--title", default="encapbench report")
    r.add_argument("--registry", metavar="FILE",
                   help="saved `encapbench list --json` giving each implementation's kind, "
                        "for files whose rows do not state it (default: `encapbench list "
                        "--json`, then names)")
    r.add_argument("--export", metavar="FORMAT",
                   help="instead of a report, export one result for a dashboard: bencher "
                        "(Bencher Metric Format), gab-smaller (github-action-benchmark "
                        "customSmallerIsBetter: cycles per byte) or gab-bigger "
                        "(customBiggerIsBetter: bytes per second); --out FILE")
    r.add_argument("--archive", metavar="DIR",
                   help="instead of a report, copy each result into DIR as "
                        "MACHINE_CLASS-COMMIT-TIME.json (the history layout) and print the names")
    r.add_argument("--no-html", action="store_true",
                   help="skip report.html and the charts (faster: report.md, CSV and "
                        "summary.json only, e.g. for a pull-request comment)")
    r.add_argument("--repo", metavar="PATH",
                   help="git repository giving the commit order of a history (default: the "
                        "current folder; see `history --help`)")
    r.add_argument("--p-value", type=float, default=0.001,
                   help="significance level of the change-point test (default 0.001)")
    r.add_argument("--gate-min-rows", type=int, default=2, metavar="N", help=GATE_HELP)
    r.add_argument("--png-dpi", type=int, default=110, help=argparse.SUPPRESS)
    r.set_defaults(fn=cmd_report)

    c = sub.add_parser(
        "compare", help="compare two result files; exit 1 on a significant regression",
        description="Match rows by name; per row old and new medians, change, Mann-Whitney U "
        "p-value over the repetitions (as Google Benchmark's compare.py) and a bootstrap 95%% CI "
        "of the ratio of medians; geometric mean per family. Exit 1 when a row is slower by more "
        "than --threshold with p < --alpha, 0 otherwise, 2 on bad input. With too few "
        "repetitions to gate, the table (ratios, and CIs where there are 2+ repetitions) is "
        "still printed, the output says it cannot gate, and the exit code is 2. Refuses to "
        "compare different machine classes unless --allow-cross-machine.")
    c.add_argument("files", nargs="+", metavar="BASE NEW | ARCHIVE [NEW]",
                   help="two result files; with --base-commit an archive folder and optionally "
                        "the new result (default: the archive's newest)")
    c.add_argument("--base-commit", metavar="SHA",
                   help="take BASE from the archive: the newest result of commit SHA (e.g. the "
                        "merge base) with NEW's machine class")
    c.add_argument("--threshold", type=_pct, default=5.0, metavar="PCT",
                   help="smallest slowdown that counts, percent (default 5)")
    c.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")
    c.add_argument("--format", choices=("text", "md", "json"), default="text")
    c.add_argument("--metric", default="real_time",
                   help="real_time (default), cpu_time or any counter (bytes_per_second, "
                        "tsc_ticks_per_byte, core_cycles_per_byte, instructions_per_byte, ...)")
    c.add_argument("--direction", choices=("lower", "higher"),
                   help="which way is better for a custom --metric (inferred for known ones)")
    c.add_argument("--allow-cross-machine", action="store_true",
                   help="compare results from different machine classes")
    c.add_argument("--out", metavar="FILE", help="also write the output to FILE")
    c.set_defaults(fn=cmd_compare)

    h = sub.add_parser(
        "history", help="change points over an archive; exit 1 on a regression at the newest "
                        "commit",
        description="Per machine class and row, the series over commits in commit order (the "
        "git repository --repo, else the results' git_commit_order, else run date with a "
        "warning) and its change points: E-Divisive means with a t-test between segments "
        "instead of permutations (deterministic), windowed for long series. Rows that change "
        "within one commit of each other in the same direction are one event, sized as the "
        "median speed change with a 95%% CI. Exit 1 when a regression event's last change is "
        "at the newest commit of its machine class, 0 otherwise, 2 on bad input.")
    h.add_argument("results", nargs="+", metavar="RESULTS",
                   help="result files or archive folders (see report --archive)")
    h.add_argument("--repo", metavar="PATH",
                   help="git repository giving the commit order (default: the current folder)")
    h.add_argument("--machine-class", metavar="CLASS", help="only this machine class")
    h.add_argument("--p-value", type=float, default=0.001,
                   help="significance level of the t-test (default 0.001)")
    h.add_argument("--window", type=int, default=64,
                   help="longest series searched at once; longer ones in overlapping windows "
                        "(default 64)")
    h.add_argument("--gate-min-rows", type=int, default=2, metavar="N", help=GATE_HELP)
    h.add_argument("--format", choices=("text", "md", "json"), default="text")
    h.add_argument("--out", metavar="FILE", help="also write the output to FILE")
    h.add_argument("--registry", metavar="FILE", help=argparse.SUPPRESS)
    h.set_defaults(fn=cmd_history)

    e = sub.add_parser("export", help="dashboard export of one result file (also: report "
                                      "--export)")
    e.add_argument("result", metavar="RESULT")
    e.add_argument("--format", required=True,
                   choices=("bencher", "gab-smaller", "gab-bigger", "github-action-benchmark"))
    e.add_argument("--out", required=True, metavar="FILE", help="output file, - for stdout")
    e.set_defaults(fn=cmd_export)
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.fn(args)
    except InputError as e:
        sys.stderr.write("%s %s: %s\n" % (PROG, args.cmd, e))
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # never a bare traceback for a user; EB_DEBUG=1 shows it
        if os.environ.get("EB_DEBUG"):
            raise
        sys.stderr.write("%s %s: internal error: %s: %s (EB_DEBUG=1 for a traceback)\n" % (
            PROG, args.cmd, type(e).__name__, e))
        return 2


if __name__ == "__main__":
    sys.exit(main())
