"""report.html in a real browser: headless Chromium (Debian's `chromium`, installed by
scripts/setup.sh) opens it offline, every chart decodes and is shown, nothing is fetched from
the network, and the console stays free of errors. Screenshots are kept as test artifacts
($EB_TEST_ARTIFACTS, set by ctest to the build folder)."""
import os
import shutil

import pytest

from chromium_page import find_chromium, render

pytestmark = pytest.mark.skipif(find_chromium() is None,
                                reason="chromium is not installed (scripts/setup.sh installs it)")


def test_report_renders_in_chromium(golden_report, tmp_path):
    out, summary, _ = golden_report
    art = os.environ.get("EB_TEST_ARTIFACTS") or str(tmp_path)
    os.makedirs(art, exist_ok=True)
    full = os.path.join(art, "report-screenshot.png")
    top = os.path.join(art, "report-screenshot-top.png")
    for f in (full, top):
        if os.path.exists(f):
            os.remove(f)
    shutil.copyfile(os.path.join(out, "report.html"), os.path.join(art, "report.html"))
    r = render(os.path.join(out, "report.html"), screenshot=full, top_screenshot=top)
    assert r["title"] == "encapbench report"
    assert r["console"] == [] and r["exceptions"] == []
    # Offline and self-contained: only the page itself and inline data: URIs.
    assert all(u.startswith(("file://", "data:")) for u in r["requests"]), r["requests"]
    imgs = r["images"]
    assert len(imgs) == len(summary["charts"])
    want = {os.path.splitext(os.path.basename(c))[0] for c in summary["charts"]}
    assert {i["name"] for i in imgs} == want
    for i in imgs:
        assert i["error"] is None, i
        assert i["w"] > 200 and i["h"] > 100, i  # decoded at its real size
        assert i["shown"] > 200, i                # and laid out on the page
    for f in (full, top):
        with open(f, "rb") as fh:
            assert fh.read(8) == b"\x89PNG\r\n\x1a\n"
    assert r["height"] > 3000


def test_broken_chart_is_detected(golden_report, tmp_path):
    """The check above can fail: a page with a corrupt inline SVG and a script error."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><head><title>bad</title></head><body>'
                   '<img class="chart" data-name="broken" src="data:image/svg+xml;base64,'
                   'PHN2Zz4="><script>console.error("boom"); undefined_fn();</script>'
                   '</body></html>')
    r = render(str(bad))
    assert r["images"][0]["error"] is not None or r["images"][0]["w"] == 0
    assert any("boom" in c for c in r["console"])
    assert r["exceptions"]


def test_changes_and_cross_cpu_sections_render_in_chromium(tmp_path):
    """A report over a synthetic archive (a designed regression at the newest commit) plus two
    other machine classes, one of them measured under emulation: the Changes and Across CPUs
    sections are on the page, their charts decode, the console stays clean."""
    from conftest import MA, MB, C1, C2, golden, run_tool, HERE
    from synth_history import make_history
    d = str(tmp_path / "archive")
    make_history(d, golden(MA, C1), 8, steps=[("checksum/", 7, 0.85)], cv=0.005, seed=3)
    emulated = os.path.join(HERE, "golden", "real", "zen5-host-under-qemu-user.json")
    out = str(tmp_path / "report")
    p = run_tool("report", d, golden(MB, C2), emulated, "--out", out, "--repo", "/nonexistent")
    assert p.returncode == 1, p.stderr  # the regression at the newest commit
    art = os.environ.get("EB_TEST_ARTIFACTS") or str(tmp_path)
    os.makedirs(art, exist_ok=True)
    shot = os.path.join(art, "report-changes-screenshot.png")
    if os.path.exists(shot):
        os.remove(shot)
    r = render(os.path.join(out, "report.html"), screenshot=shot)
    assert r["console"] == [] and r["exceptions"] == []
    assert all(u.startswith(("file://", "data:")) for u in r["requests"]), r["requests"]
    names = {i["name"] for i in r["images"]}
    assert any("__change_" in n for n in names), names
    for i in r["images"]:
        assert i["error"] is None and i["w"] > 200 and i["shown"] > 200, i
    html = open(os.path.join(out, "report.html"), encoding="utf-8").read()
    assert 'id="changes"' in html and 'id="crosscpu"' in html
    assert "regression at the newest commit" in html
    assert "refused</b>, measured under emulation" in html
