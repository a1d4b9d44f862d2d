"""Result files: loading, validation and the row model.

A result file is Google Benchmark JSON as written by `encapbench run`: a `context` object (Google
Benchmark's own fields plus ours: machine_class, cpu_brand, cycles_source, pmu, git_commit, ...)
and a `benchmarks` list. Each benchmark named FAMILY/IMPL/INPUT appears once per repetition
(run_type "iteration") and, with repetitions, again as aggregates (mean, median, stddev, cv).
Rows the CPU cannot run are present with error_occurred and error_message.

Each row says what it is (`encapbench run` copies it from the binary's registry of rows,
bench/common): `operation` (the FAMILY part of the name: what is timed, e.g. checksum-tx),
`family` (the kernel family of the implementation, as `encapbench list` says: checksum),
`implementation`, `kind` (reference | implementation | peer | limit) and `input`. The reports
group rows by operation and call it the row's family (Row.family), as the name does. Files
without these fields (older runs, other tools) go through a separate legacy path: the name is
split and the kind comes from `impl_kind`, a registry, or the name (legacy_kind).

Everything here is tolerant of missing optional fields and strict about the ones we need:
bad input raises InputError, which the CLI turns into a one-line message and exit code 2.
"""
from __future__ import annotations

import json
import math
import os
import re
import statistics
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Dict, Iterable, List, Optional


class InputError(Exception):
    """Malformed, mismatched or unusable input: exit code 2."""


TIME_UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}

# Google Benchmark appends these to a benchmark's name; they are not part of our INPUT.
_GB_MODIFIER = re.compile(
    r"^(min_time|min_warmup_time|repeats|iterations|real_time|manual_time|process_time)(:.*)?$")
_THREADS = re.compile(r"^threads:(\d+)$")
_BUFFER = re.compile(r"^(\d+(?:\.\d+)?)\s*(k|K|KiB|KB|m|M|MiB|MB|g|G|GiB|GB)?$")
_BUFFER_SCALE = {None: 1, "k": 1024, "K": 1024, "KiB": 1024, "KB": 1024, "m": 1 << 20, "M": 1 << 20,
                 "MiB": 1 << 20, "MB": 1 << 20, "g": 1 << 30, "G": 1 << 30, "GiB": 1 << 30,
                 "GB": 1 << 30}
_HS_INPUT = re.compile(r"^(hs-.*?)-(\d+)$")
_TRAILING_NUMBER = re.compile(r"^(.*?)-(\d+)$")

KINDS = ("reference", "implementation", "peer", "limit")
# Legacy only (files whose rows do not say their kind): the peers and limits the suite has.
LEGACY_PEER_PREFIXES = ("dpdk", "isal")
LEGACY_LIMIT_NAMES = ("read", "memcpy")
ROW_FIELDS = ("operation", "family", "implementation", "kind", "input")

# Fields a run's context should carry; missing ones are reported, not fatal.
EXPECTED_CONTEXT = ("machine_class", "cpu_brand", "microarchitecture", "pmu", "date", "num_cpus",
                    "caches", "library_build_type")


def split_name(run_name: str):
    """FAMILY/IMPL/INPUT[/gb-modifiers] -> (key, family, impl, input, threads)."""
    parts = run_name.split("/")
    kept: List[str] = []
    threads = 1
    for i, p in enumerate(parts):
        if i >= 2:
            m = _THREADS.match(p)
            if m:
                threads = int(m.group(1))
                continue
            if _GB_MODIFIER.match(p):
                continue
        kept.append(p)
    family = kept[0] if kept else ""
    impl = kept[1] if len(kept) > 1 else ""
    inp = "/".join(kept[2:])
    key = "/".join(kept)
    if threads != 1:
        key += "/threads:%d" % threads
    return key, family, impl, inp, threads


def buffer_bytes(inp: str) -> Optional[int]:
    """INPUT naming a buffer size ("1500", "64k", "256MiB") -> bytes; None otherwise."""
    m = _BUFFER.match(inp)
    if not m:
        return None
    return int(float(m.group(1)) * _BUFFER_SCALE[m.group(2)])


