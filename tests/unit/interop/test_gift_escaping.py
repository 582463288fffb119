"""GIFT escaping rules, checked with generated texts: escape, parse, get the text back."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lms.interop.gift import escape_gift, parse_gift, unescape_gift

# Line separators other than "\n" cannot appear inside a GIFT line; "\n" is written `\n`.
_CHARS = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")) | st.sampled_from(
    "\n~=#{}:\\%->[]/"
)
TEXT = st.text(_CHARS, min_size=1, max_size=40).map(str.strip).filter(bool)
# An answer text must not start like a weight (`%50%`) nor hold `->` (matching's arrow):
# GIFT has no escape for those.
ANSWER = TEXT.filter(lambda t: not t.startswith("%") and "->" not in t)

# Deterministic and without a local example database (the suite must not write files).
REPEATABLE = settings(max_examples=200, derandomize=True, database=None)


@REPEATABLE
@given(TEXT)
def test_unescape_undoes_escape(text):
    assert unescape_gift(escape_gift(text)) == text


@REPEATABLE
@given(title=TEXT, prompt=TEXT, feedback=TEXT)
def test_title_prompt_and_general_feedback_round_trip(title, prompt, feedback):
    source = f"::{escape_gift(title)}::{escape_gift(prompt)}{{T####{escape_gift(feedback)}}}"
    parsed = parse_gift(source)
    assert parsed.notes == []
    question = parsed.questions[0].definition
    assert question["prompt"] == prompt
    assert question["explanation"] == feedback


@REPEATABLE
@given(right=ANSWER, wrong=ANSWER, feedback=TEXT)
def test_choice_texts_and_feedback_round_trip(right, wrong, feedback):
    source = f"::Q::Question ?{{={escape_gift(right)}#{escape_gift(feedback)} ~{escape_gift(wrong)}####E}}"
    choices = parse_gift(source).questions[0].definition["choices"]
    assert choices[0] == {"text": right, "correct": True, "feedback": feedback}
    assert choices[1] == {"text": wrong}


@REPEATABLE
@given(left=ANSWER, right=ANSWER)
def test_matching_sides_round_trip(left, right):
    source = f"::Q::Associez.{{={escape_gift(left)} -> {escape_gift(right)} =b -> c####E}}"
    pairs = parse_gift(source).questions[0].definition["pairs"]
    assert (pairs[0]["left"]["text"], pairs[0]["right"]["text"]) == (left, right)


def test_backslash_before_an_ordinary_character_is_kept():
    assert unescape_gift(r"a\b \(x\)") == r"a\b \(x\)"
    assert unescape_gift(r"\\n") == "\\n"
    assert unescape_gift(r"a\nb") == "a\nb"
