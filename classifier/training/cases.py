"""The case library: the case file (`cases/*.yaml`, docs/training.md) checked as a model, and the library found, loaded and searched."""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import Field, PrivateAttr, StrictBool, StrictInt, ValidationError, field_validator, model_validator

from ..errors import InputError
from ..i18n import lang, tr
from ..models import Charge, FactPattern, InputModel, Misclassification, Mode, Role
from ..reading.inputs import parse, read_text
from ..records import explain

CASES_ENV = "THB_CASES"


# --------------------------------------------------------------------------- the case file
class ArticlePart(InputModel):
    article: str = Field(min_length=1, max_length=64)
    part: StrictInt | None = Field(default=None, ge=1, le=20)
    items: list[StrictInt] | None = None


class Include(ArticlePart):
    role: Role | None = None
    offenders: list[str] | None = None


class NoQualification(InputModel):
    article: str = Field(min_length=1, max_length=64)
    offender: str | None = None


class ExpectMisclassification(InputModel):
    kind: Literal[get_args(Misclassification.model_fields["kind"].annotation)]  # type: ignore[valid-type]
    severity: Literal["high", "medium", "low"] | None = None


class ExpectProsecution(InputModel):
    mode: Mode | None = None
    reconciliation_permitted: StrictBool | None = None


class ExpectNonPunishment(InputModel):
    article: str = Field(min_length=1, max_length=64)
    applies: Literal["yes", "no", "unclear"]
    basis_has: str | None = None
    basis_lacks: str | None = None


MisclassificationKind = Literal[get_args(Misclassification.model_fields["kind"].annotation) + ("none", "any")]  # type: ignore[valid-type]


class Expect(InputModel):
    """What the classifier must find: the `expect` block of `../shared/tools/check-examples`."""

    primary: ArticlePart | None = Field(description="{article, part} or `none`")
    includes: list[Include] = []
    no_qualification: list[NoQualification] = []
    excludes_primary: list[str] = []
    misclassification: MisclassificationKind | ExpectMisclassification | None = None
    prosecution: ExpectProsecution | None = None
    prosecution_basis_has: list[str] = []
    non_punishment: list[ExpectNonPunishment] = []
    missing_fact: str | None = None
    readings: list[str] = []
    penalty_limits_for: list[str] = []

    @field_validator("primary", mode="before")
    @classmethod
    def _primary(cls, v: Any) -> Any:
        if v == "none":
            return None
        if v is None or not isinstance(v, dict):
            raise ValueError(tr("training.err.primary"))
        return v

    @field_validator("excludes_primary", mode="before")
    @classmethod
    def _articles_as_text(cls, v: Any) -> Any:
        return [str(x) if isinstance(x, int) and not isinstance(x, bool) else x for x in v] if isinstance(v, list) else v


class Source(InputModel):
    seed: str | None = None
    lines: str | None = None
    brief: str | None = None
    reference: str | None = None  # free-text citation for a trainer's own case (court file, report, page)

    @field_validator("lines", mode="before")
    @classmethod
    def _lines_as_text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v


class Teaching(InputModel):
    deciding_element: str | None = None
    common_mistake: str | None = None
    consequence_for_victim: str | None = None


