"""The clause filter: is a statement a fact of the case, or negated, denied, hypothetical, or
background? (docs/extract.md, the cues in rules/extract/cues.yaml)

A sentence is cut into clauses at `; : ( ) [ ]`, quotation marks and dashes, and at a comma that
opens a new clause — one followed by a clause-opening word (`but`, `who`, «который», «что», a
pronoun…) or, in Russian, one with a verb form on both sides («угроз он не высказывал, применил
силу»). A comma inside an enumeration does not cut, so «угроз, насилия и обмана не применял»
is one clause and its negation covers the whole list.
"""

from __future__ import annotations

from dataclasses import dataclass

from .lexicon import Cue, Entry, LangLexicon
from .text import Sentence

HARD = frozenset(';:()[]«»"“”„—–!?')
VERBISH = frozenset({"VERB", "GRND", "PRTS", "INFN", "PRTF"})
PRECEDENCE = ("background", "denied", "negated", "hypothetical")
# Russian verbs whose present tense still tells the case («обвиняется в том, что…», «потерпевшая поясняет»)
SAYING = frozenset(
    "обвиняться подозреваться пояснять показывать утверждать заявлять сообщать указывать признавать отрицать "
    "рассказывать вспоминать говорить считать являться находиться проживать "
    # participles that name a person: «подозреваемый», «обвиняемый», «задерживаемый», «проживающая»
    "подозревать обвинять задерживать осуждать работать учиться".split()
)


@dataclass(frozen=True, slots=True)
class CueHit:
    cue: Cue
    first: int
    last: int


