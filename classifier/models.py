"""The public contract (FACTS.md): fact patterns in, findings out.

Enumerations are generated from `rules/vocabulary.yaml`, so the rule base and the input
validation can never disagree on a value. Input models forbid unknown keys and use strict
booleans and integers, so a typo or a `yes` in a flag is an error that names the path, never a
silently dropped fact.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, field_validator, model_validator

from .i18n import tr
from .rulebase.files import values

FACTS_VERSION = 1

Act = Literal[tuple(values("acts"))]  # type: ignore[valid-type]
Means = Literal[tuple(values("means"))]  # type: ignore[valid-type]
Purpose = Literal[tuple(values("purposes"))]  # type: ignore[valid-type]
Circumstance = Literal[tuple(values("circumstances"))]  # type: ignore[valid-type]
Relation = Literal[tuple(values("relations"))]  # type: ignore[valid-type]
Instrument = Literal[tuple(values("instruments"))]  # type: ignore[valid-type]

Age = Annotated[StrictInt, Field(ge=0, le=120, description="whole years at the offence date")]
# Per case (docs/audit.md, "What a record may hold"): classification time grows faster than the number
# of people (the engine merges per offender and per victim), so a record cannot hold more than these.
MAX_VICTIMS = 500
MAX_OFFENDERS = 200
ArticleNo = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._()-]*$")]


class InputModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("article", mode="before", check_fields=False)
    @classmethod
    def _article_as_text(cls, v: Any) -> Any:
        # `article: 378` in YAML is an int; articles are strings ("160-1" exists).
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v


class VictimOffence(InputModel):
    """An offence the victim committed or was charged with (non-punishment, LAW.md section 8)."""

    instrument: Instrument
    article: ArticleNo
    part: StrictInt | None = Field(default=None, ge=1, le=20)
    kind: Literal["criminal", "administrative"] | None = None
    caused_by_trafficking: StrictBool | None = None
    max_penalty_years: float | None = Field(default=None, ge=0, le=30)
    foreign_law: StrictBool = False
    note: str | None = None

    @model_validator(mode="after")
    def _kind_for_other(self) -> VictimOffence:
        if self.instrument == "other" and self.kind is None:
            raise ValueError(tr("model.kind_required"))
        return self


class Victim(InputModel):
    id: str = Field(min_length=1, max_length=64)
    age: Age | None = None
    birth_date: dt.date | None = None
    sex: Literal["female", "male", "unknown"] | None = None
    citizenship: str | None = Field(default=None, description="ISO 3166 alpha-2 code, `stateless`, or `unknown`")
    pregnant: StrictBool | None = None
    dependent_on_offender: StrictBool | None = None
    consented: StrictBool | None = None
    offences: list[VictimOffence] = []

    @field_validator("citizenship")
    @classmethod
    def _iso(cls, v: str | None) -> str | None:
        if v is not None and v not in ("unknown", "stateless") and not re.fullmatch(r"[A-Z]{2}", v):
            raise ValueError(tr("model.citizenship"))
        return v


class Offender(InputModel):
    id: str = Field(min_length=1, max_length=64)
    age: Age | None = None
    official: StrictBool | None = None
    legal_entity: StrictBool | None = None
    relation: Relation | None = None
    # v4 (LAW.md section 2): the unauthorised intermediary of CC art. 185
    adoption_intermediary: StrictBool | None = None
    # v4: what THIS offender did, each a subset of the case's `acts` / `means` (default: all of them)
    acts: list[Act] | None = None
    means: list[Means] | None = None


class Charge(InputModel):
    instrument: Instrument
    article: ArticleNo
    part: StrictInt | None = Field(default=None, ge=1, le=20)


class VictimCharge(Charge):
    victim: str


class Record(InputModel):
    """How the case was actually handled (audits, training)."""

    charges: list[Charge] = []
    prosecution: Literal["private_public", "public", "private", "unknown"] | None = None
    opened_on_victim_complaint: StrictBool | None = None
    terminated_by_reconciliation: StrictBool | None = None
    victim_charged_with: list[VictimCharge] = []


class ProvenanceEvidence(InputModel):
    """One fact of a machine draft and the words it rests on (`thb extract`, docs/extract.md)."""

    field: str = Field(min_length=1, max_length=200)
    value: Any = None
    start: StrictInt = Field(ge=0)
    end: StrictInt = Field(ge=0)
    quote: str
    status: Literal["proposed", "negated", "denied", "hypothetical", "background", "conflicting"]
    rule: str = ""
    cue: dict[str, Any] | None = None


class Review(InputModel):
    """What the person who confirmed a draft did with its proposed facts (`thb interview --prefill`)."""

    accepted: StrictInt = Field(default=0, ge=0)
    rejected: StrictInt = Field(default=0, ge=0)
    edited: StrictInt = Field(default=0, ge=0)


class Provenance(InputModel):
    """Where a fact pattern came from (optional; docs/extract.md). A draft of `thb extract` has
    `method: extract, confirmed: false` until a person confirms it (`thb interview --prefill`);
    `thb classify` and `thb audit` refuse an unconfirmed draft unless `--draft` is given."""

    method: str = Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z_-]*$")
    confirmed: StrictBool
    tool: str | None = Field(default=None, max_length=200)
    lexicon: str | None = Field(default=None, max_length=64)
    lang: Literal["en", "ru"] | None = None
    text_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    source: str | None = Field(default=None, max_length=2000)
    drafted_on: dt.date | None = None
    confirmed_by: str | None = Field(default=None, max_length=200)
    confirmed_on: dt.date | None = None
    review: Review | None = None
    evidence: list[ProvenanceEvidence] = []

    @property
    def unconfirmed_draft(self) -> bool:
        return self.method == "extract" and not self.confirmed


class FactPattern(InputModel):
    """A fact pattern, FACTS.md version 1. What is not stated is not established."""

    case_id: str = Field(min_length=1, max_length=200)
    offence_date: dt.date | None = None
    summary: str | None = None
    victims: list[Victim] = Field(default=[], max_length=MAX_VICTIMS)
    offenders: list[Offender] = Field(default=[], max_length=MAX_OFFENDERS)
    acts: list[Act] = []
    means: list[Means] = []
    purposes: list[Purpose] = []
    exploitation: list[Purpose] = []
    circumstances: list[Circumstance] = []
    damage_ci: float | None = Field(default=None, ge=0, le=1e12)
    record: Record | None = None
    provenance: Provenance | None = None

    @property
    def unconfirmed_draft(self) -> bool:
        """A machine draft no person has confirmed (docs/extract.md)."""
        return self.provenance is not None and self.provenance.unconfirmed_draft

    @field_validator("offence_date")
    @classmethod
    def _plausible_date(cls, v: dt.date | None) -> dt.date | None:
        if v is not None and not (dt.date(1991, 1, 1) <= v <= dt.date.today() + dt.timedelta(days=1)):
            raise ValueError(tr("model.date_range", date=v))
        return v

    @model_validator(mode="after")
    def _consistency(self) -> FactPattern:
        for kind, people in (("victim", self.victims), ("offender", self.offenders)):
            ids = [p.id for p in people]
            dup = sorted({i for i in ids if ids.count(i) > 1})
            if dup:
                raise ValueError(tr("model.duplicate_id", kind=tr(f"model.{kind}"), id=dup[0]))
        for o in self.offenders:
            for key in ("acts", "means"):
                own, case = getattr(o, key), getattr(self, key)
                extra = [x for x in own or () if x not in case]
                if extra:
                    raise ValueError(
                        tr(
                            "model.offender_subset",
                            id=o.id,
                            key=key,
                            extra=", ".join(extra),
                            case=", ".join(case) or tr("model.none"),
                        )
                    )
        vids = {v.id for v in self.victims}
        if self.record:
            for i, c in enumerate(self.record.victim_charged_with):
                if c.victim not in vids:
                    known = ", ".join(sorted(vids)) or tr("model.none")
                    raise ValueError(tr("model.unknown_victim", i=i, id=c.victim, known=known))
        when = self.offence_date or dt.date.today()
        for v in self.victims:
            if v.birth_date is not None:
                if v.birth_date > when:
                    raise ValueError(tr("model.birth_after", id=v.id, birth=v.birth_date, when=when))
                derived = age_on(v.birth_date, when)
                if derived > 120:  # as `age`, at most 120
                    raise ValueError(tr("guard.birth_too_early", id=v.id, birth=v.birth_date, derived=derived, when=when))
                if v.age is not None and v.age != derived:
                    raise ValueError(
                        tr("model.age_contradicts", id=v.id, age=v.age, birth=v.birth_date, derived=derived, when=when)
                    )
        return self

    def victim_age(self, v: Victim) -> int | None:
        if v.age is not None:
            return v.age
        if v.birth_date is not None:
            return age_on(v.birth_date, self.offence_date or dt.date.today())
        return None


def age_on(birth: dt.date, when: dt.date) -> int:
    return when.year - birth.year - ((when.month, when.day) < (birth.month, birth.day))


# ---------------------------------------------------------------------------------------------
# Findings (output), FACTS.md version 1. Keys listed there are required; more are added.

Role = Literal["primary", "concurrent", "competing", "alternative", "excluded"]
Status = Literal["met", "not_met", "not_required", "unknown"]
Gravity = Literal["minor", "less_grave", "grave", "especially_grave"]
Mode = Literal["public", "private_public"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Element(_Out):
    element: str
    status: Status
    facts: list[str]
    reason: str
    source: str
    interpretation: bool = False
    readings: list[str] = []


class HistoricalEquivalent(_Out):
    instrument: str
    article: str
    source_quality: Literal["verified", "secondary"]


class PenaltyLimit(_Out):
    """The limits CC arts. 103 and 108 put on the article's sanction for offenders under 18 at
    the offence (LAW.md section 3), for one group of offenders sharing them."""

    offenders: list[str]
    text: str
    basis: list[str]
    interpretation: bool = False
    readings: list[str] = []
    imprisonment: list[float | None] | None = None  # [min, max] years; null when no imprisonment is possible


class Qualification(_Out):
    instrument: str
    article: str
    part: int | None
    items: list[int]
    title: str
    role: Role
    reason: str
    offenders: list[str]
    victims: list[str]
    gravity: Gravity | None
    prosecution: Mode | None
    penalty: str
    penalty_limits: list[PenaltyLimit] = []
    interpretation: bool
    readings: list[str]
    historical_equivalent: HistoricalEquivalent | None
    elements: list[Element]
    sources: list[str]
    verified: bool = True


class ArticleRef(_Out):
    instrument: str
    article: str
    part: int | None = None


class Misclassification(_Out):
    charged: ArticleRef
    suggested: ArticleRef | None
    kind: Literal["trafficking_not_charged", "wrong_article", "wrong_part", "overcharged", "victim_punished"]
    severity: Literal["high", "medium", "low"]
    explanation: str
    consequences: list[str]
    interpretation: bool
    victim: str | None = None


class Prosecution(_Out):
    mode: Mode | None
    reconciliation_permitted: bool | None
    basis: list[str]
    flags: list[Literal["recorded_private", "opened_on_complaint_only", "reconciliation_not_permitted"]]


class NonPunishment(_Out):
    victim: str
    offence: ArticleRef
    applies: Literal["yes", "no", "unclear"]
    basis: list[str]
    reason: str
    interpretation: bool
    readings: list[str]


class MissingFact(_Out):
    affects: list[str]
    fact: str
    question: str


class Law(_Out):
    instrument: str
    edition: str
    offence_date: str | None
    notes: list[str]


class Findings(_Out):
    """The findings for one case — exactly what `thb classify --format json` prints."""

    version: int = FACTS_VERSION
    case_id: str
    law: Law
    qualifications: list[Qualification]
    misclassification: list[Misclassification]
    prosecution: Prosecution
    non_punishment: list[NonPunishment]
    missing_facts: list[MissingFact]
    warnings: list[str]

    @property
    def primary(self) -> Qualification | None:
        return next((q for q in self.qualifications if q.role == "primary"), None)
