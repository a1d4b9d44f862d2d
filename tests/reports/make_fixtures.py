#!/usr/bin/python3
"""Writes the golden result files in tests/reports/golden/history/ (checked in; rerun only to
change them on purpose). Two machines, two commits, Google Benchmark 1.7.1 JSON layout with
repetitions and aggregates, as `encapbench run` writes it.

The numbers come from a simple cost model (fixed cost per call + bytes / rate, capped by the
bandwidth of the cache level the buffer lives in) with log-normal noise from a fixed seed, so the
files look like real runs. What the tests rely on is designed in here on purpose:
  - machine A (Sapphire Rapids VM, no PMU, TSC cycles, KVM, debug benchmark library) has commits
    C1 and C2; from C1 to C2 checksum/adc64x2/* gets 12% faster and rss/lut/* 20% slower;
    everything else is drawn again from the same distribution;
  - machine B (Zen 3, bare metal, PMU cycles) has commit C2 only; it cannot run AVX-512, so those
    rows are skipped with an error message, and its rows carry no impl_kind (names decide);
  - machine A's file uses the names `encapbench run` writes (tsc_ticks_per_*, suite_commit,
    string-valued context, no cycles_source); machine B's the short names (tsc_per_*,
    cycles_per_*, git_commit, cycles_source): the reports accept both;
  - a few rows are deliberately noisy (log-normal sigma 10%, CV well above 5%).
"""
import json
import math
import os
import random
import statistics

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "golden", "history")

C1, C2 = "1a2b3c4d5e6f", "7f8e9d0c1b2a"
MA = "sapphirerapids-avx512dl-l2_2m-l3_105m"
MB = "zen3-avx2-l2_512k-l3_32m"

MACHINES = {
    MA: dict(
        brand="Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz", vendor="GenuineIntel",
        family=6, model=143, stepping=8, uarch="Sapphire Rapids", num_cpus=2, mhz=2700,
        tsc_hz=2.7e9, core_hz=3.3e9, hypervisor="KVM", pmu="unavailable: perf_event_open(cycles) "
        "failed: ENOENT (no PMU exposed by the hypervisor)", cycles_source="tsc",
        caches=[("Data", 1, 48 << 10, 1), ("Instruction", 1, 32 << 10, 1),
                ("Unified", 2, 2 << 20, 1), ("Unified", 3, 105 << 20, 2)],
        bw=[(48 << 10, 200.0), (2 << 20, 80.0), (105 << 20, 30.0), (None, 12.0)],
        isa="sse4.2 avx2 bmi2 adx avx512f avx512bw avx512vl avx512dq avx512vbmi avx512vbmi2 "
            "vpclmulqdq gfni vaes", avx512=True, library_build_type="debug", host="ci-spr-1",
        reps=5),
    MB: dict(
        brand="AMD EPYC 7763 64-Core Processor", vendor="AuthenticAMD", family=25, model=1,
        stepping=1, uarch="Zen 3", num_cpus=128, mhz=2450, tsc_hz=2.45e9, core_hz=3.2e9,
        hypervisor="none", pmu="available", cycles_source="pmu",
        caches=[("Data", 1, 32 << 10, 1), ("Instruction", 1, 32 << 10, 1),
                ("Unified", 2, 512 << 10, 1), ("Unified", 3, 32 << 20, 8)],
        bw=[(32 << 10, 150.0), (512 << 10, 70.0), (32 << 20, 35.0), (None, 18.0)],
        isa="sse4.2 avx2 bmi2 adx vaes vpclmulqdq", avx512=False,
        library_build_type="release", host="bench-epyc-3", reps=6),
}

NOISY = {(MA, "checksum/reference/64"), (MA, "rss/dpdk-softrss/ipv6-tcp"),
         (MB, "segment/fused/64k-mss8948")}

KIB, MIB = 1 << 10, 1 << 20
CHECKSUM_SIZES = [("64", 64), ("1500", 1500), ("65536", 65536), ("1m", MIB), ("16m", 16 * MIB),
                  ("256m", 256 * MIB)]