class Case(InputModel):
    """One case file of the library. The prose (`title`, `narrative`, `assumptions`, `teaching`)
    is English; `*_ru` keys, all optional, give its Russian, shown when the language is Russian."""

    id: str = Field(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    title: str = Field(min_length=1)
    title_ru: str | None = Field(default=None, min_length=1)
    tags: list[str] = []
    source: Source | None = None
    narrative: str = Field(min_length=1)
    narrative_ru: str | None = Field(default=None, min_length=1)
    charged_as: list[Charge] | None = None
    assumptions: list[str] = []
    assumptions_ru: list[str] | None = None
    facts: FactPattern
    expect: Expect
    teaching: Teaching = Field(default_factory=Teaching)
    teaching_ru: Teaching | None = None

    _path: Path | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _one_charge(self) -> Case:
        said = [c.model_dump() for c in self.charged_as or []]
        recorded = [c.model_dump() for c in (self.facts.record.charges if self.facts.record else [])]
        if said != recorded:
            raise ValueError(tr("training.err.charges_differ"))
        if self.assumptions_ru is not None and len(self.assumptions_ru) != len(self.assumptions):
            raise ValueError(tr("training.err.assumptions_ru", ru=len(self.assumptions_ru), en=len(self.assumptions)))
        return self

    # the prose in the language in force: the Russian when asked for and written, else the English
    def _ru(self) -> bool:
        return lang() == "ru"

    @property
    def shown_title(self) -> str:
        return self.title_ru if self._ru() and self.title_ru else self.title

    @property
    def shown_narrative(self) -> str:
        return self.narrative_ru if self._ru() and self.narrative_ru else self.narrative

    @property
    def shown_assumptions(self) -> list[str]:
        return list(self.assumptions_ru if self._ru() and self.assumptions_ru is not None else self.assumptions)

    @property
    def shown_teaching(self) -> Teaching:
        """The teaching note, each of its texts in Russian when one is written, else in English."""
        if not (self._ru() and self.teaching_ru):
            return self.teaching
        en, ru = self.teaching, self.teaching_ru
        return Teaching(
            deciding_element=ru.deciding_element or en.deciding_element,
            common_mistake=ru.common_mistake or en.common_mistake,
            consequence_for_victim=ru.consequence_for_victim or en.consequence_for_victim,
        )

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def short(self) -> str:
        """`c01` for `c01-osh-15-year-old-charged-159`."""
        return self.id.split("-", 1)[0]


# --------------------------------------------------------------------------- the library
def bundled_dir() -> Path:
    """The library shipped with thb: the packaged copy, else the source tree's `cases/`."""
    here = Path(__file__).resolve().parent.parent  # the package
    packaged = here / "cases"
    return packaged if packaged.is_dir() else here.parent / "cases"


def library_dir(library: str | os.PathLike[str] | None = None) -> Path:
    """`--library DIR`, else `THB_CASES`, else the bundled library. A folder given replaces
    the bundled library; it is not merged with it."""
    chosen = str(library) if library else os.environ.get(CASES_ENV, "")
    if not chosen:
        return bundled_dir()
    p = Path(chosen).expanduser()
    if not p.exists():
        raise InputError(tr("training.err.no_library", path=chosen, env=CASES_ENV))
    if not p.is_dir():
        raise InputError(tr("training.err.library_not_folder", path=chosen, env=CASES_ENV))
    return p


def _load_case(path: Path) -> Case:
    name, text = read_text(str(path))
    objs = parse(name, text)
    if len(objs) != 1 or not isinstance(objs[0][1], dict):
        raise InputError(tr("training.err.one_case", name=name))
    obj = objs[0][1]
    try:
        case = Case.model_validate(obj)
    except ValidationError as e:
        cid = obj.get("id")
        who = tr("training.err.case_who", id=cid) if isinstance(cid, str) else ""
        raise InputError(f"{name}{who}:\n  {explain(e, Case)}") from None
    case._path = path
    return case


def load_library(library: str | os.PathLike[str] | None = None) -> list[Case]:
    """Every case of the library, sorted by id. Any bad file raises InputError naming each
    bad file and its problem: a library is used whole or not at all."""
    root = library_dir(library)
    files = sorted({*root.glob("*.yaml"), *root.glob("*.yml")})
    if not files:
        raise InputError(tr("training.err.no_case_files", path=root))
    cases: list[Case] = []
    errors: list[str] = []
    seen: dict[str, Path] = {}
    for f in files:
        try:
            c = _load_case(f)
        except InputError as e:
            errors.append(str(e))
            continue
        if c.id in seen:
            errors.append(tr("training.err.duplicate_id", path=f, id=repr(c.id), other=seen[c.id]))
            continue
        seen[c.id] = f
        cases.append(c)
    if errors:
        shown = errors[:10] + ([tr("training.err.more", n=len(errors) - 10)] if len(errors) > 10 else [])
        raise InputError("\n".join(shown) + "\n" + tr("training.err.invalid_files", bad=len(errors), total=len(files), path=root))
    return sorted(cases, key=lambda c: c.id)


def find_case(cases: list[Case], key: str) -> Case:
    """A case by id, or by an unambiguous start of its id (`c01`). Otherwise InputError with
    the close matches."""
    by_id = {c.id: c for c in cases}
    if key in by_id:
        return by_id[key]
    k = key.lower()
    starts = [c for c in cases if c.id.lower().startswith(k)]
    if len(starts) == 1:
        return starts[0]
    exact_short = [c for c in starts if c.short.lower() == k]
    if len(exact_short) == 1:
        return exact_short[0]
    if starts:
        raise InputError(tr("training.err.ambiguous", key=repr(key), n=len(starts), ids=", ".join(c.id for c in starts[:12])))
    names = {c.id.lower(): c.id for c in cases} | {c.short.lower(): c.id for c in cases}
    near = list(dict.fromkeys(names[m] for m in difflib.get_close_matches(k, list(names), n=6, cutoff=0.6)))
    hint = tr("training.err.close_matches", ids=", ".join(near)) if near else tr("training.err.no_close_match")
    raise InputError(tr("training.err.no_case", key=repr(key), hint=hint, n=len(cases)))


def handle(case: Case, cases: list[Case]) -> str:
    """The shortest name `find_case` resolves to this case: its short id if unique, else its id."""
    return case.short if sum(c.short == case.short for c in cases) == 1 else case.id


def all_tags(cases: list[Case]) -> list[str]:
    return sorted({t for c in cases for t in c.tags})
