"""The one reading of a .docx's styles (generator/styles.py), as Word applies them: what the
checker reports of a stranger's document and what the certificates measure come from it."""
from __future__ import annotations

from lxml import etree

from generator.styles import DEFAULT_SIZE, StyleSheet, w

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def sheet(body: str) -> StyleSheet:
    return StyleSheet(etree.fromstring(f'<w:styles xmlns:w="{W}">{body}</w:styles>'))


def rpr(inner: str):
    return etree.fromstring(f'<w:rPr xmlns:w="{W}">{inner}</w:rPr>')


NORMAL = ('<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
          '<w:rPr><w:rFonts w:ascii="Times New Roman"/><w:sz w:val="28"/></w:rPr></w:style>')


def test_text_no_style_sizes_prints_at_words_ten_points():
    s = sheet('<w:style w:type="paragraph" w:styleId="A"><w:name w:val="A"/></w:style>')
    assert DEFAULT_SIZE == 10.0 and s.run_look(None, "A").size == 10.0


def test_a_paragraph_that_names_no_style_prints_in_the_default_paragraph_style():
    s = sheet(NORMAL)
    ppr = etree.fromstring(f'<w:pPr xmlns:w="{W}"/>')
    assert s.paragraph_style(ppr) == "Normal" and s.paragraph_style(None) == "Normal"
    assert s.run_look(None, s.paragraph_style(None)).size == 14.0


def test_none_zero_false_and_off_switch_a_toggle_off():
    s = sheet('<w:style w:type="paragraph" w:styleId="B"><w:name w:val="B"/><w:rPr><w:b/><w:caps/></w:rPr></w:style>')
    assert s.run_look(None, "B").bold and s.run_look(None, "B").caps
    for off in ("none", "0", "false", "off"):
        look = s.run_look(rpr(f'<w:b w:val="{off}"/><w:caps w:val="{off}"/>'), "B")
        assert not look.bold and not look.caps, off


def test_the_nearest_definition_wins_run_then_character_style_then_paragraph_style_chain_then_defaults():
    s = sheet('<w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="24"/><w:i/></w:rPr></w:rPrDefault></w:docDefaults>'
              '<w:style w:type="paragraph" w:styleId="Base"><w:name w:val="Base"/><w:rPr><w:sz w:val="26"/>'
              '<w:rFonts w:ascii="Arial"/></w:rPr></w:style>'
              '<w:style w:type="paragraph" w:styleId="Child"><w:name w:val="Child"/><w:basedOn w:val="Base"/>'
              '<w:rPr><w:b/></w:rPr></w:style>'
              '<w:style w:type="character" w:styleId="Big"><w:name w:val="Big"/><w:rPr><w:sz w:val="40"/></w:rPr></w:style>')
    assert s.run_look(None, "Child") == (("Arial", 13.0, True, True, False))
    assert s.run_look(rpr('<w:rStyle w:val="Big"/>'), "Child").size == 20.0
    assert s.run_look(rpr('<w:rStyle w:val="Big"/><w:sz w:val="22"/>'), "Child").size == 11.0


def test_a_based_on_loop_ends_the_chain_instead_of_hanging():
    s = sheet('<w:style w:type="paragraph" w:styleId="X"><w:name w:val="X"/><w:basedOn w:val="Y"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="Y"><w:name w:val="Y"/><w:basedOn w:val="X"/>'
              '<w:rPr><w:sz w:val="30"/></w:rPr></w:style>')
    assert [st.sid for st in s.chain("X")] == ["X", "Y"] and s.run_look(None, "X").size == 15.0


def test_spacing_before_and_after_come_from_the_paragraph_its_styles_or_the_defaults():
    s = sheet('<w:docDefaults><w:pPrDefault><w:pPr><w:spacing w:after="160"/></w:pPr></w:pPrDefault></w:docDefaults>'
              '<w:style w:type="paragraph" w:styleId="S"><w:name w:val="S"/><w:pPr><w:spacing w:before="120"/></w:pPr>'
              '</w:style>')
    own = etree.fromstring(f'<w:pPr xmlns:w="{W}"><w:spacing w:after="0"/></w:pPr>')
    assert s.spacing(None, "S") == (6.0, 8.0) and s.spacing(own, "S") == (6.0, 0.0)
    assert w("b") == f"{{{W}}}b"
