"""The one writer of article references (`classifier.citations`): a citation stored in English and
localised by `cite` reads, in Russian, exactly as `ref` writes the same reference in Russian — every
item kept, none left dangling after the code's name."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from classifier import i18n
from classifier.citations import cite, ref

ARTICLES = st.integers(1, 420).map(str)
ITEMS = st.lists(st.integers(1, 12), min_size=0, max_size=5, unique=True).map(sorted)


@given(st.sampled_from(["CC", "CPC", "CoO"]), ARTICLES, st.integers(1, 9), ITEMS)
def test_cite_localises_a_citation_exactly_as_ref_writes_it_in_russian(instrument, article, part, items):
    citation = ref(article, part, items, instrument=instrument, form="citation")
    with i18n.use("ru"):
        assert cite(citation) == ref(article, part, items, instrument=instrument, form="full", language="ru"), citation
        assert (
            cite(citation + "; CC art. 22")
            == ref(article, part, items, instrument=instrument, form="full", language="ru") + "; ст. 22 УК"
        )


def test_several_items_are_all_named_in_russian():
    with i18n.use("ru"):
        assert cite("CC art. 166 part 2 items 1, 5") == "пп. 1, 5 ч. 2 ст. 166 УК"
        assert cite("CC art. 166 part 3 item 1") == "п. 1 ч. 3 ст. 166 УК"
        assert cite("CC art. 166 part 2 items 1-2") == "пп. 1 и 2 ч. 2 ст. 166 УК"
    assert cite("CC art. 166 part 2 items 1, 5") == "CC art. 166 part 2 items 1, 5"  # English: as stored
