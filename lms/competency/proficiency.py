"""The proficiency rule: a learner's evidence in, a competency level (0-4) out.

Pure functions over plain values; no database, no Flask. The rule is written
for learners and trainers in docs/competency-model.md, whose worked examples
are the unit tests in tests/unit/competency/test_worked_examples.py.

In short:

* quiz answers give a *knowledge score*, reviewed practical work an *applied
  score*; each is a decaying average (Canvas's ``D_k = w*s_k + (1-w)*D_(k-1)``)
  taken in the order the learner *did* things (``occurred_at``), with question
  weights counted as repetitions and old evidence counting less;
* knowledge alone lifts a competency to level 2 at most; levels 3 and 4 need
  applied evidence; the latest trainer rating sets the level;
* self-assessment is passed through for display and never changes the level.

The result depends on the evidence only (not on the current date), so
recomputing a profile from all its evidence always gives the same result as
the incremental updates made as the evidence arrived.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

__all__ = [
    "DEFAULT_PARAMS",
    "LEVEL_NAMES",
    "CompetencyLevel",
    "EvidenceAggregate",
    "EvidenceItem",
    "EvidenceSource",
    "ProficiencyParams",
    "ScoreTrack",
    "compute_level",
    "compute_profile",
    "evidence_shares",
    "explain",
    "weighted_score",
]

#: The scale of the framework (content/framework.yaml); French names are for the interface.
LEVEL_NAMES: dict[int, str] = {
    0: "not yet assessed",
    1: "Découverte",
    2: "Compréhension",
    3: "Application",
    4: "Maîtrise",
}

# Scores are rounded before they are compared with thresholds, so that a score
# printed as 0.7 in an explanation really is "at least 0.7".
SCORE_DECIMALS = 4


class EvidenceSource(StrEnum):
    """Where a piece of evidence comes from."""

    LESSON = "lesson"  # a module's lessons completed
    QUIZ = "quiz"  # one answer to one quiz question
    PRACTICE = "practice"  # a practical work reviewed by a trainer against its rubric
    RATING = "rating"  # a trainer's rating of the competency (level 1-4)
    SELF = "self"  # the learner's self-assessment (level 1-4), never counted


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence for one competency (a row of the evidence table)."""

    competency: str
    """Competency code, e.g. ``"MSE-04"``."""
    source: EvidenceSource
    score: float
    """0..1. For RATING and SELF: ``level / 4``; the rule reads ``level``."""
    occurred_at: datetime
    """When the learner answered / submitted, NOT when it was graded or recorded."""
    weight: float = 1.0
    """The question's weight for this competency (quiz.yaml); counts as repetitions."""
    key: str | None = None
    """What was assessed: ``"module-slug/question-id"`` for a quiz answer,
    ``"module-slug"`` for a lesson or a practical work."""
    level: int | None = None
    """For RATING and SELF only: the level 1..4 given."""

    def __post_init__(self) -> None:
        # Accept the plain strings stored in the database.
        object.__setattr__(self, "source", EvidenceSource(self.source))
        if not self.competency:
            raise ValueError("evidence needs a competency code")
        if not (0.0 <= self.score <= 1.0):
            raise ValueError(f"evidence score must be between 0 and 1, got {self.score!r}")
        if not (math.isfinite(self.weight) and self.weight > 0):
            raise ValueError(f"evidence weight must be a positive number, got {self.weight!r}")
        if self.source in (EvidenceSource.RATING, EvidenceSource.SELF):
            if self.level not in (1, 2, 3, 4):
                raise ValueError(f"{self.source} evidence needs a level from 1 to 4")
        elif self.level is not None:
            raise ValueError(f"{self.source} evidence has no level")


