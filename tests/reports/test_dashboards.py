"""Dashboards: the cross-CPU view (golden fixtures, a real run, a real run under emulation),
Google Benchmark's own compare.py reading a real `run` file, the Bencher and
github-action-benchmark exports against those tools' documented formats, and `compare` against
a base commit from an archive / without enough repetitions to gate."""
import json
import math
import os
import shutil
import statistics
import subprocess

import pytest

from conftest import HERE, MA, MB, C1, C2, golden, raw_samples, run_tool
from synth_history import commit_id, make_history

REAL = os.path.join(HERE, "golden", "real", "zen5-epyc-kvm-quick-subset.json")
EMULATED = os.path.join(HERE, "golden", "real", "zen5-host-under-qemu-user.json")
FORMATS = os.path.join(HERE, "golden", "formats")
GB_COMPARE = "/usr/share/benchmark/compare.py"


def _summary(tmp_path, *files, name="r"):
    out = str(tmp_path / name)
    p = run_tool("report", *files, "--out", out, "--no-html")
    assert p.returncode == 0, p.stderr
    with open(os.path.join(out, "summary.json")) as f:
        return json.load(f), open(os.path.join(out, "report.md")).read()


# --- cross-CPU view -----------------------------------------------------------------------------

def _speed(samples, name):
    s = samples.get(name, {})
    return statistics.median(s["bytes_per_second"]) if "bytes_per_second" in s else None


def test_cross_cpu_on_golden_fixtures(tmp_path):
    summ, md = _summary(tmp_path, golden(MA, C2), golden(MB, C2))
    x = summ["cross_cpu"]
    assert [g["microarchitecture"] for g in x["groups"]] == ["Sapphire Rapids", "Zen 3"]
    assert x["refused"] == {}
    _, sa, _, _ = raw_samples(golden(MA, C2))
    _, sb, _, _ = raw_samples(golden(MB, C2))
    rows = {r["key"]: r for r in x["rows"]}
    # × reference and % of the machine's own read limit, recomputed from the raw JSON.
    for key in ("checksum/adc64x2/1500", "checksum/hwy-avx2/1500"):
        for mc, s in ((MA, sa), (MB, sb)):
            c = rows[key]["cells"][mc]
            ref = _speed(s, "checksum/reference/1500")
            lim = _speed(s, "limit/read/1500")
            assert c["speed"] == pytest.approx(_speed(s, key))
            assert c["speedup"] == pytest.approx(_speed(s, key) / ref)
            assert c["frac_limit"] == pytest.approx(_speed(s, key) / lim)
            assert c["limit"] == "read"
        want = max((MA, MB), key=lambda mc: rows[key]["cells"][mc]["speedup"])
        assert rows[key]["win_speedup"] == want
    # The wins table counts the rows' winners.
    for crit, field in (("speed", "win_speed"), ("speedup", "win_speedup"),
                        ("limit", "win_limit")):
        for mc in (MA, MB):
            assert x["wins"][crit][mc] == sum(r[field] == mc for r in x["rows"])
    # A row only one machine ran (AVX-512 on Zen 3 is skipped) has no winner.
    assert rows["checksum/avx512/1500"]["win_speed"] is None
    assert "## Across CPUs" in md and "| rows won by |" in md


def test_cross_cpu_refuses_emulated_rows(tmp_path):
    """The real run and the same host under qemu: the emulated class is refused, loudly, and
    never wins a row."""
    summ, md = _summary(tmp_path, REAL, EMULATED, golden(MB, C2))
    x = summ["cross_cpu"]
    with open(EMULATED) as f:
        emc = json.load(f)["context"]["machine_class"]
    assert list(x["refused"]) == [emc]
    assert "emulation (qemu-x86_64-static" in x["refused"][emc]
    for r in x["rows"]:
        assert emc not in (r["win_speed"], r["win_speedup"], r["win_limit"]), r["key"]
    assert emc not in x["wins"]["speed"]
    assert "⛔ **%s: refused**, measured under emulation" % emc in md
    # The machine's own warnings say it too, where its tables are.
    m = next(m for m in summ["machines"] if m["machine_class"] == emc)
    assert any(w.startswith("MEASURED UNDER EMULATION (qemu") for w in m["warnings"])
    # Its figures are still shown, struck out.
    assert "~~" in md
    # The real run does compete: it shares checksum rows with the Zen 3 fixture.
    with open(REAL) as f:
        real_mc = json.load(f)["context"]["machine_class"]
    assert sum(x["wins"]["speedup"].values()) > 0 and real_mc in x["wins"]["speedup"]


def test_cross_cpu_refuses_debug_build(tmp_path):
    with open(golden(MB, C2)) as f:
        d = json.load(f)
    d["context"]["build_type"] = "Debug"
    d["context"]["machine_class"] = "zen3-debug"
    p = tmp_path / "debug.json"
    p.write_text(json.dumps(d))
    summ, md = _summary(tmp_path, golden(MA, C2), str(p))
    assert "Debug build" in summ["cross_cpu"]["refused"]["zen3-debug"]
    assert "zen3-debug: refused" in md