class Context:
    """One sentence: its clauses and the cues found in it."""

    def __init__(self, s: Sentence, L: LangLexicon):
        self.s = s
        toks = s.tokens
        n = len(toks)
        self.clause = [0] * n
        c = 0
        i = 0
        while i < n:
            t = toks[i]
            if t.text in HARD or t.text in ("-", "–") and i and toks[i - 1].end < t.start:
                c += 1
                self.clause[i] = -1
                c += 1
                i += 1
                continue
            if t.text == "," and i + 1 < n and self._opens(i, L):
                c += 1
                self.clause[i] = -1
                i += 1
                continue
            if t.low in L.clause_start_bare and i and toks[i - 1].text != ",":
                c += 1  # "…stated that she had not been threatened": a new clause, the word in it
            self.clause[i] = c
            i += 1
        # A Russian negation covers its own verb's phrase: «использовали без оплаты и не пускали в школу»
        # cuts at «и» (a verb on both sides); «угроз, насилия и обмана не применял» does not (no verb before «и»).
        self.nclause = list(self.clause)
        if any(t.pos for t in toks):
            sub, seen_verb = 0, False
            for i, t in enumerate(toks):
                if self.clause[i] != (self.clause[i - 1] if i else self.clause[0]):
                    seen_verb = False
                if (
                    t.low in ("и", "или", "а")
                    and seen_verb
                    and any(x.pos in VERBISH for x in toks[i + 1 :] if self.clause[x.i] == self.clause[i])
                ):
                    sub += 1
                    seen_verb = False
                if t.pos in VERBISH:
                    seen_verb = True
                self.nclause[i] = -1 if self.clause[i] == -1 else self.clause[i] * 1000 + sub
        self.barrier = [t.low in L.barrier for t in toks]
        self.semicolon = [t.text == ";" for t in toks]
        skip: set[int] = set()
        for _, m in L.not_a_cue.scan(toks):
            skip.update(m)
        self.hits: list[CueHit] = []
        for cue, m in L.cues.scan(toks):
            if skip.intersection(m):
                continue
            if cue.status == "charge" and len(m) == 1 and toks[m[0]].pos == "PRTF":
                if not (m[0] + 1 < n and toks[m[0] + 1].low == "в"):
                    continue  # «Обвиняемый Р. завербовал…»: the participle names the person, it charges nothing
            if cue.id in L.habitual and self._habitual(m[0], m[-1], L.habitual[cue.id]):
                continue  # "the kidnappers would beat the girls": a past habit, a fact
            self.hits.append(CueHit(cue, m[0], m[-1]))  # type: ignore[arg-type]
        # a clause opened by a subordinating word ("when", «когда»): a forward cue in it stays in it
        self.subordinate: set[int] = set()
        for i, t in enumerate(toks):
            if self.clause[i] != -1 and (i == 0 or self.clause[i - 1] != self.clause[i]) and t.low in L.subordinate:
                self.subordinate.add(self.clause[i])
        self.part_words = L.part_words
        self.charge_stop = sorted(m[0] for _, m in L.charge_barrier.scan(toks))

    def _habitual(self, first: int, last: int, rule) -> bool:
        """A habitual "would": none of the words that keep it hypothetical (a condition, a report of what
        was said or planned, a counterfactual, a relative or purpose clause) is there."""
        from .patterns import match_at

        sentence, nxt, prev = rule
        toks = self.s.tokens
        if first and toks[first - 1].low in prev:
            return False
        for j in range(last + 1, min(len(toks), last + 3)):
            if any(match_at(p, toks, j) is not None for p in nxt):
                return False
        return not any(True for _ in sentence.scan(toks))

    def of_part(self, h: CueHit | None) -> bool:
        """A negation of someone's part or knowledge ("did not take part in", «не знала о»), not of the act."""
        if h is None or h.cue.status != "negated" or h.cue.scope != "clause":
            return False
        cl = self.nclause[h.first]
        return any(self.nclause[t.i] == cl and (t.lemma in self.part_words or t.low in self.part_words) for t in self.s.tokens)

    def _opens(self, i: int, L: LangLexicon) -> bool:
        toks = self.s.tokens
        nxt = toks[i + 1]
        if nxt.low in L.clause_start:
            return True
        if not nxt.pos and not toks[i - 1].pos:  # not Russian: only clause-opening words cut
            return False
        j = i - 1
        left = False
        while j >= 0 and toks[j].text not in HARD and self.clause[j] != -1:
            if toks[j].pos in VERBISH:
                left = True
                break
            j -= 1
        right = False
        for t in toks[i + 1 :]:
            if t.text == "," or t.text in HARD:
                break
            if t.pos in VERBISH:
                right = True
                break
        return left and right

    def _forward_reaches(self, h: CueHit, i: int, stop_at_charge: bool) -> bool:
        if i <= h.last:
            return False
        if self.clause[h.last] in self.subordinate and self.clause[i] != self.clause[h.last]:
            return False  # "when they tried to run away, he beat them": the attempt is the running away
        for j in range(h.last + 1, i + 1):
            if self.barrier[j] or self.semicolon[j]:
                return False
        if stop_at_charge and any(h.last < k <= i for k in self.charge_stop):
            return False
        return True

    def applies(self, h: CueHit, idx: list[int]) -> bool:
        if h.first <= idx[-1] and idx[0] <= h.last and set(range(h.first, h.last + 1)) & set(idx):
            return False  # a cue inside the match is part of the fact ("could not leave")
        head = idx[0]
        sc = h.cue.scope
        if sc == "sentence":
            return True
        if sc == "clause":
            ids = self.nclause if h.cue.status == "negated" else self.clause
            cl = ids[h.first]
            return cl != -1 and any(ids[k] == cl for k in idx)
        if sc == "next":  # «с целью вступления в брак похитил»: the aim ends where a verb begins
            toks = self.s.tokens
            return (
                h.last < head <= h.last + h.cue.span
                and self.clause[head] == self.clause[h.last]
                and not any(toks[j].pos in ("VERB", "GRND", "PRTS") for j in range(h.last + 1, head + 1))
            )
        if sc == "rest":  # the rest of the cue's clause; a charge's up to «в том, что», "namely", "including"
            cl = self.clause[h.last]
            if not (head > h.last and self.clause[head] == cl):
                return False
            return h.cue.status != "charge" or not any(h.last < k <= head for k in self.charge_stop)
        return self._forward_reaches(h, head, False)

    def consume(self, matches: list[list[int]]) -> None:
        """A cue that lies inside a fact's own words is part of that fact ("was not allowed to leave"),
        not a cue for the other facts of its clause."""
        sets = [set(m) for m in matches]
        self.hits = [h for h in self.hits if not any(set(range(h.first, h.last + 1)) <= m for m in sets)]

    def status(
        self, idx: list[int], entry: Entry | None = None, intent_ok: bool = False, tense: bool = True
    ) -> tuple[str, CueHit | None]:
        """The status of a statement made by the tokens `idx`, and the cue that decided it."""
        intent_ok = intent_ok or (entry is not None and entry.intent)
        found: dict[str, CueHit] = {}
        for h in self.hits:
            st = "background" if h.cue.status == "charge" else h.cue.status
            if st in found:
                continue
            if st == "hypothetical" and intent_ok and h.cue.kind == "intent":
                continue
            if self.applies(h, idx):
                found[st] = h
        for st in PRECEDENCE:
            if st in found:
                return st, found[st]
        if not tense:
            return "proposed", None
        toks = self.s.tokens
        cls = {self.clause[k] for k in idx}
        for t in toks:  # a Russian verb in the present tense states what happens in general, not what happened
            if "pres" not in t.tags or t.lemma in SAYING:
                continue
            if t.pos in ("VERB", "PRTF") and self.clause[t.i] in cls:
                return "background", None
        return "proposed", None