@dataclass(frozen=True)
class ProficiencyParams:
    """The rule's parameters; defaults are documented in docs/competency-model.md."""

    decay_weight: float = 0.65
    """w in D_k = w*s_k + (1-w)*D_(k-1): the share of the newest answer (Canvas's default)."""
    stale_after_days: int = 365
    """Evidence more than this many days older than the newest evidence it is averaged with ..."""
    stale_factor: float = 0.5
    """... has its share multiplied by this factor (then the shares are rescaled)."""
    knowledge_threshold: float = 0.7
    """Knowledge score needed for level 2."""
    min_distinct_questions: int = 3
    """Distinct quiz questions that must have been answered for level 2."""
    applied_threshold: float = 0.6
    """Applied score needed for level 3 when the knowledge is at level 2."""
    applied_alone_threshold: float = 0.75
    """Applied score needed for level 3 without level-2 knowledge."""
    mastery_threshold: float = 0.85
    """Applied score needed for level 4 ..."""
    min_distinct_practices: int = 2
    """... over at least this many distinct practical works."""

    def __post_init__(self) -> None:
        if not (0.0 < self.decay_weight <= 1.0):
            raise ValueError("decay_weight must be in (0, 1]")
        if self.stale_after_days < 0:
            raise ValueError("stale_after_days must be >= 0")
        if not (0.0 < self.stale_factor <= 1.0):
            raise ValueError("stale_factor must be in (0, 1]")
        if self.min_distinct_questions < 1 or self.min_distinct_practices < 1:
            raise ValueError("the minimum distinct counts must be >= 1")
        thresholds = (
            self.knowledge_threshold,
            self.applied_threshold,
            self.applied_alone_threshold,
            self.mastery_threshold,
        )
        if not all(0.0 < t <= 1.0 for t in thresholds):
            raise ValueError("thresholds must be in (0, 1]")
        # Keeps the levels a staircase: whatever reaches level 4 also reaches level 3.
        if not (self.applied_threshold <= self.applied_alone_threshold <= self.mastery_threshold):
            raise ValueError(
                "need applied_threshold <= applied_alone_threshold <= mastery_threshold"
            )


DEFAULT_PARAMS = ProficiencyParams()


@dataclass(frozen=True)
class CompetencyLevel:
    """A competency's level on a learner's profile, with what produced it."""

    competency: str
    level: int
    """The level shown: the latest trainer rating if there is one, else ``measured_level``."""
    measured_level: int
    """The level the evidence gives, without trainer ratings."""
    score: float | None
    """Headline score: the applied score when the measured level rests on practical
    work (3-4), else the knowledge score (or the applied score if there is no quiz answer)."""
    knowledge_score: float | None
    applied_score: float | None
    evidence_count: int
    """Evidence items counted (everything but self-assessments)."""
    distinct_questions: int
    distinct_practices: int
    rating: int | None = None
    """The latest trainer rating, if any."""
    self_level: int | None = None
    """The latest self-assessment, shown beside the level, never counted."""
    reasons: tuple[str, ...] = field(default=())
    """Short English sentences: why this level, and what the next one needs."""


def _order(item: EvidenceItem) -> tuple[datetime, str, str, float, float, int]:
    # When the learner did it first; the rest only makes ties deterministic,
    # so that the input order never matters.
    return (
        item.occurred_at,
        item.key or "",
        item.source.value,
        item.score,
        item.weight,
        item.level or 0,
    )


def evidence_shares(
    items: Sequence[EvidenceItem], params: ProficiencyParams = DEFAULT_PARAMS
) -> list[tuple[EvidenceItem, float]]:
    """Each item's share (summing to 1) in the decaying average, oldest first.

    Walking back from the newest item, each item takes ``1 - (1-w)**weight`` of
    what is left (a weight-2 question counts as the same answer given twice in
    a row); the oldest item takes all that remains. With weights of 1 this is
    exactly ``D_k = w*s_k + (1-w)*D_(k-1)`` seeded with ``D_1 = s_1``. Items more
    than ``stale_after_days`` older than the newest one then have their share
    multiplied by ``stale_factor`` and all shares are rescaled to sum to 1.
    """
    ordered = sorted(items, key=_order)
    if not ordered:
        return []
    keep = 1.0 - params.decay_weight
    raw = [0.0] * len(ordered)
    remaining = 1.0
    for i in range(len(ordered) - 1, -1, -1):
        pull = 1.0 if i == 0 else 1.0 - keep ** ordered[i].weight
        raw[i] = remaining * pull
        remaining -= raw[i]
    newest = ordered[-1].occurred_at
    limit = timedelta(days=params.stale_after_days)
    scaled = [
        share * (params.stale_factor if newest - item.occurred_at > limit else 1.0)
        for item, share in zip(ordered, raw, strict=True)
    ]
    # The newest item is never stale and always has a share > 0: total > 0.
    total = sum(scaled)
    return [(item, share / total) for item, share in zip(ordered, scaled, strict=True)]