# --- a real client: Google Benchmark's compare.py -------------------------------------------------

@pytest.mark.skipif(not os.path.exists(GB_COMPARE),
                    reason="Debian's libbenchmark-tools is not installed")
def test_google_benchmark_compare_reads_every_row():
    p = subprocess.run(["/usr/bin/python3", GB_COMPARE, "--no-color", "benchmarks", REAL, REAL],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    with open(REAL) as f:
        doc = json.load(f)
    names = {b["name"] for b in doc["benchmarks"] if b["run_type"] == "iteration"}
    lines = p.stdout.splitlines()
    first = {ln.split()[0] for ln in lines if ln.strip()}
    missing = sorted(n for n in names if n not in first)
    assert not missing, missing
    # Identical files: every row's change is zero in compare.py's own arithmetic.
    for ln in lines:
        parts = ln.split()
        if parts and parts[0] in names:
            assert float(parts[1]) == 0.0 and float(parts[2]) == 0.0, ln


# --- exports against the documented formats -------------------------------------------------------

def check_bmf(doc):
    """Bencher Metric Format: {benchmark: {measure: {value, lower_value?, upper_value?}}}."""
    assert isinstance(doc, dict) and doc
    for bench, measures in doc.items():
        assert isinstance(bench, str) and 0 < len(bench) <= 1024
        assert isinstance(measures, dict) and measures
        for slug, m in measures.items():
            assert isinstance(slug, str) and 0 < len(slug) <= 64
            assert isinstance(m, dict) and set(m) <= {"value", "lower_value", "upper_value"}
            assert "value" in m
            for k, v in m.items():
                assert isinstance(v, (int, float)) and not isinstance(v, bool)
                assert math.isfinite(v)
            if "lower_value" in m:
                assert m["lower_value"] <= m["value"]
            if "upper_value" in m:
                assert m["value"] <= m["upper_value"]


def check_gab(doc):
    """github-action-benchmark custom*IsBetter: [{name, unit, value, range?, extra?}]."""
    assert isinstance(doc, list) and doc
    names = set()
    for e in doc:
        assert isinstance(e, dict) and {"name", "unit", "value"} <= set(e)
        assert set(e) <= {"name", "unit", "value", "range", "extra"}
        assert isinstance(e["name"], str) and isinstance(e["unit"], str)
        assert isinstance(e["value"], (int, float)) and not isinstance(e["value"], bool)
        assert math.isfinite(e["value"])
        for k in ("range", "extra"):
            assert k not in e or isinstance(e[k], str)
        assert e["name"] not in names
        names.add(e["name"])


def test_format_checkers_accept_documented_examples_and_reject_broken_ones():
    with open(os.path.join(FORMATS, "bencher-metric-format.example.json")) as f:
        bmf = json.load(f)
    with open(os.path.join(FORMATS, "github-action-benchmark-custom.example.json")) as f:
        gab = json.load(f)
    check_bmf(bmf)
    check_gab(gab)
    for broken in ({"b": {"latency": {"lower_value": 1.0}}},
                   {"b": {"latency": {"value": "88"}}},
                   {"b": {"latency": {"value": 1.0, "lower_value": 2.0}}}, []):
        with pytest.raises(AssertionError):
            check_bmf(broken)
    for broken in ([{"name": "x", "value": 1}], [{"name": "x", "unit": "u", "value": "1"}],
                   [{"name": "x", "unit": "u", "value": 1, "range": 3}], {}):
        with pytest.raises(AssertionError):
            check_gab(broken)


def _export(tmp_path, fmt, src):
    out = tmp_path / (fmt + ".json")
    p = run_tool("report", src, "--export", fmt, "--out", str(out))
    assert p.returncode == 0, p.stderr
    return json.loads(out.read_text())


@pytest.mark.parametrize("src", [REAL, golden(MA, C2), golden(MB, C2)])
def test_exports_follow_the_documented_formats(tmp_path, src):
    doc, samples, errors, _ = raw_samples(src)
    unit_ns = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
    bmf = _export(tmp_path, "bencher", src)
    check_bmf(bmf)
    units = {r["run_name"]: r["time_unit"] for r in doc["benchmarks"]}
    ok = {n for n in samples}
    assert set(bmf) == ok and not set(errors) & set(bmf)
    for name in ok:
        # latency: Bencher's built-in measure is in nanoseconds.
        rt = [v * unit_ns[units[name]] for v in samples[name]["real_time"]]
        assert bmf[name]["latency"]["value"] == pytest.approx(statistics.median(rt))
        if "bytes_per_second" in samples[name]:
            assert bmf[name]["bytes-per-second"]["value"] == pytest.approx(
                statistics.median(samples[name]["bytes_per_second"]))
    small = _export(tmp_path, "gab-smaller", src)
    big = _export(tmp_path, "gab-bigger", src)
    check_gab(small)
    check_gab(big)
    assert {e["unit"] for e in big} == {"bytes/s"}
    assert {e["unit"] for e in small} <= {"TSC ticks/byte", "cycles/byte", "ns/byte",
                                          "ns/iteration"}
    # Direction: a faster row is bigger in the bigger-is-better file and smaller in the
    # smaller-is-better one (per byte at the same input).
    sv = {e["name"]: e["value"] for e in small}
    bv = {e["name"]: e["value"] for e in big}
    pairs = [(a, b) for a in bv for b in bv if a < b and a.rsplit("/", 1)[1] == b.rsplit("/", 1)[1]
             and a.split("/")[0] == b.split("/")[0] == "checksum" and a in sv and b in sv]
    assert pairs
    for a, b in pairs:
        if bv[a] > bv[b] * 1.05:
            assert sv[a] < sv[b], (a, b)


# --- compare: base from an archive, and too few repetitions ---------------------------------------

def test_compare_base_commit_from_archive(tmp_path):
    d = str(tmp_path / "archive")
    paths = make_history(d, golden(MA, C1), 5, steps=[("checksum/", 4, 0.8)], cv=0.002)
    shutil.copy(golden(MB, C2), d)  # another machine class in the archive is ignored
    p = run_tool("compare", "--base-commit", commit_id(1), d, paths[4], "--format", "json")
    assert p.returncode == 1, p.stderr
    c = json.loads(p.stdout)
    assert c["base"] == paths[1] and c["new"] == paths[4]
    assert all(r.startswith("checksum/") for r in c["regressions"])
    p = run_tool("compare", "--base-commit", commit_id(2), d, paths[3], "--format", "json")
    assert p.returncode == 0, p.stderr
    p = run_tool("compare", "--base-commit", "deadbeef99", d, paths[3])
    assert p.returncode == 2 and "no result of machine class" in p.stderr
    assert commit_id(0) in p.stderr  # says which commits it has


def test_compare_with_too_few_repetitions_prints_the_table_and_exits_2(tmp_path):
    def first_three(src, name):
        with open(src) as f:
            d = json.load(f)
        d["benchmarks"] = [r for r in d["benchmarks"] if r["run_type"] == "aggregate"
                           or r.get("repetition_index", 0) < 3]
        out = tmp_path / name
        out.write_text(json.dumps(d))
        return out

    three = first_three(golden(MA, C2), "three.json")
    base = first_three(golden(MA, C1), "base.json")
    p = run_tool("compare", str(base), str(three))
    assert p.returncode == 2
    assert "CANNOT GATE" in p.stdout and "cannot gate" in p.stderr
    # The table is there: ratios and CIs for the rows (3 vs 3 repetitions give a CI).
    _, sb, _, _ = raw_samples(str(base))
    _, sn, _, _ = raw_samples(str(three))
    name = "checksum/adc64x2/1500"
    line = next(ln for ln in p.stdout.splitlines() if ln.startswith(name + " "))
    ratio = statistics.median(sn[name]["real_time"]) / statistics.median(sb[name]["real_time"])
    assert ("%+.1f%%" % (100 * (ratio - 1))) in line and "too few reps" in line
    assert "–" in line  # the bootstrap interval


# --- rows say what they are ---------------------------------------------------------------------

def test_rows_are_read_from_their_fields_not_their_names(tmp_path):
    """A row's stated kind and identity win over anything its name suggests; files without
    the fields take the separate legacy path (names)."""
    import sys
    from conftest import REPORTS_DIR
    sys.path.insert(0, REPORTS_DIR)
    from ebreports.model import load_run
    with open(REAL) as f:
        doc = json.load(f)
    for b in doc["benchmarks"]:
        if b["run_name"].startswith("checksum/dpdk-raw/"):
            b["kind"] = "implementation"          # the name alone would say peer
        if b["run_name"].startswith("checksum/adc64x2/"):
            b["input"] = "stated-input"
    p = tmp_path / "fields.json"
    p.write_text(json.dumps(doc))
    run = load_run(str(p))
    assert all(r.kind_source == "row" for r in run.rows.values())
    assert run.rows["checksum/dpdk-raw/1500"].kind == "implementation"
    assert run.rows["checksum/adc64x2/1500"].input == "stated-input"
    assert run.rows["checksum/adc64x2/1500"].kernel_family == "checksum"
    for b in doc["benchmarks"]:
        for k in ("operation", "family", "implementation", "kind", "input"):
            b.pop(k, None)
    p.write_text(json.dumps(doc))
    legacy = load_run(str(p))
    assert {r.kind_source for r in legacy.rows.values()} <= {"names", "registry"}
    assert legacy.rows["checksum/dpdk-raw/1500"].kind == "peer"
    assert legacy.rows["checksum/adc64x2/1500"].input == "1500"
