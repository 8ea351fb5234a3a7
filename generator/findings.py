"""What a check reports, shared by the format checker and the template check: a finding with its
severity. LỖI departs from the rule, LƯU Ý is allowed but unusual, THÔNG TIN is normal for a
draft; only LỖI makes a check exit 1."""
from __future__ import annotations

from typing import NamedTuple

LOI, LUU_Y, THONG_TIN = "lỗi", "lưu ý", "thông tin"


class Finding(NamedTuple):
    rule: str
    severity: str
    location: str
    message: str
