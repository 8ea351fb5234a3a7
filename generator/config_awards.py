"""The config's `decision:` and `certificates:` sections, read with config_reader's reader so every
mistake names its field and line like the rest of the file."""
from __future__ import annotations

import re

import yaml

from .config_reader import normal_name, read_plan_date, read_recipients, read_signer
from .model import Box, Certificates, Decision, LegalBasis, Nominations, PlanDate, PrizeAmounts

PAPERS = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}  # landscape, mm
MODES = ("full", "overlay")
# Which columns of a unit's list the decision and the certificates read.
ROLES = {"collective_columns": ("name", "unit"), "individual_columns": ("name", "gender", "position", "unit")}
# A Căn cứ line citing a law on thi đua, khen thưởng (the line opens with it; a later mention, as
# in «… của Luật Thi đua, Khen thưởng», is not the law itself): one must be in force.
_TDKT_LAW = re.compile(r"\s*(căn cứ\s+)?luật thi đua,? khen thưởng\b", re.IGNORECASE)


def decision(r, node: yaml.Node, field: str, nominations: Nominations | None) -> Decision | None:
    v = r.mapping(node, field, ("authority", "code", "number", "date", "proposer", "proposer_code",
                                "proposer_signer", "campaign", "prize", "executors", "legal_basis", "recipients",
                                "collective_columns", "individual_columns"), ("prize_amounts",))
    if v is None:
        return None
    code = r.get(v, "code", field, r.text)
    if code and " " in code:
        r.fail(v["code"], f"{field}.code", "ký hiệu văn bản không có dấu cách (ví dụ QĐ-LĐLĐ).")
    columns = {}
    for key, roles in ROLES.items():
        listed = getattr(nominations, key, None) if nominations else None
        columns[key] = r.get(v, key, field, lambda n, f, roles=roles, listed=listed: _roles(r, n, f, roles, listed))
    return Decision(
        authority=r.get(v, "authority", field, r.text),
        code=code,
        number=r.get(v, "number", field, lambda n, f: r.whole(n, f, minimum=1), default=None),
        date=r.get(v, "date", field, lambda n, f: read_plan_date(r, n, f)),
        proposer=r.get(v, "proposer", field, r.text),
        proposer_code=r.get(v, "proposer_code", field, r.text),
        proposer_signer=r.get(v, "proposer_signer", field, lambda n, f: read_signer(r, n, f, own_name=True)),
        campaign=r.get(v, "campaign", field, r.text),
        prize=r.get(v, "prize", field, r.text),
        executors=r.get(v, "executors", field, r.text),
        legal_basis=r.get(v, "legal_basis", field, lambda n, f: _legal_basis(r, n, f)),
        recipients=r.get(v, "recipients", field, lambda n, f: read_recipients(r, n, f)),
        collective_columns=columns["collective_columns"],
        individual_columns=columns["individual_columns"],
        prize_amounts=r.get(v, "prize_amounts", field, lambda n, f: _prize_amounts(r, n, f), default=None),
    )


# No prize the Quy chế sets comes near this; more is a typing slip (a zero too many).
MAX_PRIZE = 1_000_000_000


def _prize_amounts(r, node, field) -> PrizeAmounts | None:
    v = r.mapping(node, field, ("tap_the", "ca_nhan"), ("thousand",))
    if v is None:
        return None
    collective, individual = (r.get(v, k, field, lambda n, f: r.whole(n, f, minimum=1, maximum=MAX_PRIZE))
                              for k in ("tap_the", "ca_nhan"))
    thousand = r.get(v, "thousand", field, lambda n, f: _choice(r, n, f, ("nghìn", "ngàn")), default="nghìn")
    if None in (collective, individual, thousand):
        return None
    return PrizeAmounts(collective, individual, thousand)


def _roles(r, node, field, roles, listed) -> dict | None:
    v = r.mapping(node, field, ("name", "unit"), tuple(x for x in roles if x not in ("name", "unit")))
    if v is None:
        return None
    names = {normal_name(c.name): c.name for c in listed or ()}
    out = {}
    for role, value in v.items():
        text = r.text(value, f"{field}.{role}")
        if text is None:
            continue
        if listed is not None and normal_name(text) not in names:
            r.fail(value, f"{field}.{role}", f"cột «{text}» không có trong danh sách đề nghị (nominations): "
                   f"{', '.join(names.values())}.")
            continue
        out[role] = names.get(normal_name(text), text)
    return out


