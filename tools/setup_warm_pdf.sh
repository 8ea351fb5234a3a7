#!/usr/bin/env bash
# Optional: a LibreOffice kept running (unoserver) makes repeated PDF exports fast.
# unoserver's server needs a Python that can `import uno`; on Debian/Ubuntu that is the system
# python3 with python3-uno. This makes .uno-venv/ from it, with unoserver pinned.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! /usr/bin/python3 -c "import uno" 2>/dev/null; then
  echo "Cần gói python3-uno: sudo apt install python3-uno" >&2
  exit 1
fi
/usr/bin/python3 -m venv --system-site-packages .uno-venv
.uno-venv/bin/python -m pip install -q unoserver==3.7
echo "Đã tạo .uno-venv/ (unoserver 3.7)."
