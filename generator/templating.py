"""The Jinja side of a .docx template, shared by the slow path that prepares a template
(prepare.py: python-docx and docxtpl) and the fast one that fills it (render.py: neither): the
environment, one compiled part, and the record of a prepared template the disk cache keeps."""
from __future__ import annotations

import datetime as dt
import marshal
import re
from typing import NamedTuple

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from . import formatting
from .exceptions import TemplateError

CACHE_VERSION = 7  # raise when PreparedTemplate changes
# python-docx writes the core part's created/modified in this form. A prepared core part holds
# DATE_STAND_IN there, which every render replaces by its own issue date, written the same way.
W3CDTF = "%Y-%m-%dT%H:%M:%SZ"
DATE_STAND_IN = dt.datetime(1901, 2, 3, 4, 5, 6)
DATE_STAND_IN_TEXT = DATE_STAND_IN.strftime(W3CDTF).encode()


def _month_year(value: dict) -> str:
    return f"{value['month']:02d}/{value['year']}"


def _strict(fn):
    """A filter given an undefined value raises Jinja's own 'is undefined' error, naming the
    missing attribute, instead of a TypeError from inside the filter."""
    def wrapper(value, *args):
        if isinstance(value, jinja2.Undefined):
            value._fail_with_undefined_error()
        return fn(value, *args)
    return wrapper


def make_env(autoescape: bool = True) -> SandboxedEnvironment:
    """Config values are data: sandboxed, XML-escaped (with docxtpl's default a `&` in a name
    silently deletes table rows) and strict about undefined names. A spreadsheet's cells are
    filled without the escaping: openpyxl escapes what it writes."""
    env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=autoescape)
    env.filters.update({name: _strict(fn) for name, fn in {
        "thousands": formatting.thousands,
        "two_digits": formatting.two_digits,
        "short_date": formatting.short_date,
        "month_year": _month_year,
        "capitalize_first": formatting.capitalize_first,
        "keep_last": formatting.keep_last,
        "in_words": formatting.in_words,
        "weekday": formatting.weekday,
    }.items()})
    return env


def goes_through_jinja(value: str) -> bool:
    """A core property docxtpl renders: one with no brace and no line end comes out of Jinja
    unchanged (Jinja would fold \\r\\n and drop a final newline: those go through it)."""
    return bool(re.search(r"[{\r\n]", value))


def with_paragraph_lines(xml: str) -> str:
    # As docxtpl's render_xml_part does, so Jinja's line numbers name a paragraph.
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)


def _paragraph_text(xml_line: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", xml_line).split())


class JinjaPart:
    """One XML part with Jinja in it (the body, a header or a footer), compiled once."""

    def __init__(self, template_name: str, label: str, source: str, env: SandboxedEnvironment,
                 code: bytes | None = None):
        self.label = label
        self.lines = source.splitlines()
        if code is None:  # not in the cache: parse and compile (the slow part of a cold start)
            try:
                ast = env.parse(source)
            except jinja2.TemplateSyntaxError as err:
                where = self.where(err.lineno)
                raise TemplateError(
                    f"mẫu {template_name} có thẻ hỏng ({label}{where}): {err.message}. "
                    "Mỗi {{ ... }} và {% ... %} phải đóng đủ; mỗi {% if %}/{% for %} cần {% endif %}/{% endfor %}."
                ) from None
            self.code = marshal.dumps(env.compile(ast))
        else:
            self.code = code
        self.template = env.template_class.from_code(env, marshal.loads(self.code), env.make_globals(None))

    def where(self, lineno: int | None) -> str:
        if not lineno or lineno > len(self.lines):
            return ""
        return f", đoạn «{_paragraph_text(self.lines[lineno - 1])[:120]}»"


class PreparedTemplate(NamedTuple):
    """Everything a render needs that depends only on the template file: plain, picklable data,
    kept on disk between runs (render._load_prepared) so a cold start needs neither python-docx,
    docxtpl's patching nor Jinja's compiler."""

    names: list[str]  # zip entries in python-docx's order
    parts: dict[str, bytes]  # every part as python-docx writes it
    root_nsmap: dict  # the document root's namespace declarations (render._document_xml)
    body_source: str
    body_code: bytes
    headers: dict[str, tuple[str, str, bytes]]  # part name -> (encoding, patched source, code)
    footnotes: dict[str, tuple[str, bytes]]  # part name -> (patched source, code)
    refs: list  # templatecheck.Ref: every value the template reads
    sections: int  # docxtpl renders the footnotes once per section
    core_part: str
    core_props: dict[str, str]
    # The core part as python-docx writes it once the properties are set, the issue date still
    # DATE_STAND_IN (prepare.core_with_stand_in); None when a property goes through Jinja.
    core_filled: bytes | None
    packed: dict[str, bytes]  # the parts no render changes, deflated as zipfile would (output.write_part)
