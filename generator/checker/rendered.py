"""Checks that need the printed page: a document is what it looks like, not what its XML says.
The .docx goes through LibreOffice to PDF, and poppler's pdftotext reads it back."""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from lxml import etree

from ..pdf import find_soffice, to_pdf_bytes
from .docmodel import is_punctuation, is_typed_rule


def available() -> bool:
    return find_soffice() is not None and shutil.which("pdftotext") is not None


def _squash(text: str) -> str:
    return " ".join(text.split())


class Rendering:
    def __init__(self, pdf: bytes):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp, "doc.pdf")
            path.write_bytes(pdf)
            # UTF-8 asked of poppler and read as such: the locale's code page (cp1258 on a
            # Vietnamese Windows) would turn «Đ» into an error.
            layout = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], capture_output=True,
                                    check=True, timeout=60).stdout.decode("utf-8", errors="replace")
            bbox = subprocess.run(["pdftotext", "-enc", "UTF-8", "-bbox-layout", str(path), "-"], capture_output=True,
                                  check=True, timeout=60).stdout
        self.pages = layout.split("\f")
        if self.pages and not self.pages[-1].strip():
            self.pages.pop()
        self.page_count = len(self.pages)
        self._bbox = etree.fromstring(re.sub(rb"<!DOCTYPE[^>]*>", b"", bbox))

    def page_of(self, text: str, last: bool = False) -> int | None:
        """1-based page on which `text` (squashed) first (or last) appears."""
        needle = _squash(text)
        found = [i for i, page in enumerate(self.pages, 1) if needle and needle in _squash(page)]
        return (found[-1] if last else found[0]) if found else None

    def text_above(self, page: int, text: str) -> bool:
        """Whether page `page` has body text before `text` (a lone page number does not count)."""
        before = _squash(self.pages[page - 1]).rsplit(_squash(text), 1)[0]
        return bool(re.sub(r"^\d+\s*", "", before).strip())

    def runts(self, page: int) -> list[str]:
        """Last lines of multi-line paragraphs that hold a single word, on one page."""
        ns = {"x": "http://www.w3.org/1999/xhtml"}
        pages = self._bbox.findall(".//x:page", ns)
        if page > len(pages):
            return []
        blocks = pages[page - 1].findall(".//x:block", ns)
        if not blocks:
            return []
        left = min(float(b.get("xMin")) for b in blocks)
        right = max(float(b.get("xMax")) for b in blocks)
        found = []
        for block in blocks:
            lines = block.findall("x:line", ns)
            # Body paragraphs only: table cells and header columns are narrow blocks.
            if len(lines) < 2 or float(block.get("xMax")) - float(block.get("xMin")) < 0.6 * (right - left):
                continue
            words = [w.text for w in lines[-1].findall("x:word", ns)]
            # A typed rule line (underscores under the motto) is a drawn line, and a fill-in line
            # of dots («………») is punctuation: neither is a word.
            if len(words) == 1 and len(words[0]) > 1 and not is_typed_rule(words[0]) and not is_punctuation(words[0]):
                prev = " ".join(w.text for w in lines[-2].findall("x:word", ns))
                found.append(f"… {prev[-30:]} / {words[0]}")
        return found


def render(path: Path) -> Rendering:
    pdf = to_pdf_bytes([path])
    return Rendering(next(iter(pdf.values())))
