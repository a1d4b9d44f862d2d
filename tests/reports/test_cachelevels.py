"""`report` on per-packet rows over cache-sized corpora (golden/cachelevels, written by
make_cache_fixtures.py): the "Per-packet cost as the working set grows" section. Every expected
figure is recomputed here from the raw JSON with the standard library; the bootstrap CI of the
ratio of medians comes from the report's statistics module (stats.py, which `compare` uses and
which has its own tests there), called on the raw samples."""
import csv
import json
import os
import re
import statistics

import pytest

from conftest import HISTORY, REPORTS_DIR, raw_samples, report_over, run_tool

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "golden", "cachelevels")
MZ = "amd-zen5-avx512-l1d_48k-l2_1024k-l3_32768k-vm-test"
MY = "amd-zen3-avx2-l1d_32k-l2_512k-l3_32768k-test"
LEVEL = re.compile(r"^(.+)-(l\d+|mem)$")
ORDER = {"l1": 1, "l2": 2, "l3": 3, "mem": 99}


def fixture(mc):
    return os.path.join(FIXTURES, mc + ".json")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out, summary, _ = report_over(tmp_path_factory, FIXTURES, "cachelevels")
    return out, summary


def section(summary, mc):
    return next(m for m in summary["cache_levels"] if m["machine_class"] == mc)


def group(summary, mc, fam, base):
    return next(g for g in section(summary, mc)["groups"]
                if g["family"] == fam and g["base"] == base)


def impl(summary, mc, fam, base, name):
    return next(i for i in group(summary, mc, fam, base)["implementations"]
                if i["implementation"] == name)


def expected(mc):
    """{(family, base, impl): {level: (median ns/packet, CV, samples)}} from the raw rows."""
    _, s, errors, _ = raw_samples(fixture(mc))
    out = {}
    for name, v in s.items():
        fam, im, inp = name.split("/", 2)
        m = LEVEL.match(inp)
        if not m or fam == "limit":
            continue
        xs = v["ns_per_packet"]
        out.setdefault((fam, m.group(1), im), {})[m.group(2)] = (
            statistics.median(xs), statistics.stdev(xs) / statistics.fmean(xs), xs)
    return out, errors


def corpora_from_context(mc):
    """The test's own reading of `cache_corpora` ("l1 24k, l2 512k, ... of packets (...)")."""
    with open(fixture(mc)) as f:
        ctx = json.load(f)["context"]
    text = ctx.get("cache_corpora")
    if not text:
        return {}
    scale = {"k": 1024, "m": 1024 * 1024}
    out = {}
    for part in text.split(" of packets")[0].split(","):
        lvl, size = part.split()
        out[lvl] = int(size[:-1]) * scale[size[-1]] if size[-1] in scale else int(size)
    return out


def falls_off(levels):
    """The rule, stated independently: the first level after l1 whose median ratio to l1 exceeds
    1 by more than the larger CV of the two rows, with the bootstrap CI's low end above 1."""
    import sys
    sys.path.insert(0, REPORTS_DIR)
    from ebreports.stats import median_ratio_ci
    if "l1" not in levels:
        return None
    m1, cv1, s1 = levels["l1"]
    for lvl in sorted(levels, key=ORDER.get):
        if lvl == "l1":
            continue
        m, cv, s = levels[lvl]
        lo, _ = median_ratio_ci(s1, s)
        if m / m1 - 1 > max(cv, cv1) and lo > 1:
            return lvl
    return None


def test_table_values_from_the_raw_rows(report):
    _, summary = report
    for mc in (MZ, MY):
        want, _ = expected(mc)
        assert want, "the fixture has level rows"
        for (fam, base, im), levels in want.items():
            got = impl(summary, mc, fam, base, im)["levels"]
            assert set(got) == set(levels), (fam, base, im)
            m1 = levels["l1"][0]
            for lvl, (med, cv, xs) in levels.items():
                g = got[lvl]
                assert g["ns_per_packet"] == pytest.approx(med, rel=1e-12)
                assert g["cv"] == pytest.approx(cv, rel=1e-9)
                assert g["repetitions"] == len(xs)
                if lvl == "l1":
                    assert g["ratio_to_l1"] is None
                else:
                    assert g["ratio_to_l1"] == pytest.approx(med / m1, rel=1e-12)
                    assert g["ci_low"] <= g["ratio_to_l1"] <= g["ci_high"]


def test_corpus_and_cache_sizes_from_the_context(report):
    _, summary = report
    z = section(summary, MZ)
    assert z["corpora"] == corpora_from_context(MZ)
    assert set(z["corpora"]) == {"l1", "l2", "l3", "mem"}
    with open(fixture(MZ)) as f:
        caches = json.load(f)["context"]["caches"]
    l1d = next(c["size"] for c in caches if c["level"] == 1 and c["type"] == "Data")
    assert "L1d %d KiB" % (l1d >> 10) in z["caches"]
    # Machine Y's context has no cache_corpora: no sizes, and the section says so.
    y = section(summary, MY)
    assert corpora_from_context(MY) == {} and y["corpora"] == {}
    assert "no cache_corpora" in y["corpora_note"]


