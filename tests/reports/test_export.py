"""Dashboard exports (Bencher Metric Format, github-action-benchmark) and the history layout."""
import json
import os
import re
import statistics

from conftest import C1, C2, MA, MB, golden, raw_samples, run_tool


def export(tmp_path, fmt, path, via_report=True):
    out = tmp_path / ("%s.json" % fmt)
    if via_report:
        p = run_tool("report", path, "--export", fmt, "--out", out)
    else:
        p = run_tool("export", path, "--format", fmt, "--out", out)
    assert p.returncode == 0, p.stderr
    with open(out) as f:
        return json.load(f)


def test_bencher_metric_format(tmp_path):
    doc = export(tmp_path, "bencher", golden(MA, C2))
    _, s, errors, _ = raw_samples(golden(MA, C2))
    assert set(doc) == set(s)  # every successful row, no skipped ones
    for name, measures in doc.items():
        for slug, m in measures.items():
            assert re.fullmatch(r"[a-z0-9-]+", slug)
            assert set(m) <= {"value", "lower_value", "upper_value"}
            assert all(isinstance(v, float) for v in m.values())
            assert m["lower_value"] <= m["value"] <= m["upper_value"]
    row = doc["checksum/avx512/1500"]
    rt = s["checksum/avx512/1500"]["real_time"]
    assert row["latency"] == {"value": statistics.median(rt), "lower_value": min(rt),
                              "upper_value": max(rt)}
    bps = s["checksum/avx512/1500"]["bytes_per_second"]
    assert row["bytes-per-second"]["value"] == statistics.median(bps)
    assert row["tsc-per-byte"]["value"] == statistics.median(
        s["checksum/avx512/1500"]["tsc_ticks_per_byte"])  # `encapbench run`'s counter name
    assert "cycles-per-byte" not in row  # machine A has no PMU
    b = export(tmp_path, "bencher", golden(MB, C2), via_report=False)
    _, sb, eb, _ = raw_samples(golden(MB, C2))
    # Machine B's file has the legacy short counter names: read through the fallback.
    assert b["checksum/hwy-avx2/1500"]["tsc-per-byte"]["value"] == statistics.median(
        sb["checksum/hwy-avx2/1500"]["tsc_per_byte"])
    assert b["checksum/hwy-avx2/1500"]["cycles-per-byte"]["value"] == statistics.median(
        sb["checksum/hwy-avx2/1500"]["cycles_per_byte"])
    assert not set(eb) & set(b)


def test_github_action_benchmark(tmp_path):
    small = export(tmp_path, "gab-smaller", golden(MA, C2))
    big = export(tmp_path, "gab-bigger", golden(MA, C2))
    _, s, _, _ = raw_samples(golden(MA, C2))
    for arr in (small, big):
        assert isinstance(arr, list) and len(arr) == len(s)
        assert len({e["name"] for e in arr}) == len(arr)
        for e in arr:
            assert set(e) <= {"name", "unit", "value", "range", "extra"}
            assert {"name", "unit", "value"} <= set(e)
    e = next(x for x in small if x["name"] == "rss/lut/ipv4-tcp")
    assert e["unit"] == "TSC ticks/byte"
    assert e["value"] == statistics.median(s["rss/lut/ipv4-tcp"]["tsc_ticks_per_byte"])
    assert e["range"] == "± %.4g" % statistics.stdev(s["rss/lut/ipv4-tcp"]["tsc_ticks_per_byte"])
    assert MA in e["extra"] and C2 in e["extra"]
    e = next(x for x in big if x["name"] == "rss/lut/ipv4-tcp")
    assert e["unit"] == "bytes/s"
    assert e["value"] == statistics.median(s["rss/lut/ipv4-tcp"]["bytes_per_second"])
    pmu = export(tmp_path, "gab-smaller", golden(MB, C2))
    assert {x["unit"] for x in pmu} == {"cycles/byte"}


def test_export_errors(tmp_path):
    p = run_tool("report", golden(MA, C2), "--export", "nosuch", "--out", tmp_path / "x.json")
    assert p.returncode == 2 and "unknown export format" in p.stderr
    p = run_tool("report", golden(MA, C1), golden(MA, C2), "--export", "bencher", "--out",
                 tmp_path / "x.json")
    assert p.returncode == 2 and "exactly one" in p.stderr
    p = run_tool("report", golden(MA, C2), "--export", "bencher", "--out",
                 tmp_path / "no" / "dir" / "x.json")
    assert p.returncode == 2 and "does not exist" in p.stderr


def test_archive_layout_reads_back_as_history(tmp_path):
    arch = tmp_path / "results"
    p = run_tool("report", golden(MA, C1), golden(MA, C2), golden(MB, C2), "--archive", arch)
    assert p.returncode == 0, p.stderr
    names = sorted(os.listdir(arch))
    assert names == sorted([
        "%s-%s-20240502T100000Z.json" % (MA, C1), "%s-%s-20240509T100000Z.json" % (MA, C2),
        "%s-%s-20240509T120000Z.json" % (MB, C2)])
    out = tmp_path / "rep"
    p = run_tool("report", arch, "--out", out, "--no-html")
    assert p.returncode == 0, p.stderr
    assert not (out / "report.html").exists() and not (out / "charts").exists()
    assert (out / "report.md").exists()
    with open(out / "summary.json") as f:
        hist = json.load(f)["history"]
    assert [(h["machine_class"], h["commits"]) for h in hist] == [(MA, [C1, C2])]
