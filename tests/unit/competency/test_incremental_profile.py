"""The profile kept up to date as evidence arrives equals the profile rebuilt from all rows.

lms.competency.services updates a learner's profile from an EvidenceAggregate: new rows are
folded in, rows that have become old are read back (a bounded window), and a row that
arrives older than one already folded in makes it rebuild that competency. These tests
replay that procedure over random evidence arriving in random batches and check, after
every batch, that the level (with its scores, counts and reasons) is exactly the one
compute_level gives over all the rows so far.
"""

import json
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from lms.competency.proficiency import (
    DEFAULT_PARAMS,
    EvidenceAggregate,
    EvidenceItem,
    EvidenceSource,
    ProficiencyParams,
    ScoreTrack,
    compute_level,
)

T0 = datetime(2024, 1, 1, tzinfo=UTC)
CODE = "MSE-01"


@st.composite
def evidence_items(draw: st.DrawFn) -> EvidenceItem:
    source = draw(st.sampled_from(list(EvidenceSource)))
    # Days over three years (so that rows become old), a few instants per day (ties).
    when = T0 + timedelta(days=draw(st.integers(0, 1100)), minutes=draw(st.integers(0, 3)))
    if source in (EvidenceSource.RATING, EvidenceSource.SELF):
        level = draw(st.integers(1, 4))
        return EvidenceItem(CODE, source, level / 4, when, level=level)
    return EvidenceItem(
        CODE,
        source,
        draw(st.sampled_from([0.0, 0.25, 0.5, 0.6667, 0.7, 0.85, 1.0])),
        when,
        weight=draw(st.sampled_from([1.0, 1.0, 2.0, 0.5, 0.3])),
        key=draw(st.sampled_from([None, "m1/a", "m1/b", "m2/c", "m2/d", "m3"])),
    )


params_strategy = st.builds(
    ProficiencyParams,
    decay_weight=st.sampled_from([0.65, 0.5, 1.0]),
    stale_after_days=st.sampled_from([365, 30, 0]),
    stale_factor=st.sampled_from([0.5, 1.0, 0.25]),
)


def replay(
    aggregate: EvidenceAggregate | None,
    stored: list[EvidenceItem],
    batch: list[EvidenceItem],
    params: ProficiencyParams,
) -> EvidenceAggregate:
    """What the service does with one batch: fold it in, or rebuild; then age old rows.

    `stored` are the rows already recorded (the database), without the batch.
    """
    if aggregate is None or not aggregate.add(batch, params):
        return EvidenceAggregate.build([*stored, *batch], params)
    for source, since, cutoff in aggregate.stale_windows(params):
        rows = [
            i for i in [*stored, *batch] if i.source == source and since <= i.occurred_at < cutoff
        ]
        aggregate.make_stale(source, rows, cutoff, params)
    return aggregate


def stored_and_loaded(aggregate: EvidenceAggregate, params: ProficiencyParams) -> EvidenceAggregate:
    """The aggregate after a trip through the database's JSON column."""
    loaded = EvidenceAggregate.from_json(json.loads(json.dumps(aggregate.to_json(params))), params)
    assert loaded is not None
    return loaded


@settings(max_examples=300, deadline=None)
@given(
    batches=st.lists(st.lists(evidence_items(), min_size=1, max_size=6), max_size=12),
    params=params_strategy,
    in_time_order=st.booleans(),
)
def test_incremental_updates_equal_a_rebuild(batches, params, in_time_order):
    if in_time_order:  # the usual case: each batch newer than the last (no rebuild needed)
        flat = sorted((i for b in batches for i in b), key=lambda i: i.occurred_at)
        sizes = [len(b) for b in batches]
        batches = []
        for size in sizes:
            batches.append(flat[:size])
            flat = flat[size:]
    stored: list[EvidenceItem] = []
    aggregate: EvidenceAggregate | None = None
    for batch in batches:
        aggregate = replay(aggregate, stored, batch, params)
        stored += batch
        aggregate = stored_and_loaded(aggregate, params)
        assert aggregate.result(CODE, params) == compute_level(CODE, stored, params)
        assert aggregate.last_evidence_at == max(
            (i.occurred_at for i in stored if i.source != EvidenceSource.SELF), default=None
        )


def test_answers_in_time_order_never_need_a_rebuild():
    aggregate = EvidenceAggregate()
    for day in range(10):
        batch = [
            EvidenceItem(CODE, EvidenceSource.QUIZ, 1.0, T0 + timedelta(days=day), key=f"m/q{n}")
            for n in range(3)
        ]
        assert aggregate.add(batch, DEFAULT_PARAMS)


def test_an_answer_older_than_the_newest_one_asks_for_a_rebuild():
    aggregate = EvidenceAggregate.build(
        [EvidenceItem(CODE, EvidenceSource.QUIZ, 1.0, T0 + timedelta(days=2), key="m/a")],
        DEFAULT_PARAMS,
    )
    late = EvidenceItem(CODE, EvidenceSource.QUIZ, 0.0, T0, key="m/b")
    assert not aggregate.add([late], DEFAULT_PARAMS)
    assert aggregate.knowledge.count == 1  # nothing changed


def test_a_late_rating_or_lesson_is_folded_in_without_a_rebuild():
    aggregate = EvidenceAggregate.build(
        [EvidenceItem(CODE, EvidenceSource.RATING, 0.75, T0 + timedelta(days=5), level=3)],
        DEFAULT_PARAMS,
    )
    older = EvidenceItem(CODE, EvidenceSource.RATING, 0.25, T0, level=1)
    lesson = EvidenceItem(CODE, EvidenceSource.LESSON, 1.0, T0, key="m")
    assert aggregate.add([older, lesson], DEFAULT_PARAMS)
    assert aggregate.result(CODE, DEFAULT_PARAMS).level == 3  # the latest rating still sets it


def test_parameters_changed_since_the_aggregate_was_stored_ask_for_a_rebuild():
    stored = EvidenceAggregate().to_json(DEFAULT_PARAMS)
    assert EvidenceAggregate.from_json(stored, DEFAULT_PARAMS) is not None
    assert EvidenceAggregate.from_json(stored, ProficiencyParams(decay_weight=0.5)) is None
    assert EvidenceAggregate.from_json(None, DEFAULT_PARAMS) is None


def test_old_answers_are_aged_once_a_newer_answer_moves_the_cutoff():
    answers = [
        EvidenceItem(CODE, EvidenceSource.QUIZ, 0.0, T0 + timedelta(days=d), key=f"m/q{d}")
        for d in range(3)
    ]
    track = ScoreTrack.build(answers, DEFAULT_PARAMS)
    assert track.stale_window(DEFAULT_PARAMS) is None
    late = EvidenceItem(CODE, EvidenceSource.QUIZ, 1.0, T0 + timedelta(days=367), key="m/q")
    track.append([late], DEFAULT_PARAMS)
    since, cutoff = track.stale_window(DEFAULT_PARAMS)
    track.make_stale(
        [a for a in answers if since <= a.occurred_at < cutoff], cutoff, DEFAULT_PARAMS
    )
    assert track.stale_count == 2  # days 0 and 1 are more than 365 days before day 367
    assert track.score(DEFAULT_PARAMS) == compute_level(CODE, [*answers, late]).knowledge_score
