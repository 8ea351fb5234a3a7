"""Measure the build where people wait, and write the figures to BENCHMARKS.md.

    python benchmarks/bench.py            # full run (a few minutes)
    python benchmarks/bench.py --quick    # tiny sizes, to check the script still runs

Plain Python: time.perf_counter for time, the child run's own peak memory (VmHWM; getrusage elsewhere).
Everything runs on the same machine in one go; the README names this script.
"""
from __future__ import annotations

import argparse
import contextlib
import json
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
SHIPPED = ROOT / "tests" / "data" / "plan.yaml"  # the committed config; never the clerk's config/plan.yaml
# The commit issue 25 measured «today» on: its packs, intake and render are what the new ones
# are paired against, run from a git worktree of it.
BASELINE = "880730c"
# The last commit before issue 23's redesign into steps: the same documents as now (880730c built
# two; đề cương báo cáo and the write lock came after it), so what the redesign itself costs.
BEFORE_STEPS = "06e4209"


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
    """Cold builds alternating with the import floor, so both see the same machine state. Each
    build writes into a folder of its own, so it renders (into the same folder, a second build
    with nothing changed renders nothing: the row «rebuild with nothing changed»)."""
    build_cmd = lambda i: [PY, "build_docs.py", "--config", str(SHIPPED), "--output", str(out / str(i))]  # noqa: E731
    run_wall(build_cmd("warm"))  # fills the template cache, as the clerk's first run does
    builds, floors, firsts = [], [], []
    for i in range(n):
        floors.append(run_wall([PY, "-c", FLOOR]))
        builds.append(run_wall(build_cmd(i)))
    for i in range(n):  # apart, so their cache writes do not weigh on the runs above
        with tempfile.TemporaryDirectory() as cache:
            firsts.append(run_wall(build_cmd(f"first-{i}"), {"PLAN_DOCS_CACHE": cache}))
    b, f, first = statistics.median(builds), statistics.median(floors), statistics.median(firsts)
    return {"build": b, "floor": f, "ratio": b / f, "first": first, "first_ratio": first / f,
            "min_ratio": min(builds) / min(floors)}


def warm(n: int) -> dict:
    from generator.config import load_plan
    from generator.main import render_documents

    render_documents(load_plan(SHIPPED))
    times = []
    for _ in range(n):
        t = time.perf_counter()
        render_documents(load_plan(SHIPPED))
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


def shipped_config(root: Path) -> Path:
    """The config a tree ships: tests/data/plan.yaml, or config/plan.yaml as committed in an
    older tree (a worktree of it: nobody's own file)."""
    return root / "tests" / "data" / "plan.yaml" if (root / "tests" / "data" / "plan.yaml").is_file() else root / "config" / "plan.yaml"


def config_with_units(count: int, target: Path, root: Path = ROOT) -> Path:
    text = shipped_config(root).read_text(encoding="utf-8")
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
# Each run writes a new folder: into the same one, the second run finds its stamp and skips.
PACKS_FRESH = ('import tempfile\nfrom generator.main import build_group\n'
               'build_group(Path({config!r}), Path(tempfile.mkdtemp(dir={out!r})), "packs")')
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


def award_cycle(count: int, tmp: Path, root: Path = ROOT) -> dict:
    """Packs for `count` units, then intake of their lists filled with 10 rows each (one
    collective and nine individuals: a config whose one tier gives nine)."""
    config, lists = award_inputs(count, tmp, root)
    (tmp / "award").mkdir(exist_ok=True)
    packs = best_of(AWARD_CHILD.format(root=str(root), work=PACKS_FRESH.format(config=str(config),
                                                                               out=str(tmp / "award"))))
    intake = best_of(AWARD_CHILD.format(root=str(root), work=INTAKE.format(config=str(config), lists=str(lists),
                                                                           out=str(tmp / "intake"))))
    return {"units": count, "packs": packs, "intake": intake}


