"""The fact-pattern format reference: every key of a fact pattern and every value, with its meaning
and legal effect, in English or Russian — docs/facts.md (`document()`, both languages) and
`thb schema --explain` (`markdown()` for one language, `show()` on a terminal).

Nothing in it is written twice. The keys, their types, limits and defaults are read from the
models (`classifier/models.py`); the values, their labels, classes, readings, sources and what
each flag decides from `rules/vocabulary.yaml` (their Russian from `rules/ru.yaml`); what a
relation decides from the rules that read it; the legal numbers the key texts name (the age of
a child, of capacity) from `rules/parameters.yaml`. Only the words around them are a catalogue
(`classifier/locales/facts.*.yaml`), one entry per key, checked against the models by
`tests/test_reference.py`, which also fails when docs/facts.md is not what `document()` writes:

    .venv/bin/python -m classifier.render.reference > docs/facts.md
"""

from __future__ import annotations

import datetime as dt
import re
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from ..citations import cite, ref
from ..i18n import tr, use

__all__ = ["Entry", "Section", "document", "entries", "markdown", "notation", "sections", "show"]

# The kinds of value rules/vocabulary.yaml lists, in the order the reference shows them.
VOCABULARY = ("acts", "means", "purposes", "circumstances", "relations", "instruments")


@dataclass
class Entry:
    """One row: a key (`name`, what it `holds`, its `text`) or a value (`name`, `text` its
    meaning, `effect` in law, `source`)."""

    name: str
    text: str
    holds: str = ""
    effect: str = ""
    source: str = ""


@dataclass
class Section:
    title: str
    entries: list[Entry] = field(default_factory=list)
    kind: Literal["keys", "values"] = "keys"


# ----------------------------------------------------------------------------------- the models
@dataclass
class Shape:
    """A field's type, unwrapped: its base (`str`, `int`, `float`, `bool`, `date`, `any`, `literal`,
    `model`), whether it is a list, its literal values or model, and its limits."""

    base: str
    many: bool = False
    values: tuple[Any, ...] = ()
    model: Any = None
    lo: Any = None
    hi: Any = None
    length: tuple[Any, Any] = (None, None)
    items_hi: Any = None


def _limits(meta: list[Any], shape: Shape, *, items: bool = False) -> None:
    for m in meta:
        for inner in getattr(m, "metadata", None) or ():  # a FieldInfo inside Annotated carries its own
            _limits([inner], shape, items=items)
        name = type(m).__name__
        if name in ("Ge", "Gt"):
            shape.lo = getattr(m, "ge", getattr(m, "gt", None))
        elif name in ("Le", "Lt"):
            shape.hi = getattr(m, "le", getattr(m, "lt", None))
        elif name == "MinLen" and not items:
            shape.length = (m.min_length, shape.length[1])
        elif name == "MaxLen":
            if items:
                shape.items_hi = m.max_length
            else:
                shape.length = (shape.length[0], m.max_length)


def shape_of(annotation: Any, meta: list[Any]) -> Shape:
    """The shape of a field from its annotation and its metadata (pydantic's FieldInfo.metadata)."""
    from pydantic import BaseModel

    def unwrap(a: Any, extra: list[Any]) -> tuple[Any, list[Any]]:
        while True:
            origin = get_origin(a)
            if origin in (Union, types.UnionType):
                a = next(x for x in get_args(a) if x is not type(None))
            elif origin is Annotated:
                a, *more = get_args(a)
                extra = [*extra, *more]
            else:
                return a, extra

    a, extra = unwrap(annotation, [])
    many = get_origin(a) is list
    list_meta = list(meta) if many else []
    if many:
        a, extra = unwrap(get_args(a)[0], extra)
    origin = get_origin(a)
    if origin is Literal:
        s = Shape("literal", many, values=get_args(a))
    elif isinstance(a, type) and issubclass(a, BaseModel):
        s = Shape("model", many, model=a)
    elif a is bool:
        s = Shape("bool", many)
    elif a is int:
        s = Shape("int", many)
    elif a is float:
        s = Shape("float", many)
    elif a is dt.date:
        s = Shape("date", many)
    elif a is str:
        s = Shape("str", many)
    else:
        s = Shape("any", many)
    _limits(extra if many else [*extra, *meta], s)
    if many:
        _limits(list_meta, s, items=True)
    return s


