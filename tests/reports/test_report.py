"""`report` on the golden history: the tables hold what the raw numbers say."""
import csv
import json
import math
import os
import re
import statistics
import xml.etree.ElementTree as ET

from conftest import (C1, C2, HISTORY, MA, MB, family, golden, inputs, machine, raw_samples,
                      run_tool)


def kind_by_name(name):
    """The test's own rule for files without impl_kind (machine B)."""
    fam, impl = name.split("/")[:2]
    if fam == "limit":
        return "limit"
    if impl == "reference":
        return "reference"
    if impl.startswith("dpdk-") or impl.startswith("isal-"):
        return "peer"
    return "implementation"


def expected_input(path, fam, inp, speed="bytes_per_second"):
    """Best of ours, its speed-up over the reference, ratio to each peer and to limit/read."""
    _, s, errors, kinds = raw_samples(path)
    rows = {n: v for n, v in s.items() if n.split("/")[0] == fam and n.split("/", 2)[2] == inp}
    kind = {n: kinds.get(n) or kind_by_name(n) for n in rows}
    sp = {n.split("/")[1]: statistics.median(v[speed]) for n, v in rows.items()}
    ours = {n.split("/")[1]: sp[n.split("/")[1]] for n in rows if kind[n] == "implementation"}
    best = max(ours, key=ours.get)
    out = {"best": best, "speedup": ours[best] / sp["reference"],
           "peers": {n.split("/")[1]: ours[best] / sp[n.split("/")[1]] for n in rows
                     if kind[n] == "peer"}}
    lim = "limit/read/%s" % inp
    if lim in s:
        out["read"] = statistics.median(s[lim]["bytes_per_second"])
        out["frac_read"] = statistics.median(rows["%s/%s/%s" % (fam, best, inp)][
            "bytes_per_second"]) / out["read"]
    return out


def close(a, b, rel=1e-9):
    return a is not None and b is not None and math.isclose(a, b, rel_tol=rel)


def test_best_speedup_peers_limit_machine_a(golden_report):
    _, summary, _ = golden_report
    path = golden(MA, C2)  # the latest run of machine A
    got = inputs(summary, MA, "checksum")
    for inp in ("64", "1500", "65536", "1m", "16m", "256m"):
        e = expected_input(path, "checksum", inp)
        g = got[inp]
        assert g["best"] == e["best"], inp
        assert close(g["speedup_over_reference"], e["speedup"]), inp
        assert set(g["vs_peers"]) == set(e["peers"]) == {"dpdk-raw"}
        assert close(g["vs_peers"]["dpdk-raw"], e["peers"]["dpdk-raw"]), inp
        assert close(g["fraction_of_limits"]["read"], e["frac_read"]), inp
        assert g["natural_limit"] == "read"


def test_kinds_from_names_and_skipped_rows_machine_b(golden_report):
    _, summary, _ = golden_report
    path = golden(MB, C2)
    _, s, errors, kinds = raw_samples(path)
    assert not kinds, "machine B's golden rows carry no impl_kind on purpose"
    for inp in ("1500", "256m"):
        e = expected_input(path, "checksum", inp)
        g = inputs(summary, MB, "checksum")[inp]
        assert g["best"] == e["best"]
        assert close(g["speedup_over_reference"], e["speedup"])
        for name, impl in g["implementations"].items():
            assert impl["kind"] == kind_by_name("checksum/%s/x" % name)
    # Skipped rows: every error row of the file, with its message, and none treated as data.
    m = machine(summary, MB)
    assert m["skipped"] == errors
    assert len(errors) > 0
    assert any(("%d benchmark(s) skipped" % len(errors)) in w for w in m["warnings"])
    for fam in m["families"]:
        for i in fam["inputs"]:
            for name in i["implementations"]:
                assert "%s/%s/%s" % (fam["family"], name, i["input"]) not in errors