def legacy_kind(family: str, impl: str) -> str:
    """Legacy: kind from names alone, for files whose rows neither say it nor match a
    registry."""
    if family == "limit" or impl in LEGACY_LIMIT_NAMES:
        return "limit"
    if impl == "reference" or impl.startswith("reference-"):
        return "reference"
    if impl.split("-")[0] in LEGACY_PEER_PREFIXES:
        return "peer"
    return "implementation"


def row_identity(raw: dict, run_name: str):
    """(key, operation, kernel family, implementation, input, threads, kind or None) of a
    result row: from its own fields when `encapbench run` wrote them, else (legacy) from the
    name."""
    key, family, impl, inp, threads = split_name(run_name)
    if all(isinstance(raw.get(f), str) for f in ROW_FIELDS):
        kind = raw["kind"] if raw["kind"] in KINDS else None
        return key, raw["operation"], raw["family"], raw["implementation"], raw["input"], \
            threads, kind
    kind = raw.get("impl_kind") if raw.get("impl_kind") in KINDS else None
    return key, family, family.split("-")[0], impl, inp, threads, kind


def context_true(v) -> bool:
    """A context flag: true as JSON, or as the strings Google Benchmark's context carries."""
    return v is True or str(v).strip().lower() in ("true", "1", "yes")


def _finite(x) -> Optional[float]:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    x = float(x)
    return x if math.isfinite(x) else None


@dataclass
class Row:
    """One benchmark (all repetitions of one FAMILY/IMPL/INPUT) of one run."""
    key: str
    family: str
    impl: str
    input: str
    threads: int = 1
    kind: str = "implementation"
    kind_source: str = "names"           # row | registry | names (legacy files only)
    kernel_family: str = ""              # the implementation's family (checksum, rss, ...)
    header_size: Optional[float] = None  # bytes, None if not applicable
    buffer: Optional[int] = None         # bytes when INPUT is a buffer size
    samples: Dict[str, List[float]] = field(default_factory=dict)  # metric -> per repetition
    aggregates: Dict[str, Dict[str, float]] = field(default_factory=dict)  # agg -> metric -> value
    error: Optional[str] = None
    repetitions: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None and (bool(self.samples) or bool(self.aggregates))

    @property
    def n(self) -> int:
        return len(self.samples.get("real_time", []))

    def has(self, metric: str) -> bool:
        return self.value(metric) is not None

    def value(self, metric: str) -> Optional[float]:
        """Median over repetitions (Google Benchmark's median aggregate when only that exists)."""
        s = self.samples.get(metric)
        if s:
            return statistics.median(s)
        for agg in ("median", "mean"):
            v = self.aggregates.get(agg, {}).get(metric)
            if v is not None:
                return v
        return None

    @property
    def speed_metric(self) -> str:
        """The figure a report shows for this row: throughput where counted, else time."""
        for m in ("bytes_per_second", "items_per_second"):
            if self.samples.get(m) or any(m in a for a in self.aggregates.values()):
                return m
        return "real_time"

    def cv(self, metric: Optional[str] = None) -> Optional[float]:
        """Coefficient of variation (stddev / mean) over repetitions of `metric` (default: the
        throughput the report shows, else real time); None with one sample."""
        metric = metric or self.speed_metric
        s = self.samples.get(metric)
        if s and len(s) >= 2:
            mean = statistics.fmean(s)
            return statistics.stdev(s) / mean if mean else None
        return self.aggregates.get("cv", {}).get(metric)

    @property
    def series(self) -> Optional[str]:
        """For header-sweep inputs (hs-v4v4tcp-128): the sweep's name (hs-v4v4tcp)."""
        m = _HS_INPUT.match(self.input) or _TRAILING_NUMBER.match(self.input)
        return m.group(1) if m else None


