"""`encapbench report` over cost result files (reports/ebreports/cost.py), beside benchmark
results: the section, its figures (taken from the documents written here, by hand), the charts
(one per machine and capture, one across machines), unstable figures shown as such, and bad cost
documents refused with one line and exit 2."""
import copy
import json
import os
import shutil
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPORTS_DIR = os.environ.get("EB_REPORTS_DIR") or os.path.join(HERE, "..", "..", "reports")
SCRIPT = os.path.join(REPORTS_DIR, "encapbench_reports.py")
GOLDEN = os.path.join(HERE, "..", "reports", "golden", "history")
OFFLOADS = ("tx_checksum", "rx_checksum", "lsov2", "rss", "vmq")


def side(impl, cores, stable=True):
    return {"impl": impl, "family": "checksum", "pass_ns": 1000.0, "ns_per_packet": 10.0, "ns_per_byte": 0.02,
            "cv": 0.01, "stable": stable, "timed": True, "repetitions": 5, "window": 5,
            "cores": {r: (c if stable else None) for r, c in cores.items()}}


def point(mh, scale, unstable=()):
    offs = {}
    for i, name in enumerate(OFFLOADS):
        cores = {"10": 0.01 * scale * (i + 1), "100": 0.1 * scale * (i + 1)}
        offs[name] = {"software_packets": 10 * (i + 1), "software_bytes": 5000, "why": {"inner_version": {
            "packets": 10 * (i + 1), "bytes": 5000}}, "chosen": side("best-" + name, cores, name not in unstable),
            "reference": side("reference", cores)}
    offs["uso"] = {"software_packets": 3, "software_bytes": 900, "why": {}, "not_measured": "no software path"}
    stable = not unstable
    total = {r: (sum(o["chosen"]["cores"][r] for o in offs.values() if "chosen" in o) if stable else None)
             for r in ("10", "100")}
    return {"max_header_size": mh, "offloads": offs, "total": {"stable": stable, "cores": total}}


def cost_doc(mc, cpu, profiles):
    return {"context": {"machine_class": mc, "cpu_brand": cpu, "suite_commit": "abc123", "date": "2026-12-01T20:00:00+00:00",
                        "result_kind": "cost"},
            "encapbench_cost": {"capture": {"path": "default.pcap", "sha256": "ab" * 32, "packets": 2048},
                                "line_rates_gbps": [10, 100], "impl_selector": "best", "profiles": profiles}}


def run(*args):
    env = dict(os.environ, EB_PROG="encapbench", MPLBACKEND="Agg")
    return subprocess.run(["/usr/bin/python3", SCRIPT, *map(str, args)], capture_output=True, text=True, env=env,
                          timeout=300)


@pytest.fixture
def results(tmp_path):
    d = tmp_path / "results"
    d.mkdir()
    bench = sorted(f for f in os.listdir(GOLDEN) if f.endswith(".json"))[0]
    shutil.copy(os.path.join(GOLDEN, bench), d / bench)
    a = cost_doc("zen5-test", "CPU A", [
        {"profile": "full", "points": [point(128, 2.0), point(256, 1.0), point(320, 0.5)]},
        {"profile": "ndis-example", "points": [point(128, 3.0), point(256, 2.5), point(320, 2.0)]}])
    b = cost_doc("other-cpu", "CPU B", [{"profile": "ndis-example", "points": [point(256, 4.0, unstable=("rss",))]}])
    (d / "a-cost.json").write_text(json.dumps(a))
    (d / "b-cost.json").write_text(json.dumps(b))
    return d, a, b


def test_report_draws_cost_beside_benchmarks(results, tmp_path):
    d, a, b = results
    out = tmp_path / "out"
    p = run("report", d, "--out", out)
    assert p.returncode == 0, p.stderr
    md = (out / "report.md").read_text()
    assert "## Machines" in md  # the benchmark part is still there
    assert "## Software fallback cost" in md
    # Headline sentences from the documents' own totals at 100 Gb/s.
    full = a["encapbench_cost"]["profiles"][0]["points"]
    assert ("CPU A, profile full, at 100 Gb/s: a 128-byte MaxHeaderSize costs %.3f cores; "
            "a 256-byte MaxHeaderSize costs %.3f cores" % (full[0]["total"]["cores"]["100"],
                                                           full[1]["total"]["cores"]["100"])) in md
    # Machine B: a single point, its unstable RSS figure and total withheld.
    rows = [l for l in md.splitlines() if l.startswith("| rss |") or l.startswith("| **total**")]
    assert any("unstable" in l for l in rows if l.startswith("| rss |")), rows
    assert "**unstable**" in md
    assert "not priced: no software path" in md
    charts = sorted(os.listdir(out / "charts"))
    cost_svgs = [c for c in charts if c.startswith("cost-") and c.endswith(".svg")]
    assert len(cost_svgs) == 3, charts  # one per machine and capture, one across machines
    assert "cost-machines.svg" in cost_svgs
    page = (out / "report.html").read_text()
    assert 'id="cost"' in page
    assert page.count('data-name="cost-') == 3


def test_cost_files_alone(results, tmp_path):
    d, _, _ = results
    out = tmp_path / "only"
    p = run("report", d / "a-cost.json", "--out", out, "--no-html")
    assert p.returncode == 0, p.stderr
    assert "## Software fallback cost" in (out / "report.md").read_text()


def test_bad_cost_document(results, tmp_path):
    d, a, _ = results
    bad = copy.deepcopy(a)
    del bad["encapbench_cost"]["profiles"]
    f = tmp_path / "bad-cost.json"
    f.write_text(json.dumps(bad))
    p = run("report", f, "--out", tmp_path / "x")
    assert p.returncode == 2
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and "profiles" in lines[0], lines