def test_registry_decides_kinds_when_rows_do_not(tmp_path):
    """A saved `encapbench list --json` wins over names (machine B's rows carry no kind)."""
    reg = tmp_path / "list.json"
    reg.write_text(json.dumps([
        {"family": "checksum", "name": "dpdk-raw", "kind": "implementation",
         "supported": True},
        {"family": "checksum", "name": "reference", "kind": "reference", "supported": True}]))
    p = run_tool("report", golden(MB, C2), "--out", tmp_path / "out", "--no-html",
                 "--registry", reg)
    assert p.returncode == 0, p.stderr
    with open(tmp_path / "out" / "summary.json") as f:
        s = json.load(f)
    ins = inputs(s, MB, "checksum")["64"]
    assert ins["implementations"]["dpdk-raw"]["kind"] == "implementation"
    assert ins["vs_peers"] == {}
    assert inputs(s, MB, "segment")["64k-mss1418"]["implementations"]["dpdk-gso"]["kind"] == \
        "peer"  # not in the registry: named


def test_rss_uses_hashes_per_second(golden_report):
    _, summary, _ = golden_report
    f = family(summary, MA, "rss")
    assert f["speed_metric"] == "items_per_second"
    e = expected_input(golden(MA, C2), "rss", "ipv6-tcp", speed="items_per_second")
    g = inputs(summary, MA, "rss")["ipv6-tcp"]
    assert g["best"] == e["best"] == "gfni-x16"
    assert close(g["speedup_over_reference"], e["speedup"])
    assert close(g["vs_peers"]["dpdk-softrss"], e["peers"]["dpdk-softrss"])


def test_segment_judged_against_memcpy(golden_report):
    _, summary, _ = golden_report
    _, s, _, _ = raw_samples(golden(MA, C2))
    g = inputs(summary, MA, "segment")["64k-mss1418"]
    assert g["natural_limit"] == "memcpy"
    best = "segment/%s/64k-mss1418" % g["best"]
    want = statistics.median(s[best]["bytes_per_second"]) / statistics.median(
        s["limit/memcpy/64k-mss1418"]["bytes_per_second"])
    assert close(g["fraction_of_limits"]["memcpy"], want)


def test_header_sweep_winner_ranges(golden_report):
    _, summary, _ = golden_report
    _, s, _, kinds = raw_samples(golden(MA, C2))
    winners = []
    for hs in (96, 128, 160, 192, 224, 256, 288, 320):
        ours = {n.split("/")[1]: statistics.median(v["bytes_per_second"]) for n, v in s.items()
                if n.startswith("checksum-tx/") and n.endswith("-%d" % hs)
                and kinds[n] == "implementation"}
        winners.append((max(ours, key=ours.get), hs))
    ranges = []
    for w, hs in winners:
        if ranges and ranges[-1][0] == w:
            ranges[-1][2] = hs
        else:
            ranges.append([w, hs, hs])
    got = family(summary, MA, "checksum-tx")["winner_ranges"]["hs-v4v4tcp"]
    assert [[w, a, b] for w, a, b in got] == ranges
    # What the fixture's cost model was built to show: the low-overhead scalar wins the
    # smallest header, the AVX-512 kernel everything from 128 bytes up.
    assert ranges == [["adc64x2", 96, 96], ["hwy-avx3", 128, 320]]
    ins = inputs(summary, MA, "checksum-tx")
    assert ins["hs-v4v4tcp-288"]["header_size"] == 288


def test_noise_flags_match_cv_of_repetitions(golden_report):
    _, summary, _ = golden_report
    for mc in (MA, MB):
        _, s, _, _ = raw_samples(golden(mc, C2))
        # CV of the figure the report shows: throughput over repetitions.
        want = {n for n, v in s.items() if statistics.stdev(v["bytes_per_second"]) /
                statistics.fmean(v["bytes_per_second"]) > 0.05}
        assert set(machine(summary, mc)["noisy"]) == want
    assert "checksum/reference/64" in machine(summary, MA)["noisy"]
    assert "segment/fused/64k-mss8948" in machine(summary, MB)["noisy"]