@dataclass
class Run:
    """One result file."""
    path: str
    context: dict
    rows: Dict[str, Row]
    raw_rows: List[dict]
    warnings_load: List[str] = field(default_factory=list)

    @property
    def machine_class(self) -> str:
        return str(self.context.get("machine_class") or "unknown")

    @property
    def commit(self) -> str:
        return str(self.context.get("git_commit") or self.context.get("suite_commit") or
                   "unknown")

    @property
    def cycles_source(self) -> str:
        """'pmu' or 'tsc': as the context says, else from the counters present."""
        src = str(self.context.get("cycles_source", "")).lower()
        if src in ("pmu", "tsc"):
            return src
        if any(r.has("core_cycles_per_byte") or r.has("core_cycles_per_packet")
               for r in self.rows.values() if r.ok):
            return "pmu"
        return "tsc"

    @property
    def date(self) -> datetime:
        d = self.context.get("date")
        if isinstance(d, str):
            try:
                dt = datetime.fromisoformat(d.replace("Z", "+00:00"))
                return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)
            except ValueError:
                pass
        return datetime.fromtimestamp(os.path.getmtime(self.path), tz=timezone.utc)

    @property
    def label(self) -> str:
        return "%s @ %s" % (self.machine_class, self.commit[:12])

    def cycles_metric(self):
        """(per-byte metric, per-packet metric, label) for this run's cycle figures."""
        if self.cycles_source == "pmu" and any(r.has("core_cycles_per_byte") or
                                               r.has("core_cycles_per_packet")
                                               for r in self.rows.values() if r.ok):
            return "core_cycles_per_byte", "core_cycles_per_packet", "core cycles (PMU)"
        if any(r.has("tsc_ticks_per_byte") or r.has("tsc_ticks_per_packet")
               for r in self.rows.values() if r.ok):
            return "tsc_ticks_per_byte", "tsc_ticks_per_packet", "TSC ticks (not core cycles)"
        return "ns_per_byte", "ns_per_packet", "ns"

    def wall_over_cpu(self) -> Optional[float]:
        """Median over rows of real_time / cpu_time: well above 1 means the benchmark thread
        was waiting or preempted (a busy machine), not computing."""
        ratios = []
        for r in self.rows.values():
            rt, ct = r.value("real_time"), r.value("cpu_time")
            if r.ok and rt and ct and r.threads == 1:
                ratios.append(rt / ct)
        return statistics.median(ratios) if ratios else None

    def caches(self):
        """[(label, bytes)] of data/unified caches, per core (size / num_sharing is not used:
        a single-threaded kernel sees the whole shared cache)."""
        out = []
        for c in self.context.get("caches") or []:
            if not isinstance(c, dict) or c.get("type") == "Instruction":
                continue
            lvl, size = c.get("level"), _finite(c.get("size"))
            if lvl is None or not size:
                continue
            out.append(("L%s" % lvl, int(size)))
        return out


# Counter names are the ones `encapbench run` writes (bench/common/bench_common.h). Files from
# before that naming carry short names; this legacy map renames them on load.
COUNTER_ALIASES = {
    "tsc_per_byte": "tsc_ticks_per_byte", "tsc_per_packet": "tsc_ticks_per_packet",
    "cycles_per_byte": "core_cycles_per_byte", "cycles_per_packet": "core_cycles_per_packet",
}


def _metric_values(raw: dict, unit_scale: float) -> Dict[str, float]:
    """Numeric fields of a row: times converted to ns, counters as they are (aliases renamed)."""
    skip = {"family_index", "per_family_instance_index", "repetitions", "repetition_index",
            "threads", "iterations"}
    out = {}
    for k, v in raw.items():
        if k in skip:
            continue
        x = _finite(v)
        if x is None:
            continue
        if k in ("real_time", "cpu_time"):
            x *= unit_scale
        out[COUNTER_ALIASES.get(k, k)] = x
    return out


