"""The trainer's dashboards: progress matrix, competency heatmap, learners at risk, exports."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select, update

from lms.cohorts import dashboards
from lms.cohorts.rules import LearnerQuery, ModuleFacts, risk_reasons
from lms.extensions import db
from lms.models import (
    Cohort,
    CohortMembership,
    CohortModule,
    CohortRole,
    Competency,
    CompetencyState,
    ModuleProgress,
    Role,
)
from lms.models.base import utcnow
from tests.factories import bearer, enrol, make_user
from tests.integration.cohorts.helpers import (
    count_queries,
    days_ago,
    make_world,
    module,
    read_all,
    set_progress,
    take_quiz,
)


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads the accents right
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def _level(user, code, level):
    competency = db.session.scalar(select(Competency).where(Competency.code == code))
    db.session.add(CompetencyState(user_id=user.id, competency_id=competency.id, level=level))
    db.session.commit()


def test_the_matrix_shows_reading_quiz_and_practical_work(course, client, auth):
    world = make_world(learners=2)
    ana, bob = world.learners
    read_all(ana)
    take_quiz(ana, right=True)
    set_progress(bob, sections_completed=1, practice_status="submitted")
    auth.login(world.trainer.email)
    page = client.get(f"/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert "<caption" in page and 'scope="col"' in page
    ana_row = page[page.index("Learner 01") : page.index("Learner 02")]
    assert "2/2" in ana_row and "100 %" in ana_row and "cell-done" in ana_row
    bob_row = page[page.index("Learner 02") :]
    assert "1/2" in bob_row and "cell-started" in bob_row
    assert "To review" in bob_row or "À évaluer" in bob_row


def test_the_matrix_cells_are_compact_and_described_once(course, client, auth):
    """Each cell holds its figures only; the table's description says what they are."""
    world = make_world(learners=2)
    ana, _bob = world.learners
    read_all(ana)
    take_quiz(ana, right=True)
    auth.login(world.trainer.email)
    page = client.get(f"/cohorts/{world.cohort.id}").get_data(as_text=True)
    table = page[page.index("<table") : page.index("</table>")]
    assert 'aria-describedby="matrix-help"' in table and 'id="matrix-help"' in page
    help_text = page[page.index('id="matrix-help"') :]
    assert "✓" in help_text[: help_text.index("</p>")]  # the description explains the mark
    cells = re.findall(r'<td class="cell cell-(\w+)">(.*?)</td>', table)
    state, text = cells[0]  # Ana, first module: read, quiz passed, work not started
    lines = text.split("<br>")
    assert state == "done" and lines[:2] == ["2/2", "Quiz 100 % <b>✓</b>"]
    assert len(lines) == 4 and lines[3].startswith("<strong>")
    empty = [text.split("<br>")[:2] for state, text in cells if state == "empty"]
    assert ["0/2", "Quiz —"] in empty
    assert "visually-hidden" not in table[table.index("<tbody") :]  # no label repeated per cell
    assert f'href="/cohorts/{world.cohort.id}/learners/{ana.id}"' in table


def test_the_plain_list_reads_no_totals_but_filters_and_sorts_on_them_do(course, client, auth):
    """By name, the page's summary rows only are read; by activity or status, the totals."""
    world = make_world(learners=3)
    set_progress(world.learners[2], last_activity_at=utcnow())
    auth.login(world.trainer.email)
    base = f"/cohorts/{world.cohort.id}"
    with count_queries() as statements:
        client.get(base)
    assert not any("GROUP BY" in statement for statement in statements)
    with count_queries() as statements:
        page = client.get(f"{base}?sort=-activity").get_data(as_text=True)
    assert any("GROUP BY" in statement for statement in statements)
    assert page.index("Learner 03") < page.index("Learner 01")


def test_sort_filter_search_and_pages(course, client, auth):
    world = make_world(learners=0)
    people = []
    for n in range(30):
        person = make_user(Role.LEARNER, world.org, email=f"p{n:02d}@example.org", name=f"P{n:02d}")
        enrol(world.cohort, person)
        people.append(person)
    set_progress(people[7], last_activity_at=utcnow())  # the most recent activity
    auth.login(world.trainer.email)
    base = f"/cohorts/{world.cohort.id}"
    first = client.get(f"{base}?per_page=25").get_data(as_text=True)
    assert "P00" in first and "P24" in first and "P25" not in first
    assert 'rel="next"' in first
    second = client.get(f"{base}?per_page=25&page=2").get_data(as_text=True)
    assert "P25" in second and "P00" not in second
    by_activity = client.get(f"{base}?sort=-activity").get_data(as_text=True)
    assert by_activity.index("P07") < by_activity.index("P00")
    assert 'aria-sort="descending"' in by_activity
    search = client.get(f"{base}?q=p1").get_data(as_text=True)
    assert "P10" in search and "P19" in search and "P20" not in search
    # Everyone joined now: nobody is inactive yet.
    assert "P00" not in client.get(f"{base}?status=inactive").get_data(as_text=True)
    far_page = client.get(f"{base}?page=99&per_page=25").get_data(as_text=True)
    assert "P25" in far_page  # past the end: the last page


