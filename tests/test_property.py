"""Property: any unit names from all of Unicode and any counts from 0 to 10⁷ either build
documents that reopen and show each name exactly once in the annex, or fail with the
project's own error. Never a traceback, never a corrupt file."""
import io
import unicodedata

import docx
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.config import parse_plan
from generator.exceptions import GeneratorError
from generator.main import render_documents

from .conftest import SHIPPED_CONFIG
from .docx_read import squash

SHIPPED = SHIPPED_CONFIG.read_text(encoding="utf-8")
HEAD = SHIPPED[: SHIPPED.index("units:\n")]

names = st.one_of(
    st.text(min_size=1, max_size=40),  # all of Unicode but surrogates, control characters included
    st.text(alphabet="&<>\"'; {}%#", min_size=1, max_size=10),
    st.sampled_from(["LĐLĐ huyện Cao Lộc", "Công đoàn ngành Y tế"]).map(lambda s: unicodedata.normalize("NFD", s)),
    st.text(alphabet="aăâđêôơưáàảãạ ", min_size=300, max_size=600),  # very long names
)
units = st.lists(st.tuples(names, st.integers(0, 10**7)), min_size=1, max_size=8)


def config_for(unit_list) -> str:
    block = yaml.safe_dump({"units": [{"name": n, "members": m} for n, m in unit_list]},
                           allow_unicode=True, sort_keys=False, width=10**6)
    return HEAD + block


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(units)
def test_any_names_and_counts_build_cleanly_or_fail_with_our_error(unit_list):
    try:
        plan = parse_plan(config_for(unit_list))
        _, documents = render_documents(plan)
    except GeneratorError as err:
        assert str(err)  # a message for the clerk, never an empty one
        return
    annex = docx.Document(io.BytesIO(documents["phu_luc.docx"]))
    docx.Document(io.BytesIO(documents["ke_hoach.docx"]))  # reopens
    cells = [squash(row.cells[1].text) for row in annex.tables[0].rows[2:-2]]  # the unit rows
    for unit in plan.units:
        assert cells.count(unit.name) == 1, unit.name
    assert len(annex.tables[0].rows) == len(plan.units) + 4
    assert [u.members for u in plan.units] == [m for _, m in unit_list]