def _legal_basis(r, node, field) -> tuple[LegalBasis, ...] | None:
    items = r.items(node, field, "cần ít nhất một dòng Căn cứ.")
    if items is None:
        return None
    out = []
    for i, item in enumerate(items, 1):
        f = f"{field}[{i}]"
        v = r.mapping(item, f, ("text", "valid_from"), ("valid_to",))
        if v is None:
            continue
        text = r.get(v, "text", f, r.text)
        start = r.get(v, "valid_from", f, r.date)
        end = r.get(v, "valid_to", f, r.date, default=None)
        if start and end and end < start:
            r.fail(v["valid_to"], f"{f}.valid_to", "ngày hết hiệu lực đến trước ngày có hiệu lực.")
            continue
        if text and start:
            out.append(LegalBasis(text, start, end, item.start_mark.line + 1))
    return tuple(out)


def check_decision(r, d: Decision, plan_date: PlanDate, node: yaml.MappingNode, schedule=None) -> None:
    """A decision dated before its plan is an error; one dated after the conference where the
    awards are presented, Căn cứ that leave no law on thi đua, khen thưởng in force, or that
    change within a month whose day is blank, are warnings."""
    nodes = {k.value: val for k, val in node.value}
    day = d.date.earliest()
    if schedule is not None and schedule.conference_by is not None and day > schedule.conference_by:
        r.warn(nodes["date"], "decision.date",
               f"Quyết định ghi ngày {day:%d/%m/%Y}{' (ngày chưa ghi: tính ngày 1)' if d.date.day is None else ''}, "
               f"sau hạn tổ chức Hội nghị sơ kết ({schedule.conference_by:%d/%m/%Y}, schedule.conference_by), nơi trao "
               "Bằng khen: Quyết định phải ký trước Hội nghị.")
    if d.date.surely_before(plan_date):
        r.fail(nodes["date"], "decision.date", f"ngày của Quyết định ({day.month:02d}/{day.year}) đến trước ngày "
               f"ban hành Kế hoạch ({plan_date.month:02d}/{plan_date.year}); Quyết định khen thưởng ban hành sau "
               "Kế hoạch.")
    cited = [b for b in d.legal_basis if b.in_force(day)]
    if not any(_TDKT_LAW.match(b.text) for b in cited):
        r.warn(nodes["legal_basis"], "decision.legal_basis",
               f"không có Luật Thi đua, Khen thưởng nào còn hiệu lực vào ngày {day:%d/%m/%Y} trong các dòng Căn cứ; "
               "thêm dòng Căn cứ Luật đang có hiệu lực (với valid_from, valid_to).")
    if d.date.day is None:
        month = (d.date.year, d.date.month)
        for b in d.legal_basis:
            edges = [x for x in (b.valid_from, b.valid_to) if x and (x.year, x.month) == month and x.day != 1]
            if edges:
                r.warn(nodes["legal_basis"], "decision.legal_basis",
                       f"dòng Căn cứ ở dòng {b.line} đổi hiệu lực ngày {edges[0]:%d/%m/%Y}, trong tháng của Quyết định "
                       "mà ngày chưa ghi; ghi decision.date.day để chọn đúng Căn cứ.")


def certificates(r, node: yaml.Node, field: str) -> Certificates | None:
    v = r.mapping(node, field, ("mode", "paper", "address", "signer", "boxes"), ("offset", "first_number"))
    if v is None:
        return None
    mode = r.get(v, "mode", field, lambda n, f: _choice(r, n, f, MODES))
    paper = r.get(v, "paper", field, lambda n, f: _choice(r, n, f, tuple(PAPERS)))
    offset = r.get(v, "offset", field, lambda n, f: _offset(r, n, f), default=(0.0, 0.0))
    boxes = r.get(v, "boxes", field, lambda n, f: _boxes(r, n, f))
    if None not in (paper, offset, boxes):
        _check_paper(r, v["boxes"], f"{field}.boxes", boxes, PAPERS[paper], offset)
    if mode is not None and boxes is not None and mode not in boxes:
        r.fail(v["boxes"], f"{field}.boxes", f"không có vị trí các ô cho kiểu in «{mode}» (mode): thêm nhóm "
               f"«{mode}:» với các ô như nhóm đã có.")
    address = v.get("address")
    if isinstance(address, yaml.MappingNode):
        m = r.mapping(address, f"{field}.address", (), tuple(k.value for k, _ in address.value))
        address = {k: r.text(n, f"{field}.address.{k}") for k, n in (m or {}).items()}
    elif address is not None:
        address = r.text(address, f"{field}.address")
    return Certificates(
        mode=mode, paper=paper, address=address,
        first_number=r.get(v, "first_number", field, lambda n, f: r.whole(n, f, minimum=1), default=None),
        first_number_line=v["first_number"].start_mark.line + 1 if "first_number" in v else None,
        offset_x=(offset or (0, 0))[0], offset_y=(offset or (0, 0))[1],
        signer=r.get(v, "signer", field, lambda n, f: read_signer(r, n, f)),
        boxes=boxes,
    )


