"""How well `thb extract` proposes facts, and how fast (docs/extract.md).

    .venv/bin/python benchmarks/extract.py                  # precision/recall per field and language, dev and held-out; speed
    .venv/bin/python benchmarks/extract.py --split dev      # only the dev split (the one the lexicon may be tuned on)
    .venv/bin/python benchmarks/extract.py --errors         # also list every false positive and false negative
                                                            # (with --split dev: the dev split's only, so held-out errors stay unseen)

Gold: tests/extraction/*.yaml (narratives annotated with the facts their text states) and
tests/extraction/negation-suite.yaml (sentences that must yield no proposal). Speed: narratives a
second on one core (this process), over the gold texts repeated, after a first pass (the lemma
cache warm, as in a registry) and on the first pass alone (cold).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from classifier.extract import extract  # noqa: E402
from classifier.extract.gold import GOLD_FIELDS, Counts, load_gold, load_negation_suite, score  # noqa: E402

GOLD = ROOT / "tests" / "extraction"


def fmt(x: float | None) -> str:
    return "   —" if x is None else f"{x:.2f}"


def table(sc, split: str | None) -> None:
    label = split or "all"
    print(f"\n## {label}: precision / recall (tp fp fn)")
    print(f"{'field':<22}" + "".join(f"{lg:>26}" for lg in ("en", "ru", "both")))
    for fld in (*GOLD_FIELDS, None):
        cells = []
        for lg in ("en", "ru", None):
            c: Counts = sc.total(split, lg, fld)
            if c.tp + c.fp + c.fn == 0:
                cells.append(f"{'':>26}")
            else:
                cells.append(f"{fmt(c.precision):>6} / {fmt(c.recall):<5} ({c.tp:>3} {c.fp:>2} {c.fn:>3})")
        print(f"{fld or 'OVERALL':<22}" + "".join(f"{x:>26}" for x in cells))
    c = sc.total(split)
    if c.tp:
        print(f"quotes overlapping the gold span: {c.span_ok}/{c.tp} true positives")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=["dev", "heldout"])
    ap.add_argument("--errors", action="store_true")
    ap.add_argument("--repeat", type=int, default=20, help="passes over the gold texts for the speed figure")
    args = ap.parse_args()
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    except (AttributeError, OSError):
        pass
    nars = load_gold(GOLD)
    if args.split:
        nars = [n for n in nars if n.split == args.split]
    by_split = {s: sum(1 for n in nars if n.split == s) for s in ("dev", "heldout")}
    by_lang = {lg: sum(1 for n in nars if n.lang == lg) for lg in ("en", "ru")}
    print(f"# thb extract against {len(nars)} gold narratives ({by_split}, {by_lang})")
    t0 = time.perf_counter()
    sc = score(nars)
    cold = time.perf_counter() - t0
    for split in [args.split] if args.split else ["dev", "heldout", None]:
        table(sc, split)
    print("\n## per gold file and split (a batch's half each): narratives, precision / recall (tp fp fn)")
    files: dict[tuple[str, str], list] = {}
    for nar in nars:
        files.setdefault((nar.where.split(":")[0], nar.split), []).append(nar)
    for (name, split), group in sorted(files.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        c = score(group).total()
        print(f"  {split:<8} {name:<22} {len(group):>3}  {fmt(c.precision)} / {fmt(c.recall)}  ({c.tp:>3} {c.fp:>2} {c.fn:>3})")
    if args.errors:
        print("\n## errors")
        for nid, kind, fld, value in sorted(sc.errors):
            print(f"  {kind}  {nid:<32} {fld:<22} {value}")

    suite = load_negation_suite(GOLD)
    bad = []
    for lg, kind, text in suite:
        x = extract(text, "NEG", lang=lg)
        props = [e for e in x.evidence if e.status == "proposed"]
        if props:
            bad.append((lg, kind, text, [(e.field, e.value, e.quote) for e in props]))
    print(f"\n## negation suite: {len(suite)} sentences, {len(bad)} with a proposal")
    for b in bad:
        print("  ", b)

    texts = [n.text for n in nars]
    mismatched = sum(1 for t in texts for e in extract(t).evidence if t[e.start : e.end] != e.quote)
    print(f"\n## quotes: {mismatched} evidence quotes differ from their span")
    t0 = time.perf_counter()
    n = 0
    for _ in range(args.repeat):
        for t in texts:
            extract(t)
            n += 1
    warm = time.perf_counter() - t0
    chars = sum(len(t) for t in texts) / len(texts)
    print(
        f"\n## speed, one core: {n / warm:.0f} narratives/s warm ({n} narratives, mean {chars:.0f} characters); "
        f"first pass {len(texts) / cold:.0f}/s (cold lemma cache, scoring included)"
    )


if __name__ == "__main__":
    main()
