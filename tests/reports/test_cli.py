"""The C++ CLI hands `report` and `compare` to the Python side and keeps its exit codes.
Needs the built binary: ctest passes it as $EB_ENCAPBENCH."""
import os
import subprocess

import pytest

from conftest import C1, C2, MA, MB, REPORTS_DIR, golden

EXE = os.environ.get("EB_ENCAPBENCH")
pytestmark = pytest.mark.skipif(not EXE or not os.access(EXE, os.X_OK),
                                reason="EB_ENCAPBENCH (the built encapbench binary) not given")


def eb(*args):
    env = dict(os.environ, EB_REPORTS_DIR=REPORTS_DIR)
    return subprocess.run([EXE] + [str(a) for a in args], capture_output=True, text=True,
                          env=env, timeout=300)


def test_compare_exit_codes_pass_through():
    assert eb("compare", golden(MA, C1), golden(MA, C2)).returncode == 1
    assert eb("compare", golden(MA, C2), golden(MA, C2)).returncode == 0
    p = eb("compare", golden(MA, C2), golden(MB, C2))
    assert p.returncode == 2 and p.stderr.startswith("encapbench compare: refusing")


def test_help_comes_from_the_python_side():
    p = eb("report", "--help")
    assert p.returncode == 0 and "usage: encapbench report" in p.stdout and "--baseline" in p.stdout
    p = eb("compare", "--help")
    assert p.returncode == 0 and "--allow-cross-machine" in p.stdout


def test_report_through_the_cli(tmp_path):
    p = eb("report", golden(MA, C2), "--out", tmp_path, "--no-html")
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "report.md").exists()
    p = eb("report", golden(MA, C2), "--export", "bencher", "--out", tmp_path / "bmf.json")
    assert p.returncode == 0 and (tmp_path / "bmf.json").exists()


def test_missing_reports_dir_is_a_clear_error(tmp_path):
    env = dict(os.environ, EB_REPORTS_DIR=str(tmp_path / "nowhere"))
    p = subprocess.run([EXE, "compare", golden(MA, C1), golden(MA, C2)], capture_output=True,
                       text=True, env=env, timeout=60)
    assert p.returncode == 2 and "EB_REPORTS_DIR" in p.stderr


def test_history_through_the_cli(tmp_path):
    """`encapbench history` reaches the Python side and keeps its exit code (1: regression at
    the newest commit)."""
    from synth_history import make_history
    make_history(str(tmp_path), golden(MA, C1), 6, steps=[("checksum/", 5, 0.8)], cv=0.005)
    p = eb("history", tmp_path, "--repo", "/nonexistent")
    assert p.returncode == 1, p.stderr
    assert "AT THE NEWEST COMMIT" in p.stdout
    p = eb("history", "--help")
    assert p.returncode == 0 and "--p-value" in p.stdout
    p = eb("history", tmp_path / "missing")
    assert p.returncode == 2 and p.stderr.startswith("encapbench history:")
