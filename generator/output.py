"""Write documents so that a failed build never leaves a half-written or lost file, and the
same config always gives the same bytes."""
from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from pathlib import Path

from .exceptions import OutputError

# What Word itself writes as an entry time; python-docx would stamp the current time.
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def normalize_docx(data: bytes) -> bytes:
    """Same parts in the same order with fixed timestamps, so two builds are byte-identical."""
    zin = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zout:
        for name in zin.namelist():
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type, info.create_system, info.external_attr = zipfile.ZIP_DEFLATED, 0, 0
            zout.writestr(info, zin.read(name), compresslevel=6)
    return out.getvalue()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# What open() gives a new file; mkstemp makes 0600 files, fine for temporary ones but not for
# documents the office shares. Read once at import, before any thread could create a file.
_NEW_FILE_MODE = 0o666 & ~_umask()


def _explain(err: OSError, path: Path) -> str:
    if isinstance(err, PermissionError):
        return (f"không ghi được {path}: tệp đang mở trong Word hoặc thư mục không cho phép ghi. "
                "Đóng tệp trong Word rồi chạy lại; văn bản cũ vẫn giữ nguyên.")
    return f"không ghi được {path}: {err.strerror or err}. Văn bản cũ vẫn giữ nguyên."


def write_all(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    """Write every file, all or nothing (the documents of a build, the config the page saves).

    Each file is first written in full to a temporary name in `out_dir` (same folder, so a
    rename is atomic). Then the old files are moved aside and the new ones renamed into place;
    if any rename fails (on Windows, a document open in Word cannot be moved), every step is
    undone, so the folder holds exactly the previous build and no temporary file.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(_explain(err, out_dir)) from None
    staged: list[tuple[Path, Path]] = []  # (temporary, target)
    aside: list[tuple[Path, Path]] = []  # (old file's temporary name, target)
    placed: list[Path] = []
    try:
        for name, data in files.items():
            fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=f".{name}.", suffix=".tmp")
            staged.append((Path(tmp), out_dir / name))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            # A file that is replaced keeps its permissions; a new one gets open()'s.
            target = out_dir / name
            os.chmod(tmp, target.stat().st_mode & 0o7777 if target.exists() else _NEW_FILE_MODE)
        for _, target in staged:
            if target.exists():
                old = target.with_name(f".{target.name}.old")
                os.replace(target, old)
                aside.append((old, target))
        for tmp, target in staged:
            os.replace(tmp, target)
            placed.append(target)
    except OSError as err:
        for target in placed:
            target.unlink(missing_ok=True)
        for old, target in aside:
            os.replace(old, target)
        aside.clear()
        bad = Path(getattr(err, "filename", None) or out_dir)
        raise OutputError(_explain(err, bad)) from None
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        for old, _ in aside:
            old.unlink(missing_ok=True)
    return placed


MANIFEST = "quotas.json"


def manifest_bytes(allocation) -> bytes:
    data = {
        "units": [
            {"name": r.name, "members": r.members, "collectives": r.collectives, "individuals": r.individuals}
            for r in allocation.rows
        ],
        "totals": {
            "collectives": allocation.totals.collectives,
            "individuals": allocation.totals.individuals,
            "awards": allocation.totals.awards,
            "grand_total": allocation.totals.grand_total,
        },
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def read_manifest(out_dir: Path) -> dict | None:
    try:
        return json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