class Registry:
    """Kinds from `encapbench list --json` (or a saved copy): {(family, name): kind}."""

    def __init__(self, entries: Iterable[dict] = ()):
        self.by_family: Dict[tuple, str] = {}
        self.by_name: Dict[str, set] = {}
        for e in entries:
            fam, name, kind = e.get("family"), e.get("name"), e.get("kind")
            if not (isinstance(fam, str) and isinstance(name, str) and kind in KINDS):
                continue
            self.by_family[(fam, name)] = kind
            self.by_name.setdefault(name, set()).add(kind)

    def __bool__(self):
        return bool(self.by_family)

    def kind(self, family: str, impl: str) -> Optional[str]:
        for fam in (family, family.split("-")[0]):
            k = self.by_family.get((fam, impl))
            if k:
                return k
        kinds = self.by_name.get(impl)
        if kinds and len(kinds) == 1:
            return next(iter(kinds))
        return None

    @staticmethod
    def parse(text: str) -> "Registry":
        text = text.strip()
        entries: List[dict] = []
        try:
            doc = json.loads(text)
            if isinstance(doc, dict):
                doc = doc.get("implementations") or doc.get("impls") or []
            entries = [e for e in doc if isinstance(e, dict)]
        except json.JSONDecodeError:
            for line in text.splitlines():  # JSON Lines
                try:
                    e = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(e, dict):
                    entries.append(e)
        return Registry(entries)

    @staticmethod
    def load(path: Optional[str]) -> "Registry":
        if path:
            try:
                with open(path, encoding="utf-8") as f:
                    return Registry.parse(f.read())
            except OSError as e:
                raise InputError("cannot read registry %s: %s" % (path, e.strerror))
        exe = os.environ.get("EB_ENCAPBENCH")
        if exe and os.access(exe, os.X_OK):
            try:
                p = subprocess.run([exe, "list", "--json"], capture_output=True, text=True,
                                   timeout=20)
                if p.returncode == 0:
                    return Registry.parse(p.stdout)
            except (OSError, subprocess.SubprocessError):
                pass
        return Registry()