def _choice(r, node, field, allowed):
    text = r.text(node, field)
    if text is not None and text not in allowed:
        r.fail(node, field, f"«{text}» không phải một trong: {', '.join(allowed)}.")
        return None
    return text


def _mm(r, node, field, minimum: float | None = 0.0) -> float | None:
    raw = node.value.strip().replace(",", ".") if isinstance(node, yaml.ScalarNode) else ""
    try:
        value = float(raw)
    except ValueError:
        r.fail(node, field, f"«{raw}» không phải số milimét (ví dụ 25 hoặc 12,5).")
        return None
    if minimum is not None and value < minimum:
        r.fail(node, field, f"phải từ {minimum:g} trở lên.")
        return None
    return value


def _offset(r, node, field):
    v = r.mapping(node, field, ("x", "y"))
    if v is None:
        return None
    x, y = (r.get(v, k, field, lambda n, f: _mm(r, n, f, None)) for k in ("x", "y"))
    return None if None in (x, y) else (x, y)


def _boxes(r, node, field) -> dict | None:
    keys = tuple(k.value for k, _ in node.value) if isinstance(node, yaml.MappingNode) else ()
    v = r.mapping(node, field, (), keys)
    if v is None:
        return None
    out = {}
    for mode, layout in v.items():
        if mode not in MODES:
            r.fail(layout, f"{field}.{mode}", f"«{mode}» không phải một trong: {', '.join(MODES)}.")
            continue
        names = tuple(k.value for k, _ in layout.value) if isinstance(layout, yaml.MappingNode) else ()
        m = r.mapping(layout, f"{field}.{mode}", (), names)
        boxes = {}
        for name, box in (m or {}).items():
            f = f"{field}.{mode}.{name}"
            b = r.mapping(box, f, ("x", "y", "w", "h"), ("min_size",))
            if b is None:
                continue
            x, y = (r.get(b, k, f, lambda n, ff: _mm(r, n, ff)) for k in ("x", "y"))
            w, h = (r.get(b, k, f, lambda n, ff: _mm(r, n, ff, 1.0)) for k in ("w", "h"))
            least = r.get(b, "min_size", f, lambda n, ff: _mm(r, n, ff, 4.0), default=None)
            if None not in (x, y, w, h):
                boxes[name] = Box(x, y, w, h, least)
        if m is not None and not m:
            r.fail(layout, f"{field}.{mode}", "cần ít nhất một ô.")
        out[mode] = boxes
    return out


def _check_paper(r, node, field, boxes: dict, paper: tuple[float, float], offset) -> None:
    """Every box, moved by the printer's offset, lies on the paper; no two boxes overlap (a
    shared area would print one text over the other)."""
    width, height = paper
    where = {k.value: n for k, n in node.value} if isinstance(node, yaml.MappingNode) else {}
    for mode, layout in boxes.items():
        lines = {k.value: n for k, n in where[mode].value} if isinstance(where.get(mode), yaml.MappingNode) else {}
        for name, b in layout.items():
            x, y = b.x + offset[0], b.y + offset[1]
            if x < 0 or y < 0 or x + b.w > width or y + b.h > height:
                r.fail(lines.get(name), f"{field}.{mode}.{name}",
                       f"ô nằm ngoài tờ giấy {width:g}×{height:g} mm (sau khi cộng độ lệch máy in): từ ({x:g}; {y:g}) "
                       f"đến ({x + b.w:g}; {y + b.h:g}) mm. Sửa x, y, w, h hoặc offset.")
        names = list(layout)
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                p, q = layout[a], layout[b]
                if p.x < q.x + q.w and q.x < p.x + p.w and p.y < q.y + q.h and q.y < p.y + p.h:
                    r.fail(lines.get(b), f"{field}.{mode}.{b}", f"ô «{b}» chồng lên ô «{a}»; chữ sẽ in đè lên nhau.")
