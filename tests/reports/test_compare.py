"""`compare`: regressions are caught, noise is not, bad input is refused with exit 2."""
import json
import math
import random
import statistics

import pytest

from conftest import C1, C2, MA, MB, golden, raw_samples, run_script, run_tool

THRESHOLD = "5"


def load(path):
    with open(path) as f:
        return json.load(f)


def rewrite(doc, scale_of, seed=0, noise=0.0):
    """Scale every repetition's times by scale_of(run_name) (None: leave the row alone) and
    multiply by log-normal noise; counters follow; aggregates are recomputed like Google
    Benchmark does."""
    rng = random.Random(seed)
    doc = json.loads(json.dumps(doc))
    reps = {}
    for r in doc["benchmarks"]:
        if r["run_type"] != "iteration" or r.get("error_occurred"):
            continue
        k = scale_of(r["run_name"])
        if k is None:
            continue
        f = k * math.exp(rng.gauss(0.0, noise)) if noise else k
        r["real_time"] *= f
        r["cpu_time"] *= f
        for c in list(r):
            if c.endswith("_per_second"):
                r[c] /= f
            elif c.startswith(("ns_per", "tsc_per", "cycles_per")):
                r[c] *= f
        reps.setdefault(r["run_name"], []).append(r)
    for r in doc["benchmarks"]:
        if r["run_type"] == "aggregate" and r["run_name"] in reps:
            it = reps[r["run_name"]]
            for c, v in r.items():
                if isinstance(v, float) and c in it[0]:
                    xs = [x[c] for x in it]
                    m, sd = statistics.fmean(xs), statistics.stdev(xs)
                    r[c] = {"mean": m, "median": statistics.median(xs), "stddev": sd,
                            "cv": sd / m if m else float("nan")}[r["aggregate_name"]]
    return doc


def write(tmp_path, name, doc):
    p = tmp_path / name
    p.write_text(json.dumps(doc))
    return p


def compare_json(*args):
    p = run_tool("compare", *args, "--format", "json")
    return p, (json.loads(p.stdout) if p.stdout.strip() else None)


def test_golden_commits_regression_in_rss_lut():
    """C1 -> C2 on machine A: the fixture made rss/lut 20% slower and adc64x2 faster."""
    p, out = compare_json(golden(MA, C1), golden(MA, C2), "--threshold", THRESHOLD)
    assert p.returncode == 1, p.stderr
    assert sorted(out["regressions"]) == ["rss/lut/ipv4-tcp", "rss/lut/ipv6-tcp"]
    improved = {r["name"] for r in out["rows"] if r["verdict"] == "improvement"}
    assert improved and all(n.startswith("checksum/adc64x2/") for n in improved)
    # Geometric mean per family from the raw medians.
    _, s1, _, _ = raw_samples(golden(MA, C1))
    _, s2, _, _ = raw_samples(golden(MA, C2))
    ratios = [statistics.median(s2[n]["real_time"]) / statistics.median(s1[n]["real_time"])
              for n in s1 if n.startswith("rss/") and n in s2]
    gm = math.exp(sum(map(math.log, ratios)) / len(ratios))
    assert math.isclose(out["family_geomean"]["rss"], gm, rel_tol=1e-9)
    # Skipped rows are not compared, and say why; both files skip none on machine A.
    assert out["skipped"] == {}


@pytest.fixture(scope="module")
def base_doc():
    return load(golden(MA, C2))


def test_synthetic_20_percent_regression_is_caught(tmp_path, base_doc):
    victim = "checksum/avx512/1500"
    new = rewrite(base_doc, lambda n: 1.2 if n == victim else 1.0, seed=7, noise=0.01)
    nb = write(tmp_path, "new.json", new)
    p, out = compare_json(golden(MA, C2), nb, "--threshold", THRESHOLD)
    assert p.returncode == 1, p.stdout + p.stderr
    assert out["regressions"] == [victim]
    row = next(r for r in out["rows"] if r["name"] == victim)
    # 5 vs 5 repetitions, completely separated: exact two-sided p = 2 / C(10, 5).
    assert math.isclose(row["p"], 2 / math.comb(10, 5), rel_tol=1e-9)
    old = raw_samples(golden(MA, C2))[1][victim]["real_time"]
    newv = [r["real_time"] for r in new["benchmarks"]
            if r["run_name"] == victim and r["run_type"] == "iteration"]
    assert math.isclose(row["ratio"], statistics.median(newv) / statistics.median(old),
                        rel_tol=1e-12)
    # The bootstrap CI of the median ratio lies within what resampling can produce.
    assert min(newv) / max(old) - 1e-12 <= row["ci_low"] <= row["ratio"] <= row["ci_high"]
    assert row["ci_high"] <= max(newv) / min(old) + 1e-12
    assert row["ci_low"] > 1.1
    # The same regression, gated on throughput instead of time.
    p2, out2 = compare_json(golden(MA, C2), nb, "--metric", "bytes_per_second")
    assert p2.returncode == 1 and out2["regressions"] == [victim]
    assert out2["lower_is_better"] is False
    # And a threshold above 20% lets it pass.
    p3, out3 = compare_json(golden(MA, C2), nb, "--threshold", "25")
    assert p3.returncode == 0 and out3["regressions"] == []


