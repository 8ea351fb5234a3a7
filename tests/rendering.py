"""Shared by the tests that need LibreOffice: skip with a reason on a machine without it,
fail under CI (CI=true), where .ci/run installs it."""
import os
import shutil

import pytest

from generator.pdf import find_soffice


def require_libreoffice():
    missing = [name for name, found in (("LibreOffice (soffice)", find_soffice()),
                                        ("poppler-utils (pdftotext)", shutil.which("pdftotext"))) if not found]
    if missing:
        why = "thiếu " + ", ".join(missing) + ": bỏ qua các kiểm tra dựng trang"
        if os.environ.get("CI") == "true":
            pytest.fail(why + " — nhưng trong CI chúng phải chạy (.ci/run cài LibreOffice).")
        pytest.skip(why)
