"""NĐ 30's rules for the page (paper, margins, font, colour, page numbers) and the header (the
bodies, the number, the Quốc hiệu and tiêu ngữ), registered with rulebook.rule."""
from __future__ import annotations

import re

from ..findings import LOI, LUU_Y, THONG_TIN, Finding
from .docmodel import Document, Para
from .elements import squash
from .rulebook import (
    FONT,
    NO_HEADER,
    NO_SIGNER_BLOCK,
    PUNCT_NOTE,
    NotEvaluated,
    _format,
    _need,
    _size_ok,
    _sizes,
    at,
    rule,
    rule_below,
)


def _holds_annex_or_table(doc: Document, section) -> bool:
    """A landscape section is what NĐ 30 allows for an annex or a wide table."""
    later = [s.first_paragraph for s in doc.sections if s.index > section.index]
    paras = doc.paragraphs[section.first_paragraph:later[0] if later else None]
    return any(p.table is not None or re.match(r"(?i)phụ\s+lục\b", squash(p.text)) for p in paras)


@rule("kho_giay", "Khổ giấy A4, hướng dọc")
def _paper(ctx):
    out = []
    for s in ctx.doc.sections:
        if s.width_mm is None:
            continue
        short, long_ = sorted((s.width_mm, s.height_mm))
        if abs(short - 210) > 1 or abs(long_ - 297) > 1:
            out.append(Finding("kho_giay", LOI, f"mục {s.index + 1}",
                               f"khổ giấy {s.width_mm:.0f} × {s.height_mm:.0f} mm; NĐ 30: A4 (210 × 297 mm)."))
        elif s.landscape and not _holds_annex_or_table(ctx.doc, s):
            out.append(Finding("kho_giay", LUU_Y, f"mục {s.index + 1}",
                               "trang nằm ngang: chỉ dùng cho phụ lục hoặc bảng biểu rộng."))
    return out


@rule("le_trang", "Lề trang: trên, dưới 20–25 mm; trái 30–35 mm; phải 15–20 mm")
def _margins(ctx):
    limits = {"top": ("trên", 20, 25), "bottom": ("dưới", 20, 25), "left": ("trái", 30, 35), "right": ("phải", 15, 20)}
    # A landscape page is the portrait sheet turned: its bound edge (trái, 30–35 mm) is on top, so
    # the limits turn with it: trên 30–35, dưới 15–20, trái and phải 20–25 mm.
    turned = {"top": ("trên", 30, 35), "bottom": ("dưới", 15, 20), "left": ("trái", 20, 25),
              "right": ("phải", 20, 25)}
    # One finding per departure, naming every section it is in: a document of many sections with
    # the same margins says it once.
    found: dict[str, list[str]] = {}
    for s in ctx.doc.sections:
        for side, (name, lo, hi) in (turned if s.landscape else limits).items():
            v = s.margins_mm.get(side)
            if v is not None and not lo - 0.3 <= v <= hi + 0.3:
                found.setdefault(f"lề {name} {v:.1f} mm; NĐ 30: {lo}–{hi} mm"
                                 + (" (trang nằm ngang: lề của tờ giấy xoay theo)." if s.landscape else "."),
                                 []).append(str(s.index + 1))
    return [Finding("le_trang", LOI, "mục " + ", ".join(where), message) for message, where in found.items()]


def _printed_parts(doc: Document) -> list[tuple[str, Para]]:
    """(part, paragraph) of every header and footer Word prints (Document.shown)."""
    shown = sorted(doc.shown_parts("headers") | doc.shown_parts("footers"))
    return [(part, p) for part in shown for p in doc.part_paragraphs.get(part, [])]