def test_one_percent_change_with_noise_passes(tmp_path, base_doc):
    new = rewrite(base_doc, lambda n: 1.01, seed=11, noise=0.01)
    nb = write(tmp_path, "new.json", new)
    p, out = compare_json(golden(MA, C2), nb, "--threshold", THRESHOLD)
    assert p.returncode == 0, p.stdout + p.stderr
    assert out["regressions"] == []
    assert abs(out["overall_geomean"] - 1.01) < 0.005
    text = run_tool("compare", golden(MA, C2), nb)
    assert text.returncode == 0 and "0 regression(s)" in text.stdout


def test_improvement_is_not_a_regression(tmp_path, base_doc):
    nb = write(tmp_path, "new.json", rewrite(base_doc, lambda n: 0.8 if n.startswith("rss/")
                                             else 1.0, seed=3, noise=0.01))
    p, out = compare_json(golden(MA, C2), nb)
    assert p.returncode == 0
    assert {r["name"] for r in out["rows"] if r["verdict"] == "improvement"} == {
        n for n in raw_samples(golden(MA, C2))[1] if n.startswith("rss/")}


def test_time_units_are_converted(tmp_path, base_doc):
    doc = json.loads(json.dumps(base_doc))
    for r in doc["benchmarks"]:
        if "real_time" in r and r.get("aggregate_name") != "cv":
            r["real_time"] /= 1000.0
            r["cpu_time"] /= 1000.0
            r["time_unit"] = "us"
    p, out = compare_json(golden(MA, C2), write(tmp_path, "us.json", doc))
    assert p.returncode == 0
    assert all(math.isclose(r["ratio"], 1.0, rel_tol=1e-9) for r in out["rows"])


def test_rows_on_one_side_are_reported(tmp_path, base_doc):
    doc = json.loads(json.dumps(base_doc))
    doc["benchmarks"] = [r for r in doc["benchmarks"] if r["run_name"] != "rss/lut/ipv4-tcp"]
    extra = [json.loads(json.dumps(r)) for r in base_doc["benchmarks"]
             if r["run_name"] == "rss/lut/ipv6-tcp"]
    for r in extra:
        r["run_name"] = "rss/lut/ipv6-udp"
        r["name"] = r["name"].replace("ipv6-tcp", "ipv6-udp")
    doc["benchmarks"] += extra
    p, out = compare_json(golden(MA, C2), write(tmp_path, "n.json", doc))
    assert p.returncode == 0
    assert out["only_base"] == ["rss/lut/ipv4-tcp"] and out["only_new"] == ["rss/lut/ipv6-udp"]
    t = run_tool("compare", golden(MA, C2), tmp_path / "n.json")
    assert "only in BASE (1): rss/lut/ipv4-tcp" in t.stdout
    assert "only in NEW (1): rss/lut/ipv6-udp" in t.stdout


def test_cross_machine_refused_unless_allowed():
    p = run_script("compare", golden(MA, C2), golden(MB, C2))
    assert p.returncode == 2
    assert MA in p.stderr and MB in p.stderr and "--allow-cross-machine" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1
    p2, out = compare_json(golden(MA, C2), golden(MB, C2), "--allow-cross-machine")
    assert p2.returncode in (0, 1), p2.stderr
    assert any("different machine classes" in w for w in out["warnings"])
    # Rows B could not run (no AVX-512) are listed, not compared.
    assert out["skipped"]["checksum/avx512/1500"].startswith("skipped in NEW: CPU lacks")


def test_formats(tmp_path):
    md = run_script("compare", golden(MA, C1), golden(MA, C2), "--format", "md")
    assert md.returncode == 1
    assert md.stdout.startswith("## encapbench compare: ❌ regression")
    assert "| rss/lut/ipv4-tcp |" in md.stdout
    txt = run_tool("compare", golden(MA, C1), golden(MA, C2), "--format", "text")
    assert "REGRESSION rss/lut/ipv4-tcp" in txt.stdout
    assert "geometric mean of new/old per family" in txt.stdout


