"""Software-fallback cost results (`encapbench cost --out FILE`) in `encapbench report`.

A cost result file carries the same `context` as a benchmark result file (machine identity from
bench/common, commit) and an `encapbench_cost` object: the capture (path, SHA-256, packets,
bytes on the line), the line rates, and per capability profile one point per
MaxHeaderSizeSupported with, per offload, the packets left to software and why, and the
measured cost of the chosen implementation and of the reference (pass time, ns/packet,
ns/byte, CV, stability, cores at each line rate; null where the repetitions did not agree).

`report` separates these files from benchmark results (split_results), and adds a section:
per machine and capture a table of cores per offload, charts of cores against MaxHeaderSize per
profile stacked by offload, and, with several machine classes, the total side by side.
"""
from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from .model import InputError, expand_paths

OFFLOADS = ("tx_checksum", "rx_checksum", "lsov2", "rss", "vmq", "uso")
OFFLOAD_COLOURS = {"tx_checksum": "#1f77b4", "rx_checksum": "#aec7e8", "lsov2": "#ff7f0e",
                   "rss": "#2ca02c", "vmq": "#98df8a", "uso": "#d62728"}
PROFILE_STYLES = ["-", "--", ":", "-."]


@dataclass
class CostRun:
    path: str
    context: dict
    cost: dict

    @property
    def machine_class(self) -> str:
        return str(self.context.get("machine_class") or "unknown")

    @property
    def cpu(self) -> str:
        return str(self.context.get("cpu_brand") or "unknown CPU")

    @property
    def rates(self) -> List[str]:
        return ["%g" % r for r in self.cost.get("line_rates_gbps", [])]

    def headline_rate(self) -> Optional[str]:
        r = self.rates
        return "100" if "100" in r else (r[-1] if r else None)

    @property
    def capture(self) -> dict:
        return self.cost.get("capture", {})


