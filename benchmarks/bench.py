"""Measure the build where people wait, and write the figures to BENCHMARKS.md.

    python benchmarks/bench.py            # full run (a few minutes)
    python benchmarks/bench.py --quick    # tiny sizes, to check the script still runs

Plain Python: time.perf_counter for time, the child run's own peak memory (VmHWM; getrusage elsewhere).
Everything runs on the same machine in one go; the README names this script.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable
FLOOR = "import docxtpl, docx, yaml, jinja2"


# Python's default: modules are compiled to __pycache__ once. This workplace sets
# PYTHONDONTWRITEBYTECODE, which would make every run recompile the project (not the
# site-packages of the floor, which pip compiled at install): the runs below use the default.
BASE_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_wall(cmd: list[str], env: dict | None = None) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
                   env={**BASE_ENV, **(env or {})})
    return time.perf_counter() - t


def cold(n: int, out: Path) -> dict:
    """Cold builds alternating with the import floor, so both see the same machine state."""
    build_cmd = [PY, "build_docs.py", "--output", str(out)]
    run_wall(build_cmd)  # fills the template cache, as the clerk's first run does
    builds, floors, firsts = [], [], []
    for _ in range(n):
        floors.append(run_wall([PY, "-c", FLOOR]))
        builds.append(run_wall(build_cmd))
    for _ in range(n):  # apart, so their cache writes do not weigh on the runs above
        with tempfile.TemporaryDirectory() as cache:
            firsts.append(run_wall(build_cmd, {"PLAN_DOCS_CACHE": cache}))
    b, f, first = statistics.median(builds), statistics.median(floors), statistics.median(firsts)
    return {"build": b, "floor": f, "ratio": b / f, "first": first, "first_ratio": first / f,
            "min_ratio": min(builds) / min(floors)}


def warm(n: int) -> dict:
    from generator.config import load_plan
    from generator.main import DEFAULT_CONFIG, render_documents

    render_documents(load_plan(DEFAULT_CONFIG))
    times = []
    for _ in range(n):
        t = time.perf_counter()
        render_documents(load_plan(DEFAULT_CONFIG))
        times.append(time.perf_counter() - t)
    return {"median": statistics.median(times), "min": min(times)}


CHILD = r"""
import resource, sys, time
sys.path.insert(0, {root!r})
t = time.perf_counter()
from generator.main import build
from pathlib import Path
build(Path({config!r}), Path({out!r}))
elapsed = time.perf_counter() - t
try:  # this process's own peak: getrusage in a forked child also counts the parent's memory
    peak_kb = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1])
except OSError:
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(elapsed, peak_kb)
"""


def config_with_units(count: int, target: Path) -> Path:
    text = (ROOT / "config" / "plan.yaml").read_text(encoding="utf-8")
    head = text[: text.index("units:\n")]
    units = "".join(f"  - name: Công đoàn cơ sở số {i}\n    members: {(i * 7919) % 6000}\n" for i in range(1, count + 1))
    target.write_text(head + "units:\n" + units, encoding="utf-8")
    return target


AWARD_CHILD = r"""
import resource, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
t = time.perf_counter()
{work}
elapsed = time.perf_counter() - t
try:
    peak_kb = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1])
