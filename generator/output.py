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


def _explain(err: OSError, path: Path) -> str:
    if isinstance(err, PermissionError):
        return (f"không ghi được {path}: tệp đang mở trong Word hoặc thư mục không cho phép ghi. "
                "Đóng tệp trong Word rồi chạy lại; văn bản cũ vẫn giữ nguyên.")
    return f"không ghi được {path}: {err.strerror or err}. Văn bản cũ vẫn giữ nguyên."


def write_all(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    """Write every file to a temporary name in `out_dir`, then rename them all into place.

    Renaming within one folder is atomic, so each document is either the old one or the new
    one. Nothing is renamed until every file is fully written and flushed.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(_explain(err, out_dir)) from None
    staged: list[tuple[str, Path]] = []
    try:
        for name, data in files.items():
            fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=f".{name}.", suffix=".tmp")
            staged.append((name, Path(tmp)))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        written = []
        for name, tmp in staged:
            target = out_dir / name
            os.replace(tmp, target)
            written.append(target)
        return written
    except OSError as err:
        bad = Path(getattr(err, "filename", None) or out_dir)
        raise OutputError(_explain(err, bad)) from None
    finally:
        for _, tmp in staged:
            if tmp.exists():
                tmp.unlink()


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