def test_falls_off_level(report):
    _, summary = report
    for mc in (MZ, MY):
        want, _ = expected(mc)
        for (fam, base, im), levels in want.items():
            assert impl(summary, mc, fam, base, im)["falls_off"] == falls_off(levels), \
                (mc, fam, base, im)
    # What the fixture was built to show (make_cache_fixtures.py): each shape is exercised.
    assert impl(summary, MZ, "checksum-tx", "imix", "avx512")["falls_off"] == "l3"
    assert impl(summary, MZ, "checksum-tx", "imix", "dpdk-raw")["falls_off"] == "l2"
    assert impl(summary, MZ, "checksum-rx", "imix", "avx512")["falls_off"] is None
    assert impl(summary, MZ, "checksum-rx", "imix", "avx512")["verdict"] == \
        "within noise up to mem"
    assert impl(summary, MY, "checksum-tx", "imix", "avx2")["falls_off"] == "l2"


def test_missing_levels_and_skipped_rows(report):
    out, summary = report
    want, errors = expected(MZ)
    # adc64x2 has no l2 row: no l2 entry, and it falls off at the next level that is measured.
    adc = impl(summary, MZ, "checksum-tx", "imix", "adc64x2")
    assert "l2" not in adc["levels"] and "l2" not in want[("checksum-tx", "imix", "adc64x2")]
    assert adc["falls_off"] == "l3"
    # One implementation only, no l3 row at all: the group's levels are the ones measured.
    rss = group(summary, MZ, "rss-pipeline-parse", "mixed")
    assert [i["implementation"] for i in rss["implementations"]] == ["gfni-x16"]
    assert rss["levels"] == sorted(want[("rss-pipeline-parse", "mixed", "gfni-x16")],
                                   key=ORDER.get) == ["l1", "l2", "mem"]
    # Rows skipped with an error at every level: shown as skipped, with no figures.
    hwy = impl(summary, MZ, "checksum-tx", "imix", "hwy-avx3")
    assert hwy["falls_off"] is None and hwy["verdict"] == "skipped at every level"
    for lvl, c in hwy["levels"].items():
        assert c["ns_per_packet"] is None
        assert c["error"] == errors["checksum-tx/hwy-avx3/imix-%s" % lvl]
    # report.md: the adc64x2 row has a dash in the l2 columns and bold l3.
    md = open(os.path.join(out, "report.md"), encoding="utf-8").read()
    row = next(line for line in md.splitlines() if line.startswith("| adc64x2 |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    head = next(line for line in md.splitlines()
                if line.startswith("| implementation | l1 (24 KiB)"))
    names = [c.strip() for c in head.strip("|").split("|")]
    assert cells[names.index("l2 (512 KiB) ns/pkt")] == "–"
    assert cells[names.index("l2 × l1 [95% CI]")] == "–"
    assert cells[-1].startswith("**l3**")
    med, cv, _ = want[("checksum-tx", "imix", "adc64x2")]["l1"]
    assert cells[1] == "%.1f ±%.1f%%" % (med, 100 * cv)


def test_section_in_markdown_html_csv_and_chart(report):
    out, summary = report
    md = open(os.path.join(out, "report.md"), encoding="utf-8").read()
    assert md.count("## Per-packet cost as the working set grows") == 1
    for mc in (MZ, MY):
        assert "### %s" % mc in md
    html = open(os.path.join(out, "report.html"), encoding="utf-8").read()
    assert 'id="cachelevels"' in html and 'href="#cachelevels"' in html
    for mc in (MZ, MY):
        stem = "%s__cache-levels" % mc
        assert os.path.getsize(os.path.join(out, "charts", stem + ".png")) > 0
        assert 'data-name="%s"' % stem in html
    with open(os.path.join(out, "cache_levels.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    want = {}
    for mc in (MZ, MY):
        e, errors = expected(mc)
        for (fam, base, im), levels in e.items():
            for lvl, (med, _, _) in levels.items():
                want[(mc, fam, base, im, lvl)] = med
        for name in errors:
            fam, im, inp = name.split("/", 2)
            b, lvl = LEVEL.match(inp).groups()
            want[(mc, fam, b, im, lvl)] = None
    got = {(r["machine_class"], r["family"], r["base_corpus"], r["implementation"], r["level"]):
           (float(r["ns_per_packet"]) if r["ns_per_packet"] else None) for r in rows}
    assert set(got) == set(want)
    for k, v in want.items():
        assert (got[k] is None) if v is None else got[k] == pytest.approx(v, rel=1e-12)
    corp = corpora_from_context(MZ)
    for r in rows:
        if r["machine_class"] == MZ:
            assert int(r["corpus_bytes"]) == corp[r["level"]]
        else:
            assert r["corpus_bytes"] == ""


def test_old_file_has_no_section(tmp_path):
    """Result files from before the level rows (the golden history): no section, no CSV, no
    chart, no crash."""
    p = run_tool("report", HISTORY, "--out", tmp_path)
    assert p.returncode == 0, p.stderr
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "Per-packet cost as the working set grows" not in md
    assert 'id="cachelevels"' not in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert not (tmp_path / "cache_levels.csv").exists()
    assert not [f for f in os.listdir(tmp_path / "charts") if "cache-levels" in f]
    with open(tmp_path / "summary.json") as f:
        assert json.load(f)["cache_levels"] is None


def test_rows_without_repetitions_and_without_l1(tmp_path):
    """One sample per row: no CV, no CI; the CV threshold stands in for the noise and the
    verdict says the fall-off is untested. A group without an l1 row has no ratios."""
    def row(name, ns):
        return {"name": name, "run_name": name, "run_type": "iteration", "iterations": 100,
                "real_time": ns, "cpu_time": ns, "time_unit": "ns", "ns_per_packet": ns,
                "items_per_second": 1e9 / ns}
    l1, l2, l3 = 10.0, 10.3, 20.0  # +3% is within the default 5% threshold, +100% is not
    path = tmp_path / "single.json"
    path.write_text(json.dumps({"context": {"machine_class": "m"}, "benchmarks": [
        row("parse/fast/mixed-l1", l1), row("parse/fast/mixed-l2", l2),
        row("parse/fast/mixed-l3", l3), row("rxpath/best/default-l2", 50.0),
        row("rxpath/best/default-mem", 90.0)]}))
    p = run_tool("report", path, "--out", tmp_path / "out", "--no-html")
    assert p.returncode == 0, p.stderr
    with open(tmp_path / "out" / "summary.json") as f:
        s = json.load(f)
    fast = impl(s, "m", "parse", "mixed", "fast")
    assert fast["levels"]["l2"]["ratio_to_l1"] == pytest.approx(l2 / l1)
    assert fast["levels"]["l2"]["ci_low"] is None and fast["levels"]["l2"]["cv"] is None
    assert fast["falls_off"] == "l3"
    assert "untested" in fast["verdict"]
    rx = impl(s, "m", "rxpath", "default", "best")
    assert rx["falls_off"] is None and "no l1 row" in rx["verdict"]
    assert all(c["ratio_to_l1"] is None for c in rx["levels"].values())


def test_noise_and_interval_both_decide(tmp_path):
    """Two levels built so that each half of the rule decides alone: l2 is 3% above l1 in four
    repetitions of five with one outlier (its CV is far above 3%: within noise, though the
    interval lies above 1); l3 has a median 15% above l1 but two of five repetitions at the l1
    cost (the interval reaches 1: not a fall-off, though the CV is below 15%). mem is clearly
    slower in every repetition."""
    samples = {"l1": [10.0, 10.01, 9.99, 10.02, 9.98],
               "l2": [10.3, 10.31, 10.29, 10.3, 13.0],
               "l3": [10.0, 10.0, 11.5, 11.6, 11.7],
               "mem": [20.0, 20.1, 19.9, 20.2, 19.8]}
    rows = []
    for lvl, xs in samples.items():
        name = "parse/fast/mixed-%s" % lvl
        for i, ns in enumerate(xs):
            rows.append({"name": name, "run_name": name, "run_type": "iteration",
                         "repetitions": len(xs), "repetition_index": i, "iterations": 1000,
                         "real_time": ns, "cpu_time": ns, "time_unit": "ns",
                         "ns_per_packet": ns, "items_per_second": 1e9 / ns})
    path = tmp_path / "shapes.json"
    path.write_text(json.dumps({"context": {"machine_class": "m"}, "benchmarks": rows}))
    p = run_tool("report", path, "--out", tmp_path / "out", "--no-html")
    assert p.returncode == 0, p.stderr
    with open(tmp_path / "out" / "summary.json") as f:
        got = impl(json.load(f), "m", "parse", "mixed", "fast")
    levels = {lvl: (statistics.median(xs), statistics.stdev(xs) / statistics.fmean(xs), xs)
              for lvl, xs in samples.items()}
    l2, l3 = got["levels"]["l2"], got["levels"]["l3"]
    assert l2["ratio_to_l1"] - 1 < levels["l2"][1] and l2["ci_low"] > 1
    assert l3["ratio_to_l1"] - 1 > max(levels["l3"][1], levels["l1"][1]) and l3["ci_low"] <= 1
    assert not l2["above_noise"] and not l3["above_noise"]
    assert got["falls_off"] == falls_off(levels) == "mem"