def test_the_query_count_does_not_grow_with_the_cohort(course, client, auth, app):
    """Dashboards read summary rows in a fixed number of queries: 5 learners or 50."""
    world = make_world(learners=0)
    small = world.cohort
    large = world.other_cohort
    enrol(large, world.trainer, role=CohortRole.TRAINER)
    for cohort, count in ((small, 5), (large, 50)):
        for n in range(count):
            person = make_user(Role.LEARNER, world.org, email=f"c{cohort.id}-{n}@example.org")
            enrol(cohort, person)
            set_progress(person, sections_completed=1, quiz_failures=n % 3)
            _level(person, "TST-01", n % 5)
    auth.login(world.trainer.email)
    paths = [
        "/cohorts/{id}",
        "/cohorts/{id}?status=at_risk&sort=-progress",
        "/cohorts/{id}/competencies?sort=c:TST-01",
        "/cohorts/{id}/at-risk",
        "/cohorts/{id}/export/progress.csv",
        "/cohorts/{id}/export/competencies.csv",
        "/cohorts/{id}/export/attempts.csv",
        "/api/v1/cohorts/{id}/progress",
        "/api/v1/cohorts/{id}/competencies",
    ]
    headers = bearer(world.trainer)
    for path in paths:
        counts = []
        for cohort in (small, large):
            client.get(path.format(id=cohort.id), headers=headers)  # warm-up (caches)
            with count_queries() as statements:
                response = client.get(path.format(id=cohort.id), headers=headers)
            assert response.status_code == 200, path
            counts.append(len(statements))
        assert counts[0] == counts[1], (path, counts)
        assert counts[0] <= 15, (path, counts)


def test_the_dashboard_never_groups_raw_attempts(course, client, auth):
    world = make_world(learners=3)
    auth.login(world.trainer.email)
    with count_queries() as statements:
        client.get(f"/cohorts/{world.cohort.id}")
        client.get(f"/cohorts/{world.cohort.id}/competencies")
    for statement in statements:
        assert not re.search(r"FROM (attempt|answer|evidence)\b", statement), statement


def test_the_heatmap_writes_each_level_and_the_cohort_spread(course, client, auth):
    world = make_world(learners=3)
    a, b, _c = world.learners
    _level(a, "TST-01", 3)
    _level(b, "TST-01", 1)
    _level(a, "TST-02", 4)
    auth.login(world.trainer.email)
    page = client.get(f"/cohorts/{world.cohort.id}/competencies").get_data(as_text=True)
    assert '<td class="heat heat-3">3</td>' in page  # the number is written, colour repeats it
    assert '<td class="heat heat-0">0</td>' in page
    spread = page[page.index('id="spread-h"') :]
    tst01 = spread[spread.index("TST-01") : spread.index("TST-02")]
    counts = [int(n) for n in re.findall(r'<td class="number">(\d+) <span', tst01)]
    assert counts == [1, 1, 0, 1, 0]
    by_level = client.get(f"/cohorts/{world.cohort.id}/competencies?sort=-c:TST-01")
    text = by_level.get_data(as_text=True)
    assert text.index("Learner 01") < text.index("Learner 02") < text.index("Learner 03")


def test_the_heatmap_covers_the_competencies_of_the_followed_modules(course, client, auth):
    world = make_world(learners=1)
    db.session.add(CohortModule(cohort_id=world.cohort.id, module_id=module("troisieme").id))
    db.session.commit()
    auth.login(world.trainer.email)
    page = client.get(f"/cohorts/{world.cohort.id}/competencies").get_data(as_text=True)
    assert "TST-03" in page and "TST-01" not in page


