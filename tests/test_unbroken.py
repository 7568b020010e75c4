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


# Strings on which the interview's own wrapping (its word heuristics, before it used this module)
# and this module disagreed, with what stays whole: the parts `pieces` locks, in order.
DISAGREED = [
    # the interview's status line writes the part and item after the article: one reference
    ("primary: ст. 166 ч. 2 п. 1, 5 — Торговля людьми", ["ст. 166 ч. 2 п. 1, 5 —"]),
    # ... unless the part opens the next reference
    ("ст. 166 ч. 2 ст. 167 УК", ["ст. 166", "ч. 2 ст. 167 УК"]),
    # a code followed by a bracket and a full stop still closes the reference (the heuristic let «167 | УК).» apart)
    ("(ч. 2 ст. 167 УК).", ["ч. 2 ст. 167 УК"]),
    ("по ст. 166 и 167 УК", ["ст. 166 и 167 УК"]),
    ("ст. 3 Палермского протокола", ["ст. 3 Палермского протокола"]),
    ("ст. 12 Закона № 55", ["ст. 12 Закона № 55"]),
    # bare references of the prose, which this module let apart
    ("Part 4 refers to part 1 only. Item 4 does not", ["Part 4", "part 1", "Item 4"]),
    ("annex: Law No. 55 (2011 text), art. 27(2)", ["Law No. 55", "art. 27(2)"]),
    ("only a Law 55 purpose", ["Law 55"]),
    ("Часть 1 применяется; Статья 167 УК не содержит", ["Часть 1", "Статья 167 УК"]),
    ("разд. II, п. 15 и сноска 5", ["п. 15"]),
    ("Закон № 55 называет", ["Закон № 55"]),
    ("166(3) item 2 and 167(3) item 2 punish", ["166(3) item 2", "167(3) item 2"]),
    ("are set in CC appendix 1 (items 5-8 per LAW.md)", ["CC appendix 1", "items 5-8"]),
    # a command in backticks is typed as one
    ("`thb cases show ID` shows a case", ["`thb cases show ID`"]),
    # a dash stays with the word before it
    ("Ребенок — лицо", ["Ребенок —"]),
    # not a reference: the heuristic glued a number to the bracket after it, and a year to a word
    ("at 14 for art. 166 (CC art. 28); the 2021 note", ["art. 166", "CC art. 28"]),
]


def test_what_stays_whole_where_the_interview_and_the_reports_disagreed():
    for text, whole in DISAGREED:
        assert [p for p, locked in pieces(text) if locked] == whole, text
