"""The flow: a generator of questions and notes, a pure function of the answers given so far."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from ..i18n import tr
from ..rulebase.files import vocabulary
from ..rulebase.legal import is_child
from .base import MAX_CHARGES, MAX_PEOPLE
from .checks import Flow, article_and_part, check_case_id, check_citizenship, check_offence_date, known
from .questions import Notice, Option, Question, options, yesno
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
    a = yield Question(
        "exploitation", "multi", tr("interview.exploitation"), tr("interview.exploitation.help"), options("purposes")
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
        k + "citizenship",
        "text",
        tr("interview.victim.citizenship", id=vid),
        tr("interview.victim.citizenship.help"),
        check=check_citizenship,
        transform=str.upper,
    )
    if known(a):
        v["citizenship"] = a
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
    a = yield Question(k + "age", "int", tr("interview.offender.age", id=pid), tr("interview.offender.age.help"), lo=0, hi=120)
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
    people = [o for o in st.offenders if not o.get("legal_entity")]
    if any(o.get("official") is not False for o in people):
        a = yield yesno("circ.official", tr("interview.circ.official"), tr("interview.circ.official.help"))
        if a is True:
            st.flag("official_position_used")
    movement = ["crossed_state_border", "held_abroad", "held_against_will", "illegal_entry_or_exit_organised"]
    a = yield Question(
        "circ.movement", "multi", tr("interview.circ.movement"), tr("interview.circ.multi.help"), _circ_options(movement)
    )
    if known(a):
        st.flag(*a)
    control = [
        "identity_documents_taken",
        "ownership_powers_exercised",
        "victim_could_not_refuse",
        "dangerous_violence",
        "weapon_used",
    ]
    a = yield Question(
        "circ.control", "multi", tr("interview.circ.control"), tr("interview.circ.multi.help"), _circ_options(control)
    )
    if known(a):
        st.flag(*a)
    sexual = ["brothel_organised", "procuring", "pimping", "online"]
    if any(st.victim_age(v) is None or st.victim_age(v) < 16 for v in st.victims):
        sexual.append("sexual_acts_with_victim")
    a = yield Question(
        "circ.sexual", "multi", tr("interview.circ.sexual"), tr("interview.circ.multi.help"), _circ_options(sexual)
    )
    if known(a):
        st.flag(*a)
    a = yield yesno("circ.marriage", tr("interview.circ.marriage"), tr("interview.circ.marriage.help"))
    if a is True:
        st.flag("marriage_purpose")
    if st.means_skipped and (
        ("transportation" in (st.acts or []) and "held_against_will" in st.circumstances)
        or "marriage_purpose" in st.circumstances
    ):
        a = yield yesno("circ.abduction", tr("interview.circ.abduction"), tr("interview.circ.abduction.help"))
        if a is True:
            st.means = ["abduction"]
    if any(v.get("pregnant") for v in st.victims):
        a = yield yesno("circ.knew_pregnant", tr("interview.circ.knew_pregnant"), tr("interview.circ.knew_pregnant.help"))
        if a is True:
            st.flag("offender_knew_pregnant")
    harms = ["harm_significant", "harm_grave", "harm_especially_grave"]
    a = yield Question(
        "circ.harm",
        "choice",
        tr("interview.circ.harm"),
        tr("interview.circ.harm.help"),
        [Option("none", tr("interview.circ.harm.none"))] + _circ_options(harms),
    )
    if known(a) and a != "none":
        st.flag(a)
    if {"fraud", "deception"} & set(st.means or []):
        a = yield yesno("circ.property", tr("interview.circ.property"), tr("interview.circ.property.help"))
        if a is True:
            st.flag("property_obtained_by_deception")
            d = yield Question(
                "circ.damage", "number", tr("interview.circ.damage"), tr("interview.circ.damage.help"), lo=0, hi=1e12
            )
            if known(d):
                st.damage_ci = d


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
