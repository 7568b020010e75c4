"""Article references and case ids are never broken across lines (classifier/render/unbroken.py):
every form the program writes a reference in is one unbreakable unit, and wrapping keeps it whole."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from classifier import i18n
from classifier.citations import cite, ref
from classifier.render.unbroken import REFERENCE, pieces, wrap

FORMS = ("full", "label", "notation", "stored", "citation")
INSTRUMENTS = ("CC", "CoO", "CoM", "CPC", "CC2017", "CC1997")


@st.composite
def references(draw) -> str:
    """A reference as `citations.ref` writes it, in a form, a language and an instrument."""
    article = draw(st.sampled_from(["166", "167", "28", "378", "122", "171", "124", "125-1"]))
    part = draw(st.none() | st.integers(1, 9))
    items = draw(st.lists(st.integers(1, 9), max_size=3, unique=True)) if part is not None else []
    lang = draw(st.sampled_from(["en", "ru"]))
    form = draw(st.sampled_from(FORMS))
    instrument = draw(st.sampled_from(INSTRUMENTS))
    if form == "citation":  # the rule base cites one item at a time (`cite` reads one number after "items")
        items = items[:1]
    with i18n.use(lang):
        if form == "stored":
            return ref(article, part, instrument=instrument, form="stored")
        text = ref(article, part, sorted(items), instrument=instrument if form != "citation" else "CC", form=form)
        return cite(text) if form == "citation" else text


@settings(max_examples=300, deadline=None)
@given(references())
def test_every_reference_the_program_writes_is_one_unit(r):
    if " " in r:
        assert REFERENCE.fullmatch(r), r


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzабвгдежзиклмнопрстуфхцчшщыэюя", min_size=1, max_size=10)
IDS = st.from_regex(r"\A[a-z0-9]{2,5}(-[a-z0-9]{1,8}){1,4}\Z")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(WORDS, references(), IDS), min_size=1, max_size=40), st.integers(10, 100))
def test_wrap_breaks_at_blanks_outside_references_and_ids(tokens, width):
    longest = max(len(t) for t in tokens)
    width = max(width, longest)
    text = " ".join(tokens)
    lines = wrap(text, width)
    assert all(len(line) <= width for line in lines)
    assert " ".join(lines) == text  # nothing lost, nothing added: only blanks became line breaks
    units = [t for t in tokens if " " in t or "-" in t]
    for u in units:
        assert any(u in line for line in lines), (u, lines)


@given(st.lists(st.one_of(WORDS, references(), IDS), max_size=20), st.lists(IDS, max_size=3))
def test_pieces_are_the_text_exactly(tokens, ids):
    text = ", ".join(tokens)
    parts = list(pieces(text, ids))
    assert "".join(p for p, _ in parts) == text
    for r in tokens:
        if " " in r and REFERENCE.fullmatch(r):
            assert any(r in p for p, locked in parts if locked), r


def test_wrap_keeps_line_breaks_and_indents():
    text = "The offence date is before 1 December 2021 (CC arts. 11-12).\nч. 2 ст. 167 УК — Торговля детьми"
    lines = wrap(text, 24, indent="  ", first="- ")
    assert lines[0].startswith("- ") and all(line.startswith("  ") for line in lines[1:])
    assert any("(CC arts. 11-12)." in line for line in lines) and any("ч. 2 ст. 167 УК" in line for line in lines)
    assert wrap("a c01-osh-15-year-old-charged-159 b", 12) == ["a", "c01-osh-15-y", "ear-old-char", "ged-159 b"]  # too long: cut
