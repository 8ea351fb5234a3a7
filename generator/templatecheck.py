"""Templates checked before they fill anything, in the clerk's words, each finding with the
paragraph (and header, footer or footnote) it sits in: tags left open, blocks without their
end, variables the config does not provide («Có phải ý là …?»), config values no template
uses, and tags in parts docxtpl never fills. `python build_docs.py kiem-tra-mau` prints the
findings; every build runs the same analysis first (render.py keeps its result with the
prepared template), so a broken template never fills half a document.

Also the text dump of a template (`xem-mau`), so a template's change reads in a diff.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable, NamedTuple

import jinja2
from jinja2 import nodes

from .findings import LOI, THONG_TIN, Finding
from .exceptions import TemplateError

# Names Jinja itself provides inside a template.
_BUILTIN = {"loop", "range", "dict", "lipsum", "cycler", "joiner", "namespace", "true", "false", "none",
            "True", "False", "None"}
ITEM = "[]"  # a path step into the elements of a list


class Ref(NamedTuple):
    """A value a template reads: its path from the context's top (ITEM for a list's element)."""
    path: tuple[str, ...]
    where: str  # part and paragraph


def paragraph_text(xml_line: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", xml_line).split())


def _where(label: str, text: str) -> str:
    return f"{label}, đoạn «{text[:100]}»" if text else label


def _blocks(label: str, lines: list[str]) -> list[Finding]:
    """Tags opened and not closed, read paragraph by paragraph (Word keeps a tag in one)."""
    out: list[Finding] = []
    stack: list[tuple[str, str]] = []
    for line in lines:
        text = paragraph_text(line)
        for opener, closer in (("{{", "}}"), ("{%", "%}")):
            if text.count(opener) > text.count(closer):
                out.append(Finding("the_mo", LOI, _where(label, text),
                                   f"thẻ «{opener} …» mở mà không đóng bằng «{closer}» trong cùng đoạn."))
            elif text.count(closer) > text.count(opener):
                out.append(Finding("the_dong", LOI, _where(label, text),
                                   f"«{closer}» đóng một thẻ không có «{opener}» mở trước nó."))
        for m in re.finditer(r"\{%-?\s*(if|for|endif|endfor)\b", text):
            word = m.group(1)
            if word in ("if", "for"):
                stack.append((word, text))
            elif any(opened == word[3:] for opened, _ in stack):
                # Blocks opened inside this one and never closed are the fault, not this end.
                while stack[-1][0] != word[3:]:
                    out.append(_unclosed(label, *stack.pop()))
                stack.pop()
            else:
                out.append(Finding("khoi", LOI, _where(label, text),
                                   f"«{{% {word} %}}» không có «{{% {word[3:]} … %}}» mở trước nó."))
    out += [_unclosed(label, word, text) for word, text in stack]
    return out


def _unclosed(label: str, word: str, text: str) -> Finding:
    return Finding("khoi", LOI, _where(label, text),
                   f"«{{% {word} … %}}» không có «{{% end{word} %}}» đóng lại (mỗi {{% {word} %}} cần một "
                   f"{{% end{word} %}}, ở đoạn riêng nếu là {{%p {word} %}}).")


def _path(node: nodes.Node, scope: dict) -> tuple[str, ...] | None:
    if isinstance(node, nodes.Name):
        return scope.get(node.name, (node.name,))
    if isinstance(node, nodes.Getattr):
        base = _path(node.node, scope)
        return base + (node.attr,) if base else None
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
        base = _path(node.node, scope)
        return base + (node.arg.value,) if base else None
    return None


def references(ast: nodes.Template) -> list[tuple[tuple[str, ...], int]]:
    """Every value path the template reads, with its line; a loop's variable stands for an
    element of what it loops over (`for t in tiers`: t.lower is tiers[].lower)."""
    found: list[tuple[tuple[str, ...], int]] = []

    def visit(node: nodes.Node, scope: dict) -> None:
        if isinstance(node, nodes.For):
            visit(node.iter, scope)
            inner = dict(scope)
            source = _path(node.iter, scope)
            targets = [node.target] if isinstance(node.target, nodes.Name) else list(node.target.find_all(nodes.Name))
            for t in targets:
                inner[t.name] = source + (ITEM,) if source and len(targets) == 1 else ("?",)
            for child in node.body + node.else_:
                visit(child, inner)
            if node.test is not None:
                visit(node.test, inner)
            return
        if isinstance(node, nodes.Assign) and isinstance(node.target, nodes.Name):
            visit(node.node, scope)
            scope[node.target.name] = _path(node.node, scope) or ("?",)
            return
        if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            path = _path(node, scope)
            if path and path[0] not in _BUILTIN and path[0] != "?":
                found.append((path, node.lineno))
                if isinstance(node, nodes.Getitem):
                    visit(node.arg, scope)
                return
        for child in node.iter_child_nodes():
            visit(child, scope)

    visit(ast, {})
    return found


def analyse(template: str, parts: list[tuple[str, str]], unfilled: list[tuple[str, str, str]],
            env: jinja2.Environment) -> tuple[list[Finding], list[Ref]]:
    """`parts`: (label, docxtpl-patched source with one paragraph a line) of every part that is
    filled; `unfilled`: (what, part name, patched xml) of parts docxtpl never fills."""
    findings: list[Finding] = []
    refs: list[Ref] = []
    for label, source in parts:
        lines = source.splitlines()
        found = _blocks(label, lines)
        findings += found
        try:
            ast = env.parse(source)
        except jinja2.TemplateSyntaxError as err:
            if not found:  # the paragraph scan above names the place better when it found it
                text = paragraph_text(lines[err.lineno - 1]) if err.lineno and err.lineno <= len(lines) else ""
                findings.append(Finding("cu_phap", LOI, _where(label, text), f"thẻ hỏng: {err.message}."))
            continue
        for path, lineno in references(ast):
            text = paragraph_text(lines[lineno - 1]) if lineno and lineno <= len(lines) else ""
            refs.append(Ref(path, _where(label, text)))
    for what, part, xml in unfilled:
        for line in re.sub(r"<w:p([ >])", r"\n<w:p\1", xml).splitlines():
            text = paragraph_text(line)
            tag = re.search(r"\{\{.*?\}\}|\{%.*?%\}|\{\{|\{%", text)
            if tag:
                findings.append(Finding("phan_khong_dien", LOI, _where(f"{what} ({part})", text),
                                        f"thẻ «{tag.group(0)}» ở phần này không được điền, sẽ in nguyên ra văn bản. "
                                        "Chuyển thẻ vào thân văn bản, đầu/chân trang hoặc chú thích chân trang."))
    return [Finding(f.rule, f.severity, f"{template}: {f.location}", f.message) for f in findings], refs


def _dotted(path: Iterable[str]) -> str:
    return ".".join(p for p in path if p != ITEM)


def missing(template: str, refs: list[Ref], ctx: dict[str, Any]) -> list[Finding]:
    """A path the context does not hold, with the nearest name it does hold."""
    import difflib  # only when a build or a check has something to suggest

    out, seen = [], set()
    for ref in refs:
        value: Any = ctx
        for i, step in enumerate(ref.path):
            if step == ITEM:
                if not isinstance(value, (list, tuple)) or not value:
                    break  # an empty list: nothing to compare with
                value = value[0]
            elif isinstance(value, dict):
                if step in value:
                    value = value[step]
                    continue
                wrong = _dotted(ref.path[:i + 1])
                if wrong in seen:
                    break
                seen.add(wrong)
                near = difflib.get_close_matches(step, [str(k) for k in value], n=1, cutoff=0.6)
                hint = f" Có phải ý là «{_dotted(ref.path[:i] + (near[0],))}»?" if near else ""
                out.append(Finding("bien", LOI, f"{template}: {ref.where}",
                                   f"«{wrong}» không có trong cấu hình.{hint}"))
                break
            else:
                break  # a method of a text or a number (upper, …): Jinja's own business
    return out


# Read by a build step after the template (certificate.py places the boxes), not by a template.
NOT_FOR_TEMPLATES = ("layout",)


def unused(refs: list[Ref], ctx: dict[str, Any]) -> list[Finding]:
    """Config values no template reads: each field of `fields:`, and each top-level value."""
    read = {r.path[:2] for r in refs} | {r.path[:1] for r in refs}
    out = []
    for key, value in ctx.items():
        if key in NOT_FOR_TEMPLATES:
            continue
        if key == "fields":
            for name in value:
                if ("fields", name) not in read and ("fields",) not in {r.path for r in refs}:
                    out.append(Finding("khong_dung", THONG_TIN, f"fields.{name}",
                                       "giá trị này trong cấu hình không được mẫu nào dùng."))
        elif (key,) not in read:
            out.append(Finding("khong_dung", THONG_TIN, key, "giá trị này trong cấu hình không được mẫu nào dùng."))
    return out


def refuse(problems: list[Finding]) -> None:
    """Stop with every missing value named, the same message from a build and from a render."""
    if problems:
        lines = dict.fromkeys(f"  - mẫu {f.location}: {f.message}" for f in problems)
        raise TemplateError("mẫu dùng biến không có trong cấu hình:\n" + "\n".join(lines) +
                            "\nSửa thẻ {{ ... }} trong mẫu hoặc thêm dữ liệu vào cấu hình "
                            "(kiểm tra: python build_docs.py kiem-tra-mau).")


def report(findings: list[Finding]) -> str:
    lines = [f"  {f.severity.upper()}: {f.location}: {f.message}" for f in findings]
    errors = sum(f.severity == LOI for f in findings)
    notes = sum(f.severity == THONG_TIN for f in findings)
    lines.append(f"  Tóm tắt: {errors} lỗi, {notes} thông tin.")
    return "\n".join(lines)


# -- the text dump ---------------------------------------------------------------------------------

def dump(path: Path) -> str:
    """Each paragraph with its style name, its text and tags as typed, and **bold** / _italic_
    where a run sets them itself: what a reviewer needs to read a template's change in a diff.
    For an Excel template, every cell that holds something, sheet by sheet."""
    if path.suffix.lower() == ".xlsx":
        return _dump_workbook(path)
    import docx  # python-docx: only when a template is prepared, not loaded from the cache
    from docx.oxml.ns import qn

    doc = docx.Document(str(path))
    lines = [f"# {path.name}"]

    def para(p, prefix: str) -> None:
        text = ""
        for run in p.runs:
            t = run.text
            if t.strip() and run.bold:
                t = f"**{t}**"
            if t.strip() and run.italic:
                t = f"_{t}_"
            text += t
        text = text.replace("\n", " ↵ ")  # a line break inside the paragraph: one paragraph, one line
        lines.append(f"{prefix}[{p.style.name}] {text}".rstrip())

    def block(container, prefix: str) -> None:
        from docx.table import Table, _Cell  # python-docx: only when a template is prepared, not loaded from the cache
        from docx.text.paragraph import Paragraph

        for child in container._element.iterchildren():
            if child.tag == qn("w:p"):
                para(Paragraph(child, container), prefix)
            elif child.tag == qn("w:tbl"):
                table = Table(child, container)
                for ri, tr in enumerate(child.tr_lst, 1):  # each cell once, merged or not
                    for ci, tc in enumerate(tr.tc_lst, 1):
                        block(_Cell(tc, table), f"{prefix}bảng · hàng {ri} · ô {ci} · ")

    lines.append("## thân văn bản")
    block(doc._body, "")
    seen = set()
    for i, section in enumerate(doc.sections, 1):
        for label, part in (("đầu trang", section.header), ("đầu trang trang 1", section.first_page_header),
                            ("đầu trang chẵn", section.even_page_header), ("chân trang", section.footer),
                            ("chân trang trang 1", section.first_page_footer), ("chân trang chẵn", section.even_page_footer)):
            if part.is_linked_to_previous or id(part.part) in seen:
                continue
            seen.add(id(part.part))
            lines.append(f"## {label} (mục {i})")
            block(part, "")
    return "\n".join(lines) + "\n"


def _dump_workbook(path: Path) -> str:
    from openpyxl import load_workbook  # openpyxl: only when a workbook is read or made

    wb = load_workbook(path)
    lines = [f"# {path.name}"]
    for ws in wb.worksheets:
        lines.append(f"## trang «{ws.title}»" + (" (khóa)" if ws.protection.sheet else ""))
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    marks = "**" if cell.font and cell.font.b else ""
                    lines.append(f"{cell.coordinate} {marks}{cell.value}{marks}")
        if ws.merged_cells.ranges:
            lines.append("gộp ô: " + ", ".join(sorted(str(r) for r in ws.merged_cells.ranges)))
    return "\n".join(lines) + "\n"