def test_learners_at_risk_and_why(course, client, auth):
    world = make_world(learners=4)
    quiet, failing, late, fine = world.learners
    past = date.today() - timedelta(days=3)
    db.session.add(
        CohortModule(cohort_id=world.cohort.id, module_id=module("premier-module").id, due_on=past)
    )
    db.session.add(CohortModule(cohort_id=world.cohort.id, module_id=module("second-module").id))
    db.session.commit()
    for membership in world.cohort.memberships:  # everyone joined long ago
        membership.joined_at = days_ago(40)
    db.session.commit()
    set_progress(
        quiet,
        last_activity_at=days_ago(20),
        reading_completed_at=days_ago(20),
        quiz_passed_at=days_ago(20),
    )
    set_progress(
        failing,
        quiz_failures=2,
        quiz_attempts=2,
        reading_completed_at=days_ago(1),
        quiz_passed_at=None,
    )
    set_progress(late, sections_completed=1)
    set_progress(fine, reading_completed_at=days_ago(1), quiz_passed_at=days_ago(1))
    auth.login(world.trainer.email)
    page = client.get(f"/cohorts/{world.cohort.id}/at-risk").get_data(as_text=True)
    assert "Learner 04" not in page
    quiet_row = page[page.index("Learner 01") : page.index("Learner 02")]
    assert "20" in quiet_row
    failing_row = page[page.index("Learner 02") : page.index("Learner 03")]
    assert "Un modèle au service de quoi ?" in failing_row and "2" in failing_row
    assert past.strftime("%y") in page[page.index("Learner 03") :]  # the due date is shown
    only_failed = client.get(f"/cohorts/{world.cohort.id}/at-risk?status=quiz_failed")
    text = only_failed.get_data(as_text=True)
    assert "Learner 02" in text and "Learner 01" not in text and "Learner 03" not in text
    longer = client.get(f"/cohorts/{world.cohort.id}/at-risk?status=inactive&inactive_days=30")
    assert "Learner 01" not in longer.get_data(as_text=True)


@pytest.mark.parametrize("inactive_days", [1, 7, 14, 30])
def test_the_sql_filters_agree_with_the_risk_rule(course, inactive_days):
    """Every combination of facts: the SQL filter lists exactly those the rule flags."""
    world = make_world(learners=0)
    first, second = module("premier-module"), module("second-module")
    db.session.add_all(
        [
            CohortModule(
                cohort_id=world.cohort.id,
                module_id=first.id,
                due_on=date.today() - timedelta(days=1),
            ),
            CohortModule(
                cohort_id=world.cohort.id,
                module_id=second.id,
                due_on=date.today() + timedelta(days=5),
            ),
        ]
    )
    db.session.commit()
    n = 0
    for activity in (None, 0, 0.5, 6.9, 7.1, 13.9, 14.1, 29, 31, 45):
        for failures in (0, 1, 2):
            for state in ("none", "read", "passed", "done"):
                n += 1
                person = make_user(Role.LEARNER, world.org, email=f"r{n}@example.org")
                membership = enrol(world.cohort, person)
                membership.joined_at = days_ago(50)
                db.session.commit()
                if activity is None:
                    continue
                set_progress(
                    person,
                    last_activity_at=days_ago(activity),
                    quiz_failures=failures,
                    reading_completed_at=days_ago(activity) if state in ("read", "done") else None,
                    quiz_passed_at=days_ago(activity) if state in ("passed", "done") else None,
                )
    cohort = db.session.get(Cohort, world.cohort.id)
    now = utcnow()
    everyone = dashboards.progress_matrix(
        db.session(), cohort, LearnerQuery(inactive_days=inactive_days), now, everyone=True
    )
    expected = {
        kind: {
            line.learner.user_id
            for line in everyone.lines
            if any(r.kind == kind for r in line.reasons)
        }
        for kind in ("inactive", "quiz_failed", "overdue")
    }
    expected["at_risk"] = {line.learner.user_id for line in everyone.lines if line.reasons}
    for status, ids in expected.items():
        listed = dashboards.progress_matrix(
            db.session(),
            cohort,
            LearnerQuery(status=status, inactive_days=inactive_days),
            now,
            everyone=True,
        )
        assert {line.learner.user_id for line in listed.lines} == ids, status
    assert expected["inactive"] and expected["quiz_failed"] and expected["overdue"]
    assert expected["at_risk"] != {line.learner.user_id for line in everyone.lines}


def test_the_list_and_the_inactive_filter_agree_within_a_day(course):
    """The list reads the learner's summary, which keeps the day's first activity; the
    filter reads the exact last activity, later the same day. Counting calendar days,
    both flag the learner (counting hours, the list did and the filter did not)."""
    world = make_world(learners=1)
    (learner,) = world.learners
    now = datetime.combine(date.today(), time(12, 0), tzinfo=UTC)
    limit_day = now.date() - timedelta(days=14)
    db.session.execute(
        update(CohortMembership)
        .where(CohortMembership.user_id == learner.id)
        .values(joined_at=now - timedelta(days=50))
    )
    set_progress(learner, last_activity_at=datetime.combine(limit_day, time(0, 30), tzinfo=UTC))
    # Later that day, as a lesson visit does: the progress row moves, the summary does not.
    db.session.execute(
        update(ModuleProgress)
        .where(ModuleProgress.user_id == learner.id)
        .values(last_activity_at=datetime.combine(limit_day, time(23, 30), tzinfo=UTC))
    )
    db.session.commit()
    cohort = db.session.get(Cohort, world.cohort.id)
    listed = dashboards.progress_matrix(db.session(), cohort, LearnerQuery(), now, everyone=True)
    [line] = [line for line in listed.lines if line.learner.user_id == learner.id]
    assert [(r.kind, r.days) for r in line.reasons][:1] == [("inactive", 14)]
    filtered = dashboards.progress_matrix(
        db.session(), cohort, LearnerQuery(status="inactive"), now, everyone=True
    )
    assert learner.id in {line.learner.user_id for line in filtered.lines}


