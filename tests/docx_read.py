"""Read generated documents back the way the tests need them."""
from __future__ import annotations

import re
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph


def open_doc(path: Path):
    return docx.Document(str(path))


def paragraphs_in_order(doc) -> list[Paragraph]:
    """Every paragraph of the body, including those inside tables, in reading order."""
    return [Paragraph(p, doc._body) for p in doc.element.body.iter(qn("w:p"))]


def full_text(doc) -> str:
    return "\n".join(p.text for p in paragraphs_in_order(doc))


def squash(text: str) -> str:
    return " ".join(text.split())


def table_rows(table: Table) -> list[list[str]]:
    """Cell texts per row, one entry per grid column (a merged cell repeats)."""
    return [[squash(c.text) for c in row.cells] for row in table.rows]


def find_paragraph(doc, pattern: str) -> Paragraph:
    for p in paragraphs_in_order(doc):
        if re.search(pattern, p.text):
            return p
    raise AssertionError(f"no paragraph matches {pattern!r}")