except OSError:
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(elapsed, peak_kb)
"""
PACKS = 'from generator.main import build_group\nbuild_group(Path({config!r}), Path({out!r}), "packs")'
INTAKE = ('from generator.config import load_plan\nfrom generator.intake import run\n'
          'r = run(load_plan({config!r}), Path({lists!r}), Path({out!r}))\nassert not r.problems, r.problems[:3]')


def best_of(code: str, n: int = 3) -> dict:
    best = None
    for _ in range(n):
        res = subprocess.run([PY, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT, env=BASE_ENV)
        seconds, rss_kb = res.stdout.split()
        if best is None or float(seconds) < best[0]:
            best = (float(seconds), int(rss_kb) / 1024)
    return {"seconds": best[0], "peak_mb": best[1]}


def award_cycle(count: int, tmp: Path) -> dict:
    """Packs for `count` units, then intake of their lists filled with 10 rows each (one
    collective and nine individuals: a config whose one tier gives nine)."""
    import re

    from openpyxl import load_workbook

    config = config_with_units(count, tmp / "plan_award.yaml")
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"  individual_tiers:\n(    .*\n|      .*\n)+", "  individual_tiers:\n    - individuals: 9\n", text)
    config.write_text(text, encoding="utf-8")
    out = tmp / "award"
    packs = best_of(AWARD_CHILD.format(root=str(ROOT), work=PACKS.format(config=str(config), out=str(out))))
    lists = tmp / "lists"
    lists.mkdir()
    for folder in sorted((out / "ho_so").iterdir()):
        wb = load_workbook(folder / "danh_sach.xlsx")
        ws = wb.worksheets[0]
        kind = None
        for row in ws.iter_rows():
            first = row[0].value
            if first == "STT":
                kind = "tap_the" if row[1].value.startswith("Tên tập thể") else "ca_nhan"
            elif kind and isinstance(first, int):
                if kind == "tap_the":
                    values = [f"Tập thể {folder.name[:3]}", "Đơn vị", "Thành tích", ""]
                elif folder.name.startswith(f"{count + 1:02d}-") and first > 0:
                    continue  # the provincial row: one collective only
                else:
                    values = [f"Người {folder.name[:4]}-{first}", "Nam", 1980, "Chức vụ", "Đơn vị", "Thành tích", ""]
                for j, v in enumerate(values, 2):
                    ws.cell(row=row[0].row, column=j, value=v)
            elif first is not None:
                kind = None
        wb.save(lists / f"{folder.name}.xlsx")
    intake = best_of(AWARD_CHILD.format(root=str(ROOT), work=INTAKE.format(config=str(config), lists=str(lists),
                                                                           out=str(tmp / "intake"))))
    return {"units": count, "packs": packs, "intake": intake}


CERTIFICATES = """
import resource, sys, time
sys.path.insert(0, {root!r})
from generator import awards as A, certificate_pdf
from generator.config import load_plan
from generator.main import render_documents
plan = load_plan({config!r})
n = {count}
people = [A.Awardee("ca_nhan", i * 15 // n + 1, f"Đơn vị số {{i * 15 // n + 1}}", f"Nguyễn Văn Thành {{i}}", "Nam",
                    "Chủ tịch Công đoàn cơ sở", f"Trường Trung học cơ sở số {{i}} huyện Cao Lộc", {{}}) for i in range(n)]