def award_inputs(count: int, tmp: Path, root: Path = ROOT) -> tuple[Path, Path]:
    """A config of `count` units and their lists, filled in the packs that tree makes."""
    import re

    from openpyxl import load_workbook

    tmp.mkdir(parents=True, exist_ok=True)
    config = config_with_units(count, tmp / "plan_award.yaml", root)
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"  individual_tiers:\n(    .*\n|      .*\n)+", "  individual_tiers:\n    - individuals: 9\n", text)
    config.write_text(text, encoding="utf-8")
    out = tmp / "award"
    subprocess.run([PY, "-c", AWARD_CHILD.format(root=str(root), work=PACKS.format(config=str(config), out=str(out)))],
                   check=True, capture_output=True, cwd=root, env=BASE_ENV)
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
    return config, lists


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
_, docs = render_documents(plan, group="certificates", data=chosen)
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
    code = CERTIFICATES.format(root=str(ROOT), config=str(SHIPPED), count=count)
    res = subprocess.run([PY, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT, env=BASE_ENV)
    docx, pdf, peak, office, zips = res.stdout.split()
    return {"count": count, "docx": float(docx), "pdf": float(pdf), "peak_mb": float(peak),
            "office_mb": float(office), "zips": int(zips)}


def sizes(counts: list[int], tmp: Path) -> list[dict]:
    rows = []
    for count in counts:
        config = config_with_units(count, tmp / f"plan_{count}.yaml")
        best = None
        for i in range(3):  # a folder each: into the same one a second build would render nothing
            code = CHILD.format(root=str(ROOT), config=str(config), out=str(tmp / f"out_{count}_{i}"))
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
    from generator.main import build

    build(SHIPPED, tmp)
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


def spread(pairs: list[tuple[float, float]]) -> tuple[float, float, float]:
    """min, median and max of the ratios a/b of runs made side by side."""
    ratios = sorted(a / b for a, b in pairs)
    return ratios[0], statistics.median(ratios), ratios[-1]


def with_changed_members(text: str, i: int) -> str:
    """The shipped config with its first unit's member count changed (4.099 or 4.100 by turns),
    so every run renders."""
    return text.replace("members: 4.098", f"members: {4098 + i % 2 + 1:,}".replace(",", "."), 1)


def rebuilds(n: int, tmp: Path) -> dict:
    """Whole `python build_docs.py` runs alternated with the import floor: with nothing changed
    (nothing to render), and with a member count changed before every run (everything rendered);
    `--help`, and what it imports."""
    tmp.mkdir(parents=True, exist_ok=True)
    config, out = tmp / "plan.yaml", tmp / "out"
    text = SHIPPED.read_text(encoding="utf-8")
    config.write_text(text, encoding="utf-8")
    cmd = [PY, "build_docs.py", "--config", str(config), "--output", str(out)]
    run_wall(cmd)  # the first build, and the template cache
    unchanged, changed, helps = [], [], []
    for i in range(n):
        floor = run_wall([PY, "-c", FLOOR])
        unchanged.append((run_wall(cmd), floor))
        config.write_text(with_changed_members(text, i), encoding="utf-8")
        floor = run_wall([PY, "-c", FLOOR])
        changed.append((run_wall(cmd), floor))
        config.write_text(text, encoding="utf-8")
        run_wall(cmd)  # back to the first set: the next unchanged run has nothing to do
        floor = run_wall([PY, "-c", FLOOR])
        helps.append((run_wall([PY, "build_docs.py", "--help"]), floor))
    probe = ("import runpy, sys; sys.argv = ['build_docs.py', '--help']\ntry:\n    runpy.run_path('build_docs.py', "
             "run_name='__main__')\nexcept SystemExit:\n    pass\nsys.stderr.write(' '.join(sorted(sys.modules)))")
    loaded = subprocess.run([PY, "-c", probe], capture_output=True, text=True, cwd=ROOT, env=BASE_ENV).stderr.split()
    heavy = sorted({m.split(".")[0] for m in loaded} & {"jinja2", "lxml", "docx", "docxtpl", "openpyxl"})
    return {"unchanged": spread(unchanged), "changed": spread(changed), "help": spread(helps),
            "unchanged_s": statistics.median(a for a, _ in unchanged),
            "changed_s": statistics.median(a for a, _ in changed), "floor_s": statistics.median(b for _, b in changed),
            "help_imports": heavy}


BREAKDOWN = """
import json, sys, time, warnings
t0 = time.perf_counter()
import jinja2, jinja2.sandbox, lxml.etree, yaml
t1 = time.perf_counter()
if sys.argv[1] == "--floor-extra":  # what the floor imports beyond them, in a process of its own
    import docx, docxtpl
    sys.stderr.write(json.dumps({"docx": time.perf_counter() - t1}))
    sys.exit()
import generator.cli, generator.config, generator.main, generator.render, generator.templatecheck
t3 = time.perf_counter()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import filelock
t4 = time.perf_counter()
code = generator.cli.main(["--config", sys.argv[1], "--output", sys.argv[2]])
t5 = time.perf_counter()
sys.stderr.write(json.dumps({"code": code, "libraries": t1 - t0, "own": t3 - t1,
                             "filelock": t4 - t3, "work": t5 - t4, "docx_loaded": "docx" in sys.modules}))
"""


def changed_breakdown(n: int, tmp: Path) -> dict:
    """Where a cold build with a change spends its time beyond the floor, timed inside the build's
    own process (python -X importtime adds its own cost to every import and inflates them):
    the libraries it imports (Jinja, lxml, PyYAML), the project's modules, filelock, and the work
    itself (config, contexts, render, the fsynced write), each the median of n runs with a member
    count changed before each; and what the floor's python-docx and docxtpl cost on top of those
    libraries, which the build itself no longer imports (docx_loaded says whether it did)."""
    tmp.mkdir(parents=True, exist_ok=True)
    config, out = tmp / "plan.yaml", tmp / "out"
    text = SHIPPED.read_text(encoding="utf-8")
    config.write_text(text, encoding="utf-8")
    run_wall([PY, "build_docs.py", "--config", str(config), "--output", str(out)])
    parts: dict[str, list[float]] = {"libraries": [], "docx": [], "own": [], "filelock": [], "work": []}
    loaded = False
    for i in range(n):
        config.write_text(with_changed_members(text, i), encoding="utf-8")
        res = subprocess.run([PY, "-c", BREAKDOWN, str(config), str(out)], check=True, capture_output=True, text=True,
                             cwd=ROOT, env=BASE_ENV)
        got = json.loads(res.stderr.strip().splitlines()[-1])
        if got["code"] != 0:
            raise SystemExit(f"the breakdown's build failed: {res.stderr}")
        extra = subprocess.run([PY, "-c", BREAKDOWN, "--floor-extra"], check=True, capture_output=True, text=True,
                               cwd=ROOT, env=BASE_ENV)
        got["docx"] = json.loads(extra.stderr.strip().splitlines()[-1])["docx"]
        for key in parts:
            parts[key].append(got[key])
        loaded = loaded or got["docx_loaded"]
    return {key: statistics.median(v) for key, v in parts.items()} | {"runs": n, "docx_loaded": loaded}


@contextlib.contextmanager
def baseline_tree(tmp: Path, commit: str = BASELINE):
    """A worktree of `commit` (None when git or the commit is not there)."""
    target = tmp / "baseline"
    made = subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(target), commit],
                          capture_output=True)
    try:
        yield target if made.returncode == 0 else None
    finally:
        if made.returncode == 0:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(target)], capture_output=True)