def test_machine_warnings(golden_report):
    _, summary, _ = golden_report
    wa = " ".join(machine(summary, MA)["warnings"])
    wb = " ".join(machine(summary, MB)["warnings"])
    assert "debug build" in wa and "debug build" not in wb
    assert "hypervisor (KVM)" in wa and "hypervisor" not in wb
    assert "PMU absent" in wa and "TSC ticks at 2.700 GHz" in wa and "PMU absent" not in wb
    assert machine(summary, MA)["cycles"].startswith("TSC ticks")
    assert machine(summary, MB)["cycles"] == "core cycles (PMU)"
    assert family(summary, MB, "checksum")["cost_metric"] == "core_cycles_per_byte"
    assert family(summary, MA, "checksum")["cost_metric"] == "tsc_ticks_per_byte"
    # Machine A's file says tsc_ticks_per_byte (as `encapbench run` writes it).
    _, s, _, _ = raw_samples(golden(MA, C2))
    g = inputs(summary, MA, "checksum")["1500"]
    assert close(g["cost"], statistics.median(
        s["checksum/%s/1500" % g["best"]]["tsc_ticks_per_byte"]))


def test_machine_matrix_geomean(golden_report):
    _, summary, _ = golden_report
    mx = summary["matrix"]
    assert mx["baseline"] == MA and mx["machines"] == [MA, MB]
    _, sa, _, _ = raw_samples(golden(MA, C2))
    _, sb, _, _ = raw_samples(golden(MB, C2))
    common = [n for n in sa if n.startswith("checksum/") and n in sb]
    ratios = [statistics.median(sb[n]["bytes_per_second"]) /
              statistics.median(sa[n]["bytes_per_second"]) for n in common]
    gm = math.exp(sum(map(math.log, ratios)) / len(ratios))
    assert close(mx["family_geomean"]["checksum"][MB], gm)
    assert close(mx["family_geomean"]["checksum"][MA], 1.0)
    assert set(k for k in mx["rows"] if k.startswith("checksum/")) == set(common)


def test_baseline_option_inverts_the_matrix(golden_report, tmp_path):
    _, summary, _ = golden_report
    p = run_tool("report", golden(MA, C2), golden(MB, C2), "--out", tmp_path, "--baseline", MB,
                 "--no-html")
    assert p.returncode == 0, p.stderr
    with open(tmp_path / "summary.json") as f:
        mx = json.load(f)["matrix"]
    assert mx["baseline"] == MB
    for fam, d in summary["matrix"]["family_geomean"].items():
        assert close(mx["family_geomean"][fam][MA], 1.0 / d[MB], rel=1e-9), fam


def test_unknown_baseline_is_an_input_error(tmp_path):
    p = run_tool("report", HISTORY, "--out", tmp_path, "--baseline", "no-such-cpu")
    assert p.returncode == 2
    assert "no-such-cpu" in p.stderr and MA in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1


def test_history_trend(golden_report):
    _, summary, _ = golden_report
    hist = summary["history"]
    assert [h["machine_class"] for h in hist] == [MA]  # B has a single run
    assert hist[0]["commits"] == [C1, C2]

    def gm(path, fam, impl, metric):
        _, s, _, _ = raw_samples(path)
        v = [statistics.median(x[metric]) for n, x in s.items()
             if n.startswith("%s/%s/" % (fam, impl))]
        return math.exp(sum(map(math.log, v)) / len(v))

    lut = hist[0]["series"]["rss"]["lut"]
    want = [gm(golden(MA, c), "rss", "lut", "items_per_second") for c in (C1, C2)]
    assert close(lut[0], want[0]) and close(lut[1], want[1])
    assert abs(lut[1] / lut[0] - 1 / 1.2) < 0.03  # the fixture's designed 20% slowdown
    adc = hist[0]["series"]["checksum"]["adc64x2"]
    assert adc[1] / adc[0] > 1.03  # designed: faster peak in C2


