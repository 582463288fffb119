"""Self-assessment (positioning): the form, the history it appends, and what it never changes."""

from __future__ import annotations

import re

from lms.models import EvidenceSource
from tests.conftest import csrf_token
from tests.integration.competency.helpers import answers, evidence_rows, lesson, record, states

PAGE = "/profile/self-assessment"


def post_levels(client, **levels):
    """Post the form: TST_01=3 -> level-TST-01=3; a missing code is sent as "not sure"."""
    data = {f"level-TST-0{n}": "" for n in (1, 2, 3)}
    data.update({f"level-{code.replace('_', '-')}": str(value) for code, value in levels.items()})
    data["csrf_token"] = csrf_token(client, PAGE)
    return client.post(PAGE, data=data)


def checked(html):
    """{field name: checked value} of the form's radio groups."""
    found = {}
    for tag in re.findall(r"<input[^>]*>", html):
        if 'type="radio"' in tag and "checked" in tag:
            name = re.search(r'name="([^"]+)"', tag).group(1)
            found[name] = re.search(r'value="([^"]*)"', tag).group(1)
    return found


def test_form_lists_every_competency_with_levels_1_to_4_or_not_sure(learner, client):
    html = client.get(PAGE).get_data(as_text=True)
    for code in ("TST-01", "TST-02", "TST-03"):
        values = re.findall(rf'name="level-{code}"[^>]*value="([^"]*)"', html)
        assert values == ["", "1", "2", "3", "4"]
        assert f"<legend>{code} — " in html
    assert checked(html) == {"level-TST-01": "", "level-TST-02": "", "level-TST-03": ""}
    assert "1 · Découverte" in html  # the scale's labels


def test_saving_appends_one_self_row_per_changed_competency(learner, client):
    response = post_levels(client, TST_01=3, TST_02=1)
    assert response.status_code == 302 and response.headers["Location"] == "/profile"
    rows = evidence_rows(learner.id, EvidenceSource.SELF)
    assert [(r.level, r.score, r.key) for r in rows] == [(3, 0.75, "self"), (1, 0.25, "self")]
    assert states(learner.id)["TST-01"][6] == 3

    # The form is pre-filled with my latest answers; saving them again records nothing.
    html = client.get(PAGE).get_data(as_text=True)
    assert checked(html) == {"level-TST-01": "3", "level-TST-02": "1", "level-TST-03": ""}
    post_levels(client, TST_01=3, TST_02=1)
    assert len(evidence_rows(learner.id, EvidenceSource.SELF)) == 2

    # Re-assessing later: one more row, the history is kept.
    post_levels(client, TST_01=4, TST_02=1)
    rows = evidence_rows(learner.id, EvidenceSource.SELF)
    assert [r.level for r in rows] == [3, 1, 4]
    assert states(learner.id)["TST-01"][6] == 4
    assert "Your self-assessment is saved (1 competency changed)." in client.get(
        "/profile"
    ).get_data(as_text=True)


def test_not_sure_records_nothing_and_keeps_the_earlier_answer(learner, client):
    post_levels(client, TST_01=2)
    post_levels(client)  # everything "not sure"
    assert [r.level for r in evidence_rows(learner.id, EvidenceSource.SELF)] == [2]
    assert checked(client.get(PAGE).get_data(as_text=True))["level-TST-01"] == "2"


def test_self_assessment_never_raises_the_measured_level(learner, client):
    record(learner.id, lesson("TST-01"), *answers("TST-01", [1, 0]))
    before = states(learner.id)["TST-01"]
    post_levels(client, TST_01=4, TST_03=4)
    after = states(learner.id)
    level, measured, score, knowledge, applied, count, self_level, last = after["TST-01"]
    assert (level, measured, score, knowledge, applied, count, last) == (*before[:6], before[7])
    assert level == 1 and self_level == 4
    # A competency with no evidence stays at level 0 with the self-assessment beside it.
    assert after["TST-03"][:2] == (0, 0) and after["TST-03"][5] == 0 and after["TST-03"][6] == 4
    assert after["TST-03"][7] is None  # a self-assessment is not evidence of competency


def test_invalid_level_is_refused_and_nothing_recorded(learner, client):
    response = post_levels(client, TST_01=7)
    assert response.status_code == 400
    assert 'class="error"' in response.get_data(as_text=True)
    assert evidence_rows(learner.id) == []


def test_saving_needs_the_csrf_token(learner, client):
    response = client.post(PAGE, data={"level-TST-01": "3"})
    assert response.status_code == 400
    assert evidence_rows(learner.id) == []


def test_profile_page_links_to_the_self_assessment(learner, client):
    assert f'href="{PAGE}"' in client.get("/profile").get_data(as_text=True)