@rule("phong_chu", "Phông chữ Times New Roman")
def _font(ctx):
    doc = ctx.doc
    bad: dict[str, list[Para]] = {}
    where = {id(p): part for part, p in _printed_parts(doc)}  # header and footer paragraphs: by their part
    for p in doc.paragraphs + [p for _, p in _printed_parts(doc)]:
        for f in p.fonts:
            if f != FONT:
                bad.setdefault(f, []).append(p)
    at_ = lambda p: f"{where[id(p)]}, {at(p)}" if id(p) in where else at(p)  # noqa: E731
    out = []
    for f, ps in bad.items():
        if re.fullmatch(FONT + r" (Bold|Italic|Bold Italic)", f):
            # No font family has that name: Word and LibreOffice both print it in another font.
            out.append(Finding("phong_chu", LOI, at_(ps[0]), f"{len(ps)} đoạn ghi phông «{f}», không có phông nào tên "
                               f"như vậy nên chữ in ra bằng phông khác; dùng {FONT} và đặt đậm/nghiêng."))
        else:
            out.append(Finding("phong_chu", LOI, at_(ps[0]), f"{len(ps)} đoạn dùng phông {f}; NĐ 30: {FONT} (bộ mã Unicode)."))
    return out


@rule("mau_chu", "Chữ màu đen")
def _colour(ctx):
    doc = ctx.doc
    coloured: dict[str, list[Para]] = {}
    for p in doc.paragraphs + [p for _, p in _printed_parts(doc)]:
        for r in p.runs:
            if r.color and r.text.strip():
                coloured.setdefault(r.color, []).append(p)
                break
    return [Finding("mau_chu", LOI, at(ps[0]), f"{len(ps)} đoạn có chữ màu #{c} (theo thuộc tính chữ); NĐ 30: chữ "
                    "màu đen.") for c, ps in coloured.items()]


@rule("so_trang", "Số trang: từ trang 2, giữa lề trên, không có ở trang 1")
def _page_numbers(ctx):
    # Only the headers and footers Word prints count (Document.shown): a footer referenced as
    # `even` in a document without evenAndOddHeaders is never seen, whatever it holds.
    doc, out = ctx.doc, []
    has = doc.header_has_page_field
    headers = sorted(h for h in doc.shown_parts("headers") if has(h))
    in_footer = sorted(f for f in doc.shown_parts("footers") if has(f))
    if getattr(ctx.rendered, "page_count", None) == 1:
        # One page prints only page 1's footer: under titlePg that is the first-page one (or none),
        # so a page number in the default footer is never printed.
        in_footer = [f for f in in_footer if f == doc.shown(doc.sections[0], "footers")["first"]]
    if in_footer:
        out.append(Finding("so_trang", LOI, in_footer[0], "số trang ở chân trang; NĐ 30: giữa, ở phần lề trên."))
    if not headers and not in_footer:
        pages = getattr(ctx.rendered, "page_count", None)
        if pages == 1:
            return []
        sev = LOI if pages else LUU_Y
        more = f" (văn bản có {pages} trang)" if pages else " (đúng nếu văn bản chỉ có một trang)"
        return [Finding("so_trang", sev, "đầu trang", "không có số trang" + more + ".")]
    if has(doc.shown(doc.sections[0], "headers")["first"]):
        out.append(Finding("so_trang", LOI, "đầu trang 1", "trang 1 có số trang; NĐ 30: không đánh số trang 1."))
    for s in doc.sections:
        shown = doc.shown(s, "headers")
        odd, even = has(shown["odd"]), has(shown["even"])
        where = f"mục {s.index + 1}"
        if even and not odd:
            out.append(Finding("so_trang", LOI, where, "chỉ trang chẵn có số trang; các trang lẻ (3, 5, …) không có."))
        elif odd and not even:
            out.append(Finding("so_trang", LOI, where, "trang chẵn không có số trang (đầu trang chẵn thiếu trường PAGE)."))
        elif not odd and not even and headers:
            out.append(Finding("so_trang", LOI, where, "các trang của mục này không có số trang."))
        if (s.index > 0 and s.title_page and s.new_page and odd and not has(shown["first"])
              and not _opens_annex(doc, s)):
            # Under titlePg a section's first page shows its first-page header, and there is
            # none with a number: page 1 of the document is meant so, a later section's is not.
            out.append(Finding("so_trang", LOI, where, "trang đầu của mục này không có số trang (mục đặt «trang đầu khác» "
                               "mà đầu trang đầu không có trường PAGE)."))
    for part in headers:
        for p in doc.page_field_paragraphs(part):
            if p.alignment != "center":
                out.append(Finding("so_trang", LOI, part, "số trang phải căn giữa trong lề trên."))
            if p.sizes and not _size_ok(p, 13, 14):
                out.append(Finding("so_trang", LOI, part, f"số trang cỡ 13–14; đang là {_sizes(p)}{PUNCT_NOTE}."))
    return out