PACKS_CPU = r"""
import sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from generator import main
from generator.config import load_plan
main.PARALLEL_FROM = 10 ** 9  # one process: its CPU time is the whole work
plan = load_plan({config!r})
t = time.process_time()
main.render_documents(plan, Path({root!r}) / "templates", "packs")
print(time.process_time() - t)
"""


def against_baseline(n: int, count: int, tmp: Path) -> dict | None:
    """Packs' CPU and intake's time for `count` units, each tree with its own config, packs and
    lists, run alternately with the baseline's."""
    with baseline_tree(tmp) as base:
        if base is None:
            return None
        trees = {"now": ROOT, "base": base}
        inputs = {k: award_inputs(count, tmp / f"award-{k}", root) for k, root in trees.items()}
        cpu = {k: [] for k in trees}
        intake = {k: [] for k in trees}
        for _ in range(n):
            for k, root in trees.items():
                config, lists = inputs[k]
                res = subprocess.run([PY, "-c", PACKS_CPU.format(root=str(root), config=str(config))], check=True,
                                     capture_output=True, text=True, cwd=root, env=BASE_ENV)
                cpu[k].append(float(res.stdout.split()[-1]))
                code = AWARD_CHILD.format(root=str(root), work=INTAKE.format(config=str(config), lists=str(lists),
                                                                           out=str(tmp / f"intake-{k}")))
                res = subprocess.run([PY, "-c", code], check=True, capture_output=True, text=True, cwd=root, env=BASE_ENV)
                intake[k].append(float(res.stdout.split()[0]))
    return {"units": count, "runs": n,
            "packs_cpu": (statistics.median(cpu["now"]), statistics.median(cpu["base"])),
            "packs_ratio": spread(list(zip(cpu["now"], cpu["base"]))),
            "intake": (statistics.median(intake["now"]), statistics.median(intake["base"])),
            "intake_ratio": spread(list(zip(intake["now"], intake["base"])))}