def weighted_score(
    items: Sequence[EvidenceItem], params: ProficiencyParams = DEFAULT_PARAMS
) -> float | None:
    """The decaying average of the items' scores (rounded), or None without items.

    Computed as a fold in order (ScoreTrack); equal to ``Σ share * score`` with the
    shares of `evidence_shares`, up to floating-point rounding.
    """
    return ScoreTrack.build(items, params).score(params)


def _show(value: float, threshold: float) -> str:
    # Two decimals, unless rounding would make the score look like it meets a
    # threshold it misses (0.6951 shown as 0.70 against 0.70), or the reverse.
    shown = f"{value:.2f}"
    if (float(shown) >= threshold) != (value >= threshold):
        shown = f"{value:.{SCORE_DECIMALS}f}"
    return shown


def _show_threshold(value: float) -> str:
    return f"{value:.2f}" if round(value, 2) == value else str(value)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun if count == 1 else noun + 's'}"


def compute_level(
    competency: str,
    evidence: Iterable[EvidenceItem],
    params: ProficiencyParams = DEFAULT_PARAMS,
) -> CompetencyLevel:
    """Compute one competency's level from all of its evidence, given in any order.

    Raises ValueError if an item belongs to another competency.
    """
    items = list(evidence)
    for item in items:
        if item.competency != competency:
            raise ValueError(f"evidence for {item.competency} given for {competency}")
    return EvidenceAggregate.build(items, params).result(competency, params)


def _level_from(
    competency: str, aggregate: EvidenceAggregate, params: ProficiencyParams
) -> CompetencyLevel:
    """The rule itself, over the aggregate of a competency's evidence (see EvidenceAggregate)."""
    answers, works = aggregate.knowledge, aggregate.applied
    knowledge = answers.score(params)
    applied = works.score(params)
    distinct_questions = len(answers.keys)
    distinct_practices = len(works.keys)
    reasons: list[str] = []

    # Level 1: any measured evidence at all.
    measured = 0
    if aggregate.lessons or answers.count or works.count:
        measured = 1
        seen = []
        if aggregate.lessons:
            seen.append(_plural(aggregate.lessons, "lesson") + " completed")
        if answers.count:
            seen.append(_plural(answers.count, "quiz answer") + " recorded")
        if works.count:
            seen.append(_plural(works.count, "practical work") + " reviewed")
        reasons.append(", ".join(seen) + ": level 1.")

    # Level 2: knowledge, from quiz answers only.
    knowledge_ok = (
        knowledge is not None
        and knowledge >= params.knowledge_threshold
        and distinct_questions >= params.min_distinct_questions
    )
    if knowledge_ok:
        assert knowledge is not None  # for mypy
        measured = 2
        reasons.append(
            f"Knowledge score {_show(knowledge, params.knowledge_threshold)} (at least "
            f"{_show_threshold(params.knowledge_threshold)} needed) over "
            f"{_plural(distinct_questions, 'distinct question')} (at least "
            f"{params.min_distinct_questions} needed): level 2."
        )

    # Level 3: reviewed practical work; a borderline score needs level-2 knowledge.
    if applied is not None and (
        applied >= params.applied_alone_threshold
        or (knowledge_ok and applied >= params.applied_threshold)
    ):
        measured = 3
        if knowledge_ok:
            reasons.append(
                f"Practical work score {_show(applied, params.applied_threshold)} (at least "
                f"{_show_threshold(params.applied_threshold)} needed with level-2 "
                "knowledge): level 3."
            )
        else:
            reasons.append(
                f"Practical work score {_show(applied, params.applied_alone_threshold)} (at least "
                f"{_show_threshold(params.applied_alone_threshold)} needed without "
                "level-2 knowledge): level 3."
            )

    # Level 4: strong applied evidence from several practical works.
    if (
        measured == 3
        and applied is not None
        and applied >= params.mastery_threshold
        and distinct_practices >= params.min_distinct_practices
    ):
        measured = 4
        reasons.append(
            f"Practical work score {_show(applied, params.mastery_threshold)} (at least "
            f"{_show_threshold(params.mastery_threshold)} needed) over "
            f"{_plural(distinct_practices, 'distinct practical work')} (at least "
            f"{params.min_distinct_practices} needed): level 4."
        )

    if measured == 0:
        reasons.append("No evidence yet: level 0.")
    else:
        reasons.extend(
            _next_step(measured, knowledge, applied, distinct_questions, distinct_practices, params)
        )

    for count, what, latest_what in (
        (answers.stale_count, "quiz answer", "answer"),
        (works.stale_count, "practical work", "one"),
    ):
        if count and params.stale_factor < 1:
            verb = "counts" if count == 1 else "count"
            reasons.append(
                f"{_plural(count, what)} given more than {params.stale_after_days} days "
                f"before the latest {latest_what} {verb} with factor {params.stale_factor}."
            )

    level = measured
    rating = aggregate.rating[5] if aggregate.rating else None
    if aggregate.rating:
        rated_at, rated = aggregate.rating[0], aggregate.rating[5]
        level = rated
        reasons.append(
            f"Trainer rating on {rated_at.date().isoformat()}: level {rated}. "
            f"It sets the level (the evidence alone gives level {measured})."
        )

    self_level = aggregate.self_assessment[5] if aggregate.self_assessment else None
    if self_level is not None:
        reasons.append(
            f"Self-assessment: level {self_level}. It is shown for information "
            "and never changes the level."
        )

    # The headline score is the one the measured level rests on.
    score = applied if measured >= 3 or knowledge is None else knowledge

    return CompetencyLevel(
        competency=competency,
        level=level,
        measured_level=measured,
        score=score,
        knowledge_score=knowledge,
        applied_score=applied,
        evidence_count=aggregate.lessons + answers.count + works.count + aggregate.ratings,
        distinct_questions=distinct_questions,
        distinct_practices=distinct_practices,
        rating=rating,
        self_level=self_level,
        reasons=tuple(reasons),
    )