def test_markdown_tables(golden_report):
    out, summary, _ = golden_report
    with open(os.path.join(out, "report.md")) as f:
        md = f.read()
    e = expected_input(golden(MA, C2), "checksum", "1500")
    sec = md.split("\n## %s\n" % MA)[1].split("\n## ")[0]  # machine A's own section
    line = next(ln for ln in sec.splitlines() if ln.startswith("| 1500 |"))
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[1] == e["best"]
    head = next(ln for ln in sec.splitlines() if ln.startswith("| input | best |"))
    col = {h.strip(): i for i, h in enumerate(head.strip("|").split("|"))}

    def num(cell):  # "21.8×", "51%"
        return float(cell.rstrip("×%"))

    # Printed to three significant digits (percentages to whole numbers).
    assert math.isclose(num(cells[col["× reference"]]), e["speedup"], rel_tol=5e-3)
    assert math.isclose(num(cells[col["vs dpdk-raw"]]), e["peers"]["dpdk-raw"], rel_tol=5e-3)
    assert abs(num(cells[col["% of read"]]) - 100 * e["frac_read"]) <= 0.5
    assert "| machine class | CPU |" in md
    assert "Intel(R) Xeon(R) Platinum 8481C" in md and "AMD EPYC 7763" in md
    assert "TSC ticks (not core cycles)" in md and "core cycles (PMU)" in md
    assert "⚠" in md  # noisy rows flagged
    assert "## Across machines (baseline %s)" % MA in md
    assert "## History" in md