def _opens_annex(doc: Document, s) -> bool:
    """An annex starts the section: its own first page is numbered as the document's page 1 is."""
    first = next((p for p in doc.paragraphs[s.first_paragraph:] if p.text.strip()), None)
    return first is not None and bool(re.match(r"(?i)phụ\s+lục\b", squash(first.text)))


@rule("so_trang_phu_luc", "Phụ lục kèm theo (nếu có) đánh số trang riêng", skip=NO_SIGNER_BLOCK)
def _annex_page_numbers(ctx):
    doc, el = ctx.doc, ctx.el
    if el.noi_nhan is None:
        raise NotEvaluated("không tìm thấy khối chữ ký, nên không biết phụ lục bắt đầu từ đâu")
    end = max(p.index for p in doc.paragraphs if p.table == el.noi_nhan.table) if el.noi_nhan.table is not None \
        else el.noi_nhan.index
    annex = next((p for p in doc.paragraphs[end + 1:]
                  if p.table is None and re.match(r"(?i)phụ\s+lục\b", squash(p.text))), None)
    if annex is None:
        return []
    section = [s for s in doc.sections if s.first_paragraph <= annex.index][-1]
    shown = doc.shown(section, "headers")
    if not any(doc.header_has_page_field(shown[k]) for k in ("odd", "even")):
        return []  # the annex's pages carry no number at all
    starts_section = not any(p.text.strip() for p in doc.paragraphs[section.first_paragraph:annex.index])
    if starts_section and section.page_start is not None:
        return []
    if ctx.rendered is not None:
        # A one-page annex on the last page prints no number of its own: nothing numbered on.
        first = ctx.rendered.page_of(annex.text)
        if first is not None and first == ctx.rendered.page_count:
            return []
    return [Finding("so_trang_phu_luc", LOI, at(annex),
                    "phụ lục đánh số trang nối tiếp văn bản chính; NĐ 30: số trang của phụ lục đánh riêng "
                    "theo từng phụ lục (đặt phụ lục ở mục mới, sau ngắt mục, và đánh số lại từ 1).")]


@rule("co_quan_chu_quan", "Tên cơ quan chủ quản: in hoa, 12–13, đứng", skip=NO_HEADER)
def _parent(ctx):
    p = _need(ctx.el.parent_body, "tên cơ quan chủ quản (dòng trên tên cơ quan ban hành)")
    return _format("co_quan_chu_quan", p, "tên cơ quan chủ quản", 12, 13, bold=False, upper=True)


@rule("co_quan_ban_hanh", "Tên cơ quan ban hành: in hoa, 12–13, đậm, có đường kẻ dưới", skip=NO_HEADER)
def _issuer(ctx):
    ps = _need(ctx.el.issuing_body, "tên cơ quan ban hành (ô trái, trên dòng Số)")
    out = []
    for p in ps:
        out += _format("co_quan_ban_hanh", p, "tên cơ quan ban hành", 12, 13, bold=True, upper=True)
    if not rule_below(ctx.doc, ps[-1]):
        out.append(Finding("co_quan_ban_hanh", LUU_Y, at(ps[-1]),
                           "không thấy đường kẻ ngang dưới tên cơ quan ban hành (1/3–1/2 độ dài dòng chữ)."))
    return out


