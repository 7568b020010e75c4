"""The flow: a generator of questions and notes, a pure function of the answers given so far."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from ..i18n import lang, tr
from ..rulebase.files import vocabulary
from ..rulebase.legal import is_child
from .base import MAX_CHARGES, MAX_PEOPLE
from .checks import Flow, article_and_part, check_case_id, check_offence_date, known
from .countries import country_name
from .questions import Notice, Option, Question, options, yesno
from .relevance import base_atoms, cannot_matter, worlds_of
from .state import State, age_on, default_case_id


def interview_flow(st: State, out: str | None = None, force: bool = False) -> Flow:
    if st.draft is not None:  # --prefill: the draft's facts first, each with its quote
        from .prefill import walk

        yield from walk(st, st.draft)
    yield Notice(tr("interview.section.case"), "section")
    a = yield Question(
        "case.id",
        "text",
        tr("interview.case.id"),
        tr("interview.case.id.help"),
        default=default_case_id(),
        check=check_case_id,
    )
    st.case_id = a if known(a) else default_case_id()
    a = yield Question("case.date", "date", tr("interview.case.date"), tr("interview.case.date.help"), check=check_offence_date)
    if known(a):
        st.offence_date = a
    else:
        yield Notice(tr("interview.case.date.unknown"))
    a = yield Question(
        "case.summary", "text", tr("interview.case.summary"), tr("interview.case.summary.help"), blank_is_unknown=True
    )
    if known(a):
        st.summary = a

    # Victims, then offenders: how many, then each one
    for kind, ask_one in (("victims", _victim), ("offenders", _offender)):
        yield Notice(tr(f"interview.section.{kind}"), "section")
        n = yield Question(
            f"{kind}.count", "int", tr(f"interview.{kind}.count"), tr(f"interview.{kind}.count.help"), lo=1, hi=MAX_PEOPLE
        )
        if not known(n):
            n = 1
            yield Notice(tr(f"interview.{kind}.assume_one"))
        for i in range(1, n + 1):
            yield from ask_one(st, i)

    # What was done, for what purpose, what happened
    yield Notice(tr("interview.section.acts"), "section")
    a = yield Question("acts", "multi", tr("interview.acts"), tr("interview.acts.help"), options("acts"))
    st.acts = a if known(a) else None
    a = yield Question("purposes", "multi", tr("interview.purposes"), tr("interview.purposes.help"), options("purposes"))
    st.purposes = a if known(a) else None
    # the same thirteen options again: shown short (explained just above), and `=` takes the purposes
    same = st.purposes or None
    a = yield Question(
        "exploitation",
        "multi",
        tr("interview.exploitation"),
        tr("interview.exploitation.help"),
        options("purposes"),
        compact=True,
        same=same,
        same_label=", ".join(o.label for o in options("purposes", same)) if same else "",
    )
    st.exploitation = a if known(a) else None

    # How: the means, unless they cannot matter
    yield Notice(tr("interview.section.means"), "section")
    ask, note = means_decision(st)
    if note:
        yield Notice(tr(note))
    if ask:
        a = yield Question("means", "multi", tr("interview.means"), tr("interview.means.help"), options("means"))
        st.means = a if known(a) else None
    else:
        st.means_skipped = True

    yield from _circumstances(st)
    yield from _record(st)

    if st.draft is not None:
        from .prefill import complete

        complete(st)
    # The report, then the file
    yield Notice("", "report")
    yield from _output(st, out, force)


def means_decision(st: State) -> tuple[bool, str | None]:
    """Whether to ask the means, and the message (catalogue key) that says why, if any."""
    ages = [st.victim_age(v) for v in st.victims]
    if not ages or not all(is_child(a) for a in ages):
        return True, None  # an adult victim, or an age not known: art. 166 needs the means
    people = [o for o in st.offenders if not o.get("legal_entity")]
    if not people or any(o.get("age") is None or 14 <= o["age"] <= 15 for o in people):
        return True, "interview.means.child_young_offender"
    if st.offence_date and st.offence_date < dt.date(2019, 1, 1):
        return True, "interview.means.child_before_2019"
    voc = vocabulary()["purposes"]
    acts = st.acts or []
    cc_purpose = any(voc[p].get("class") == "cc" for p in (st.purposes or []) + (st.exploitation or []))
    if not acts or not (cc_purpose or {"sale", "purchase"} & set(acts)):
        return True, None  # act or purpose not known: the means may decide another article
    if st.exploitation or "forced_marriage" in (st.purposes or []):
        return True, "interview.means.child_concurrent"
    return False, "interview.means.skipped"


def _victim(st: State, i: int) -> Flow:
    vid = f"V{i}"
    v: dict[str, Any] = {"id": vid}
    st.victims.append(v)
    k = f"victim.{i}."
    when = st.when()

    def check_birth(value: tuple[str, Any]) -> str | None:
        kind, x = value
        if kind == "birth_date" and not (dt.date(1900, 1, 1) <= x <= when):
            return tr("interview.error.birth_date", date=x.isoformat(), when=when.isoformat())
        return None

    yield Notice(tr("interview.victim.head", id=vid), "section")
    a = yield Question(k + "age", "age", tr("interview.victim.age", id=vid), tr("interview.victim.age.help"), check=check_birth)
    if known(a):
        kind, x = a
        v[kind] = x
        if kind == "birth_date":
            yield Notice(tr("interview.victim.age.derived", id=vid, age=age_on(x, when), date=when.isoformat()))
    a = yield Question(
        k + "sex",
        "choice",
        tr("interview.victim.sex", id=vid),
        options=[Option("female", tr("interview.sex.female")), Option("male", tr("interview.sex.male"))],
    )
    if known(a):
        v["sex"] = a
    a = yield Question(
        k + "citizenship", "country", tr("interview.victim.citizenship", id=vid), tr("interview.victim.citizenship.help")
    )
    if known(a):
        v["citizenship"] = a
        name = country_name(a)
        if name and name != a:
            yield Notice(tr("interview.victim.citizenship.recorded", id=vid, code=a, name=name))
    if v.get("sex") != "male":
        a = yield yesno(k + "pregnant", tr("interview.victim.pregnant", id=vid), tr("interview.victim.pregnant.help"))
        if known(a):
            v["pregnant"] = a
    a = yield yesno(k + "dependent", tr("interview.victim.dependent", id=vid), tr("interview.victim.dependent.help"))
    if known(a):
        v["dependent_on_offender"] = a
    a = yield yesno(k + "consented", tr("interview.victim.consented", id=vid), tr("interview.victim.consented.help"))
    if known(a):
        v["consented"] = a


def _offender(st: State, i: int) -> Flow:
    pid = f"P{i}"
    o: dict[str, Any] = {"id": pid}
    st.offenders.append(o)
    k = f"offender.{i}."
    yield Notice(tr("interview.offender.head", id=pid), "section")
    a = yield Question(
        k + "kind",
        "choice",
        tr("interview.offender.kind", id=pid),
        options=[Option("person", tr("interview.offender.person")), Option("entity", tr("interview.offender.entity"))],
        default="1",
    )
    if a == "entity":
        o["legal_entity"] = True
        yield Notice(tr("interview.offender.entity.note", id=pid))
        return
    a = yield Question(k + "age", "years", tr("interview.offender.age", id=pid), tr("interview.offender.age.help"))
    if known(a):
        o["age"] = a
        if a < 14:
            yield Notice(tr("interview.offender.under14", id=pid))
    a = yield yesno(k + "official", tr("interview.offender.official", id=pid), tr("interview.offender.official.help"))
    if known(a):
        o["official"] = a
    a = yield Question(
        k + "relation",
        "choice",
        tr("interview.offender.relation", id=pid),
        tr("interview.offender.relation.help"),
        [Option(r, tr(f"interview.relation.{r}")) for r in vocabulary()["relations"]],
    )
    if known(a):
        o["relation"] = a


def _circ_options(values: list[str]) -> list[Option]:
    # Labelled from the catalogue: some vocabulary labels are cut at a comma (flow-style YAML).
    return [Option(v, tr(f"interview.circumstances.{v}")) for v in values]


# The circumstances asked after the group form, in order: (key, kind, the flags its options set).
# Which of them are asked — and which options shown — follows from the rule base (relevance.py):
# a flag that no answer can make matter on the answers so far is not asked.
CIRC_QUESTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("circ.official", "yesno", ("official_position_used",)),
    ("circ.movement", "multi", ("crossed_state_border", "held_abroad", "held_against_will", "illegal_entry_or_exit_organised")),
    (
        "circ.control",
        "multi",
        (
            "identity_documents_taken",
            "ownership_powers_exercised",
            "victim_could_not_refuse",
            "dangerous_violence",
            "weapon_used",
        ),
    ),
    ("circ.sexual", "multi", ("brothel_organised", "procuring", "pimping", "online", "sexual_acts_with_victim")),
    ("circ.marriage", "yesno", ("marriage_purpose",)),
    ("circ.knew_pregnant", "yesno", ("offender_knew_pregnant",)),
    ("circ.harm", "choice", ("harm_significant", "harm_grave", "harm_especially_grave")),
)
PROPERTY = "property_obtained_by_deception"
NEVER_ASKED = ("for_profit", "religious_marriage_rite", "paid_to_fight")  # only a confirmed draft sets them


def _may_matter(st: State, flags: tuple[str, ...], later: list[str]) -> tuple[list[str], dict[str, frozenset[str]]]:
    """The flags of a question that some answer can still make matter (relevance.py), and the others
    with the articles they would have reached. `later`: the flags of the questions still to come."""
    worlds = worlds_of(st.facts())
    if worlds is None:  # not a valid fact pattern yet: ask everything
        return list(flags), {}
    open_flags = list(flags) + later
    extra: set[str] = set()
    if st.means_skipped:  # the abduction may still be asked (circ.abduction)
        extra |= {"means.abduction", "joint.means.abduction"}
    if {"fraud", "deception"} & set(st.means or []):  # the property and its amount may still be asked
        open_flags.append(PROPERTY)
        extra |= base_atoms("damage.")
    if st.draft is not None:  # a confirmed draft may still add what the interview never asks
        open_flags += NEVER_ASKED
    skip = cannot_matter(flags, worlds, open_flags, extra)
    return [f for f in flags if f not in skip], skip


def _circumstances(st: State) -> Flow:
    yield Notice(tr("interview.section.circumstances"), "section")
    groups = ["group", "group_prior_conspiracy", "organised_group", "criminal_community"]
    a = yield Question(
        "circ.group",
        "choice",
        tr("interview.circ.group"),
        tr("interview.circ.group.help"),
        [Option("alone", tr("interview.circ.group.alone"))] + _circ_options(groups),
    )
    if known(a) and a != "alone":
        st.flag(a)
    skipped: dict[str, frozenset[str]] = {}
    for n, (key, kind, flags) in enumerate(CIRC_QUESTIONS):
        later = [f for _, _, fs in CIRC_QUESTIONS[n + 1 :] for f in fs]
        shown, skip = _may_matter(st, flags, later)
        skipped.update(skip)
        if shown:
            yield from _circ_question(st, key, kind, flags, shown)
        if key == "circ.marriage":
            yield from _abduction(st)
    if skipped:
        yield Notice(_skipped_note(skipped))
    if {"fraud", "deception"} & set(st.means or []):
        a = yield yesno("circ.property", tr("interview.circ.property"), tr("interview.circ.property.help"))
        if a is True:
            st.flag(PROPERTY)
            d = yield Question(
                "circ.damage", "number", tr("interview.circ.damage"), tr("interview.circ.damage.help"), lo=0, hi=1e12
            )
            if known(d):
                st.damage_ci = d


def _circ_question(st: State, key: str, kind: str, flags: tuple[str, ...], shown: list[str]) -> Flow:
    """One circumstance question, with the options that can still matter (the others accepted by name)."""
    name = key.split(".", 1)[1]
    help_key = "interview.circ.multi.help" if kind == "multi" else f"interview.circ.{name}.help"
    if kind == "yesno":
        a = yield yesno(key, tr(f"interview.circ.{name}"), tr(help_key))
        if a is True:
            st.flag(flags[0])
    elif kind == "multi":
        q = Question(key, "multi", tr(f"interview.circ.{name}"), tr(help_key), _circ_options(shown))
        q.hidden = _circ_options([f for f in flags if f not in shown])
        a = yield q
        if known(a):
            st.flag(*a)
    else:  # the harm: one of them, or none
        q = Question(
            key,
            "choice",
            tr(f"interview.circ.{name}"),
            tr(help_key),
            [Option("none", tr(f"interview.circ.{name}.none"))] + _circ_options(shown),
        )
        q.hidden = _circ_options([f for f in flags if f not in shown])
        a = yield q
        if known(a) and a != "none":
            st.flag(a)


def _abduction(st: State) -> Flow:
    """With the means skipped (a child victim), the abduction is asked only where it decides a
    further crime: kidnapping (art. 165) or abduction for marriage (art. 172)."""
    if st.means_skipped and (
        ("transportation" in (st.acts or []) and "held_against_will" in st.circumstances)
        or "marriage_purpose" in st.circumstances
    ):
        a = yield yesno("circ.abduction", tr("interview.circ.abduction"), tr("interview.circ.abduction.help"))
        if a is True:
            st.means = ["abduction"]


def _skipped_note(skipped: dict[str, frozenset[str]]) -> str:
    from ..citations import ref

    voc = vocabulary()["circumstances"]
    ru = lang() == "ru"
    what = "; ".join(str((voc[f].get("label_ru") if ru else None) or voc[f]["label"]) for f in skipped)
    arts = sorted({a for arts in skipped.values() for a in arts}, key=lambda a: (len(a), a))
    why = tr("interview.skip.articles", articles=", ".join(ref(a) for a in arts)) if arts else ""
    return tr("interview.skip.note", what=what, why=why)


def _instrument_q(key: str) -> Question:
    return Question(
        key,
        "choice",
        tr("interview.charge.instrument"),
        options=[Option(i, tr(f"interview.instrument.{i}")) for i in vocabulary()["instruments"]],
        default="1",
    )


def _record(st: State) -> Flow:
    yield Notice(tr("interview.section.record"), "section")
    a = yield yesno("record.charged", tr("interview.record.charged"), tr("interview.record.charged.help"), default="2")
    if a is True:
        for n in range(1, MAX_CHARGES + 1):
            k = f"charge.{n}."
            ins = yield _instrument_q(k + "instrument")
            art, part = yield from article_and_part(k, "interview.charge.article.help")
            if known(ins) and known(art):
                st.charges.append({"instrument": ins, "article": art, "part": part if known(part) else None})
            else:
                yield Notice(tr("interview.charge.incomplete"))
            more = yield yesno(k + "more", tr("interview.charge.more"), default="2")
            if more is not True:
                break

    a = yield yesno(
        "record.victim_charged", tr("interview.record.victim_charged"), tr("interview.record.victim_charged.help"), default="2"
    )
    if a is True:
        for n in range(1, MAX_CHARGES + 1):
            k = f"vcharge.{n}."
            vid = st.victims[0]["id"] if st.victims else "V1"
            if len(st.victims) > 1:
                vid = yield Question(
                    k + "victim",
                    "choice",
                    tr("interview.vcharge.victim"),
                    required=True,
                    options=[Option(v["id"], v["id"]) for v in st.victims],
                )
            ins = yield _instrument_q(k + "instrument")
            kind = None
            if ins == "other":
                kind = yield Question(
                    k + "kind",
                    "choice",
                    tr("interview.vcharge.kind"),
                    required=True,
                    options=[
                        Option("criminal", tr("interview.kind.criminal")),
                        Option("administrative", tr("interview.kind.administrative")),
                    ],
                )
            art, part = yield from article_and_part(k, "interview.vcharge.article.help")
            caused = yield yesno(k + "caused", tr("interview.vcharge.caused"), tr("interview.vcharge.caused.help"))
            if known(ins) and known(art):
                st.victim_charges.append(
                    (
                        vid,
                        {
                            "instrument": ins,
                            "article": art,
                            "part": part if known(part) else None,
                            "kind": kind,
                            "caused_by_trafficking": caused if known(caused) else None,
                        },
                    )
                )
            else:
                yield Notice(tr("interview.charge.incomplete"))
            more = yield yesno(k + "more", tr("interview.vcharge.more"), default="2")
            if more is not True:
                break


def check_path(value: str) -> str | None:
    p = Path(value).expanduser()
    if p.is_dir():
        return tr("interview.error.path_dir", path=value)
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        return tr("interview.error.path_parent", path=value, parent=str(parent))
    if not os.access(parent, os.W_OK):
        return tr("interview.error.path_write", parent=str(parent))
    return None


def _output(st: State, out: str | None, force: bool) -> Flow:
    path = out
    while True:
        if path is None:
            path = yield Question(
                "output.file",
                "path",
                tr("interview.output.file"),
                tr("interview.output.file.help"),
                required=True,
                check=check_path,
            )
        if Path(path).expanduser().exists() and not force:
            ok = yield yesno("output.overwrite", tr("interview.output.overwrite", path=path), default="2")
            if ok is not True:
                path = None
                continue
            st.overwrite = True
        st.out_path = path
        return
