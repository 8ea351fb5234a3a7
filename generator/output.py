"""Write documents so that a failed build never leaves a half-written or lost file, and the
same config always gives the same bytes."""
from __future__ import annotations

import contextlib
import io
import json
import os
import time
from pathlib import Path

from .exceptions import OutputError

# What Word itself writes as an entry time; python-docx would stamp the current time.
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def normalize_docx(data: bytes, rewrite=None) -> bytes:
    """Same parts in the same order with fixed timestamps, so two builds are byte-identical."""
    return normalize_zip(data, rewrite=rewrite)


def normalize_zip(data: bytes, compresslevel: int = 6, rewrite=None) -> bytes:
    """Any Office package (.docx, .xlsx) with fixed entry times; `rewrite(name, body)` may change
    a part on the way (openpyxl stamps the save time into docProps/core.xml)."""
    import zipfile  # with shutil, bz2 and lzma: not for a rebuild with nothing to write

    zin = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zout:
        for name in zin.namelist():
            body = zin.read(name)
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type, info.create_system, info.external_attr = zipfile.ZIP_DEFLATED, 0, 0
            zout.writestr(info, rewrite(name, body) if rewrite else body, compresslevel=compresslevel)
    return out.getvalue()


def deflated(data: bytes, level: int) -> bytes:
    """`data` compressed exactly as zipfile compresses a part at `level` (raw deflate)."""
    import zlib

    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


class _Replay:
    """Stands in for zipfile's compressor of one part and gives back that part's deflate
    stream, computed once (see write_part)."""

    def __init__(self, packed: bytes):
        self._packed = packed

    def compress(self, _data: bytes) -> bytes:
        packed, self._packed = self._packed, b""
        return packed

    def flush(self) -> bytes:
        return b""


def write_part(z: zipfile.ZipFile, info: zipfile.ZipInfo, body: bytes, level: int, packed: bytes | None = None) -> None:
    """z.writestr(info, body, compresslevel=level), with `packed` (deflated(body, level)) used
    instead of compressing the same bytes again. A template's untouched parts (styles.xml is a
    third of a document's render) are the same in every document made from it; zipfile has no
    way to take compressed data, so its compressor for this one part is replaced. Where that
    attribute is not there (another Python), the part is simply compressed."""
    if packed is None:
        z.writestr(info, body, compresslevel=level)
        return
    info.file_size = len(body)  # as writestr sets them before opening the entry
    info._compresslevel = level
    with z.open(info, mode="w") as dest:
        if getattr(dest, "_compressor", None) is None:
            dest.write(body)  # pragma: no cover - a zipfile without the attribute
            return
        dest._compressor = _Replay(packed)
        dest.write(body)


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


JOURNAL_PREFIX = ".dang-ghi"  # a set of files being replaced: .dang-ghi-<set>.json; see write_all
LOCK_WAIT_S = 120  # a build of 2,000 certificates holds output/ for about a minute

# Windows: antivirus, OneDrive and the search indexer open a new file for a moment, and a
# replace then fails with a sharing error although nobody keeps the file open. About a second
# in all before concluding that Word has it.
RETRY_DELAYS_S = (0.05, 0.1, 0.15, 0.2, 0.25, 0.25)


def _lock_path(folder: Path) -> Path:
    """The lock of a folder lives outside it, in the user's temporary folder, named by the
    folder's real path: nothing appears among the clerk's files, and `output` and `./output`
    (or C:\\…\\Output and c:\\…\\output on Windows) are one lock."""
    import hashlib
    import tempfile  # random, shutil, bz2…: only when a lock is taken

    real = os.path.normcase(os.path.realpath(folder))
    base = Path(tempfile.gettempdir()) / "ke-hoach-khoa-ghi"
    base.mkdir(exist_ok=True)
    return base / (hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:32] + ".lock")


@contextlib.contextmanager
def _dir_lock(folder: Path):
    """One writer (or recovery) at a time in a folder, across processes and threads: the CLI and
    the page may write output/ at once. filelock takes flock on POSIX, msvcrt's lock on Windows,
    and an exclusive-create lock file where neither exists."""
    import warnings

    with warnings.catch_warnings():  # where flock is missing filelock says so; its soft lock still holds
        warnings.simplefilter("ignore")
        import filelock  # 40-50 ms of imports: here, as a rebuild with nothing to write takes no lock
    try:
        lock = filelock.FileLock(str(_lock_path(folder)), timeout=LOCK_WAIT_S)
        lock.acquire()
    except filelock.Timeout:
        raise OutputError(f"thư mục {folder} đang được một lần chạy khác ghi (trang nhập liệu hoặc một cửa sổ "
                          f"lệnh khác) quá {LOCK_WAIT_S} giây. Chờ lần đó xong rồi chạy lại.") from None
    except OSError as err:
        raise OutputError(_explain(err, folder)) from None
    try:
        yield
    finally:
        lock.release()