def _next_step(
    measured: int,
    knowledge: float | None,
    applied: float | None,
    distinct_questions: int,
    distinct_practices: int,
    params: ProficiencyParams,
) -> list[str]:
    """What is missing for the next level, in the learner's terms."""
    if measured == 1:
        if knowledge is None:
            steps = [
                "Not level 2: no quiz answer yet (at least "
                f"{params.min_distinct_questions} distinct questions needed)."
            ]
        else:
            missing = []
            if knowledge < params.knowledge_threshold:
                missing.append(
                    f"knowledge score {_show(knowledge, params.knowledge_threshold)} is below "
                    f"{_show_threshold(params.knowledge_threshold)}"
                )
            if distinct_questions < params.min_distinct_questions:
                missing.append(
                    f"{_plural(distinct_questions, 'distinct question')} answered, "
                    f"{params.min_distinct_questions} needed"
                )
            steps = ["Not level 2: " + "; ".join(missing) + "."]
        if applied is not None:
            alone = _show_threshold(params.applied_alone_threshold)
            steps.append(
                f"Not level 3: practical work score "
                f"{_show(applied, params.applied_alone_threshold)} is below {alone} (or "
                f"{_show_threshold(params.applied_threshold)} with level-2 knowledge)."
            )
        return steps
    if measured == 2:
        if applied is None:
            return ["Not level 3: no reviewed practical work yet."]
        return [
            f"Not level 3: practical work score {_show(applied, params.applied_threshold)} "
            "is below "
            f"{_show_threshold(params.applied_threshold)}."
        ]
    if measured == 3:
        assert applied is not None  # level 3 rests on practical work
        missing = []
        if applied < params.mastery_threshold:
            missing.append(
                f"practical work score {_show(applied, params.mastery_threshold)} is below "
                f"{_show_threshold(params.mastery_threshold)}"
            )
        if distinct_practices < params.min_distinct_practices:
            missing.append(
                f"{_plural(distinct_practices, 'distinct practical work')} reviewed, "
                f"{params.min_distinct_practices} needed"
            )
        return ["Not level 4: " + "; ".join(missing) + "."]
    return []


