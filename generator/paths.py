"""Where the clerk's files are by default. Its own module: `--help` needs these, and nothing else
of the build (main.py imports the rendering)."""
from __future__ import annotations

from pathlib import Path


def _project_root() -> Path:
    """The checkout the package sits in (`python build_docs.py`, or an editable install); an
    installed copy (`pip install .`, the `lap-van-ban` command) works on the folder it is run
    in, which holds config/ and templates/ as a checkout does."""
    here = Path(__file__).resolve().parent.parent
    return here if (here / "templates").is_dir() else Path.cwd()


ROOT = _project_root()
DEFAULT_CONFIG = ROOT / "config" / "plan.yaml"
DEFAULT_OUTPUT = ROOT / "output"
TEMPLATES_DIR = ROOT / "templates"