def test_csv_has_every_row(golden_report):
    out, _, _ = golden_report
    total = 0
    for f in os.listdir(HISTORY):
        with open(os.path.join(HISTORY, f)) as fh:
            total += len(json.load(fh)["benchmarks"])
    with open(os.path.join(out, "rows.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == total
    r = next(r for r in rows if r["name"] == "checksum/avx512/1500" and r["repetition_index"] ==
             "0" and r["git_commit"] == C2)
    _, s, _, _ = raw_samples(golden(MA, C2))
    assert float(r["real_time_ns"]) == s["checksum/avx512/1500"]["real_time"][0]
    assert r["kind"] == "implementation" and r["family"] == "checksum" and r["input"] == "1500"
    assert r["buffer_bytes"] == "1500"
    skipped = [r for r in rows if r["error_occurred"] == "true"]
    assert skipped and all(r["error_message"] for r in skipped)


def test_charts_written_and_embedded(golden_report):
    out, summary, _ = golden_report
    charts = summary["charts"]
    names = {os.path.basename(c) for c in charts}
    for mc in (MA, MB):
        assert "%s__checksum-tx__header-size.svg" % mc in names  # header-size sweep
        assert "%s__checksum__cache.svg" % mc in names          # buffer sizes vs caches
        assert "%s__checksum__heatmap.svg" % mc in names        # speed-up and % of limit
    assert "%s__trend.svg" % MA in names and "%s__trend.svg" % MB not in names
    assert {"machines__matrix.svg", "machines__cycles.svg"} <= names
    for c in charts:
        svg = os.path.join(out, c)
        ET.parse(svg)  # well-formed
        with open(svg[:-4] + ".png", "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    with open(os.path.join(out, "charts", "%s__checksum-tx__header-size.svg" % MA)) as f:
        svg = f.read()
    assert "MaxHeaderSize 256" in svg and "software" in svg
    with open(os.path.join(out, "charts", "%s__checksum__cache.svg" % MA)) as f:
        svg = f.read()
    assert "L1 48 KiB" in svg and "L2 2 MiB" in svg and "L3 105 MiB" in svg
    with open(os.path.join(out, "report.html")) as f:
        html = f.read()
    srcs = re.findall(r'<img class="chart"[^>]* src="([^"]*)"', html)
    assert len(srcs) == len(charts)
    assert all(s.startswith("data:image/svg+xml;base64,") for s in srcs)
    # Self-contained: nothing fetched from anywhere.
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<script src" not in html and "<link" not in html


def test_malformed_file_in_folder_names_the_file(tmp_path):
    d = tmp_path / "hist"
    d.mkdir()
    with open(golden(MA, C1)) as f:
        (d / "good.json").write_text(f.read())
    (d / "bad.json").write_text('{"context": {}, "benchmarks": [ {"name": "x/y/1", ')
    p = run_tool("report", d, "--out", tmp_path / "out")
    assert p.returncode == 2
    assert "bad.json" in p.stderr and "not valid JSON" in p.stderr


def test_report_needs_out(tmp_path):
    p = run_tool("report", golden(MA, C1))
    assert p.returncode == 2 and "--out" in p.stderr


def test_sparse_files_still_report(tmp_path):
    """No context, no repetitions, a row name without FAMILY/IMPL/INPUT, a file whose only row
    was skipped: a report with the right warnings, not a crash."""
    sparse = tmp_path / "sparse.json"
    sparse.write_text(json.dumps({"benchmarks": [
        {"name": "checksum/reference/1500", "run_type": "iteration", "iterations": 10,
         "real_time": 1.5, "cpu_time": 1.5, "time_unit": "us", "bytes_per_second": 1e9},
        {"name": "checksum/adc64/1500", "run_type": "iteration", "iterations": 10,
         "real_time": 0.5, "cpu_time": 0.5, "time_unit": "us", "bytes_per_second": 3e9},
        {"name": "odd", "run_type": "iteration", "iterations": 1, "real_time": 2.0,
         "cpu_time": 2.0, "time_unit": "ms"}]}))
    skipped = tmp_path / "skipped.json"
    skipped.write_text(json.dumps({"context": {"machine_class": "x"}, "benchmarks": [
        {"name": "checksum/avx512/1500", "run_type": "iteration", "error_occurred": True,
         "error_message": "CPU lacks AVX512BW", "iterations": 1, "real_time": 0,
         "cpu_time": 0, "time_unit": "ns"}]}))
    p = run_tool("report", sparse, skipped, "--out", tmp_path / "out")
    assert p.returncode == 0, p.stderr
    with open(tmp_path / "out" / "summary.json") as f:
        s = json.load(f)
    m = machine(s, "unknown")
    assert any("no 'context'" in w for w in m["warnings"])
    assert any("3 row(s) have no repetitions" in w for w in m["warnings"])
    g = inputs(s, "unknown", "checksum")["1500"]
    assert g["best"] == "adc64" and close(g["speedup_over_reference"], 3.0)
    assert machine(s, "x")["skipped"] == {"checksum/avx512/1500": "CPU lacks AVX512BW"}


def test_thread_scaling_table_from_rows_at_several_thread_counts(tmp_path):
    """Rows at 1 and 2 threads (rxpath's shape): the report's scaling table holds the aggregate
    rate, the per-core cost and the ratio of the aggregate rates, as the file says them."""
    rows = []
    for threads, mpps, per_core in ((1, 10.0, 100.0), (2, 18.0, 111.0)):
        name = "rxpath/best/default-4k/real_time/threads:%d" % threads
        for i in range(3):
            rows.append({"name": name, "run_name": name, "run_type": "iteration", "repetitions": 3,
                         "repetition_index": i, "threads": threads, "iterations": 1000,
                         "real_time": 4096 * per_core / threads, "cpu_time": 4096 * per_core,
                         "time_unit": "ns", "items_per_second": mpps * 1e6,
                         "bytes_per_second": mpps * 1e6 * 300, "ns_per_packet": per_core / threads,
                         "ns_per_packet_per_core": per_core, "mpps": mpps})
    path = tmp_path / "threads.json"
    path.write_text(json.dumps({"context": {"machine_class": "test-machine"}, "benchmarks": rows}))
    p = run_tool("report", path, "--out", tmp_path / "out", "--no-html")
    assert p.returncode == 0, p.stderr
    md = (tmp_path / "out" / "report.md").read_text()
    assert "### thread scaling" in md
    assert "| rxpath/best/default-4k | 1 | 10.0 | 100 | 1.00× | 100% |" in md
    assert "| rxpath/best/default-4k | 2 | 18.0 | 111 | %.2f× | %.0f%% |" % (18.0 / 10.0, 100 * 18.0 / 10.0 / 2) in md
