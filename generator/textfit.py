"""How much room a line of text takes, from the font's own advance widths (fontTools), so a
certificate's long name can be wrapped or shrunk before it is printed, never after.

Times New Roman is measured with its own file where the machine has it (Windows), else with
Liberation Serif, which has the same metrics. With neither, a width is guessed on the wide side
(a name then shrinks a little more than it needed to, never less).
"""
from __future__ import annotations

import functools
import os
from pathlib import Path

# family -> file names for (regular, bold, italic, bold italic), the Windows ones first
FILES = {
    "times new roman": (("times.ttf", "LiberationSerif-Regular.ttf"), ("timesbd.ttf", "LiberationSerif-Bold.ttf"),
                        ("timesi.ttf", "LiberationSerif-Italic.ttf"), ("timesbi.ttf", "LiberationSerif-BoldItalic.ttf")),
    "arial": (("arial.ttf", "LiberationSans-Regular.ttf"), ("arialbd.ttf", "LiberationSans-Bold.ttf"),
              ("ariali.ttf", "LiberationSans-Italic.ttf"), ("arialbi.ttf", "LiberationSans-BoldItalic.ttf")),
}
FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", os.path.expanduser("~/.fonts"),
           os.path.expanduser("~/.local/share/fonts"), r"C:\Windows\Fonts", "/Library/Fonts", "/System/Library/Fonts")


# Letters a Vietnamese font must have; an old Liberation (1.x) lacks some, and LibreOffice then
# takes them from another, wider font.
VIETNAMESE = "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĐƯƠ"


class Face:
    """One font file's advance widths (hashed by identity: one object per file and style)."""

    def __init__(self, widths: dict, per_em: int, default: int):
        self.widths = widths  # code point -> advance in font units
        self.per_em = per_em
        self.default = default  # advance assumed for a character the font lacks: wide, as its fallback may be


@functools.lru_cache(maxsize=None)
def _index() -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    for folder in FOLDERS:
        if os.path.isdir(folder):
            for root, _, files in os.walk(folder):
                for f in files:
                    found.setdefault(f.lower(), []).append(Path(root, f))
    return found


@functools.lru_cache(maxsize=None)
def face(family: str | None, bold: bool, italic: bool) -> Face | None:
    """The metrics of the family's file with every Vietnamese letter (of several copies, e.g.
    Liberation 1.x and 2.x, the one LibreOffice would choose), else of the first found."""
    from fontTools.ttLib import TTFont

    # A family the fonts here lack, or none named, is measured as Word's default.
    names = FILES.get((family or "").lower(), FILES["times new roman"])[int(bold) + 2 * int(italic)]
    found = None
    for name in names:
        for path in _index().get(name.lower(), []):
            font = TTFont(str(path), lazy=True)
            metrics = font["hmtx"].metrics
            cmap = font.getBestCmap()
            widths = {code: metrics[glyph][0] for code, glyph in cmap.items() if glyph in metrics}
            per_em = font["head"].unitsPerEm
            candidate = Face(widths, per_em, int(per_em * 0.75))
            if all(ord(c) in widths for c in VIETNAMESE):
                return candidate
            found = found or candidate
    return found


def width(text: str, f: Face | None, size: float) -> float:
    """The text's advance in points at `size` points."""
    return _em(text, f) * size


@functools.lru_cache(maxsize=65536)
def _em(text: str, f: Face | None) -> float:
    """The advance in ems (a word recurs on every certificate: measured once)."""
    if f is None:  # no metrics: wide guesses (capitals and digits wider than Times's own)
        return sum(0.25 if c == " " else 0.75 if c.isupper() or c.isdigit() else 0.56 for c in text)
    # Composed Vietnamese letters are in the font; a letter + combining mark is measured as the letter.
    return sum(f.widths.get(ord(c), f.default) for c in text if not 0x300 <= ord(c) < 0x370) / f.per_em


def lines(text: str, f: Face | None, size: float, room: float) -> int:
    """How many lines the text takes in `room` points, wrapped at spaces as Word and LibreOffice
    do; a word wider than the room is broken, as they break it."""
    count = 0
    for part in text.split("\n"):
        count += 1
        used = 0.0
        space = width(" ", f, size)
        for word in part.split(" "):
            w = width(word, f, size)
            if used and used + space + w <= room:
                used += space + w
            elif w <= room:
                count += 1 if used else 0
                used = w
            else:  # broken over ceil(w / room) lines
                count += (1 if used else 0) + int(w // room)
                used = w % room
    return count