def objects() -> list[tuple[str, Any]]:
    """(path, model) of every object of a fact pattern, the fact pattern first (path "")."""
    from ..models import FactPattern

    out: list[tuple[str, Any]] = []

    def walk(path: str, model: Any) -> None:
        out.append((path, model))
        for name, f in model.model_fields.items():
            s = shape_of(f.annotation, f.metadata)
            if s.base == "model":
                walk(f"{path}.{name}" if path else name, s.model)

    walk("", FactPattern)
    return out


def _vocabulary_kind(values: tuple[Any, ...]) -> str | None:
    from ..rulebase.files import values as vocabulary_values

    return next((k for k in VOCABULARY if tuple(vocabulary_values(k)) == tuple(values)), None)


def _num(x: Any) -> str:
    return str(int(x)) if isinstance(x, float) and x.is_integer() else str(x)


def holds(f: Any, path: str) -> str:
    """What a field holds, in words: its type, limits, vocabulary or object; required or default."""
    s = shape_of(f.annotation, f.metadata)
    if s.base == "model":
        text = tr("facts.type.objects" if s.many else "facts.type.object", section=object_title(path))
    elif s.base == "literal" and (kind := _vocabulary_kind(s.values)):
        text = tr("facts.type.vocabulary_list" if s.many else "facts.type.vocabulary", section=section_name(kind))
    elif s.base == "literal":
        text = tr("facts.type.one_of", values=", ".join(f"`{v}`" for v in s.values))
    elif s.base == "str":
        lo, hi = s.length
        text = (
            tr("facts.type.text_len", lo=lo, hi=hi)
            if lo and hi
            else tr("facts.type.text_max", hi=hi)
            if hi
            else tr("facts.type.text")
        )
    elif s.base == "int":
        text = (
            tr("facts.type.whole_range", lo=s.lo, hi=s.hi)
            if s.lo is not None and s.hi is not None
            else tr("facts.type.whole_min", lo=s.lo)
            if s.lo is not None
            else tr("facts.type.whole")
        )
    elif s.base == "float":
        text = tr("facts.type.number_range", lo=_num(s.lo), hi=_num(s.hi))
    else:
        text = tr("facts.type.bool" if s.base == "bool" else "facts.type.date" if s.base == "date" else "facts.type.any")
    if s.many and s.items_hi:
        text += f" ({tr('facts.type.at_most', hi=s.items_hi)})"
    if f.is_required():
        text += f"; {tr('facts.required')}"
    elif f.default not in (None, [], (), "") and not isinstance(f.default, list):
        shown = str(f.default).lower() if isinstance(f.default, bool) else f.default
        text += f"; {tr('facts.default', value=f'`{shown}`')}"
    return text


def object_title(path: str) -> str:
    return tr(f"facts.object.{path or 'root'}")


def _legal_numbers() -> dict[str, str]:
    """The legal numbers the key texts name, from rules/parameters.yaml: `{name}` its value and
    `{name_source}` its source, in the language in force."""
    from ..rulebase.files import params

    p = params()
    out = {}
    for name, entry in (p.get("ages") or {}).items():
        out[name] = str(entry["value"])
        out[f"{name}_source"] = cite(entry["source"])
    for name, entry in (p.get("dates") or {}).items():
        out[name] = str(entry["value"])
    return out


def key_sections() -> list[Section]:
    numbers = _legal_numbers()
    out = []
    for path, model in objects():
        sec = Section(object_title(path))
        for name, f in model.model_fields.items():
            key = f"{path}.{name}" if path else name
            text = tr(f"facts.key.{key}", **numbers)
            s = shape_of(f.annotation, f.metadata)
            if s.base == "literal" and not _vocabulary_kind(s.values):
                text += " " + "; ".join(f"`{v}`: {tr(f'facts.value.{key}.{v}')}" for v in s.values) + "."
            sec.entries.append(Entry(name, cite(text), holds=holds(f, key)))
        out.append(sec)
    return out


# ------------------------------------------------------------------------------- the vocabulary
def section_name(kind: str) -> str:
    return tr(f"facts.section.{kind}").split(":")[0]