# impl: (kind, needs avx512, fixed ns per call, peak bytes/ns on A, on B)
CHECKSUM = {
    "reference": ("reference", False, 5.0, 2.0, 1.8),
    "adc64x2": ("implementation", False, 4.0, 14.0, 12.0),
    "hwy-avx2": ("implementation", False, 7.0, 38.0, 36.0),
    "hwy-avx3": ("implementation", True, 8.0, 60.0, None),
    "avx512": ("implementation", True, 6.0, 70.0, None),
    "dpdk-raw": ("peer", False, 3.0, 9.0, 8.5),
}
LIMITS = {"read": (2.0, 180.0, 140.0), "memcpy": (3.0, 90.0, 70.0)}
HS = [96, 128, 160, 192, 224, 256, 288, 320]
PAYLOAD = 64
# checksum-tx over the header sweep: (kind, avx512, fixed ns, bytes/ns, fixed ns beyond 256)
TX = {
    "reference": ("reference", False, 10.0, 1.9, 14.0),
    "adc64x2": ("implementation", False, 6.0, 10.0, 8.0),
    "hwy-avx3": ("implementation", True, 20.0, 45.0, 30.0),
    "dpdk-raw": ("peer", False, 5.0, 7.0, 9.0),
}
# rss: (kind, avx512, ns per ipv4-tcp hash, per ipv6-tcp hash) on A; B scales by 0.85
RSS = {
    "reference": ("reference", False, 150.0, 460.0),
    "lut": ("implementation", False, 8.0, 22.0),
    "clmul": ("implementation", False, 12.0, 20.0),
    "gfni-x16": ("implementation", True, 1.2, 2.0),
    "dpdk-softrss": ("peer", False, 55.0, 170.0),
    "dpdk-gfni-bulk": ("peer", True, 1.8, 3.2),
}
RSS_INPUTS = [("ipv4-tcp", 12), ("ipv6-tcp", 36)]
SEG_INPUTS = [("64k-mss1418", 65536, 47), ("64k-mss8948", 65536, 8)]
# segment: (kind, bytes/ns, ns per segment)
SEG = {
    "reference": ("reference", 1.8, 40.0),
    "fused": ("implementation", 20.0, 25.0),
    "zero-copy": ("implementation", 30.0, 30.0),
    "dpdk-gso": ("peer", 12.0, 60.0),
}


def bandwidth(m, size):
    for cap, bw in m["bw"]:
        if cap is None or size <= cap:
            return bw
    return m["bw"][-1][1]


