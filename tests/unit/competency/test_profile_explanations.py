"""Every sentence the rule explains a level with is matched for translation (explanations.py).

In English, the rebuilt sentence must be the rule's sentence itself: that proves
each shape is recognised exactly, so a change in proficiency.py that is not
followed here fails this test instead of leaving English on a French page.
"""

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask_babel import Babel

from lms.competency.explanations import translate_reason, translate_reasons
from lms.competency.proficiency import (
    EvidenceItem,
    EvidenceSource,
    ProficiencyParams,
    compute_level,
)

T0 = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)
CODE = "MSE-01"


def item(source, score=1.0, minutes=0, key=None, level=None, weight=1.0, days=0):
    when = T0 + timedelta(minutes=minutes, days=days)
    return EvidenceItem(CODE, source, score, when, weight=weight, key=key, level=level)


def quiz(score, n, key=None, days=0):
    return item(EvidenceSource.QUIZ, score, minutes=n, key=key or f"m/q{n}", days=days)


def practice(score, n, key=None, days=0):
    return item(EvidenceSource.PRACTICE, score, minutes=100 + n, key=key or f"m{n}", days=days)


LESSON = item(EvidenceSource.LESSON, key="m")
RATING = item(EvidenceSource.RATING, 0.75, minutes=500, level=3)
SELF = item(EvidenceSource.SELF, 1.0, minutes=600, level=4)

CASES = {
    "nothing": [],
    "one lesson": [LESSON],
    "two lessons, one answer": [LESSON, item(EvidenceSource.LESSON, key="m2"), quiz(1, 1)],
    "weak knowledge, few questions": [quiz(0, 1), quiz(1, 2)],
    "weak knowledge, enough questions": [quiz(0, 1), quiz(0, 2), quiz(1, 3)],
    "good knowledge, one question": [quiz(1, 1), quiz(1, 2, key="m/q1")],
    "level 2": [quiz(1, 1), quiz(0, 2), quiz(1, 3), quiz(1, 4)],
    "level 2, weak practice": [quiz(1, 1), quiz(1, 2), quiz(1, 3), practice(0.5, 1)],
    "weak practice alone": [practice(0.7, 1)],
    "one practice, level 1": [LESSON, practice(0.2, 1)],
    "level 3 with knowledge": [quiz(1, 1), quiz(1, 2), quiz(1, 3), practice(0.67, 1)],
    "level 3 alone": [practice(0.8, 1)],
    "level 3, one work at mastery": [practice(0.9, 1)],
    "level 3, two works below mastery": [practice(0.8, 1), practice(0.8, 2)],
    "level 4": [practice(0.9, 1), practice(0.85, 2)],
    "old answers": [
        quiz(0, 1, days=-800),
        quiz(0, 2, days=-800),
        quiz(0, 3, days=-800),
        quiz(1, 4),
    ],
    "one old answer": [quiz(0, 1, days=-800), quiz(1, 4)],
    "old practice": [practice(0.9, 1, days=-800), practice(0.9, 2)],
    "rating and self": [quiz(1, 1), RATING, SELF],
}


@pytest.fixture
def english():
    app = Flask(__name__)
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    Babel(app)
    with app.test_request_context():
        yield


@pytest.mark.parametrize("name", CASES)
def test_every_reason_is_recognised_and_reads_the_same_in_english(english, name):
    level = compute_level(CODE, CASES[name])
    assert level.reasons, "every level is explained"
    for sentence in level.reasons:
        explained = translate_reason(sentence)
        assert explained.translated, f"not recognised: {sentence!r}"
        if sentence.startswith("Trainer rating on "):
            # The date is written for the reader ("Mar 3, 2025") instead of ISO.
            assert explained.text.startswith("Trainer rating on Mar 3, 2025: level 3.")
        else:
            assert explained.text == sentence


def test_reasons_with_other_parameters_are_recognised(english):
    params = ProficiencyParams(knowledge_threshold=0.65, stale_after_days=30, stale_factor=0.25)
    items = [quiz(0, 1, days=-40), quiz(1, 2), quiz(1, 3)]
    for sentence in compute_level(CODE, items, params).reasons:
        assert translate_reason(sentence).text == sentence


def test_unknown_sentences_are_kept_and_flagged(english):
    [explained] = translate_reasons(["Something the rule might say one day."])
    assert explained.text == "Something the rule might say one day."
    assert not explained.translated
    # A known shape with an unknown part is not half-translated either.
    assert not translate_reason("Not level 2: something else.").translated


def test_numbers_are_written_for_the_reader():
    app = Flask(__name__)
    app.config["BABEL_DEFAULT_LOCALE"] = "fr"
    Babel(app)
    with app.test_request_context():
        text = translate_reason("Not level 3: practical work score 0.6999 is below 0.70.").text
    assert "0,6999" in text and "0,70" in text