def compute_profile(
    evidence: Iterable[EvidenceItem],
    params: ProficiencyParams = DEFAULT_PARAMS,
    competencies: Iterable[str] = (),
) -> dict[str, CompetencyLevel]:
    """Compute every competency's level from a learner's evidence, sorted by code.

    ``competencies`` (e.g. the framework's codes) are included even without
    evidence, at level 0.
    """
    grouped: dict[str, list[EvidenceItem]] = {code: [] for code in competencies}
    for item in evidence:
        grouped.setdefault(item.competency, []).append(item)
    return {code: compute_level(code, grouped[code], params) for code in sorted(grouped)}


def explain(level: CompetencyLevel) -> list[str]:
    """The sentences that explain a level to a learner or a trainer."""
    return list(level.reasons)


# --- The rule as a fold: aggregates that new evidence updates --------------------------------
#
# A learner's profile is updated each time evidence arrives. Re-reading all of a
# competency's evidence each time would get slower as the learner works, so the rule is
# computed from an aggregate of the evidence instead, and a rebuild computes the same
# aggregate from all the rows: the stored profile equals a rebuild exactly.
#
# Why a decaying average folds. Rows sorted oldest first, with q_k = (1-w)**weight_k:
#   D_1 = s_1,  D_k = (1 - q_k) * s_k + q_k * D_(k-1)
# is sum(share_k * s_k) with the shares of evidence_shares. Old rows form a prefix (rows
# 1..m, more than stale_after_days older than the newest); their shares add up to
# P = q_(m+1) * ... * q_n = (1-w)**(sum of the fresh weights), and among themselves they
# are the decaying average D_m of the prefix. Multiplying the old shares by f and
# rescaling gives
#   score = (D_n - (1-f) * P * D_m) / (1 - (1-f) * P)
# so a track keeps D_n, D_m, the summed weights and the counts. New rows are folded in at
# the end, and rows that become old (the newest row moved on) are folded into D_m, in
# order: the same rows folded in the same order give the same floats, whether the fold ran
# once (rebuild) or submission after submission. A row older than the newest one already
# folded in cannot be appended: the caller rebuilds that competency from its rows.

_Order = tuple[datetime, str, str, float, float, int]


