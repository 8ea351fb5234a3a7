"""The benchmark script runs at a tiny size, so it cannot rot. No timing is asserted here:
figures belong in BENCHMARKS.md, written by benchmarks/bench.py."""
import subprocess
import sys

from .conftest import ROOT


def test_benchmark_runs_at_a_tiny_size(tmp_path):
    out = tmp_path / "BENCH.md"
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--quick", "--out", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = out.read_text(encoding="utf-8")
    for line in ("cold `python build_docs.py`", "import floor", "warm rebuild", "annex of 100 units"):
        assert line in report
