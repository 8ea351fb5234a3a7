#!/usr/bin/env python3
"""Build the plan and its annex from config/plan.yaml:  python build_docs.py  (--help for more)."""
import importlib.util
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _venv_python() -> "Path | None":
    for rel in ("Scripts/python.exe", "bin/python"):
        candidate = HERE / ".venv" / rel
        if candidate.is_file():
            return candidate
    return None


def _installed() -> bool:
    # Looked up, not imported: `--help` stays as fast as the tool's own import.
    return all(importlib.util.find_spec(name) is not None for name in ("yaml", "docxtpl", "openpyxl"))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    from generator.cli import main, utf8_streams

    if not _installed():
        # `python build_docs.py` typed by habit runs a Python without the libraries; the
        # project's own .venv has them, so the same command is handed over to it.
        venv = _venv_python()
        if (venv is not None and Path(sys.prefix).resolve() != (HERE / ".venv").resolve()
                and not os.environ.get("PLAN_DOCS_HANDED_OVER")):  # once: a broken venv must not loop
            import subprocess

            env = {**os.environ, "PLAN_DOCS_HANDED_OVER": "1"}
            sys.exit(subprocess.call([str(venv), str(HERE / "build_docs.py"), *sys.argv[1:]], env=env))
        utf8_streams()
        print("LỖI: chưa cài các thư viện của chương trình (thư mục .venv). Trên Windows: bấm đúp "
              "Chay-trang-nhap-lieu.bat (lần đầu tự cài). Hoặc gõ: python -m venv .venv rồi "
              ".venv/bin/python -m pip install -r requirements.txt (Windows: .venv\\Scripts\\python).",
              file=sys.stderr)
        sys.exit(2)
    sys.exit(main())
