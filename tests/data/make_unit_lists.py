"""Fill each unit's pack list (danh_sach.xlsx) with invented nominees, as the units would send
them back: the data of the end-to-end test (packs -> intake -> decision -> certificates).

    python tests/data/make_unit_lists.py     # rewrites tests/data/danh_sach_don_vi/

Every name is invented. Each unit proposes exactly its quota; the provincial row one person.
"""
from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

HO = ["Nguyễn", "Hoàng", "Lương", "Vi", "Hoàng", "Lăng", "Nông", "Triệu", "Lành", "Chu", "Mã", "Hà", "Đinh"]
DEM_NAM, DEM_NU = ["Văn", "Đức", "Quang", "Minh"], ["Thị", "Thu", "Thanh", "Ngọc"]
TEN_NAM = ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Mạnh", "Phong", "Quân", "Sơn", "Tuấn"]
TEN_NU = ["Hà", "Hằng", "Hoa", "Lan", "Liên", "Mai", "Ngân", "Nhung", "Phương", "Thảo", "Trang", "Vân", "Yến"]
CHUC_VU = ["Chủ tịch Công đoàn cơ sở", "Phó Chủ tịch Công đoàn cơ sở", "Ủy viên Ban Chấp hành Công đoàn cơ sở",
           "Tổ trưởng công đoàn", "Giáo viên", "Bác sĩ", "Kế toán"]
NOI = ["Trường Trung học cơ sở", "Trường Tiểu học", "Trường Mầm non", "Trung tâm Y tế", "Văn phòng Ủy ban nhân dân",
       "Trường Trung học phổ thông", "Chi cục Thuế khu vực"]


def nominees(stt: int, unit: str, collectives: int, individuals: int):
    place = {"LĐLĐ Thành phố": "thành phố Lạng Sơn"}.get(unit) or (
        "huyện " + unit.split(" ", 2)[-1] if unit.lower().startswith("lđlđ huyện") else "tỉnh Lạng Sơn")
    cols = []
    for i in range(collectives):
        where = NOI[(stt + i) % len(NOI)]
        cols.append([f"Công đoàn cơ sở {where} {place}", unit,
                     "Tổ chức tốt việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh gắn với nhiệm vụ chuyên môn.",
                     ""])
    people = []
    for i in range(individuals):
        k = stt * 3 + i
        female = k % 2 == 1
        name = f"{HO[k % len(HO)]} {(DEM_NU if female else DEM_NAM)[k % 4]} {(TEN_NU if female else TEN_NAM)[(k * 7) % 13]}"
        people.append([name, "Nữ" if female else "Nam", 1970 + k % 25, CHUC_VU[k % len(CHUC_VU)],
                       f"{NOI[k % len(NOI)]} {place}",
                       "Gương mẫu học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh; hoàn thành xuất sắc nhiệm vụ.",
                       ""])
    return cols, people


def fill(data: bytes, cols, people) -> bytes:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    section = None
    rows = {"tap_the": cols, "ca_nhan": people}
    for row in ws.iter_rows():
        first = row[0].value
        if first == "STT":
            section = "tap_the" if row[1].value.startswith("Tên tập thể") else "ca_nhan"
            n = 0
        elif section and isinstance(first, int):
            values = rows[section][n] if n < len(rows[section]) else None
            n += 1
            if values:
                for cell, value in zip(row[1:], values):
                    cell.value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main() -> None:
    from generator import main as build, quotas
    from generator.config import load_plan

    target = ROOT / "tests" / "data" / "danh_sach_don_vi"
    target.mkdir(exist_ok=True)
    plan = load_plan(ROOT / "config" / "plan.yaml")
    units = quotas.units_of(plan, quotas.allocate(plan))
    with tempfile.TemporaryDirectory() as tmp:
        build.build_group(ROOT / "config" / "plan.yaml", Path(tmp), "packs")
        for u, folder in zip(units, sorted(Path(tmp, "ho_so").iterdir())):
            if u.provincial:
                cols, people = nominees(u.stt, u.name, 0, 1)
            else:
                cols, people = nominees(u.stt, u.name, u.collectives, u.individuals)
            (target / f"{folder.name}.xlsx").write_bytes(fill((folder / "danh_sach.xlsx").read_bytes(), cols, people))
    print(f"Đã ghi {len(units)} danh sách vào {target}")


if __name__ == "__main__":
    main()