@rule("so_ky_hieu_the_thuc", "Dòng Số, ký hiệu: cỡ 13, đứng, căn giữa", skip=NO_HEADER)
def _number_format(ctx):
    p = _need(ctx.el.number, "dòng «Số:»")
    return _format("so_ky_hieu_the_thuc", p, "dòng số, ký hiệu", 13, 13, bold=False, italic=False)


@rule("so_ky_hieu", "Số và ký hiệu: số dưới 10 có số 0 đứng trước; gạch chéo, gạch nối, không dấu cách", skip=NO_HEADER)
def _number_text(ctx):
    p = _need(ctx.el.number, "dòng «Số:»")
    text = p.text.replace("\u00a0", " ")
    m = re.match(r"\s*Số\s*(:?)(?P<num>[^/]*?)(?P<gap>\s*)/(?P<code>.*)$", text)
    if not m:
        return [Finding("so_ky_hieu", LOI, at(p), "không đọc được số và ký hiệu; dạng đúng: «Số: 05/KH-LĐLĐ».")]
    out = []
    if not m.group(1):
        out.append(Finding("so_ky_hieu", LOI, at(p), "thiếu dấu hai chấm sau «Số»."))
    num, code = m.group("num").strip(), m.group("code").strip()
    if not num.strip(" ._…"):
        out.append(Finding("so_ky_hieu", THONG_TIN, at(p), "số văn bản để trống cho văn thư điền khi ban hành."))
    elif not num.isdigit():
        out.append(Finding("so_ky_hieu", LOI, at(p), f"số «{num}» phải là chữ số Ả Rập."))
    else:
        if int(num) < 10 and len(num) < 2:
            out.append(Finding("so_ky_hieu", LOI, at(p), f"số {num} nhỏ hơn 10 phải có số 0 phía trước: «0{num}»."))
        if m.group("gap"):
            out.append(Finding("so_ky_hieu", LOI, at(p), "không để dấu cách giữa số và dấu gạch chéo."))
    if re.search(r"\s", code) or not code:
        out.append(Finding("so_ky_hieu", LOI, at(p), f"ký hiệu «{code}» không được có dấu cách (ví dụ «KH-LĐLĐ»)."))
    return out


@rule("quoc_hieu", "Quốc hiệu: CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM, in hoa, 12–13, đậm", skip=NO_HEADER)
def _motto_country(ctx):
    p = _need(ctx.el.quoc_hieu, "Quốc hiệu")
    out = _format("quoc_hieu", p, "Quốc hiệu", 12, 13, bold=True, upper=True)
    if "HOÀ" in squash(p.text).upper():
        out.append(Finding("quoc_hieu", LUU_Y, at(p), "viết «HOÀ»; mẫu của NĐ 30 viết «HÒA» (cả hai cách bỏ dấu đều được chấp nhận)."))
    return out


@rule("tieu_ngu", "Tiêu ngữ: «Độc lập - Tự do - Hạnh phúc», 13–14, đậm, gạch dưới", skip=NO_HEADER)
def _motto(ctx):
    p = _need(ctx.el.tieu_ngu, "Tiêu ngữ")
    out = _format("tieu_ngu", p, "Tiêu ngữ", 13, 14, bold=True)
    text = squash(p.text)
    if text != "Độc lập - Tự do - Hạnh phúc":
        if re.search("[–—]", text):
            why = "dùng gạch dài (–); giữa các cụm từ là gạch nối (-) có dấu cách hai bên"
        elif re.search(r"\S-|-\S", text):
            why = "thiếu dấu cách hai bên gạch nối"
        else:
            why = "sai chữ hoặc cách viết hoa"
        out.append(Finding("tieu_ngu", LOI, at(p), f"Tiêu ngữ {why}; đúng là «Độc lập - Tự do - Hạnh phúc»."))
    if not rule_below(ctx.doc, p):
        out.append(Finding("tieu_ngu", LUU_Y, at(p), "không thấy đường kẻ ngang liền dưới Tiêu ngữ."))
    return out


# NĐ 30 Mẫu 1.9: a Biên bản has no place-and-date line; its time is in the body («Thời gian bắt đầu»).