def cold_against_baseline(n: int, tmp: Path, commit: str = BASELINE) -> dict | None:
    """Cold `python build_docs.py` into a new folder, this tree's and `commit`'s in turn, each
    with its template cache filled by a first run: issue 23's «the cold build within 5 %»."""
    with baseline_tree(tmp, commit) as base:
        if base is None:
            return None
        trees = {"now": ROOT, "base": base}
        caches = {k: tmp / f"cache-{k}" for k in trees}
        # The baseline kept its shipped config in config/ (a worktree's copy, not a clerk's).
        shipped = base / SHIPPED.relative_to(ROOT)
        configs = {"now": SHIPPED, "base": shipped if shipped.is_file() else base / "config" / "plan.yaml"}
        times: dict[str, list[float]] = {k: [] for k in trees}

        def build(k: str, i) -> float:
            t = time.perf_counter()
            subprocess.run([PY, "build_docs.py", "--config", str(configs[k]),
                            "--output", str(tmp / f"out-{k}-{i}")],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=trees[k],
                           env={**BASE_ENV, "PLAN_DOCS_CACHE": str(caches[k])})
            return time.perf_counter() - t

        for k in trees:
            build(k, "warm")
        for i in range(n):
            for k in (("now", "base") if i % 2 else ("base", "now")):
                times[k].append(build(k, i))
    return {"runs": n, "commit": commit, "now": statistics.median(times["now"]), "base": statistics.median(times["base"]),
            "ratio": spread(list(zip(times["now"], times["base"])))}


FALLBACK = r"""
import io, sys, time, zipfile
sys.path.insert(0, {root!r})
from pathlib import Path
from docxtpl import DocxTemplate
from generator import main, render
from generator.config import load_plan
from generator.templating import make_env
plan = load_plan({config!r})
_, jobs = main.plan_documents(plan)
ctx = next(c for k, _, c in jobs if k.template == "phu_luc.docx")
issued = main.issued_at(plan)
folder = Path({folder!r})
compiled = {{kind: render.compiled(folder / kind, "phu_luc.docx") for kind in ("splice", "fallback")}}
for c in compiled.values():
    c.render(ctx, issued)  # compiled and warm: what is paired is the render alone
out = {{"splice": [], "fallback": [], "docxtpl": []}}
for _ in range({n}):
    for kind, c in compiled.items():
        t = time.perf_counter()
        c.render(ctx, issued)
        out[kind].append(time.perf_counter() - t)
    t = time.perf_counter()
    tpl = DocxTemplate(str(folder / "splice" / "phu_luc.docx"))
    tpl.render(ctx, jinja_env=make_env())
    tpl.save(io.BytesIO())
    out["docxtpl"].append(time.perf_counter() - t)
print(out)
"""