BAD = {
    "truncated": ('{"context": {}, "benchmarks": [{"name": "a/b/1", "real_time": 1', "not valid JSON"),
    "array": ("[]", "expected a JSON object"),
    "no_benchmarks": ('{"context": {"machine_class": "x"}}', "no 'benchmarks'"),
    "empty": ("", "empty file"),
    "no_time": ('{"context": {}, "benchmarks": [{"name": "checksum/x/1", "run_type": '
                '"iteration", "time_unit": "ns"}]}', "has no 'real_time'"),
    "bad_unit": ('{"context": {}, "benchmarks": [{"name": "checksum/x/1", "run_type": '
                 '"iteration", "real_time": 1.0, "time_unit": "fortnights"}]}', "time_unit"),
    "nameless": ('{"context": {}, "benchmarks": [{"real_time": 1.0}]}', "has no 'name'"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_malformed_input_exit_2(tmp_path, case):
    text, msg = BAD[case]
    bad = tmp_path / ("%s.json" % case)
    bad.write_text(text)
    for args in ((golden(MA, C2), bad), (bad, golden(MA, C2))):
        p = (run_script if case == "truncated" else run_tool)("compare", *args)
        assert p.returncode == 2, (case, p.stdout, p.stderr)
        assert msg in p.stderr and str(bad) in p.stderr, p.stderr
        assert len(p.stderr.strip().splitlines()) == 1
        assert "Traceback" not in p.stderr


def test_missing_file_exit_2(tmp_path):
    p = run_tool("compare", tmp_path / "nope.json", golden(MA, C2))
    assert p.returncode == 2 and "no such file" in p.stderr


def single_run(doc):
    """As if run without --repetitions: one iteration row per benchmark, no aggregates."""
    d = json.loads(json.dumps(doc))
    d["benchmarks"] = [r for r in d["benchmarks"] if r["run_type"] == "iteration"
                       and r.get("repetition_index", 0) == 0]
    for r in d["benchmarks"]:
        r["repetitions"] = 1
    return d


def test_no_repetitions_exit_2(tmp_path, base_doc):
    one = write(tmp_path, "one.json", single_run(base_doc))
    p = run_tool("compare", one, one)
    assert p.returncode == 2 and "repetitions" in p.stderr
    agg = json.loads(json.dumps(base_doc))
    agg["benchmarks"] = [r for r in agg["benchmarks"] if r["run_type"] == "aggregate"]
    a = write(tmp_path, "agg.json", agg)
    p = run_tool("compare", a, a)
    assert p.returncode == 2 and "aggregates" in p.stderr


def test_too_few_repetitions_to_ever_be_significant(tmp_path, base_doc):
    d = json.loads(json.dumps(base_doc))
    d["benchmarks"] = [r for r in d["benchmarks"] if r["run_type"] == "aggregate"
                       or r.get("repetition_index", 0) < 3]
    three = write(tmp_path, "three.json", d)
    p = run_tool("compare", three, three)
    # Two-sided exact p for 3 vs 3 is at least 2 / C(6, 3) = 0.1 > 0.05.
    assert p.returncode == 2 and "0.1" in p.stderr and "at least 4" in p.stderr


def test_mismatched_files_exit_2(tmp_path, base_doc):
    d = json.loads(json.dumps(base_doc))
    for r in d["benchmarks"]:
        r["name"] = "other-" + r["name"]
        r["run_name"] = "other-" + r["run_name"]
    p = run_tool("compare", golden(MA, C2), write(tmp_path, "other.json", d))
    assert p.returncode == 2 and "no benchmark in common" in p.stderr


def test_unknown_metric_exit_2():
    p = run_tool("compare", golden(MA, C1), golden(MA, C2), "--metric", "furlongs_per_byte")
    assert p.returncode == 2 and "furlongs_per_byte" in p.stderr
    p = run_tool("compare", golden(MA, C1), golden(MA, C2), "--metric", "mystery")
    assert p.returncode == 2 and "--direction" in p.stderr


def test_usage_errors_exit_2():
    p = run_script("compare", golden(MA, C1))
    assert p.returncode == 2
    p = run_tool("compare", golden(MA, C1), golden(MA, C2), "--alpha", "2")
    assert p.returncode == 2 and "alpha" in p.stderr
