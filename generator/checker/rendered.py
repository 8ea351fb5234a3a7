"""Checks that need the printed page: a document is what it looks like, not what its XML says.
The .docx goes through LibreOffice to PDF, and poppler's pdftotext reads it back."""
from __future__ import annotations

import os
from pathlib import Path
import re
import shutil
import subprocess
import tempfile

from lxml import etree

from .. import pdf
from ..exceptions import PdfError
from .docmodel import is_punctuation, is_typed_rule


def available() -> bool:
    return pdf.find_soffice() is not None and shutil.which("pdftotext") is not None


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
        self.external: list[str] = []  # what render() took out of the copy it laid out

    def page_of(self, text: str, last: bool = False) -> int | None:
        """1-based page on which `text` (squashed) first (or last) appears."""
        needle = _squash(text)
        found = [i for i, page in enumerate(self.pages, 1) if needle and needle in _squash(page)]
        return (found[-1] if last else found[0]) if found else None

    def text_above(self, page: int, text: str) -> bool:
        """Whether page `page` has body text before `text` (a lone page number does not count)."""
        before = _squash(self.pages[page - 1]).rsplit(_squash(text), 1)[0]
        return bool(re.sub(r"^\d+\s*", "", before).strip())

    def page_width(self, page: int) -> float | None:
        """The page's width in points."""
        pages = self._bbox.findall(".//{http://www.w3.org/1999/xhtml}page")
        return float(pages[page - 1].get("width")) if 0 < page <= len(pages) else None

    def lines_like(self, text: str) -> list[tuple[int, float, float]]:
        """(page, top, horizontal centre), in points, of every printed line that reads `text`."""
        ns = {"x": "http://www.w3.org/1999/xhtml"}
        needle, found = _squash(text), []
        for n, page in enumerate(self._bbox.findall(".//x:page", ns), 1):
            for line in page.iterfind(".//x:line", ns):
                words = line.findall("x:word", ns)
                if words and _squash(" ".join(w.text or "" for w in words)) == needle:
                    found.append((n, float(line.get("yMin")), (float(line.get("xMin")) + float(line.get("xMax"))) / 2))
        return found

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


# Fields that make Word or LibreOffice fetch something when the document is laid out.
_FETCHING_FIELD = re.compile(rb"\b(INCLUDEPICTURE|INCLUDETEXT|LINK|DDE|DDEAUTO|IMPORT)\b", re.I)
_INSTR_TEXT = re.compile(rb"(<w:instrText\b[^>]*>)([^<]*)(</w:instrText>)")
_FLD_SIMPLE = re.compile(rb"""(<w:fldSimple\b[^>]*\bw:instr=)("[^"]*"|'[^']*')()""")
_EXTERNAL = re.compile(rb'<Relationship\b[^>]*\bTargetMode="External"[^>]*/>')
_HYPERLINK = rb"/relationships/hyperlink"


def neutralized(path: Path, folder: Path) -> tuple[Path, list[str]]:
    """A copy of `path` in `folder` that reaches nothing outside: external relationships (a
    linked image, an attached template, an OLE link, a subdocument) and fields that fetch are
    removed; a hyperlink stays, since laying out a page never follows one. Returns the copy
    and what was removed, to say in the report."""
    import zipfile  # only when a file is laid out

    removed: list[str] = []
    copy = folder / ("doc" + path.suffix)
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename.endswith(".rels"):
                def drop(m):
                    if _HYPERLINK in m.group(0):
                        return m.group(0)
                    target = re.search(rb'Target="([^"]*)"', m.group(0))
                    removed.append("liên kết " + (target.group(1).decode("utf-8", "replace")[:80] if target else "?"))
                    return b""
                body = _EXTERNAL.sub(drop, body)
            elif info.filename.endswith(".xml") and _FETCHING_FIELD.search(body):
                def blank(m):  # the instruction emptied: an instrText's text, or a fldSimple's quoted value
                    if not _FETCHING_FIELD.search(m.group(2)):
                        return m.group(0)
                    shown = m.group(2).strip(b"\"'").replace(b"&quot;", b'"')
                    removed.append("trường " + shown.decode("utf-8", "replace").strip()[:80])
                    return m.group(1) + (b'" "' if m.group(2)[:1] in b"\"'" else b" ") + m.group(3)
                body = _FLD_SIMPLE.sub(blank, _INSTR_TEXT.sub(blank, body))
            zout.writestr(info, body)
    return copy, removed


STALL_S = 60  # a page of an ordinary draft takes a fraction of a second; a file still going after this is stuck


def _laid_out(copies: list[Path]) -> tuple[dict[str, bytes], dict[Path, str]]:
    """The PDFs of `copies` in as few LibreOffice starts as it takes: one, unless a file makes it
    stall, which is stopped, named, and the files after it laid out in the next start."""
    pdfs: dict[str, bytes] = {}
    missing: dict[Path, str] = {}
    todo = list(copies)
    while todo:
        try:
            made, lost = pdf.pdf_bytes_of_each(todo, timeout=60 + 20 * len(todo), stall=STALL_S)
        except PdfError as err:  # not started, or stopped at its timeout: none of these was laid out
            return pdfs, {**missing, **{copy: str(err) for copy in todo}}
        pdfs.update(made)
        missing.update({copy: why for copy, why in lost.items() if why != pdf.NOT_REACHED})
        todo = [copy for copy, why in lost.items() if why == pdf.NOT_REACHED]
    return pdfs, missing


def render_many(paths: list[Path]) -> dict[Path, "Rendering | str"]:
    """The printed pages of every file in one LibreOffice start, each laid out from its own copy
    that can fetch nothing (a stranger's file must not make this machine send a request; each
    Rendering's `external` says what was taken out); a file that cannot be copied or laid out
    gets the reason instead, and so does every file when LibreOffice itself fails."""

    out: dict[Path, Rendering | str] = {}
    with tempfile.TemporaryDirectory(prefix="kiem-tra-") as tmp:
        copies: dict[Path, tuple[Path, list[str]]] = {}
        for i, path in enumerate(paths):
            folder = Path(tmp, f"{i:04d}")
            folder.mkdir()
            try:
                copy, removed = neutralized(path, folder)
            except Exception as err:  # an unreadable file: its own finding says so, not the layout's
                out[path] = f"không dựng được trang: {err}"
                continue
            named = copy.with_name(f"t{i:04d}.docx")  # one stem each: LibreOffice writes stem.pdf
            copy.rename(named)
            copies[path] = (named, removed)
        pdfs, missing = _laid_out([c for c, _ in copies.values()])
        made = {path: copy for path, (copy, _) in copies.items() if copy not in missing}
        for path, (copy, _) in copies.items():
            if copy in missing:
                out[path] = f"không dựng được trang: {missing[copy] or 'LibreOffice không tạo được PDF'}"
        # Each file's two pdftotext reads are independent of the others': side by side on the cores.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            jobs = {path: pool.submit(Rendering, pdfs[copy.stem + ".pdf"]) for path, copy in made.items()}
            for path, job in jobs.items():
                rendering = job.result()
                rendering.external = copies[path][1]
                out[path] = rendering
    return {path: out[path] for path in paths if path in out}