def replace(src: Path | str, dst: Path | str) -> None:
    """os.replace, tried again for a moment on the sharing errors Windows gives while another
    program glances at the file."""
    for delay in RETRY_DELAYS_S:
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            time.sleep(delay)
    os.replace(src, dst)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows cannot open a folder
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _old_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.old")


def _keep_old(target: Path) -> Path:
    """A second name for the current file (a hard link, or a copy where links are refused), so
    the old set can be put back while `target` itself is never missing."""
    old = _old_name(target)
    old.unlink(missing_ok=True)
    try:
        os.link(target, old)
    except OSError:
        import shutil  # only a replace that keeps an old copy needs it

        shutil.copy2(target, old)
    return old


def journal_name(names) -> str:
    """The journal of one set of files: its own name, so that an interrupted intake and the
    decision written after it never share (and overwrite) one journal."""
    import hashlib

    key = hashlib.sha256("\n".join(sorted(names)).encode("utf-8")).hexdigest()[:12]
    return f"{JOURNAL_PREFIX}-{key}.json"


def _settle_journal(journal: Path) -> str:
    """Undo or complete the set a journal describes (paths relative to the journal's folder)."""
    folder = journal.parent
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
        files, temps, new = data["files"], data["temps"], set(data["new"])
    except (OSError, ValueError, KeyError, TypeError):
        files, temps, new = [], [], set()
    if any((folder / t).exists() for t in temps):
        for name in files:
            old = _old_name(folder / name)
            if old.exists():
                replace(old, folder / name)
            elif name in new:
                (folder / name).unlink(missing_ok=True)
        note = f"lần ghi trước bị ngắt giữa chừng: đã trả lại bản cũ của {', '.join(files)}."
    else:
        note = f"lần ghi trước bị ngắt sau khi đã ghi xong {', '.join(files)}: giữ bản mới."
    for t in temps:
        (folder / t).unlink(missing_ok=True)
    for name in files:
        _old_name(folder / name).unlink(missing_ok=True)
    journal.unlink()
    return note


def _mine(names: tuple[str, ...] | None):
    return (lambda p: any(p.name.startswith(f".{n}.") for n in names)) if names else (lambda p: True)


def _found(folder: Path, names: tuple[str, ...] | None) -> tuple[list[Path], list[Path], list[Path]]:
    """(journals, .old copies, .tmp files) an interrupted write left: in `folder` only when it
    is shared with other files (`names` given), else in it and every folder below it."""
    mine = _mine(names)
    journals, olds, temps = [], [], []
    # One walk for the three kinds: output/ may hold a thousand files (the packs), and this runs
    # before every build.
    for p in (folder.glob if names else folder.rglob)(".*"):
        if p.name.startswith(JOURNAL_PREFIX) and p.name.endswith(".json"):
            journals.append(p)
        elif p.name.endswith(".old") and mine(p):
            olds.append(p)
        elif p.name.endswith(".tmp") and mine(p):
            temps.append(p)
    return tuple(sorted(p for p in found if p.is_file()) for found in (journals, olds, temps))


def recover(folder: Path, names: tuple[str, ...] | None = None) -> list[str]:
    """Settle what an interrupted write left in `folder` and say what was done, in Vietnamese.

    With a journal (a set of files was being replaced): if every new file is in place the set
    is complete and only the leftovers go; otherwise each file goes back to its old version, so
    the folder holds the old set. Without one: a `.NAME.old` whose NAME is missing (left by an
    older version of this tool, which moved the old file aside first) is put back; other
    `.old` and `.tmp` leftovers are removed. `names`: only leftovers of these files are touched,
    in this folder alone (a config may sit in a folder of other programs' files); None for a
    folder the tool owns, settled with every folder below it (bang_khen/, quyet_dinh/, …), each
    under its own lock as well, so no write under way anywhere below is touched."""
    notes: list[str] = []
    if not folder.is_dir() or not any(_found(folder, names)):
        return notes
    with contextlib.ExitStack() as locks:
        locks.enter_context(_dir_lock(folder))
        journals, olds, temps = _found(folder, names)  # again, under the lock
        for sub in sorted({p.parent for p in journals + olds + temps} - {folder}):
            locks.enter_context(_dir_lock(sub))
        journals, olds, temps = _found(folder, names)
        shown = lambda p: p.relative_to(folder).as_posix()  # noqa: E731
        for journal in journals:
            notes.append(_settle_journal(journal))
        for old in (p for p in olds if p.exists()):
            target = old.with_name(old.name[1:-len(".old")])
            if not target.exists():
                replace(old, target)
                notes.append(f"không thấy {shown(target)}: đã khôi phục từ {old.name} (còn lại sau một lần ghi bị ngắt).")
            else:
                old.unlink()
                notes.append(f"đã xóa {shown(old)}, bản sao cũ còn sót của {target.name}.")
        for tmp in (p for p in temps if p.exists()):
            tmp.unlink()
            notes.append(f"đã xóa {shown(tmp)}, tệp ghi dở còn sót; {tmp.name.split('.')[1]} vẫn là bản trước đó.")
        if notes:
            _fsync_dir(folder)
    return notes