def _load(path: str) -> Optional[CostRun]:
    """The file as a CostRun when it is a cost result, else None (a benchmark result)."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None  # the benchmark loader reports unreadable files with its own message
    if not isinstance(doc, dict) or "encapbench_cost" not in doc:
        return None
    cost = doc["encapbench_cost"]
    if not isinstance(cost, dict) or not isinstance(cost.get("profiles"), list):
        raise InputError("%s: 'encapbench_cost' has no 'profiles' list" % path)
    ctx = doc.get("context") if isinstance(doc.get("context"), dict) else {}
    return CostRun(path=path, context=ctx, cost=cost)


def split_results(paths: List[str]) -> Tuple[List[str], List[CostRun]]:
    """(benchmark result files, cost results) among files and folders."""
    bench, costs = [], []
    for p in expand_paths(paths):
        c = _load(p)
        if c is None:
            bench.append(p)
        else:
            costs.append(c)
    return bench, costs


# ------------------------------------------------------------------------------ figures

def _cores(side: Optional[dict], rate: str) -> Optional[float]:
    if not side:
        return None
    v = (side.get("cores") or {}).get(rate)
    return float(v) if isinstance(v, (int, float)) else None


def _fmt_cores(v: Optional[float]) -> str:
    if v is None:
        return "unstable"
    if v == 0:
        return "0"
    return "%.3f" % v if v >= 0.0005 else "%.1e" % v


def _point_at(profile: dict, max_header: int) -> Optional[dict]:
    for pt in profile.get("points", []):
        if pt.get("max_header_size") == max_header:
            return pt
    return None


def headlines(c: CostRun) -> List[str]:
    """One sentence per profile: total cores at the headline rate (at 128 and 256 in a sweep)."""
    rate = c.headline_rate()
    out = []
    if rate is None:
        return out
    for prof in c.cost["profiles"]:
        pts = prof.get("points", [])
        if not pts:
            continue
        if len(pts) > 1:
            parts = []
            for mh in (128, 256):
                pt = _point_at(prof, mh)
                if pt:
                    parts.append("a %d-byte MaxHeaderSize costs %s cores" %
                                 (mh, _fmt_cores(_cores(pt.get("total"), rate))))
            if not parts:
                parts = ["%d..%d bytes: %s..%s cores" % (
                    pts[0]["max_header_size"], pts[-1]["max_header_size"],
                    _fmt_cores(_cores(pts[0].get("total"), rate)),
                    _fmt_cores(_cores(pts[-1].get("total"), rate)))]
            out.append("%s, profile %s, at %s Gb/s: %s" % (c.cpu, prof["profile"], rate, "; ".join(parts)))
        else:
            pt = pts[0]
            out.append("%s, profile %s (MaxHeaderSize %d), at %s Gb/s: %s cores of software fallback" % (
                c.cpu, prof["profile"], pt["max_header_size"], rate, _fmt_cores(_cores(pt.get("total"), rate))))
    return out


def markdown(costs: List[CostRun]) -> List[str]:
    if not costs:
        return []
    L = ["", "## Software fallback cost (`encapbench cost`)", "",
         "Cores of the measuring CPU needed at each line rate for the packets the NIC profile "
         "leaves to software, from the capture's own packet-size mix (Ethernet framing counted: "
         "20 B preamble/SFD/IFG per frame, FCS as the file says). *unstable*: the repetitions did "
         "not agree within the CV limit, so no figure is given.", ""]
    for c in costs:
        cap = c.capture
        L += ["### %s · %s" % (c.machine_class, c.cpu), "",
              "Capture `%s` (sha256 %s…, %s packets), implementation `%s` vs reference, commit %s, %s." % (
                  cap.get("path"), str(cap.get("sha256", ""))[:16], cap.get("packets"),
                  c.cost.get("impl_selector"), c.context.get("suite_commit", "?"),
                  c.context.get("date", c.context.get("utc_time", "?"))), ""]
        L += ["- " + h for h in headlines(c)] + [""]
        for prof in c.cost["profiles"]:
            pts = prof.get("points", [])
            if len(pts) == 1:
                pt = pts[0]
                L += ["#### %s, MaxHeaderSize %d" % (prof["profile"], pt["max_header_size"]), "",
                      "| offload | software packets | why | impl | ns/packet | ns/byte | CV | reference ns/packet | " +
                      " | ".join("cores @%s G" % r for r in c.rates) + " |",
                      "|---|--:|---|---|--:|--:|--:|--:|" + "--:|" * len(c.rates)]
                for name in OFFLOADS:
                    o = pt["offloads"].get(name)
                    if not o:
                        continue
                    why = ", ".join("%s %d" % (k, v["packets"]) for k, v in o.get("why", {}).items()) or "-"
                    ch, ref = o.get("chosen"), o.get("reference")
                    if not ch:
                        L.append("| %s | %d | %s | not priced: %s |||||%s" % (
                            name, o["software_packets"], why, o.get("not_measured", ""), "|" * len(c.rates)))
                        continue
                    L.append("| %s | %d | %s | %s | %.2f | %.4f | %.1f%% | %.2f | %s |" % (
                        name, o["software_packets"], why, ch["impl"], ch["ns_per_packet"], ch["ns_per_byte"],
                        100 * ch["cv"], ref["ns_per_packet"],
                        " | ".join(_fmt_cores(_cores(ch, r)) for r in c.rates)))
                L.append("| **total** | | | | | | | | %s |" % " | ".join(
                    "**%s**" % _fmt_cores(_cores(pt.get("total"), r)) for r in c.rates))
                L.append("")
            elif pts:
                L += ["#### %s: total cores against MaxHeaderSize" % prof["profile"], "",
                      "| MaxHeaderSize | " + " | ".join("%s G" % r for r in c.rates) + " |",
                      "|--:|" + "--:|" * len(c.rates)]
                for pt in pts:
                    L.append("| %d | %s |" % (pt["max_header_size"], " | ".join(
                        _fmt_cores(_cores(pt.get("total"), r)) for r in c.rates)))
                L.append("")
    return L


def html_section(costs: List[CostRun], charts) -> str:
    """The same as markdown(), as an HTML fragment with the charts (data URIs) inlined."""
    if not costs:
        return ""
    e = html.escape
    out = ['<section id="cost"><h2>Software fallback cost</h2>',
           '<p class="muted">Cores of the measuring CPU needed at each line rate for the packets the '
           'NIC profile leaves to software (encapbench cost). Ethernet framing counted per frame; '
           '"unstable": repetitions did not agree, no figure given.</p>']
    for c in charts:  # dicts: title, caption, uri (a data URI), name
        out.append('<figure><img class="chart" alt="%s" src="%s" data-name="%s"><figcaption>%s. %s'
                   '</figcaption></figure>' % (e(c["title"]), e(c["uri"]), e(c["name"]), e(c["title"]),
                                               e(c["caption"])))
    for c in costs:
        out.append("<h4>%s <span class=\"muted\">· %s · capture %s (sha256 %s…)</span></h4>" % (
            e(c.machine_class), e(c.cpu), e(str(c.capture.get("path"))), e(str(c.capture.get("sha256", ""))[:16])))
        out.append("<ul>%s</ul>" % "".join("<li>%s</li>" % e(h) for h in headlines(c)))
        for prof in c.cost["profiles"]:
            pts = prof.get("points", [])
            if len(pts) != 1:
                continue
            pt = pts[0]
            out.append('<div class="scroll"><table><tr><th class="l">%s · MaxHeaderSize %d</th><th>software packets</th>'
                       '<th class="l">impl</th><th>ns/packet</th><th>ns/byte</th><th>CV</th><th>reference ns/packet</th>%s</tr>' % (
                           e(prof["profile"]), pt["max_header_size"],
                           "".join("<th>cores @%s G</th>" % e(r) for r in c.rates)))
            for name in OFFLOADS:
                o = pt["offloads"].get(name)
                if not o:
                    continue
                ch, ref = o.get("chosen"), o.get("reference")
                if not ch:
                    out.append('<tr><td>%s</td><td>%d</td><td class="l" colspan="%d">not priced: %s</td></tr>' % (
                        e(name), o["software_packets"], 5 + len(c.rates), e(o.get("not_measured", ""))))
                    continue
                out.append("<tr><td>%s</td><td>%d</td><td class=\"l\">%s</td><td>%.2f</td><td>%.4f</td><td>%.1f%%</td>"
                           "<td>%.2f</td>%s</tr>" % (
                               e(name), o["software_packets"], e(ch["impl"]), ch["ns_per_packet"], ch["ns_per_byte"],
                               100 * ch["cv"], ref["ns_per_packet"],
                               "".join("<td>%s</td>" % _fmt_cores(_cores(ch, r)) for r in c.rates)))
            out.append("<tr><td><b>total</b></td><td></td><td></td><td></td><td></td><td></td><td></td>%s</tr></table></div>" %
                       "".join("<td><b>%s</b></td>" % _fmt_cores(_cores(pt.get("total"), r)) for r in c.rates))
    out.append("</section>")
    return "\n".join(out)


def draw(costs: List[CostRun], cw) -> list:
    """Charts through the report's ChartWriter: per cost result, cores at the headline rate
    against MaxHeaderSize per profile stacked by offload (bars when a profile has one point);
    with several machine classes, each machine's total per profile side by side."""
    if not costs:
        return []
    import matplotlib.pyplot as plt
    charts = []
    for c in costs:
        rate = c.headline_rate()
        profs = [p for p in c.cost["profiles"] if p.get("points")]
        if rate is None or not profs:
            continue
        sweep = any(len(p["points"]) > 1 for p in profs)
        unstable = 0
        if sweep:
            fig, axes = plt.subplots(1, len(profs), figsize=(1.5 + 3.6 * len(profs), 3.8), sharey=True,
                                     squeeze=False)
            for ax, prof in zip(axes[0], profs):
                xs = [pt["max_header_size"] for pt in prof["points"]]
                ys = []
                for name in OFFLOADS:
                    col = []
                    for pt in prof["points"]:
                        o = pt["offloads"].get(name, {})
                        v = _cores(o.get("chosen"), rate) if o.get("chosen") else 0.0
                        if v is None:
                            unstable += 1
                            v = math.nan
                        col.append(v)
                    ys.append(col)
                ax.stackplot(xs, ys, labels=OFFLOADS, colors=[OFFLOAD_COLOURS[n] for n in OFFLOADS], alpha=0.9)
                ax.axvline(256, color="#555555", lw=0.8, ls="--")
                ax.set_title(prof["profile"], fontsize=10)
                ax.set_xlabel("MaxHeaderSizeSupported, bytes")
                ax.grid(alpha=0.3)
            axes[0][0].set_ylabel("cores at %s Gb/s" % rate)
            axes[0][-1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1))
            title = "Software fallback cores vs MaxHeaderSize, %s" % c.machine_class
        else:
            fig, ax = plt.subplots(figsize=(1.5 + 1.3 * len(profs), 3.8))
            bottom = [0.0] * len(profs)
            for name in OFFLOADS:
                vals = []
                for prof in profs:
                    o = prof["points"][0]["offloads"].get(name, {})
                    v = _cores(o.get("chosen"), rate) if o.get("chosen") else 0.0
                    if v is None:
                        unstable += 1
                        v = 0.0
                    vals.append(v)
                ax.bar([p["profile"] for p in profs], vals, bottom=bottom, label=name, color=OFFLOAD_COLOURS[name])
                bottom = [b + v for b, v in zip(bottom, vals)]
            ax.set_ylabel("cores at %s Gb/s" % rate)
            ax.legend(fontsize=7)
            ax.grid(axis="y", alpha=0.3)
            title = "Software fallback cores per profile, %s" % c.machine_class
        caption = ("%s; capture %s (sha256 %s…); %s implementation; stacked by offload." % (
            c.cpu, c.capture.get("path"), str(c.capture.get("sha256", ""))[:12], c.cost.get("impl_selector")))
        if unstable:
            caption += " %d unstable figure(s) left out (shown as gaps or 0)." % unstable
        charts.append(cw._save(fig, "cost-%s-%s" % (c.machine_class, str(c.capture.get("sha256", ""))[:8]),
                               title, caption))
    machines = sorted({c.machine_class for c in costs})
    if len(machines) > 1:
        fig, ax = plt.subplots(figsize=(7.5, 4.2))
        for i, c in enumerate(costs):
            rate = c.headline_rate()
            for j, prof in enumerate(c.cost["profiles"]):
                xs = [pt["max_header_size"] for pt in prof.get("points", [])]
                ys = [_cores(pt.get("total"), rate) for pt in prof.get("points", [])]
                ys = [math.nan if v is None else v for v in ys]
                ax.plot(xs, ys, PROFILE_STYLES[j % len(PROFILE_STYLES)], marker="o" if len(xs) == 1 else None,
                        color="C%d" % (machines.index(c.machine_class) % 10),
                        label="%s · %s" % (c.machine_class[:32], prof["profile"]))
        ax.set_xlabel("MaxHeaderSizeSupported, bytes")
        ax.set_ylabel("total cores at the headline rate")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
        charts.append(cw._save(fig, "cost-machines", "Software fallback across CPUs",
                               "Total cores per profile on each machine class (same line rate)."))
    return charts