class Writer:
    def __init__(self, mc, commit, seed):
        self.m = MACHINES[mc]
        self.mc, self.commit = mc, commit
        self.rng = random.Random(seed)
        self.rows = []
        self.family_index = 0

    def row(self, family, impl, inp, kind, ns, nbytes, npackets, header_size=0, error=None):
        m = self.m
        name = "%s/%s/%s" % (family, impl, inp)
        reps = m["reps"]
        base = {"family_index": self.family_index, "per_family_instance_index": 0,
                "run_name": name}
        self.family_index += 1
        if error:
            for i in range(reps):
                r = dict(name=name, **base, run_type="iteration", repetitions=reps,
                         repetition_index=i, threads=1, error_occurred=True,
                         error_message=error, iterations=1, real_time=0.0, cpu_time=0.0,
                         time_unit="ns")
                if self.mc == MA:
                    r["impl_kind"] = kind
                self.rows.append(r)
            return
        sigma = 0.10 if (self.mc, name) in NOISY else 0.01
        iters = []
        for i in range(reps):
            t = ns * math.exp(self.rng.gauss(0.0, sigma))
            # Machine A names its counters as `encapbench run` does (tsc_ticks_per_*), B as
            # the reports' own short names (tsc_per_*, cycles_per_*): both must be read.
            tsc = "tsc_ticks" if self.mc == MA else "tsc"
            c = {"bytes_per_second": nbytes / t * 1e9, "items_per_second": npackets / t * 1e9,
                 "header_size": float(header_size),
                 "ns_per_byte": t / nbytes, "ns_per_packet": t / npackets,
                 tsc + "_per_byte": t * m["tsc_hz"] / 1e9 / nbytes,
                 tsc + "_per_packet": t * m["tsc_hz"] / 1e9 / npackets}
            if m["cycles_source"] == "pmu":
                cyc = t * m["core_hz"] / 1e9 * math.exp(self.rng.gauss(0.0, 0.002))
                c["cycles_per_byte"] = cyc / nbytes
                c["cycles_per_packet"] = cyc / npackets
                c["instructions_per_byte"] = cyc * 2.1 / nbytes
            it = max(1, int(0.05e9 / t))
            r = dict(name=name, **base, run_type="iteration", repetitions=reps,
                     repetition_index=i, threads=1, iterations=it, real_time=t,
                     cpu_time=t * (1 + abs(self.rng.gauss(0, 0.002))), time_unit="ns", **c)
            if self.mc == MA:
                r["impl_kind"] = kind
            iters.append(r)
        # Google Benchmark writes the repetitions, then the aggregates of every numeric field.
        self.rows.extend(iters)
        fields = [k for k, v in iters[0].items()
                  if isinstance(v, float) and k not in ("real_time", "cpu_time")]
        for agg in ("mean", "median", "stddev", "cv"):
            r = dict(name=name + "_" + agg, **base, run_type="aggregate", repetitions=reps,
                     threads=1, aggregate_name=agg,
                     aggregate_unit="percentage" if agg == "cv" else "time", iterations=reps)
            for f in ["real_time", "cpu_time"] + fields:
                xs = [x[f] for x in iters]
                mean = statistics.fmean(xs)
                sd = statistics.stdev(xs)
                r[f] = {"mean": mean, "median": statistics.median(xs), "stddev": sd,
                        "cv": sd / mean if mean else float("nan")}[agg]
                if f == "real_time":
                    r["time_unit"] = "ns"
            if self.mc == MA:
                r["impl_kind"] = kind
            self.rows.append(r)

    def context(self, date, wall):
        m = self.m
        caches = [{"type": t, "level": lvl, "size": s, "num_sharing": n}
                  for t, lvl, s, n in m["caches"]]
        if self.mc == MA:  # as `encapbench run` writes it: strings, suite_commit, no cycles_source
            return {
                "date": date, "host_name": m["host"], "executable": "eb-bench-checksum,"
                "eb-bench-rss,eb-bench-segment", "num_cpus": m["num_cpus"],
                "mhz_per_cpu": m["mhz"], "cpu_scaling_enabled": False, "caches": caches,
                "load_avg": [0.21, 0.35, 0.30], "library_build_type": m["library_build_type"],
                "benchmark_version": "1.7.1", "build_type": "Release",
                "compiler": "GNU 12.2.0 (12.2.0)", "cpu_brand": m["brand"],
                "cpu_family": str(m["family"]), "cpu_model": str(m["model"]),
                "cpu_stepping": str(m["stepping"]), "cpu_vendor": m["vendor"],
                "cycles_note": "tsc_ticks_per_* counters are invariant-TSC ticks, not core "
                "cycles; core_cycles_per_* appear only when a PMU is available",
                "dpdk_version": "22.11.4", "highway_target_chosen": "AVX3_DL",
                "highway_targets_compiled": "AVX3_DL,AVX3,AVX2,SSE4",
                "highway_version": "1.0.3", "hypervisor": m["hypervisor"],
                "isa_flags": m["isa"].replace(" ", ","), "isal_version": "2.30.0",
                "machine_class": self.mc, "microarchitecture": m["uarch"], "pmu": m["pmu"],
                "preset": "quick", "run_repetitions": str(m["reps"]),
                "run_wall_seconds": "%.2f" % wall, "suite_commit": self.commit,
                "tsc_hz": "%d" % m["tsc_hz"], "tsc_source": "cpuid-0x15",
            }
        return {
            "date": date, "host_name": m["host"], "executable": "build/bin/eb-bench-all",
            "num_cpus": m["num_cpus"], "mhz_per_cpu": m["mhz"], "cpu_scaling_enabled": False,
            "caches": caches, "load_avg": [0.21, 0.35, 0.30],
            "library_build_type": m["library_build_type"],
            "cpu_vendor": m["vendor"], "cpu_brand": m["brand"], "cpu_family": m["family"],
            "cpu_model": m["model"], "cpu_stepping": m["stepping"],
            "microarchitecture": m["uarch"], "isa_flags": m["isa"], "hypervisor": m["hypervisor"],
            "tsc_hz": m["tsc_hz"], "tsc_hz_source": "cpuid leaf 0x15" if self.mc == MA else
            "calibrated against CLOCK_MONOTONIC_RAW", "pmu": m["pmu"],
            "cycles_source": m["cycles_source"], "machine_class": self.mc,
            "git_commit": self.commit, "compiler": "GNU 12.2.0", "build_type": "Release",
            "hwy_version": "1.0.3", "isal_version": "2.30.0", "dpdk_version": "22.11.4",
            "benchmark_version": "1.7.1",
            "hwy_targets": "AVX3_DL AVX3 AVX2 SSE4 SSSE3 SCALAR" if m["avx512"] else
            "AVX2 SSE4 SSSE3 SCALAR", "run_wall_seconds": wall, "preset": "quick",
        }