def recover_all(config_path: Path, out_dir: Path) -> list[str]:
    """Before a build or the page starts: what a crash of an earlier run left, settled and said."""
    places = ((config_path.parent, (config_path.name,)), (config_path.parent / "backups", None), (out_dir, None))
    return [f"Khôi phục ({folder}): {note}" for folder, names in places for note in recover(folder, names)]


def write_all(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    """Write every file, all or nothing (the documents of a build, the config the page saves).

    Each file is first written in full and fsynced under a temporary name in `out_dir` (same
    folder, so a rename is atomic), then put in place with one os.replace: a file's name points
    at a complete file at every instant, old or new. For a set of files, the old ones are kept
    under a second name and a journal is written before the first replace, so that a crash
    between two replaces is undone by `recover` and an error (on Windows, a document open in
    Word cannot be replaced) is undone here: the folder then holds exactly the previous set.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(_explain(err, out_dir)) from None
    with _dir_lock(out_dir):
        journal = out_dir / journal_name(files)
        if journal.exists():  # this same set was cut short by an earlier run: settle it first
            _settle_journal(journal)
        return _write_locked(out_dir, files, journal)


def _write_locked(out_dir: Path, files: dict[str, bytes], journal: Path) -> list[Path]:
    import tempfile  # random, shutil, bz2…: only once something is written

    staged: list[tuple[Path, Path]] = []  # (temporary, target)
    olds: list[Path] = []
    placed: list[Path] = []
    made: list[Path] = []  # folders this write created: a failed one leaves none of them
    complete = stuck = False  # stuck: not even the rollback could be done
    try:
        for name, data in files.items():  # a name may hold folders: ho_so/01-…/to_trinh.docx
            target = out_dir / name
            missing = [d for d in [target.parent, *target.parent.parents] if not d.exists()]
            target.parent.mkdir(parents=True, exist_ok=True)
            made += missing
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            # mkstemp answers with an absolute path; the set is named relative to out_dir as typed.
            tmp = target.parent / Path(tmp).name
            staged.append((tmp, target))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            # A file that is replaced keeps its permissions; a new one gets open()'s.
            target = out_dir / name
            os.chmod(tmp, target.stat().st_mode & 0o7777 if target.exists() else _NEW_FILE_MODE)
        if len(staged) > 1:
            olds = [_keep_old(t) for _, t in staged if t.exists()]
            rel = lambda p: p.relative_to(out_dir).as_posix()  # noqa: E731
            entry = {"files": [rel(t) for _, t in staged], "temps": [rel(tmp) for tmp, _ in staged],
                     "new": [rel(t) for _, t in staged if not t.exists()]}
            with open(journal, "w", encoding="utf-8") as fh:
                json.dump(entry, fh, ensure_ascii=False)
                fh.flush()
                os.fsync(fh.fileno())
            _fsync_dir(out_dir)
        for tmp, target in staged:
            replace(tmp, target)
            placed.append(target)
        _fsync_dir(out_dir)
        journal.unlink(missing_ok=True)  # the new set is complete from here on
        complete = True
    except OSError as err:
        try:
            for target in placed:
                old = _old_name(target)
                if old.exists():
                    replace(old, target)
                else:
                    target.unlink(missing_ok=True)
            journal.unlink(missing_ok=True)
        except OSError:
            # The folder refuses even the rollback (read-only): the journal, the temporary files
            # and the old copies stay as they are, for the next command's recovery to finish.
            stuck = True
        bad = Path(getattr(err, "filename", None) or out_dir)
        raise OutputError(_explain(err, bad)) from None
    finally:
        if not stuck:
            with contextlib.suppress(OSError):
                for tmp, _ in staged:
                    tmp.unlink(missing_ok=True)
                for old in olds:
                    old.unlink(missing_ok=True)
            if not complete:
                for folder in sorted(set(made), key=lambda d: len(d.parts), reverse=True):
                    with contextlib.suppress(OSError):
                        folder.rmdir()  # only when empty: never a file of anyone else
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