def test_risk_rule_used_by_the_matrix_is_the_pure_rule(course):
    world = make_world(learners=1)
    set_progress(world.learners[0], quiz_failures=2)
    cohort = db.session.get(Cohort, world.cohort.id)
    now = utcnow()
    matrix = dashboards.progress_matrix(db.session(), cohort, LearnerQuery(), now)
    line = matrix.lines[0]
    facts = {module().id: ModuleFacts(module_id=module().id, quiz_failures=2, last_activity_at=now)}
    assert line.reasons == risk_reasons(
        matrix.modules, facts, joined_at=line.learner.joined_at, now=now
    )


def test_the_progress_export_holds_the_numbers_of_the_screen(course, client, auth):
    world = make_world(learners=2)
    ana, bob = world.learners
    ana.name = "Éloïse =Dupré"
    db.session.commit()
    read_all(ana)
    take_quiz(ana, right=False)
    set_progress(bob, sections_completed=1, practice_status="accepted")
    auth.login(world.trainer.email)
    screen = dashboards.progress_matrix(
        db.session(), db.session.get(Cohort, world.cohort.id), LearnerQuery(), utcnow()
    )
    response = client.get(f"/cohorts/{world.cohort.id}/export/progress.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _rows(response.data)
    header, lines = rows[0], rows[1:]
    assert len(header) == 6 + 3 * len(screen.modules)
    assert [line[1] for line in lines] == [line.learner.email for line in screen.lines]
    for exported, shown in zip(lines, screen.lines, strict=True):
        cells = [exported[6 + 3 * i : 9 + 3 * i] for i in range(len(screen.modules))]
        for (sections, quiz, _practice), cell in zip(cells, shown.cells, strict=True):
            assert int(sections) == cell.sections_read
            assert (int(quiz) if quiz else None) == cell.quiz_best
    names = {line[1]: line[0] for line in lines}
    assert names["learner1@example.org"] == "Éloïse =Dupré"  # not a formula: no leading "="
    page = client.get(f"/cohorts/{world.cohort.id}").get_data(as_text=True)
    eloise = next(line for line in screen.lines if line.learner.user_id == ana.id)
    assert eloise.cells[0].quiz_best == 0 and "Quiz 0 %" in page


def test_the_competency_export_holds_the_levels_of_the_heatmap(course, client, auth):
    world = make_world(learners=2)
    _level(world.learners[0], "TST-02", 3)
    auth.login(world.trainer.email)
    rows = _rows(client.get(f"/cohorts/{world.cohort.id}/export/competencies.csv").data)
    assert rows[0][:2] != [] and rows[0][2].startswith("TST-01")
    codes = [cell.split(" ")[0] for cell in rows[0][2:]]
    assert dict(zip(codes, rows[1][2:], strict=True)) == {
        "TST-01": "0",
        "TST-02": "3",
        "TST-03": "0",
    }
    assert rows[2][2:] == ["0", "0", "0"]


def test_the_exports_follow_the_filter_of_the_screen(course, client, auth):
    world = make_world(learners=2)
    auth.login(world.trainer.email)
    rows = _rows(client.get(f"/cohorts/{world.cohort.id}/export/progress.csv?q=learner2").data)
    assert [row[1] for row in rows[1:]] == ["learner2@example.org"]


def test_the_attempts_export(course, client, auth):
    world = make_world(learners=2)
    take_quiz(world.learners[0], right=False, key="one", at=days_ago(1))
    take_quiz(world.learners[0], right=True, key="two")
    auth.login(world.trainer.email)
    rows = _rows(client.get(f"/cohorts/{world.cohort.id}/export/attempts.csv").data)
    assert len(rows) == 3
    assert [(row[1], row[3], row[6]) for row in rows[1:]] == [
        ("learner1@example.org", "1", "0"),
        ("learner1@example.org", "2", "100"),
    ]
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d", rows[1][5])