_NOTATION = re.compile(r"(?<![\w.(])(?<!art\. )(?<!ст\. )(\d{3}(?:-\d{1,2})?)(?:\((\d+)\)(\d+)?)?(?:-(\d{3}))?(?![\w(])")


def notation(text: str, language: str) -> str:
    """The rule base's short notation ("166(2)2, 167(2)2", "172-174", "157") as references a
    reader looks up: "art. 166(2) item 2" / «п. 2 ч. 2 ст. 166 УК»."""

    def one(m: re.Match) -> str:
        article, part, item, last = m.group(1), m.group(2), m.group(3), m.group(4)
        if last:
            return f"ст. {article}–{last} УК" if language == "ru" else f"arts. {article}–{last}"
        if part is None and language != "ru":
            return f"art. {article}"
        return ref(article, int(part) if part else None, [int(item)] if item else [], form="label", language=language)

    return _NOTATION.sub(one, text)


def _readers(atom: str) -> list[str]:
    """The provisions of the rules that read an atom, as the rule base cites them, in order."""
    from ..rulebase.compiler import programs

    seen: dict[str, None] = {}
    for prog in programs().values():
        for r in prog.rules.values():
            if atom in r.reads and r.provision:
                for p in r.provision.split("; "):
                    seen.setdefault(p, None)
    return list(seen)


def value_sections(language: str) -> list[Section]:
    from ..rulebase.files import vocabulary
    from ..rulebase.prose import law

    voc = vocabulary()
    out = []
    for kind in VOCABULARY:
        sec = Section(tr(f"facts.section.{kind}"), kind="values")
        for value, e in voc[kind].items():
            label = law("vocabulary", f"{kind}.{value}", e.get("label") or value)
            says = law("vocabulary", f"{kind}.{value}.says", e["says"]) if e.get("says") else ""
            effect, source = "", ""
            if kind in ("acts", "means", "purposes"):
                effect = tr(f"facts.class.{kind}.{e['class']}")
                if says:
                    effect += " " + (tr("facts.effect.reading", reading=e["reading"], says=says) if e.get("reading") else says)
                source = cite(e.get("source") or "")
            elif kind == "circumstances":
                effect = notation(law("vocabulary", f"{kind}.{value}.decides", e["decides"]), language)
            elif kind == "relations":
                readers = _readers(f"off.rel.{value}")
                effect = tr("facts.effect.read_by", provisions=cite("; ".join(readers))) if readers else tr("facts.effect.none")
            else:
                effect = tr("facts.effect.kind", kind=tr(f"facts.kind.{e.get('kind') or 'none'}"))
            sec.entries.append(Entry(value, label, effect=cite(effect), source=source))
        out.append(sec)
    return out


def sections(language: str) -> list[Section]:
    with use(language):
        return key_sections() + value_sections(language)


def entries(language: str) -> Iterator[tuple[Section, Entry]]:
    for sec in sections(language):
        for e in sec.entries:
            yield sec, e


