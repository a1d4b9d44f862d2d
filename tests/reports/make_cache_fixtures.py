#!/usr/bin/python3
"""Writes the golden result files in tests/reports/golden/cachelevels/ (checked in; rerun only
to change them on purpose): per-packet rows over cache-sized corpora (FAMILY/IMPL/BASE-LEVEL,
LEVEL l1 l2 l3 mem, bench/common/inputs.h cache_level_inputs), in the layout `encapbench run`
writes (row fields operation/family/implementation/kind/input, the context's `cache_corpora`),
with repetitions and aggregates and log-normal noise from a fixed seed (make_fixtures.Writer).

Designed in on purpose (the tests recompute every figure from the raw rows; these are the shapes
the fixture exists to exercise):
  - machine Z (Zen 5 VM, L1d 48 KiB, L2 1 MiB, L3 32 MiB; context cache_corpora):
    checksum-tx/avx512 flat to l2, +45% at l3 (falls off at l3);
    checksum-tx/adc64x2 has no l2 row (missing level), +50% at l3;
    checksum-tx/dpdk-raw (peer) +30% at l2;
    checksum-tx/hwy-avx3 skipped at every level (error rows);
    checksum-rx/avx512 the same cost at every level with 6% noise (no fall-off: within noise);
    rss-pipeline-parse/gfni-x16, the only implementation, over mixed-l1, mixed-l2, mixed-mem
    (no l3 row), +75% at mem;
    plus ordinary rows (checksum-tx/*/imix, limit/read/1500) so the rest of the report has work;
  - machine Y (Zen 3, L1d 32 KiB, L2 512 KiB, L3 32 MiB; no cache_corpora in its context):
    checksum-tx/avx2 over imix-l1..imix-mem, +20% at l2.
"""
import json
import os

import make_fixtures as mf

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "golden", "cachelevels")

MZ = "amd-zen5-avx512-l1d_48k-l2_1024k-l3_32768k-vm-test"
MY = "amd-zen3-avx2-l1d_32k-l2_512k-l3_32768k-test"
LEVELS = ("l1", "l2", "l3", "mem")
IMIX_BYTES = 400     # mean bytes per packet of the imix corpus in this model
MIXED_BYTES = 300

mf.MACHINES[MZ] = dict(
    brand="AMD EPYC", vendor="AuthenticAMD", family=26, model=2, stepping=1, uarch="Zen 5",
    num_cpus=2, mhz=2596, tsc_hz=2.596e9, core_hz=2.6e9, hypervisor="KVMKVMKVM",
    pmu="unavailable: ENOENT", cycles_source="tsc",
    caches=[("Data", 1, 48 << 10, 1), ("Instruction", 1, 32 << 10, 1),
            ("Unified", 2, 1 << 20, 1), ("Unified", 3, 32 << 20, 2)],
    bw=[(None, 1.0)], isa="avx2 avx512f avx512bw gfni vpclmulqdq", avx512=True,
    library_build_type="release", host="vm", reps=5)
mf.MACHINES[MY] = dict(
    brand="AMD EPYC 7763 64-Core Processor", vendor="AuthenticAMD", family=25, model=1,
    stepping=1, uarch="Zen 3", num_cpus=16, mhz=2450, tsc_hz=2.45e9, core_hz=2.45e9,
    hypervisor="none", pmu="unavailable: test", cycles_source="tsc",
    caches=[("Data", 1, 32 << 10, 1), ("Instruction", 1, 32 << 10, 1),
            ("Unified", 2, 512 << 10, 1), ("Unified", 3, 32 << 20, 8)],
    bw=[(None, 1.0)], isa="avx2", avx512=False, library_build_type="release", host="zen3",
    reps=5)

# (family, impl, kind, base corpus, bytes per packet, {level: ns per packet}, noisy, error)
Z_ROWS = [
    ("checksum-tx", "avx512", "implementation", "imix", IMIX_BYTES,
     {"l1": 20.0, "l2": 20.0, "l3": 29.0, "mem": 45.0}, False, None),
    ("checksum-tx", "adc64x2", "implementation", "imix", IMIX_BYTES,
     {"l1": 30.0, "l3": 45.0, "mem": 60.0}, False, None),
    ("checksum-tx", "dpdk-raw", "peer", "imix", IMIX_BYTES,
     {"l1": 40.0, "l2": 52.0, "l3": 60.0, "mem": 80.0}, False, None),
    ("checksum-tx", "hwy-avx3", "implementation", "imix", IMIX_BYTES,
     {lvl: 0.0 for lvl in LEVELS}, False, "CPU lacks AVX512BW"),
    ("checksum-rx", "avx512", "implementation", "imix", IMIX_BYTES,
     {lvl: 15.0 for lvl in LEVELS}, True, None),
    ("rss-pipeline-parse", "gfni-x16", "implementation", "mixed", MIXED_BYTES,
     {"l1": 40.0, "l2": 40.0, "mem": 70.0}, False, None),
]
Y_ROWS = [
    ("checksum-tx", "avx2", "implementation", "imix", IMIX_BYTES,
     {"l1": 25.0, "l2": 30.0, "l3": 31.0, "mem": 50.0}, False, None),
]


def add(w, family, impl, kind, inp, ns, nbytes, noisy=False, error=None):
    """One row through make_fixtures.Writer, then the fields `encapbench run` adds."""
    first = len(w.rows)
    if noisy:
        mf.NOISY.add((w.mc, "%s/%s/%s" % (family, impl, inp)))
    w.row(family, impl, inp, kind, ns, nbytes, 1, error=error)
    for r in w.rows[first:]:
        r.update(operation=family, family=family.split("-")[0], implementation=impl,
                 kind=kind, input=inp)


def make(mc, rows, corpora, date, seed, extra=True):
    w = mf.Writer(mc, "c0ffee123456", seed)
    for family, impl, kind, base, nb, levels, noisy, error in rows:
        for lvl, ns in levels.items():
            add(w, family, impl, kind, "%s-%s" % (base, lvl), ns, nb, noisy, error)
    if extra:
        for impl, kind, ns in (("avx512", "implementation", 21.0),
                               ("reference", "reference", 90.0), ("dpdk-raw", "peer", 41.0)):
            add(w, "checksum-tx", impl, kind, "imix", ns, IMIX_BYTES)
        add(w, "limit", "read", "limit", "1500", 5.0, 1500)
    ctx = w.context(date, 30.0)
    if corpora:
        ctx["cache_corpora"] = corpora
    path = os.path.join(OUT, "%s.json" % mc)
    with open(path, "w") as f:
        f.write('{\n"context": ' + json.dumps(ctx, indent=1) + ',\n"benchmarks": [\n')
        f.write(",\n".join(json.dumps({k: mf.sig(v) for k, v in r.items()}) for r in w.rows))
        f.write("\n]\n}\n")
    return path


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    # As bench/common/inputs.cc writes it: half of each level, mem 4x the largest (>= 64 MiB).
    print(make(MZ, Z_ROWS, "l1 24k, l2 512k, l3 16m, mem 128m of packets (half of each cache "
               "level of cpu0; mem: 4x the largest)", "2026-12-02T01:00:00+00:00", 11))
    print(make(MY, Y_ROWS, None, "2026-12-02T01:30:00+00:00", 12, extra=False))