chosen = A.Awards((), tuple(people))
t = time.perf_counter()
_, docs = render_documents(plan, group="certificates", awards=chosen)
docx = time.perf_counter() - t
t = time.perf_counter()
extra = certificate_pdf.pdf_and_zips(docs, chosen, plan)  # one conversion, then pypdf splits it
pdf = time.perf_counter() - t
peak = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]) / 1024
office = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(docx, pdf, peak, office, len(extra) - 1)
"""


def certificates(count: int) -> dict | None:
    """`count` certificates in one .docx, one PDF by one LibreOffice conversion, and the PDF split
    into one ZIP per unit (15 units)."""
    from generator.pdf import find_soffice

    if find_soffice() is None:
        return None
    code = CERTIFICATES.format(root=str(ROOT), config=str(ROOT / "config" / "plan.yaml"), count=count)
    res = subprocess.run([PY, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT, env=BASE_ENV)
    docx, pdf, peak, office, zips = res.stdout.split()
    return {"count": count, "docx": float(docx), "pdf": float(pdf), "peak_mb": float(peak),
            "office_mb": float(office), "zips": int(zips)}


def sizes(counts: list[int], tmp: Path) -> list[dict]:
    rows = []
    for count in counts:
        config = config_with_units(count, tmp / f"plan_{count}.yaml")
        out = tmp / f"out_{count}"
        code = CHILD.format(root=str(ROOT), config=str(config), out=str(out))
        best = None
        for _ in range(3):
            res = subprocess.run([PY, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT, env=BASE_ENV)
            seconds, rss_kb = res.stdout.split()
            if best is None or float(seconds) < best[0]:
                best = (float(seconds), int(rss_kb) / 1024)
        rows.append({"units": count, "seconds": best[0], "peak_mb": best[1]})
    return rows


def pdfs(n: int, tmp: Path) -> dict | None:
    from generator.pdf import find_soffice, to_pdf_bytes

    if find_soffice() is None:
        return None
    from generator.main import DEFAULT_CONFIG, build

    build(DEFAULT_CONFIG, tmp)
    from generator.documents import of_group

    docs = [tmp / kind.output for kind in of_group("plan")]  # every document the registry builds
    cold_times = []
    for _ in range(n):
        t = time.perf_counter()
        to_pdf_bytes(docs)
        cold_times.append(time.perf_counter() - t)
    result = {"cold": statistics.median(cold_times), "warm": None, "warm_note": ""}
    from generator import pdf

    server = pdf.WarmConverter.start()
    if server is None:
        result["warm_note"] = pdf.WarmConverter.unavailable_reason()
        return result
    try:
        server.convert(docs)
        warm_times = []
        for _ in range(n):
            t = time.perf_counter()
            server.convert(docs)
            warm_times.append(time.perf_counter() - t)
        result["warm"] = statistics.median(warm_times)
    finally:
        server.stop()
    return result


def check_batch(n: int, tmp: Path) -> dict | None:
    """`--check` with rendering over six files (the plan, one unit's pack, the decision's list),
    paired run by run with one plain LibreOffice call over the same six and with one LibreOffice
    start per file (how the checker worked before): min, median and max of each ratio."""
    from generator.pdf import find_soffice, to_pdf_bytes

    if find_soffice() is None:
        return None
    config, out = ROOT / "tests" / "data" / "plan.yaml", tmp / "check"
    lists = ROOT / "tests" / "data" / "danh_sach_don_vi"
    for args in ([], ["--packs"], ["--intake", str(lists)], ["--decision"]):
        subprocess.run([PY, str(ROOT / "build_docs.py"), "--config", str(config), "--output", str(out), *args],
                       check=True, capture_output=True, env=BASE_ENV)
    docs = [out / "ke_hoach.docx", out / "phu_luc.docx", *sorted(next((out / "ho_so").glob("04-*")).glob("*.docx")),
            out / "quyet_dinh" / "danh_sach_khen_thuong.docx"]
    batch, plain, each = [], [], []
    for _ in range(n):
        batch.append(run_wall([PY, str(ROOT / "build_docs.py"), "--check", *map(str, docs), "--format", "json"]))
        t = time.perf_counter()
        to_pdf_bytes(docs)
        plain.append(time.perf_counter() - t)
        t = time.perf_counter()
        for doc in docs:
            to_pdf_bytes([doc])
        each.append(time.perf_counter() - t)
    ratios = lambda a, b: sorted(x / y for x, y in zip(a, b))  # noqa: E731
    to_plain, to_each = ratios(batch, plain), ratios(batch, each)
    return {"files": len(docs), "batch": statistics.median(batch), "plain": statistics.median(plain),
            "each": statistics.median(each), "to_plain": (to_plain[0], statistics.median(to_plain), to_plain[-1]),
            "to_each": (to_each[0], statistics.median(to_each), to_each[-1])}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
        cpu = model
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {platform.python_version()}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="tiny sizes: check that the script runs")
    ap.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    args = ap.parse_args()
    n_cold, n_warm, counts, n_pdf = (2, 3, [10, 100], 1) if args.quick else (7, 20, [100, 1000, 10000], 5)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        c = cold(n_cold, tmp / "cold")
        w = warm(n_warm)
        s = sizes(counts, tmp)
        p = pdfs(n_pdf, tmp / "pdf") if not args.quick else None
        award = award_cycle(5 if args.quick else 200, tmp)
        cert = certificates(20 if args.quick else 2000)
        batch = check_batch(1 if args.quick else 7, tmp)
    lines = [
        "# Benchmarks",
        "",
        f"Machine: {machine()}.  ",
        f"Command: `python benchmarks/bench.py{' --quick' if args.quick else ''}` ({time.strftime('%Y-%m-%d')}).",
        "",
        "| what | measured | target |",
        "|---|---|---|",
        f"| cold `python build_docs.py`, median of {n_cold} | {c['build'] * 1000:.0f} ms = {c['ratio']:.2f}× the floor "
        f"(fastest run against fastest floor: {c['min_ratio']:.2f}×) | ≤ 1.5× |",
        f"| import floor `python -c \"{FLOOR}\"`, alternated with it | {c['floor'] * 1000:.0f} ms | |",
        f"| first run after a template changed (no template cache), median of {n_cold} | {c['first'] * 1000:.0f} ms = {c['first_ratio']:.2f}× the floor | |",
        f"| warm rebuild of both documents in one process, median of {n_warm} | {w['median'] * 1000:.1f} ms (best {w['min'] * 1000:.1f} ms) | ≤ 60 ms |",
    ]
    for row in s:
        lines.append(f"| annex of {row['units']:,} units, one build (best of 3) | {row['seconds']:.2f} s, peak {row['peak_mb']:.0f} MB | |")
    if len(s) >= 2:
        a, b = s[-2], s[-1]
        ratio = b["seconds"] / a["seconds"]
        lines.append(f"| growth {a['units']:,} → {b['units']:,} units (×{b['units'] // a['units']}) | ×{ratio:.1f} in time | ≤ ×12, 10,000 units ≤ 5 s, < 500 MB |")
    pk, ik = award["packs"], award["intake"]
    lines.append(f"| packs for {award['units']} units (`--packs`: 4 files each), best of 3 | {pk['seconds']:.2f} s, "
                 f"peak {pk['peak_mb']:.0f} MB | ≤ 10 s |")
    lines.append(f"| intake of {award['units']} lists of 10 rows (`--intake`), best of 3 | {ik['seconds']:.2f} s, "
                 f"peak {ik['peak_mb']:.0f} MB | ≤ 3 s, < 300 MB |")
    if cert:
        lines.append(f"| {cert['count']:,} certificates (`--certificates`), the .docx | {cert['docx']:.2f} s | ≤ 10 s |")
        lines.append(f"| the same, their PDF by one LibreOffice conversion, split into {cert['zips']} ZIPs by unit (pypdf) "
                     f"| {cert['pdf']:.1f} s | ≤ 60 s |")
        lines.append(f"| the same, peak memory | {cert['peak_mb']:.0f} MB (Python), {cert['office_mb']:.0f} MB "
                     f"(LibreOffice) | < 1 GB |")
    elif not args.quick:
        lines.append("| certificates | not measured: LibreOffice is not installed | |")
    if p:
        lines.append(f"| both PDFs, cold (a fresh LibreOffice each time), median of {n_pdf} | {p['cold']:.2f} s | ≤ 4 s |")
        if p["warm"] is not None:
            lines.append(f"| both PDFs, warm (LibreOffice kept running), median of {n_pdf} | {p['warm']:.2f} s | ≤ 0.6 s |")
        else:
            lines.append(f"| both PDFs, warm | not measured: {p['warm_note']} | ≤ 0.6 s |")
    elif not args.quick:
        lines.append("| both PDFs | not measured: LibreOffice is not installed | |")
    if batch:
        lo, mid, hi = batch["to_plain"]
        lines.append(f"| `--check` of {batch['files']} files with rendering, one LibreOffice start (median of paired "
                     f"runs) | {batch['batch']:.2f} s = {mid:.2f}× one plain LibreOffice call over the same files "
                     f"({batch['plain']:.2f} s; min–max {lo:.2f}–{hi:.2f}×) | ≤ 1.3× |")
        lo, mid, hi = batch["to_each"]
        lines.append(f"| the same, against one LibreOffice start per file (the checker before) | {mid:.2f}× of "
                     f"{batch['each']:.2f} s (min–max {lo:.2f}–{hi:.2f}×) | |")
    report = "\n".join(lines) + "\n"
    notes = ROOT / "benchmarks" / "NOTES.md"
    if not args.quick and notes.is_file():
        report += "\n" + notes.read_text(encoding="utf-8")
    args.out.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