def fallback_path(n: int, count: int, tmp: Path) -> dict:
    """The annex of `count` units rendered by the splice (the shipped template) and by the
    fallback (the same template with one paragraph re-binding a prefix below <w:body>, as Word
    and LibreOffice sometimes save it), alternated in one process; plain docxtpl beside them."""
    import ast
    import shutil
    import zipfile

    folder = tmp / "fallback"
    (folder / "splice").mkdir(parents=True)
    (folder / "fallback").mkdir()
    shutil.copy(ROOT / "templates" / "phu_luc.docx", folder / "splice" / "phu_luc.docx")
    with zipfile.ZipFile(ROOT / "templates" / "phu_luc.docx") as src:
        parts = [(i, src.read(i)) for i in src.infolist()]
    w14 = b"http://schemas.microsoft.com/office/word/2010/wordml"
    with zipfile.ZipFile(folder / "fallback" / "phu_luc.docx", "w", zipfile.ZIP_DEFLATED) as z:
        for info, body in parts:
            if info.filename == "word/document.xml":
                assert body.count(b"<w:body><w:p") == 1
                body = body.replace(b"<w:body><w:p", b'<w:body><w:p xmlns:wp14="' + w14 + b'"', 1)
            z.writestr(info, body)
    config = config_with_units(count, tmp / f"plan_fallback_{count}.yaml")
    res = subprocess.run([PY, "-c", FALLBACK.format(root=str(ROOT), config=str(config), folder=str(folder), n=n)],
                         check=True, capture_output=True, text=True, cwd=ROOT, env=BASE_ENV)
    times = ast.literal_eval(res.stdout.strip().splitlines()[-1])
    return {"units": count, "runs": n, "splice": statistics.median(times["splice"]),
            "fallback": statistics.median(times["fallback"]), "docxtpl": statistics.median(times["docxtpl"]),
            "ratio": spread(list(zip(times["fallback"], times["splice"])))}


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
        again = rebuilds(2 if args.quick else 21, tmp / "rebuilds")
        parts = changed_breakdown(2 if args.quick else 9, tmp / "breakdown")
        paired = against_baseline(1 if args.quick else 9, 5 if args.quick else 200, tmp / "baseline-pairs")
        cold_paired = [cold_against_baseline(2 if args.quick else 15, tmp / f"cold-{c}", c) for c in (BASELINE, BEFORE_STEPS)]
        fb = fallback_path(1 if args.quick else 5, 50 if args.quick else 2000, tmp)
    lines = [
        "# Benchmarks",
        "",
        f"Machine: {machine()}.  ",
        f"Command: `python benchmarks/bench.py{' --quick' if args.quick else ''}` ({time.strftime('%Y-%m-%d')}).",
        "",
        "| what | measured | target |",
        "|---|---|---|",
        f"| cold `python build_docs.py` into a new folder (everything rendered), median of {n_cold} | {c['build'] * 1000:.0f} ms = {c['ratio']:.2f}× the floor "
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
    lo, mid, hi = again["unchanged"]
    lines.append(f"| rebuild with nothing changed (nothing rendered), alternated with the floor | "
                 f"{again['unchanged_s'] * 1000:.0f} ms = {mid:.2f}× the floor (min–max {lo:.2f}–{hi:.2f}×) | ≤ 0.6× |")
    lo, mid, hi = again["changed"]
    lines.append(f"| cold build with a member count changed before each run | {again['changed_s'] * 1000:.0f} ms = "
                 f"{mid:.2f}× the floor ({again['floor_s'] * 1000:.0f} ms; min–max {lo:.2f}–{hi:.2f}×) | ≤ 1.3× |")
    lines.append(f"| the same, inside the build's own process, median of {parts['runs']} | Jinja, lxml and PyYAML "
                 f"{parts['libraries'] * 1000:.0f} ms; the project's modules {parts['own'] * 1000:.0f} ms, filelock "
                 f"{parts['filelock'] * 1000:.0f} ms, the work (config, contexts, render, fsynced write) "
                 f"{parts['work'] * 1000:.0f} ms; python-docx and docxtpl, which the floor imports on top of those "
                 f"libraries, {parts['docx'] * 1000:.0f} ms: the build "
                 f"{'imported them' if parts['docx_loaded'] else 'imports neither'} | |")
    lo, mid, hi = again["help"]
    lines.append(f"| `--help` | {mid:.2f}× the floor (min–max {lo:.2f}–{hi:.2f}×); imports "
                 f"{', '.join(again['help_imports']) or 'none of jinja2, lxml, docx, docxtpl, openpyxl'} | no jinja2, lxml, docx |")
    if paired:
        lo, mid, hi = paired["packs_ratio"]
        now, base = paired["packs_cpu"]
        lines.append(f"| packs for {paired['units']} units, CPU in one process, against {BASELINE} (issue 25's «today»), "
                     f"{paired['runs']} pairs | {now:.2f} s against {base:.2f} s = {mid:.2f}× (min–max {lo:.2f}–{hi:.2f}×) "
                     f"| ≤ 0.6× |")
        lo, mid, hi = paired["intake_ratio"]
        now, base = paired["intake"]
        lines.append(f"| intake of {paired['units']} lists, against {BASELINE}, {paired['runs']} pairs | {now:.2f} s against "
                     f"{base:.2f} s = {mid:.2f}× (min–max {lo:.2f}–{hi:.2f}×) | ≤ 0.8× |")
    elif not args.quick:
        lines.append(f"| packs and intake against {BASELINE} | not measured: no git worktree of {BASELINE} | |")
    for paired_cold, what in zip(cold_paired, (f"{BASELINE} (issue 23's «today»: two documents, no write lock)",
                                                f"{BEFORE_STEPS} (just before the steps: the same three documents)")):
        if paired_cold:
            lo, mid, hi = paired_cold["ratio"]
            lines.append(f"| cold build against {what}, {paired_cold['runs']} pairs, order alternated | "
                         f"{paired_cold['now'] * 1000:.0f} ms against {paired_cold['base'] * 1000:.0f} ms = {mid:.2f}× "
                         f"(min–max {lo:.2f}–{hi:.2f}×) | ≤ 1.05× |")
    lo, mid, hi = fb["ratio"]
    lines.append(f"| fallback render path (a prefix re-bound below `<w:body>`), annex of {fb['units']:,} units, "
                 f"{fb['runs']} pairs | {fb['fallback']:.2f} s against {fb['splice']:.2f} s for the splice = {mid:.2f}× "
                 f"(min–max {lo:.2f}–{hi:.2f}×); plain docxtpl {fb['docxtpl']:.2f} s | ≤ 1.5× |")
    report = "\n".join(lines) + "\n"
    notes = ROOT / "benchmarks" / "NOTES.md"
    if not args.quick and notes.is_file():
        report += "\n" + notes.read_text(encoding="utf-8")
    args.out.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