def _parse_json(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        raise InputError("%s: no such file" % path)
    except IsADirectoryError:
        raise InputError("%s: is a directory (expected a result file)" % path)
    except (OSError, UnicodeDecodeError) as e:
        raise InputError("%s: cannot read: %s" % (path, e))
    if not text.strip():
        raise InputError("%s: empty file" % path)
    try:
        # Google Benchmark writes NaN/Infinity for undefined counters; json accepts them.
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError("%s: not valid JSON (line %d, column %d: %s)" % (path, e.lineno, e.colno,
                                                                          e.msg))
    if not isinstance(doc, dict):
        raise InputError("%s: expected a JSON object with 'context' and 'benchmarks', got %s" %
                         (path, type(doc).__name__))
    if "benchmarks" not in doc:
        raise InputError("%s: no 'benchmarks' list: not a Google Benchmark result file" % path)
    if not isinstance(doc["benchmarks"], list):
        raise InputError("%s: 'benchmarks' is not a list" % path)
    if "context" in doc and not isinstance(doc["context"], dict):
        raise InputError("%s: 'context' is not an object" % path)
    return doc


def load_run(path: str, registry: Optional[Registry] = None) -> Run:
    doc = _parse_json(path)
    ctx = doc.get("context") or {}
    warnings: List[str] = []
    if "context" not in doc:
        warnings.append("no 'context': machine identity unknown")
    rows: Dict[str, Row] = {}
    for i, raw in enumerate(doc["benchmarks"]):
        where = "%s: benchmarks[%d]" % (path, i)
        if not isinstance(raw, dict):
            raise InputError("%s is not an object" % where)
        name = raw.get("name")
        if not isinstance(name, str) or not name:
            raise InputError("%s has no 'name'" % where)
        run_name = raw.get("run_name") if isinstance(raw.get("run_name"), str) else None
        run_type = raw.get("run_type")
        agg = raw.get("aggregate_name")
        if run_type is None:  # files from very old Google Benchmark versions
            run_type = "aggregate" if agg else "iteration"
        if run_type not in ("iteration", "aggregate"):
            raise InputError("%s ('%s') has unknown run_type %r" % (where, name, run_type))
        if run_name is None:
            run_name = name
            if run_type == "aggregate" and agg and name.endswith("_" + agg):
                run_name = name[:-len(agg) - 1]
        key, family, kfam, impl, inp, threads, kind = row_identity(raw, run_name)
        row = rows.get(key)
        if row is None:
            row = Row(key=key, family=family, impl=impl, input=inp, threads=threads,
                      buffer=buffer_bytes(inp), kernel_family=kfam)
            rows[key] = row
        if isinstance(raw.get("repetitions"), int):
            row.repetitions = max(row.repetitions, raw["repetitions"])
        if kind:
            row.kind, row.kind_source = kind, "row"
        if raw.get("error_occurred"):
            row.error = str(raw.get("error_message") or "error (no message)")
            continue
        for f in ("real_time", "time_unit"):
            if f not in raw:
                raise InputError("%s ('%s') has no '%s'" % (where, name, f))
        unit = raw["time_unit"]
        if unit not in TIME_UNIT_NS:
            raise InputError("%s ('%s') has unknown time_unit %r" % (where, name, unit))
        if _finite(raw["real_time"]) is None:
            raise InputError("%s ('%s'): real_time is not a number" % (where, name))
        if run_type == "iteration":
            for k, v in _metric_values(raw, TIME_UNIT_NS[unit]).items():
                row.samples.setdefault(k, []).append(v)
        else:
            if agg == "cv":  # a ratio, not a time: no unit conversion
                vals = _metric_values(raw, 1.0)
            else:
                vals = _metric_values(raw, TIME_UNIT_NS[unit])
            row.aggregates[str(agg)] = vals
        hs = _finite(raw.get("header_size"))
        if hs and hs > 0:
            row.header_size = hs
    for row in rows.values():
        if row.header_size is None:
            m = _HS_INPUT.match(row.input)
            if m:
                row.header_size = float(m.group(2))
        if row.kind_source != "row":
            k = registry.kind(row.family, row.impl) if registry else None
            if k:
                row.kind, row.kind_source = k, "registry"
            else:
                row.kind, row.kind_source = legacy_kind(row.family, row.impl), "names"
    missing = [f for f in EXPECTED_CONTEXT if f not in ctx]
    if ctx and missing:
        warnings.append("context lacks " + ", ".join(missing))
    if not rows:
        raise InputError("%s: 'benchmarks' is empty" % path)
    return Run(path=path, context=ctx, rows=rows, raw_rows=doc["benchmarks"],
               warnings_load=warnings)


def expand_paths(paths: Iterable[str]) -> List[str]:
    """Files as given; folders (a history) contribute their *.json files, sorted."""
    out: List[str] = []
    for p in paths:
        if os.path.isdir(p):
            found = sorted(os.path.join(dp, f) for dp, _, fs in os.walk(p) for f in fs
                           if f.endswith(".json"))
            if not found:
                raise InputError("%s: folder holds no .json result files" % p)
            out.extend(found)
        elif os.path.exists(p):
            out.append(p)
        else:
            raise InputError("%s: no such file or folder" % p)
    return out


def load_runs(paths: Iterable[str], registry: Optional[Registry] = None) -> List[Run]:
    files = expand_paths(paths)
    if not files:
        raise InputError("no result files given")
    return [load_run(p, registry) for p in files]


def history_file_name(ctx: dict, when: Optional[datetime] = None) -> str:
    """<machine_class>-<commit>-<UTC time>.json: the layout `report` reads as a history."""
    when = when or datetime.now(timezone.utc)
    mc = re.sub(r"[^A-Za-z0-9_.+-]", "_", str(ctx.get("machine_class") or "unknown"))
    commit = str(ctx.get("git_commit") or ctx.get("suite_commit") or "unknown")
    commit = re.sub(r"[^A-Za-z0-9]", "", commit.split("-")[0])[:12] + (
        "-dirty" if commit.endswith("-dirty") else "")
    return "%s-%s-%s.json" % (mc, commit, when.strftime("%Y%m%dT%H%M%SZ"))
