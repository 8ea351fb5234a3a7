"""Fill the .docx templates with docxtpl, strictly: an unknown variable or a broken tag stops
the build with the template's name, never an empty string or "None" in a signed document."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from . import formatting
from .exceptions import TemplateError
from .output import normalize_docx

TEMPLATES = ("ke_hoach.docx", "phu_luc.docx")


def _month_year(value: dict) -> str:
    return f"{value['month']:02d}/{value['year']}"


def make_env() -> SandboxedEnvironment:
    """Config values are data: sandboxed, XML-escaped (a `&` in a name must not eat table
    rows, see docs/research), and strict about undefined names."""
    env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=True)
    env.filters.update(
        thousands=formatting.thousands,
        two_digits=formatting.two_digits,
        short_date=formatting.short_date,
        month_year=_month_year,
    )
    return env


def _load(path: Path):
    from docxtpl import DocxTemplate  # imported here: --check and --help do not need it

    if not path.is_file():
        raise TemplateError(f"không tìm thấy mẫu {path}. Lấy lại tệp mẫu từ thư mục templates/ của dự án.")
    if not zipfile.is_zipfile(path):
        raise TemplateError(f"mẫu {path} không phải tệp Word .docx (có thể là .doc cũ hoặc tệp hỏng). "
                            "Mở bằng Word và lưu lại dưới dạng .docx.")
    try:
        return DocxTemplate(str(path))
    except Exception as err:  # python-docx raises several types for a broken package
        raise TemplateError(f"mẫu {path} không mở được như một tệp .docx: {err}") from None


def _near(err: Exception) -> str:
    near = getattr(err, "docx_context", None)
    text = " ".join(" ".join(near).split()) if near else ""
    return f" Gần đoạn: «{text[:160]}»." if text else ""


def render_one(path: Path, context: dict[str, Any], env: SandboxedEnvironment, issued: dt.datetime) -> bytes:
    tpl = _load(path)
    try:
        missing = tpl.get_undeclared_template_variables(jinja_env=env, context=context)
    except jinja2.TemplateSyntaxError as err:
        raise TemplateError(f"mẫu {path.name} có thẻ hỏng: {err.message}.{_near(err)}") from None
    if missing:
        names = ", ".join(sorted(missing))
        raise TemplateError(f"mẫu {path.name} dùng biến không có trong cấu hình: {names}. "
                            "Sửa thẻ {{ ... }} trong mẫu hoặc thêm dữ liệu vào cấu hình.")
    try:
        tpl.render(context, jinja_env=env)
    except jinja2.UndefinedError as err:
        raise TemplateError(f"mẫu {path.name} dùng giá trị không có: {err.message}.{_near(err)}") from None
    except jinja2.TemplateSyntaxError as err:
        raise TemplateError(f"mẫu {path.name} có thẻ hỏng: {err.message}.{_near(err)}") from None
    except jinja2.TemplateError as err:
        raise TemplateError(f"mẫu {path.name} không điền được: {err}.{_near(err)}") from None
    core = tpl.docx.core_properties
    core.created = core.modified = issued  # from the config, so the bytes do not depend on the clock
    buf = io.BytesIO()
    tpl.save(buf)
    return normalize_docx(buf.getvalue())


def render_all(templates_dir: Path, context: dict[str, Any], issued: dt.datetime) -> dict[str, bytes]:
    env = make_env()
    return {name: render_one(templates_dir / name, context, env, issued) for name in TEMPLATES}