def sig(v):
    """Seven significant digits keep the files small; real runs write seventeen."""
    return float("%.7g" % v) if isinstance(v, float) and math.isfinite(v) else v


def make(mc, commit, date, seed):
    w = Writer(mc, commit, seed)
    m = w.m
    a = mc == MA
    later = commit == C2
    for impl, (kind, avx, fixed, pa, pb) in CHECKSUM.items():
        for inp, size in CHECKSUM_SIZES:
            if avx and not m["avx512"]:
                w.row("checksum", impl, inp, kind, 0, 0, 0, error="CPU lacks AVX512BW")
                continue
            peak = pa if a else pb
            if impl == "adc64x2" and later:
                peak *= 1.12
            rate = 1.0 / (1.0 / peak + 1.0 / bandwidth(m, size))
            w.row("checksum", impl, inp, kind, fixed + size / rate, size, 1)
    for impl, (kind, avx, fixed, rate, fixed_over) in TX.items():
        for hs in HS:
            inp = "hs-v4v4tcp-%d" % hs
            if avx and not m["avx512"]:
                w.row("checksum-tx", impl, inp, kind, 0, 0, 0, hs, error="CPU lacks AVX512BW")
                continue
            f = fixed if hs <= 256 else fixed_over
            scale = 1.0 if a else 1.1
            w.row("checksum-tx", impl, inp, kind, scale * (f + (hs + PAYLOAD) / rate),
                  hs + PAYLOAD, 1, hs)
    for impl, (kind, avx, t4, t6) in RSS.items():
        for (inp, nb), t in zip(RSS_INPUTS, (t4, t6)):
            if avx and not m["avx512"]:
                w.row("rss", impl, inp, kind, 0, 0, 0, error="CPU lacks GFNI/AVX512")
                continue
            t = t if a else t * 0.85
            if impl == "lut" and later:
                t *= 1.20
            w.row("rss", impl, inp, kind, t, nb, 1)
    for impl, (kind, rate, per_seg) in SEG.items():
        for inp, nb, segs in SEG_INPUTS:
            r = rate if a else rate * 0.9
            w.row("segment", impl, inp, kind, nb / r + segs * per_seg, nb, segs)
    for impl, (fixed, pa, pb) in LIMITS.items():
        for inp, size in CHECKSUM_SIZES:
            bw = bandwidth(m, size) / (2 if impl == "memcpy" else 1)
            rate = 1.0 / (1.0 / (pa if a else pb) + 1.0 / bw)
            w.row("limit", impl, inp, "limit", fixed + size / rate, size, 1)
    for hs in HS:
        w.row("limit", "read", "hs-v4v4tcp-%d" % hs, "limit", 2.0 + (hs + PAYLOAD) / 150.0,
              hs + PAYLOAD, 1, hs)
    for inp, nb, segs in SEG_INPUTS:
        w.row("limit", "memcpy", inp, "limit", 3.0 + nb / 60.0, nb, segs)
    ctx = w.context(date, 95.0 if a else 41.0)
    stamp = date.replace("-", "").replace(":", "").replace("+0000", "Z")[:15] + "Z"
    path = os.path.join(OUT, "%s-%s-%s.json" % (mc, commit, stamp))
    with open(path, "w") as f:
        f.write('{\n"context": ' + json.dumps(ctx, indent=1) + ',\n"benchmarks": [\n')
        f.write(",\n".join(json.dumps({k: sig(v) for k, v in r.items()}) for r in w.rows))
        f.write("\n]\n}\n")
    return path


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for fn in os.listdir(OUT):
        if fn.endswith(".json"):
            os.remove(os.path.join(OUT, fn))
    print(make(MA, C1, "2024-05-02T10:00:00+00:00", 1))
    print(make(MA, C2, "2024-05-09T10:00:00+00:00", 2))
    print(make(MB, C2, "2024-05-09T12:00:00+00:00", 3))
