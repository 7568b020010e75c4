"""thb extract never confuses victim and offender (issue 14, "What it must never do"): the age of
the one who recruited, sold or bought is never a victim's, a victim's age is never an offender's,
and when the text does not tell whose an age is, nothing is proposed (docs/extract.md, "Whose age
is it?"). The sentences are written for the roles round (dev material), not taken from the gold."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classifier.extract import extract


def facts_of(text: str) -> dict:
    return extract(text, "T").draft


def ages(d: dict, role: str) -> list[int]:
    return sorted(p["age"] for p in d.get(role, []) if "age" in p)


def sexes(d: dict) -> list[str]:
    return sorted(p["sex"] for p in d.get("victims", []) if "sex" in p)


def roles_of_ages(text: str) -> tuple[list[int], list[int]]:
    d = facts_of(text)
    return ages(d, "victims"), ages(d, "offenders")


# ------------------------------------------------------------------------------ the known failures
def test_a_surname_with_initials_is_read_as_a_surname_not_as_a_plural_name():
    # «Асанов» is also the genitive plural of the name «Асан»: its case is a surname's, nominative
    v, o = roles_of_ages("гр. Асанов Б., 34 года, путем обмана завербовал 19-летнюю гражданку А. и перевез её в г. Алматы.")
    assert (v, o) == ([19], [34])
    # «Асанова» is the nominative of the feminine or the genitive of the masculine: the verb's gender tells
    v, o = roles_of_ages("Асанова Ж., 41 год, завербовала 18-летнюю девушку и вывезла её в Турцию.")
    assert (v, o) == ([18], [41])


def test_a_feminine_role_noun_is_that_role_and_a_month_age_is_the_child_s():
    d = facts_of("Подозреваемая, 52 года, продала свою 3-месячную дочь за 50 000 сомов.")
    assert ages(d, "offenders") == [52]
    assert d["victims"] == [{"id": "V1", "age": 0, "sex": "female"}]
    for text in ("Обвиняемая, 40 лет, продала 15-летнюю девушку.", "Задержанная, 40 лет, продала 15-летнюю девушку."):
        assert roles_of_ages(text) == ([15], [40]), text


def test_an_age_list_is_a_person_for_each_age():
    d = facts_of("The accused, aged 29, recruited two girls aged 16 and 17 and sold them to a brothel owner.")
    assert [(v.get("age"), v.get("sex")) for v in d["victims"]] == [(16, "female"), (17, "female")]
    assert ages(d, "offenders") == [29]
    assert roles_of_ages("Police found three women, aged 22, 24 and 25, in a flat where the owner kept them.") == (
        [22, 24, 25],
        [],
    )
    assert roles_of_ages("Асанова Ж., 41 год, завербовала двух девушек, 18 и 19 лет, и вывезла их в Турцию.") == ([18, 19], [41])
    assert roles_of_ages("The girls, both 14, had been handed over by their father to a man for 1,000 dollars.") == ([14, 14], [])
    assert roles_of_ages("Two boys aged 12 and 14 were sold by their uncle, 50, to a farmer.") == ([12, 14], [50])


def test_an_age_in_brackets_after_a_name_is_that_person_s():
    assert roles_of_ages("гр. М. (45 лет) путем обмана завербовал 17-летнюю девушку и продал её.") == ([17], [45])
    assert roles_of_ages("Гражданин Т. (38 лет) продал несовершеннолетнюю Н., 15 лет, за 1000 долларов.") == ([15], [38])
    assert roles_of_ages("Обвиняемый Кадыров Э. (47 лет) продал гражданку Б., 20 лет, в г. Москва.") == ([20], [47])


def test_persons_joined_by_and_are_each_the_subject_of_a_plural_verb():
    text = "Подсудимые Ш., 33 лет, и О., 29 лет, вербовали девушек для работы в Южной Корее."
    assert roles_of_ages(text) == ([], [29, 33])
    text = "Малолетний С., 10 лет, и его 12-летняя сестра были переданы отцом своему знакомому Г., который возил детей по сёлам."
    assert roles_of_ages(text) == ([10, 12], [])


def test_the_verb_s_subject_is_the_one_who_acted():
    # the nominative that is not the act's subject is no one: «Мать пояснила, что…»
    assert roles_of_ages("Женщина, 45 лет, пояснила, что гр. Усенов К., 36 лет, продал её дочь.") == ([], [36])
    # the subject after the verb: «её продал отчим»
    assert roles_of_ages("Потерпевшая, 16 лет, пояснила, что её продал гражданин Б., 50 лет.") == ([16], [50])
    # an object ambiguous as a nominative is the object of the verb before it
    d = facts_of("Гражданка Н., 27 лет, получила от гражданки Ж. её новорождённую дочь и передала ребёнка гражданам Казахстана.")
    assert ages(d, "offenders") == [27] and ages(d, "victims") == [0]
    # a person after a preposition is no act's object («вместе с…», «от…»)
    assert roles_of_ages("Гражданин Б., 39 лет, вместе с гражданкой К., 35 лет, продал девушку.") == ([], [39])


def test_whose_name_it_is_is_read_from_the_name_and_its_own_words():
    # the name right after an adjectival age is its person, not a noun further on
    d = facts_of("Установлено, что Иванова, 38 лет, продала 14-летнюю Петрову гражданину Сидорову, 41 года.")
    assert d["victims"] == [{"id": "V1", "age": 14, "sex": "female"}] and ages(d, "offenders") == [38, 41]
    # an initial is no preposition («у гражданки К. её 2-летнего сына»); a person after one is no object
    d = facts_of("Гражданин Б., 50 лет, купил у гражданки К. её 2-летнего сына за 3000 долларов.")
    assert d["victims"] == [{"id": "V1", "age": 2, "sex": "male"}] and ages(d, "offenders") == [50]
    # a subject after the verb, past a pronoun object that could be a possessive
    assert roles_of_ages("Потерпевшую, 18 лет, продал её знакомый, 33 лет.") == ([18], [33])
    # an initial of unknown case joined by «и» to a person is what that person is
    assert roles_of_ages("Гражданин С., 60 лет, обманным путем завербовал потерпевших М., 22 лет, и Н., 24 лет.") == (
        [22, 24],
        [60],
    )
    # the agent of a passive in the instrumental
    assert roles_of_ages("Несовершеннолетняя Д., 16 лет, была завербована гражданкой С., 35 лет.") == ([16], [35])
    # a postposed age at the end of the sentence
    assert roles_of_ages("The victim's mother, 40, sold her to a man, 55.") == ([], [40, 55])


def test_a_person_in_apposition_to_a_role_noun_has_its_role():
    text = "A 24-year-old man answered an advert. The recruiter, a 31-year-old Kyrgyz citizen, took his passport and sold him."
    d = facts_of(text)
    assert ages(d, "offenders") == [31] and ages(d, "victims") == []
    assert all("citizenship" not in v for v in d.get("victims", []))
    assert roles_of_ages("Girls were sold to the owner of a sauna, a 50-year-old man.") == ([], [50])
    assert roles_of_ages("The accused sold the victim, a 17-year-old girl, to a man.") == ([17], [])
    assert roles_of_ages("Вербовщица, гражданка Казахстана Б., 31 года, продала девушку.") == ([], [31])
    assert roles_of_ages("Ms Karimova, the recruiter, 45, sold two girls.") == ([], [45])


def test_a_capitalised_pronoun_is_no_name_and_an_attributive_age_is_not_read_twice():
    # "He" is no name to give "15 year old" to as a postposed age; "39 years old," is postposed
    assert roles_of_ages("He sold a 15 year old girl.") == ([15], [])
    assert roles_of_ages("The suspect, 39 years old, recruited 11-year-old Aida.") == ([11], [39])
    # an initial after a title carries an age as a name does
    assert roles_of_ages("Ms D., 40, recruited a 15-year-old girl.") == ([15], [40])
    assert roles_of_ages("The accused sold Ms K., 6, to a man.") == ([6], [])


def test_a_by_phrase_names_the_one_who_acted_past_titles_names_and_appositions():
    assert roles_of_ages("9-year-old Aida was transported by Ms D. (41).") == ([9], [41])
    assert roles_of_ages("A 17-year-old girl was lured by Mr Asanov (59).") == ([17], [59])
    assert roles_of_ages("6-year-old Aida had been bought by a Kazakh citizen, aged 26, in Osh.") == ([6], [26])
    assert roles_of_ages("Two girls aged 6 and 7 had been harboured by Ms D., a 40-year-old Kyrgyz citizen, in Osh.") == (
        [6, 7],
        [40],
    )
    assert roles_of_ages("A 13-year-old girl was lured by her stepfather, a 29-year-old Kyrgyz citizen.") == ([13], [29])
    text = "A young woman aged 17 had been recruited by the director of the agency, Mr T., who is 25, in Osh."
    assert roles_of_ages(text) == ([17], [25])
    # "trafficked" before a person is no victim cue when "by" names them
    v, o = roles_of_ages("A woman, 15, was trafficked by a man, 36 years old. The buyer, 30, kept them in his house.")
    assert 36 not in v and 15 not in o and 30 in o


def test_the_source_of_a_report_is_no_apposition():
    assert roles_of_ages("According to the victim, a man, who is 41, bought three women aged 17, 18 and 19.") == (
        [17, 18, 19],
        [41],
    )
    assert roles_of_ages("According to the victim, her stepfather, aged 31, abducted a girl, 14 years old.") == ([14], [31])
    assert roles_of_ages("По словам потерпевшей, гражданка К., 40 лет, продала её за 1000 долларов.") == ([], [40])


def test_a_place_s_name_is_no_person_s_name():
    # «с. Ленинское А.» looks like «Асанов А.»: a surname with an initial; after «с.», «г.» it is a place
    assert roles_of_ages("гр. М., 33 года, удерживал жительницу с. Ленинское А., 4 года, и вывез её в г. Алматы.") == ([4], [33])
    assert roles_of_ages("Гражданин Б., 39 лет, вместе с К., 35 лет, продал девушку.") == ([], [39])  # «с» without a full stop


def test_a_person_s_own_words_before_an_age_do_not_make_it_inexact():
    assert roles_of_ages("A young woman aged 19 was sold to a sauna owner.") == ([19], [])
    assert roles_of_ages("A girl aged under 15 was sold.") == ([], [])
    assert roles_of_ages("He sold a girl as young as 10.") == ([], [])


def test_an_act_of_a_relative_clause_on_a_thing_is_not_the_person_s():
    # the advert promised the job: the man before it is no actor (his 24 was an offender's)
    text = "In 2023 a 24-year-old man from Osh answered an advert that promised a job in Dubai. The recruiter, a 31-year-old Kyrgyz citizen, paid for his ticket."
    assert roles_of_ages(text) == ([], [31])
    # a relative clause on the person itself still gives its role
    assert roles_of_ages("A man, 40, who owned a cafe, recruited two girls.") == ([], [40])


def test_an_act_named_by_a_person_noun_tells_who_did_it_not_to_whom():
    # "the recruiter" proves a recruitment, but a person after it is not its object
    assert roles_of_ages("The recruiter and a 31-year-old man sold the girls.") == ([], [31])
    assert roles_of_ages("Вербовщица и гражданин Б., 44 лет, продали девушку.") == ([], [44])


def test_her_owning_a_thing_is_no_victim():
    for text in (
        "The owner kept the workers in her house.",
        "Three workers were recruited for work in Moscow. The owner kept them in her house and took their passports.",
        "He sold the workers and took her share of the money.",
        "Он удерживал рабочих в её квартире.",
    ):
        assert sexes(facts_of(text)) == [], text
    assert sexes(facts_of("He sold the boy to her for 500 dollars.")) == ["male"]  # the one he was sold to
    assert sexes(facts_of("He kept her in his flat.")) == ["female"]
    assert sexes(facts_of("He promised her work in a cafe and sold her.")) == ["female"]


# ------------------------------------------------------------------------------ properties
def _years_ru(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return "год"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return "года"
    return "лет"


SURNAMES_RU = [("Асанов", "Асанова"), ("Усенов", "Усенова"), ("Кадыров", "Кадырова"), ("Исмаилов", "Исмаилова")]
INITIALS = list("АБКМНСТ")
# (text, gender) of an offender: a name, an initial after a title or a noun, a role noun
OFFENDERS_RU = st.one_of(
    st.tuples(st.sampled_from(SURNAMES_RU), st.sampled_from(INITIALS), st.sampled_from(["", "гр. "]), st.booleans()).map(
        lambda t: (f"{t[2]}{t[0][1] if t[3] else t[0][0]} {t[1]}.", "f" if t[3] else "m")
    ),
    st.tuples(st.sampled_from(INITIALS), st.booleans()).map(
        lambda t: (f"Гражданка {t[0]}." if t[1] else f"Гражданин {t[0]}.", "f" if t[1] else "m")
    ),
    st.sampled_from(INITIALS).map(lambda i: (f"гр. {i}.", "m")),
    st.sampled_from(
        [
            ("Подозреваемая", "f"),
            ("Подозреваемый", "m"),
            ("Обвиняемая", "f"),
            ("Обвиняемый Кадыров Э.", "m"),
            ("Мать потерпевшей", "f"),
            ("Отчим", "m"),
            ("Неустановленное лицо", "n"),
            ("Жительница г. Ош С.", "f"),
            ("Ранее судимый Б.", "m"),
        ]
    ),
)
AGE_AFTER_RU = st.sampled_from(["{c} {n} {y},", " ({n} {y})", ", в возрасте {n} лет,", ", {n} {y}, уроженец г. Ош,"])
VERBS_RU = {
    "m": ["завербовал", "продал", "похитил", "перевёз", "удерживал"],
    "f": ["завербовала", "продала", "похитила", "перевезла", "удерживала"],
    "n": ["завербовало", "продало", "похитило"],
}
VICTIMS_RU = st.sampled_from(
    [
        "{m}-летнюю девушку",
        "{m}-летнего мальчика",
        "несовершеннолетнюю К., {m} {ym},",
        "гражданку Д., {m} {ym},",
        "{m}-летнюю Петрову",
        "малолетнего С. ({m} {ym})",
        "свою {m}-летнюю дочь",
        "потерпевшую Н., {m} {ym},",
        "двух девушек, {m} и {m2} лет,",
        "гражданина Республики Узбекистан Р., {m} {ym},",
        "жительницу с. Ленинское А., {m} {ym},",
    ]
)
TAILS_RU = ["", " и {vyvez} её в г. Алматы", " за 2000 долларов", ", после чего {prodal} гражданину Л., {b} {yb}"]
OPENERS_RU = ["", "В 2022 году ", "Установлено, что ", "По данным следствия, "]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    OFFENDERS_RU,
    AGE_AFTER_RU,
    st.integers(25, 45),
    st.integers(1, 22),
    st.integers(46, 70),
    VICTIMS_RU,
    st.sampled_from(TAILS_RU),
    st.sampled_from(OPENERS_RU),
    st.data(),
)
def test_an_offender_s_age_never_goes_to_a_victim_ru(off, age_fmt, n, m, buyer, victim, tail, opener, data):
    """«<offender>, N лет, <verb> <victim> M лет[, после чего продал гражданину Л., B лет]»: N and B are
    never a victim's, M never an offender's."""
    name, g = off
    if opener and not name.startswith(("Асанов", "Усенов", "Кадыров", "Исмаилов")):
        name = name[0].lower() + name[1:]
    verb = data.draw(st.sampled_from(VERBS_RU[g]))
    forms = {"m": ("вывез", "продал"), "f": ("вывезла", "продала"), "n": ("вывезло", "продало")}[g]
    age = age_fmt.format(c=",", n=n, y=_years_ru(n))
    vic = victim.format(m=m, m2=m + 1, ym=_years_ru(m))
    end = tail.format(vyvez=forms[0], prodal=forms[1], b=buyer, yb=_years_ru(buyer))
    text = f"{opener}{name}{age} {verb} {vic}{end}.".replace(",,", ",").replace(",.", ".")
    v, o = roles_of_ages(text)
    assert n not in v and buyer not in v, text
    assert m not in o and m + 1 not in o, text
    assert set(o) <= {n, buyer} and set(v) <= {m, m + 1}, text


OFFENDERS_EN = st.sampled_from(
    [
        "The accused",
        "The suspect",
        "Mr Asanov",
        "The recruiter, Ms Karimova",
        "A man",
        "A woman",
        "Ms D.",
        "The trafficker",
        "Her stepfather",
        "The owner of the cafe",
        "The director of the agency, Mr T.",
        "Their neighbour",
        "A Kazakh citizen",
    ]
)
AGE_AFTER_EN = st.sampled_from(
    [", {n},", ", aged {n},", " ({n})", ", a {n}-year-old Kyrgyz citizen,", ", {n} years old,", ", who is {n},"]
)
VICTIMS_EN = st.sampled_from(
    [
        "a {m}-year-old girl",
        "two girls aged {m} and {m2}",
        "a woman, {m},",
        "a boy aged {m}",
        "Ms K., {m},",
        "{m}-year-old Aida",
        "the victim, a {m}-year-old woman,",
        "a {m} year old boy",
        "a girl, {m} years old,",
        "her {m}-year-old niece",
        "three women aged {m}, {m2} and {m3}",
        "a young woman aged {m}",
        "a {m}-year-old Uzbek citizen",
    ]
)
VERBS_EN = ["recruited", "sold", "kidnapped", "lured", "bought", "abducted", "trafficked", "transported", "harboured"]
TAILS_EN = [
    "",
    " and took them to Almaty",
    " to a brothel owner, {b},",
    " and sold them to a man aged {b}",
    ". The buyer, {b}, kept them in his house",
    ". She was later sold to a {b}-year-old man",
]
PASSIVES_EN = ["{vic} was {verb} by {off}{age}{tail}.", "{vic} had been {verb} by {off}{age} in Osh."]


def _lower_first(s: str) -> str:
    return s if s.startswith(("Mr", "Ms")) else s[0].lower() + s[1:]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    OFFENDERS_EN,
    AGE_AFTER_EN,
    st.integers(25, 45),
    st.integers(1, 20),
    st.integers(46, 70),
    VICTIMS_EN,
    st.sampled_from(VERBS_EN),
    st.sampled_from(TAILS_EN),
    st.sampled_from(["", "In 2021 ", "Investigators found that ", "According to the victim, ", None, None]),
    st.sampled_from(PASSIVES_EN),
)
def test_an_offender_s_age_never_goes_to_a_victim_en(off, age_fmt, n, m, buyer, victim, verb, tail, opener, passive):
    """ "<offender>, N, <verb> <victim> aged M…", "<victim> was <verb> by <offender>, N": N and the buyer's B
    are never a victim's, M never an offender's."""
    vic = victim.format(m=m, m2=m + 1, m3=m + 2)
    age = age_fmt.format(n=n)
    end = tail.format(b=buyer)
    if opener is None:  # the passive: "… was sold by Ms D. (40)"
        text = passive.format(vic=vic[0].upper() + vic[1:], verb=verb, off=_lower_first(off), age=age, tail=end)
    else:
        text = f"{opener}{_lower_first(off) if opener else off}{age} {verb} {vic}{end}."
    text = text.replace(",,", ",").replace(", .", ".").replace(",.", ".")
    v, o = roles_of_ages(text)
    assert n not in v and buyer not in v, text
    assert not {m, m + 1, m + 2} & set(o), text
    assert set(o) <= {n, buyer} and set(v) <= {m, m + 1, m + 2}, text


PASSIVE_EN = st.sampled_from(
    [
        "A {m}-year-old girl was sold by a man, {n}, to a brothel.",
        "A {m}-year-old girl was sold to a man, {n}, for 1,000 dollars.",
        "The girl, {m}, was recruited by the accused, aged {n}.",
        "Two girls aged {m} and {m2} were handed over to the owner of a sauna, a {n}-year-old man.",
        "Girls aged {m} and {m2} were recruited by a woman, {n}, and sold to a brothel.",
    ]
)
PASSIVE_RU = st.sampled_from(
    [
        "{m}-летняя девушка была продана гражданину Б., {n} {y}.",
        "Несовершеннолетняя К., {m} {ym}, была продана её отцом гражданину Ф., {n} {y}.",
        "{m}-летнюю С. гражданка Н. ({n} {y}) продала за 1000 долларов.",
        "Потерпевшая, {m} {ym}, пояснила, что её продал гражданин Б., {n} {y}.",
        "Девушку, {m} {ym}, продали гражданину Казахстана Б., {n} {y}, который вывез её в г. Шымкент.",
        "Иванова продала {m}-летнюю Петрову гражданину Сидорову, {n} {y}.",
        "Потерпевшую, {m} {ym}, продал её знакомый, {n} {y}.",
        "Гражданин Б., {n} {y}, купил у гражданки К. её {m}-летнего сына.",
        "Гражданин С., {n} {y}, завербовал потерпевших М., {m} {ym}, и Н., {m2} {ym2}.",
        "Несовершеннолетняя Д., {m} {ym}, была завербована гражданкой С., {n} {y}.",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["He", "She", "They", "The man", "Она", "Он", "Они"]),
    st.sampled_from(["a {m}-year-old girl", "a {m} year old boy", "a girl aged {m}", "{m}-летнюю девушку", "девушку, {m} {y},"]),
    st.integers(1, 30),
)
def test_an_age_with_a_pronoun_as_the_actor_is_never_the_actor_s(actor, victim, m):
    ru = actor in ("Она", "Он", "Они")
    if ru != ("летн" in victim or "{y}" in victim):
        return
    verb = {"Она": "продала", "Он": "продал", "Они": "продали"}.get(actor, "sold")
    text = f"{actor} {verb} {victim.format(m=m, y=_years_ru(m))}."
    assert roles_of_ages(text)[1] == [], text


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["en", "ru"]), st.data(), st.integers(25, 60), st.integers(1, 11))
def test_the_buyer_s_or_the_passive_agent_s_age_never_goes_to_a_victim(lg, data, n, m):
    frame = data.draw(PASSIVE_EN if lg == "en" else PASSIVE_RU)
    text = frame.format(m=m, m2=m + 12, n=n, y=_years_ru(n), ym=_years_ru(m), ym2=_years_ru(m + 12))
    v, o = roles_of_ages(text)
    assert n not in v, text
    assert m not in o and m + 12 not in o, text


def test_a_name_read_as_a_victim_and_as_an_offender_is_proposed_as_neither():
    x = extract("Гражданин Асанов продал гражданку К. за 1000 долларов. К., 30 лет, продала гражданина Асанова, 40 лет.", "T")
    assert "victims" not in x.draft and "offenders" not in x.draft
    assert {e.status for e in x.evidence if e.field.startswith(("victims", "offenders"))} == {"conflicting"}
    # one role throughout: proposed
    d = facts_of("Гражданин Асанов, 40 лет, продал гражданку К. за 1000 долларов. Асанов вывез К., 19 лет, в Казахстан.")
    assert ages(d, "offenders") == [40] and ages(d, "victims") == [19]
