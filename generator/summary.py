"""What each step says when it is done, in the command line's words: the lines steps.run_step
returns. Pure: records in, lines out; nothing here imports the build."""
from __future__ import annotations

from .findings import LOI
from .formatting import thousands

UNCHANGED = "Không có gì thay đổi so với lần tạo trước; các văn bản vẫn là:"


def written(result, request=None, heading: str = "Đã ghi:") -> list[str]:
    """The documents a step wrote, as the clerk looks for them (not the set's own hidden manifest)."""
    return [heading] + [f"  {path}" for path in result.written if not path.name.startswith(".")]


def table(result) -> list[str]:
    rows = result.allocation.rows
    width = max([len(r.name) for r in rows] + [len("Đơn vị")])
    lines = [f"{'STT':>3}  {'Đơn vị':<{width}}  {'Đoàn viên':>10}  {'Tập thể':>7}  {'Cá nhân':>7}"]
    for r in rows:
        lines.append(f"{r.stt:>3}  {r.name:<{width}}  {thousands(r.members):>10}  {r.collectives:>7}  {r.individuals:>7}")
    t = result.allocation.totals
    prov = result.plan.provincial_row
    lines.append(f"{'':>3}  {'Tổng cộng':<{width}}  {'':>10}  {t.collectives:>7}  {t.individuals:>7}  = {t.awards}")
    lines.append(f"{len(rows) + 1:>3}  {prov.name:<{width}}  {'':>10}  {prov.text}  + {t.provincial}")
    lines.append(f"{'':>3}  {'Tổng số khen thưởng':<{width}}  {'':>10}  {'':>7}  {'':>7}  = {t.grand_total}")
    return lines


def changes(result) -> list[str]:
    if result.old_totals is None:
        return []
    if not result.changes and result.old_totals.get("grand_total") == result.allocation.totals.grand_total:
        return ["So với lần tạo trước: không đơn vị nào thay đổi số lượng phân bổ."]
    lines = ["So với lần tạo trước:"]
    for c in result.changes:
        if c.old is None:
            lines.append(f"  + {c.name}: đơn vị mới, {c.new[0]} tập thể, {c.new[1]} cá nhân")
        elif c.new is None:
            lines.append(f"  - {c.name}: đã bỏ (trước đây {c.old[0]} tập thể, {c.old[1]} cá nhân)")
        else:
            parts = []
            if c.old[0] != c.new[0]:
                parts.append(f"tập thể {c.old[0]} → {c.new[0]}")
            if c.old[1] != c.new[1]:
                parts.append(f"cá nhân {c.old[1]} → {c.new[1]}")
            lines.append(f"  * {c.name}: " + ", ".join(parts))
    o, t = result.old_totals, result.allocation.totals
    lines.append(f"  Tổng: tập thể {o['collectives']} → {t.collectives}, cá nhân {o['individuals']} → "
                 f"{t.individuals}, cộng {o['awards']} → {t.awards}, tổng chung {o['grand_total']} → {t.grand_total}")
    return lines


def plan(result, request) -> list[str]:
    lines = table(result)
    lines += ["Cảnh báo: " + w.render(str(request.config)) for w in result.plan.warnings]
    lines += changes(result)
    return lines + written(result, heading=UNCHANGED if result.unchanged and not request.option("pdf") else "Đã ghi:")


def packs(result, request) -> list[str]:
    shown = [p for p in result.written if not p.name.startswith(".")]  # not the set's hidden stamp
    return [f"{'Không có gì thay đổi, giữ' if result.unchanged else 'Đã ghi'} {len(shown)} tệp hồ sơ của "
            f"{len(result.allocation.rows) + 1} đơn vị trong {request.output / 'ho_so'}."]


def intake(result, request) -> list[str]:
    from .intake import table_text  # lxml: only for the award cycle's steps
    from .sheets import KINDS_TEXT

    lines = [table_text(result.table)]
    lines += ["LỖI: " + problem.render() for problem in result.problems]
    lines += ["Thông tin: " + note.render() for note in result.notes]
    if result.not_lists:
        lines.append(f"Không đọc (không phải danh sách {KINDS_TEXT}): " + ", ".join(result.not_lists))
    return lines + written(result)


def stale(request) -> list[str]:
    """The config changed after intake: said before the decision (or the chase letter) is
    judged against it."""
    from .config import load_plan  # the build (yaml, the registry): not for --help
    from .intake import stale as changed_since

    plan_ = load_plan(request.config)
    return ["Cảnh báo: " + line for line in (changed_since(plan_, request.output) if plan_.nominations else [])]


def decision(result, request) -> list[str]:
    a = result.awards
    lines = [f"Chưa đưa vào Quyết định: {name} ({status})." for name, status in a.missing]
    lines += [f"Chưa đủ số lượng, đưa vào những gì đã nhận: {name} ({status})." for name, status in a.partial]
    lines.append(f"Quyết định: {len(a.collectives):02d} tập thể và {len(a.individuals):02d} cá nhân "
                 f"của {len({x.unit for x in a.all})} đơn vị.")
    return lines + written(result)


def certificates(result, request) -> list[str]:
    c = result.plan.certificates
    return ([f"Bằng khen: {len(result.awards.all)} bản, kiểu in «{c.mode}», khổ {c.paper} ngang."]
            + list(result.notes) + written(result))


def chase(result, request) -> list[str]:
    if not result.chased:
        return ["Không có đơn vị nào cần đôn đốc: lần tiếp nhận gần nhất, mọi đơn vị đều «đủ» "
                "(hoặc chỉ còn Cơ quan LĐLĐ tỉnh)."]
    return ([f"Công văn đôn đốc {len(result.chased)} đơn vị: "
             + ", ".join(f"{u['name']} ({u['status']})" for u in result.chased) + "."] + written(result))


def check_reports(reports, request) -> list[str]:
    from .checker.report import as_json, as_text  # the checker: only when a file is checked

    return [as_json(reports) if request.option("format", "text") == "json" else as_text(reports)]


def check_code(reports) -> int:
    from .checker.report import exit_code  # the checker: only when a file is checked

    return exit_code(reports)


def template_findings(findings, request) -> list[str]:
    from .templatecheck import report  # Jinja: only once something is rendered or checked

    return [report(findings)]


def template_code(findings) -> int:
    return 1 if any(f.severity == LOI for f in findings) else 0


def dumped(result, request) -> list[str]:
    """The template's text, or where it was saved."""
    return [f"Đã ghi {result}"] if request.option("save") else [result.rstrip("\n")]
