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
                       title=a.title, png_dpi=a.png_dpi, html=not a.no_html, costs=costs)
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
    return 0


def cmd_compare(a) -> int:
    from ebreports.compare import FORMATS, compare_runs
    from ebreports.model import load_run
    base, new = load_run(a.base), load_run(a.new)
    c = compare_runs(base, new, threshold_pct=a.threshold, alpha=a.alpha, metric=a.metric,
                     allow_cross_machine=a.allow_cross_machine, direction=a.direction)
    text = FORMATS[a.format](c)
    if a.out:
        _write(a.out, text)
    sys.stdout.write(text)
    if a.format == "json" or a.out:  # text and md already show them on stdout
        for w in c.warnings:
            print("%s compare: warning: %s" % (PROG, w), file=sys.stderr)
    return c.exit_code


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


def build_parser():
    p = _Parser(prog=PROG, description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True, parser_class=_Parser)

    r = sub.add_parser(
        "report", help="write report.md, report.html, CSV and charts",
        description="Report over result files (one per machine or commit) or folders of them "
        "(a history: files named MACHINE_CLASS-COMMIT-TIME.json, see --archive). Writes "
        "DIR/report.md (for a pull-request comment), DIR/report.html (one self-contained page, "
        "opens offline), DIR/rows.csv (every JSON row), DIR/summary.csv, DIR/summary.json and "
        "DIR/charts/*.svg|png.")
    r.add_argument("results", nargs="+", metavar="RESULTS", help="result files or folders")
    r.add_argument("--out", metavar="DIR", help="output folder (a file with --export)")
    r.add_argument("--baseline", metavar="MACHINE_CLASS",
                   help="machine class the CPU matrix is normalised to (default: the first)")
    r.add_argument("--cv-threshold", type=_pct, default=5.0, metavar="PCT",
                   help="flag rows whose coefficient of variation exceeds PCT%% (default 5)")
    r.add_argument("--title", default="encapbench report")
    r.add_argument("--registry", metavar="FILE",
                   help="saved `encapbench list --json` giving each implementation's kind "
                        "(default: rows' impl_kind, then `encapbench list --json`, then names)")
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
    r.add_argument("--png-dpi", type=int, default=110, help=argparse.SUPPRESS)
    r.set_defaults(fn=cmd_report)

    c = sub.add_parser(
        "compare", help="compare two result files; exit 1 on a significant regression",
        description="Match rows by name; per row old and new medians, change, Mann-Whitney U "
        "p-value over the repetitions (as Google Benchmark's compare.py) and a bootstrap 95%% CI "
        "of the ratio of medians; geometric mean per family. Exit 1 when a row is slower by more "
        "than --threshold with p < --alpha, 0 otherwise, 2 on bad input. Refuses to compare "
        "different machine classes unless --allow-cross-machine.")
    c.add_argument("base", metavar="BASE")
    c.add_argument("new", metavar="NEW")
    c.add_argument("--threshold", type=_pct, default=5.0, metavar="PCT",
                   help="smallest slowdown that counts, percent (default 5)")
    c.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")
    c.add_argument("--format", choices=("text", "md", "json"), default="text")
    c.add_argument("--metric", default="real_time",
                   help="real_time (default), cpu_time or any counter (bytes_per_second, "
                        "tsc_per_byte, cycles_per_byte, instructions_per_byte, ...)")
    c.add_argument("--direction", choices=("lower", "higher"),
                   help="which way is better for a custom --metric (inferred for known ones)")
    c.add_argument("--allow-cross-machine", action="store_true",
                   help="compare results from different machine classes")
    c.add_argument("--out", metavar="FILE", help="also write the output to FILE")
    c.set_defaults(fn=cmd_compare)

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