# ----------------------------------------------------------------------------------- markdown
def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def markdown(language: str) -> str:
    """The reference in one language, as Markdown."""
    secs = sections(language)
    with use(language):
        lines = [f"# {tr('facts.title')}", ""]
        for k in ("facts.intro.what", "facts.intro.unknown", "facts.intro.law"):
            lines += [tr(k), ""]
        lines += [f"## {tr('facts.keys')}", "", tr("facts.keys.intro"), ""]
        for sec in secs:
            if sec.kind != "keys":
                continue
            lines += [
                f"### {sec.title}",
                "",
                f"| {tr('facts.column.key')} | {tr('facts.column.holds')} | {tr('facts.column.meaning')} |",
            ]
            lines.append("|---|---|---|")
            lines += [f"| `{e.name}` | {_cell(e.holds)} | {_cell(e.text)} |" for e in sec.entries]
            lines.append("")
        lines += [f"## {tr('facts.values')}", "", tr("facts.values.intro"), ""]
        for sec in secs:
            if sec.kind != "values":
                continue
            sourced = any(e.source for e in sec.entries)
            head = [tr("facts.column.value"), tr("facts.column.means"), tr("facts.column.effect")]
            head += [tr("facts.column.source")] if sourced else []
            lines += [f"### {sec.title}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
            for e in sec.entries:
                cells = [f"`{e.name}`", _cell(e.text), _cell(e.effect)] + ([_cell(e.source)] if sourced else [])
                lines.append("| " + " | ".join(cells) + " |")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def document() -> str:
    """docs/facts.md: the reference in English, then in Russian."""
    with use("en"):
        head = [f"<!-- {tr('facts.generated')} -->", "", f"*{tr('facts.other_language')}*", ""]
    return "\n".join(head) + "\n" + markdown("en") + "\n---\n\n" + markdown("ru")


# ----------------------------------------------------------------------------------- terminal
# A space a line never breaks at: inside a reference ("CC art. 166 part 3 item 1", «п. 1 ч. 3 ст. 166
# УК», "art. 166(2) item 2", «ч. 3 ст. 28 Закона № 55»): after a word of a reference before a
# number, after a number before a word of a reference.
_BEFORE_NUMBER = {"art.", "arts.", "part", "parts", "item", "items", "appendix", "Law", "CC", "п.", "пп.", "ч.", "ст.", "№"}
_BEFORE_NUMBER |= {"приложения"}
_AFTER_NUMBER = {"part", "parts", "item", "items", "note", "УК", "УПК", "КоП", "Закона", "к", "art.", "ч.", "ст."}
_PAIRS = {("CC", "art."), ("CC", "arts."), ("CC", "appendix"), ("CPC", "art."), ("CoO", "art."), ("CoM", "art.")}
_PAIRS |= {("к", "ст."), ("к", "УК"), ("Закона", "№"), ("примечание", "к"), ("примечания", "к"), ("примечанию", "к")}


def _glued(a: str, b: str) -> bool:
    a = a.lstrip('(«"“')
    b_word = b.rstrip('.,;:)»"”') if not b.endswith(("art.", "arts.", "ст.", "ч.", "п.")) else b
    if a in _BEFORE_NUMBER and b[:1].isdigit():
        return True
    if re.search(r"\d\)?$", a) and b_word in _AFTER_NUMBER:
        return True
    return (a, b_word) in _PAIRS


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` characters (a longer word stands alone), never broken inside a
    reference: a terminal breaks a citation nowhere ("art. 16 / 7")."""
    words = text.replace("`", "").split()
    chunks: list[str] = []
    for w in words:
        if chunks and _glued(chunks[-1].rsplit(" ", 1)[-1], w):
            chunks[-1] += " " + w
        else:
            chunks.append(w)
    lines: list[str] = []
    for c in chunks:
        if lines and len(lines[-1]) + 1 + len(c) <= max(width, 20):
            lines[-1] += " " + c
        else:
            lines.append(c)
    return lines or [""]


def show(console: Any, language: str) -> None:
    """The reference on a terminal, wrapped to its width: each key or value on a line of its own,
    what it holds beside it, its meaning and effect indented below."""
    from rich.text import Text

    secs = sections(language)
    width = console.width

    def para(text: str, indent: int = 0, style: str = "", head: str = "") -> None:
        joined = f"{head}\x01\x01{text}" if head else text  # two spaces after the name, never a break there
        for i, line in enumerate(wrap(joined, width - indent)):
            line = line.replace("\x01", " ")
            shown = Text(" " * indent)
            if i == 0 and head:
                shown.append(head, style="bold")
                shown.append(line[len(head) :], style=style)
            else:
                shown.append(line, style=style)
            console.print(shown, no_wrap=True, overflow="ignore", crop=False)

    with use(language):
        console.print(Text(tr("facts.title"), style="bold"))
        console.print()
        for k in ("facts.intro.what", "facts.intro.unknown", "facts.intro.law"):
            para(tr(k))
            console.print()
        for kind, title in (("keys", "facts.keys"), ("values", "facts.values")):
            console.rule(Text(tr(title), style="bold"), align="left")
            for sec in (s for s in secs if s.kind == kind):
                console.print()
                para(sec.title, style="bold underline")
                for e in sec.entries:
                    if e.holds:
                        para(e.holds, style="dim", head=e.name)
                        para(e.text, 4)
                    else:
                        para(e.text, head=e.name)
                    if e.effect:
                        para(e.effect, 4)
                    if e.source:
                        para(f"{tr('facts.column.source')}: {e.source}", 4, "dim")
            console.print()


if __name__ == "__main__":
    import sys

    sys.stdout.write(document())