@dataclass
class ScoreTrack:
    """The knowledge (quiz rows) or applied (practice rows) score of one competency, folded."""

    count: int = 0
    average: float = 0.0
    """D_n, the decaying average of all the rows (without ageing)."""
    weight: float = 0.0
    """The rows' weights, summed in order."""
    newest: _Order | None = None
    """The order key of the newest row folded in."""
    stale_count: int = 0
    stale_average: float = 0.0
    """D_m, the decaying average of the old rows (the first stale_count rows)."""
    stale_weight: float = 0.0
    fresh_since: datetime | None = None
    """No row older than this is outside the old prefix (a lower bound)."""
    keys: set[str] = field(default_factory=set)
    """The distinct keys (questions or practical works)."""

    @classmethod
    def build(cls, items: Iterable[EvidenceItem], params: ProficiencyParams) -> ScoreTrack:
        """The track of these rows (all of one source), given in any order."""
        ordered = sorted(items, key=_order)
        track = cls()
        track.append(ordered, params)
        window = track.stale_window(params)
        if window is not None:
            cutoff = window[1]
            track.make_stale([i for i in ordered if i.occurred_at < cutoff], cutoff, params)
        return track

    def can_append(self, ordered: Sequence[EvidenceItem]) -> bool:
        """Whether these rows (sorted) all come after the rows already folded in."""
        return not ordered or self.newest is None or _order(ordered[0]) >= self.newest

    def append(self, ordered: Sequence[EvidenceItem], params: ProficiencyParams) -> None:
        """Fold in new rows, sorted, all after the newest one (see can_append)."""
        if not ordered:
            return
        if not self.can_append(ordered):
            raise ValueError("evidence older than the newest row cannot be appended")
        self.average, self.weight = _fold(
            self.average, self.weight, self.count, ordered, params.decay_weight
        )
        self.count += len(ordered)
        self.keys.update(item.key for item in ordered if item.key)
        self.newest = _order(ordered[-1])
        if self.fresh_since is None:
            self.fresh_since = ordered[0].occurred_at

    def stale_window(self, params: ProficiencyParams) -> tuple[datetime, datetime] | None:
        """(since, cutoff): the rows with since <= occurred_at < cutoff have become old and
        must be given to make_stale; None when no row can have become old."""
        if self.newest is None or self.fresh_since is None:
            return None
        cutoff = self.newest[0] - timedelta(days=params.stale_after_days)
        return (self.fresh_since, cutoff) if self.fresh_since < cutoff else None

    def make_stale(
        self, ordered: Sequence[EvidenceItem], cutoff: datetime, params: ProficiencyParams
    ) -> None:
        """Fold the rows of the stale window (sorted) into the old prefix."""
        if ordered:
            self.stale_average, self.stale_weight = _fold(
                self.stale_average,
                self.stale_weight,
                self.stale_count,
                ordered,
                params.decay_weight,
            )
            self.stale_count += len(ordered)
        self.fresh_since = cutoff

    def score(self, params: ProficiencyParams) -> float | None:
        """The decaying average, old rows counting stale_factor as much, rounded."""
        if not self.count:
            return None
        if not self.stale_count:
            return round(self.average, SCORE_DECIMALS)
        fresh_part = (1.0 - params.decay_weight) ** (self.weight - self.stale_weight)
        cut = (1.0 - params.stale_factor) * fresh_part
        return round((self.average - cut * self.stale_average) / (1.0 - cut), SCORE_DECIMALS)

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe copy (floats survive a JSON round trip exactly)."""
        return {
            "n": self.count,
            "avg": self.average,
            "w": self.weight,
            "newest": _order_to_json(self.newest),
            "sn": self.stale_count,
            "savg": self.stale_average,
            "sw": self.stale_weight,
            "fresh": self.fresh_since.isoformat() if self.fresh_since else None,
            "keys": sorted(self.keys),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ScoreTrack:
        """The track saved by to_json."""
        fresh = data["fresh"]
        return cls(
            count=data["n"],
            average=data["avg"],
            weight=data["w"],
            newest=_order_from_json(data["newest"]),
            stale_count=data["sn"],
            stale_average=data["savg"],
            stale_weight=data["sw"],
            fresh_since=datetime.fromisoformat(fresh) if fresh else None,
            keys=set(data["keys"]),
        )


def _fold(
    average: float, weight: float, count: int, ordered: Sequence[EvidenceItem], decay: float
) -> tuple[float, float]:
    keep = 1.0 - decay
    for item in ordered:
        if count == 0:
            average = item.score  # the oldest row seeds the average
        else:
            q = keep**item.weight
            average = (1.0 - q) * item.score + q * average
        weight += item.weight
        count += 1
    return average, weight


def _order_to_json(order: _Order | None) -> list[Any] | None:
    return None if order is None else [order[0].isoformat(), *order[1:]]


def _order_from_json(data: Sequence[Any] | None) -> _Order | None:
    if data is None:
        return None
    at, key, source, score, weight, level = data
    return (datetime.fromisoformat(at), key, source, score, weight, level)


def _fold_params(params: ProficiencyParams) -> list[float]:
    """The parameters an aggregate depends on (the others apply when the level is read)."""
    return [params.decay_weight, float(params.stale_after_days)]


_TRACKED = (EvidenceSource.QUIZ, EvidenceSource.PRACTICE)


@dataclass
class EvidenceAggregate:
    """Everything the rule needs from one competency's evidence, kept up to date as rows
    arrive: `result()` equals `compute_level` over all the rows.

    Lessons and ratings are counted, the latest rating and self-assessment kept (the
    greatest by the rule's order, so their arrival order does not matter), and the quiz and
    practice rows folded into two ScoreTracks, which take rows in order only (`add` says
    when a row comes too late).
    """

    lessons: int = 0
    ratings: int = 0
    rating: _Order | None = None
    """The order key of the latest rating (its level is the last element)."""
    self_assessment: _Order | None = None
    last_evidence_at: datetime | None = None
    """When the newest row that is not a self-assessment occurred."""
    knowledge: ScoreTrack = field(default_factory=ScoreTrack)
    applied: ScoreTrack = field(default_factory=ScoreTrack)

    @classmethod
    def build(cls, items: Iterable[EvidenceItem], params: ProficiencyParams) -> EvidenceAggregate:
        """The aggregate of all these rows (one competency), given in any order."""
        items = list(items)
        aggregate = cls(
            knowledge=ScoreTrack.build(
                (i for i in items if i.source == EvidenceSource.QUIZ), params
            ),
            applied=ScoreTrack.build(
                (i for i in items if i.source == EvidenceSource.PRACTICE), params
            ),
        )
        aggregate._count(items)
        return aggregate

    def track(self, source: EvidenceSource) -> ScoreTrack:
        """The score track of a source (QUIZ or PRACTICE)."""
        return self.knowledge if source == EvidenceSource.QUIZ else self.applied

    def add(self, items: Sequence[EvidenceItem], params: ProficiencyParams) -> bool:
        """Fold in new rows; False, with nothing changed, if a quiz or practice row is older
        than one already folded in (then rebuild from all the rows).

        Afterwards, `stale_windows` says which rows have become old.
        """
        batches = [
            (source, sorted((i for i in items if i.source == source), key=_order))
            for source in _TRACKED
        ]
        if not all(self.track(source).can_append(rows) for source, rows in batches):
            return False
        for source, rows in batches:
            self.track(source).append(rows, params)
        self._count(items)
        return True

    def _count(self, items: Iterable[EvidenceItem]) -> None:
        for item in items:
            if item.source != EvidenceSource.SELF and (
                self.last_evidence_at is None or item.occurred_at > self.last_evidence_at
            ):
                self.last_evidence_at = item.occurred_at
            if item.source == EvidenceSource.LESSON:
                self.lessons += 1
            elif item.source == EvidenceSource.RATING:
                self.ratings += 1
                order = _order(item)
                if self.rating is None or order > self.rating:
                    self.rating = order
            elif item.source == EvidenceSource.SELF:
                order = _order(item)
                if self.self_assessment is None or order > self.self_assessment:
                    self.self_assessment = order

    def stale_windows(
        self, params: ProficiencyParams
    ) -> list[tuple[EvidenceSource, datetime, datetime]]:
        """(source, since, cutoff) for each track whose rows with since <= occurred_at <
        cutoff have become old: give them to `make_stale`."""
        windows = []
        for source in _TRACKED:
            window = self.track(source).stale_window(params)
            if window is not None:
                windows.append((source, *window))
        return windows

    def make_stale(
        self,
        source: EvidenceSource,
        rows: Iterable[EvidenceItem],
        cutoff: datetime,
        params: ProficiencyParams,
    ) -> None:
        """Fold the rows of a stale window (in any order) into the track's old prefix."""
        self.track(source).make_stale(sorted(rows, key=_order), cutoff, params)

    def result(self, competency: str, params: ProficiencyParams) -> CompetencyLevel:
        """The competency's level, with its reasons."""
        return _level_from(competency, self, params)

    def to_json(self, params: ProficiencyParams) -> dict[str, Any]:
        """A JSON-safe copy, marked with the parameters it was folded with."""
        return {
            "params": _fold_params(params),
            "lessons": self.lessons,
            "ratings": self.ratings,
            "rating": _order_to_json(self.rating),
            "self": _order_to_json(self.self_assessment),
            "last": self.last_evidence_at.isoformat() if self.last_evidence_at else None,
            "quiz": self.knowledge.to_json(),
            "practice": self.applied.to_json(),
        }

    @classmethod
    def from_json(
        cls, data: Mapping[str, Any] | None, params: ProficiencyParams
    ) -> EvidenceAggregate | None:
        """The aggregate saved by to_json; None if there is none, or if it was folded with
        other parameters (then rebuild it from the rows)."""
        if not data or data.get("params") != _fold_params(params):
            return None
        last = data["last"]
        return cls(
            lessons=data["lessons"],
            ratings=data["ratings"],
            rating=_order_from_json(data["rating"]),
            self_assessment=_order_from_json(data["self"]),
            last_evidence_at=datetime.fromisoformat(last) if last else None,
            knowledge=ScoreTrack.from_json(data["quiz"]),
            applied=ScoreTrack.from_json(data["practice"]),
        )
