"""Creating and editing cohorts, their members and their join link."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from lms.extensions import db
from lms.models import (
    AuditEvent,
    Cohort,
    CohortMembership,
    CohortModule,
    CohortRole,
    Module,
    ModuleProgress,
    Role,
    User,
)
from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_user
from tests.integration.cohorts.helpers import make_world, read_all


def _form(client, path, *, name, modules, due=None, **extra):
    """The cohort form's fields: every module of the course, `modules` ticked."""
    data = {"csrf_token": csrf_token(client, path), "name": name, **extra}
    ids = db.session.scalars(select(Module.id).order_by(Module.id)).all()
    for index, module_id in enumerate(ids):
        data[f"modules-{index}-module_id"] = str(module_id)
        if module_id in modules:
            data[f"modules-{index}-followed"] = "y"
        if due and module_id in due:
            data[f"modules-{index}-due_on"] = due[module_id].isoformat()
    return data


def _ids(*slugs):
    return [db.session.scalar(select(Module.id).where(Module.slug == s)) for s in slugs]


def test_a_trainer_creates_a_cohort_and_trains_it(course, client, auth):
    world = make_world()
    auth.login(world.trainer.email)
    first, second = _ids("premier-module", "second-module")
    response = client.post(
        "/cohorts/new",
        data=_form(
            client,
            "/cohorts/new",
            name="  Promo printemps ",
            modules=[first, second],
            due={first: date(2030, 5, 1)},
            starts_on="2030-03-01",
            ends_on="2030-06-30",
            organisation_id=str(world.org.id),
        ),
    )
    assert response.status_code == 302
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == "Promo printemps"))
    assert cohort.organisation_id == world.org.id and cohort.join_open and cohort.join_code
    assert (cohort.starts_on, cohort.ends_on) == (date(2030, 3, 1), date(2030, 6, 30))
    assert response.headers["Location"].endswith(f"/cohorts/{cohort.id}/members")
    rows = db.session.execute(
        select(CohortModule.module_id, CohortModule.due_on).where(
            CohortModule.cohort_id == cohort.id
        )
    ).all()
    assert sorted(rows) == sorted([(first, date(2030, 5, 1)), (second, None)])
    membership = db.session.scalar(
        select(CohortMembership).where(CohortMembership.cohort_id == cohort.id)
    )
    assert (membership.user_id, membership.role) == (world.trainer.id, CohortRole.TRAINER)
    assert db.session.scalar(select(AuditEvent.action)) == "cohort.created"
    # The creator can now open it; the other trainer of the organisation cannot.
    assert client.get(f"/cohorts/{cohort.id}").status_code == 200
    auth.logout()
    auth.login(world.other_trainer.email)
    assert client.get(f"/cohorts/{cohort.id}").status_code == 403


def test_following_every_module_without_dates_stores_nothing(course, client, auth):
    world = make_world()
    auth.login(world.org_admin.email)
    data = _form(
        client,
        "/cohorts/new",
        name="Tout",
        modules=db.session.scalars(select(Module.id)).all(),
        organisation_id=str(world.org.id),
    )
    assert client.post("/cohorts/new", data=data).status_code == 302
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == "Tout"))
    assert db.session.scalar(select(func.count()).select_from(CohortModule)) == 0
    # An org admin who creates a cohort does not become its trainer.
    assert (
        db.session.scalar(select(func.count()).where(CohortMembership.cohort_id == cohort.id)) == 0
    )


def test_the_form_refuses_bad_dates_and_no_module(course, client, auth):
    world = make_world()
    auth.login(world.trainer.email)
    bad_dates = _form(
        client,
        "/cohorts/new",
        name="X",
        modules=_ids("premier-module"),
        starts_on="2030-06-01",
        ends_on="2030-05-01",
        organisation_id=str(world.org.id),
    )
    response = client.post("/cohorts/new", data=bad_dates)
    assert response.status_code == 422
    assert "aria-invalid" in response.get_data(as_text=True)
    no_module = _form(
        client, "/cohorts/new", name="Y", modules=[], organisation_id=str(world.org.id)
    )
    assert client.post("/cohorts/new", data=no_module).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Cohort)) == 2  # the world's


def test_a_trainer_cannot_create_a_cohort_in_another_organisation(course, client, auth):
    world = make_world()
    auth.login(world.trainer.email)
    data = _form(
        client,
        "/cohorts/new",
        name="Ailleurs",
        modules=_ids("premier-module"),
        organisation_id=str(world.other_org.id),
    )
    assert client.post("/cohorts/new", data=data).status_code == 422  # not a valid choice
    assert db.session.scalar(select(Cohort).where(Cohort.name == "Ailleurs")) is None


def test_a_trainer_without_organisation_cannot_create_cohorts(app_ctx, client, auth):
    make_user(Role.TRAINER, None, email="free@example.org")
    auth.login("free@example.org")
    assert client.get("/cohorts/new").status_code == 403
    assert "/cohorts/new" not in client.get("/cohorts").get_data(as_text=True)


def test_editing_sets_due_dates_and_modules(course, client, auth):
    world = make_world()
    auth.login(world.trainer.email)
    path = f"/cohorts/{world.cohort.id}/edit"
    page = client.get(path).get_data(as_text=True)
    assert 'value="Promo A"' in page and page.count('type="checkbox"') == 3
    (third,) = _ids("troisieme")
    data = _form(client, path, name="Promo A bis", modules=[third], due={third: date(2030, 1, 2)})
    assert client.post(path, data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Cohort, world.cohort.id).name == "Promo A bis"
    assert db.session.execute(
        select(CohortModule.module_id, CohortModule.due_on).where(
            CohortModule.cohort_id == world.cohort.id
        )
    ).all() == [(third, date(2030, 1, 2))]
    matrix = client.get(f"/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert "Le troisième module" in matrix and "Le deuxième module" not in matrix


def test_the_list_shows_the_cohorts_each_person_may_follow(course, client, auth):
    world = make_world()
    auth.login(world.trainer.email)
    page = client.get("/cohorts").get_data(as_text=True)
    assert "Promo A" in page and "Promo B" not in page
    auth.logout()
    auth.login(world.org_admin.email)
    page = client.get("/cohorts").get_data(as_text=True)
    assert "Promo A" in page and "Promo B" in page
    auth.logout()
    auth.login(world.foreign_admin.email)
    page = client.get("/cohorts").get_data(as_text=True)
    assert "Promo A" not in page and "Promo B" not in page


def test_adding_and_removing_people_keeps_their_history(course, client, auth):
    world = make_world(learners=1)
    learner = world.learners[0]
    read_all(learner)
    auth.login(world.trainer.email)
    members = f"/cohorts/{world.cohort.id}/members"
    response = client.post(
        f"/cohorts/{world.cohort.id}/members/{learner.id}/remove",
        data={"csrf_token": csrf_token(client, members)},
    )
    assert response.status_code == 302
    membership = db.session.scalar(
        select(CohortMembership).where(CohortMembership.user_id == learner.id)
    )
    assert membership.removed_at is not None
    assert db.session.scalar(select(func.count()).select_from(ModuleProgress)) == 1
    assert learner.email not in client.get(f"/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert client.get(f"/cohorts/{world.cohort.id}/learners/{learner.id}").status_code == 404
    assert learner.email in client.get(f"{members}?removed=1").get_data(as_text=True)
    # Added back: the same membership, and the progress shows again.
    client.post(
        members,
        data={"csrf_token": csrf_token(client, members), "email": learner.email, "role": "learner"},
    )
    db.session.expire_all()
    assert membership.removed_at is None
    assert "2/2" in client.get(f"/cohorts/{world.cohort.id}").get_data(as_text=True)


def test_adding_someone_by_email(course, client, auth):
    world = make_world(learners=0)
    stranger = make_user(Role.LEARNER, None, email="new@example.org")
    foreigner = make_user(Role.LEARNER, world.other_org, email="far@example.org")
    auth.login(world.trainer.email)
    members = f"/cohorts/{world.cohort.id}/members"

    def add(email, role="learner"):
        client.post(
            members,
            data={"csrf_token": csrf_token(client, members), "email": email, "role": role},
        )
        return client.get(members).get_data(as_text=True)

    assert "new@example.org" in add("new@example.org")
    db.session.expire_all()
    assert stranger.organisation_id == world.org.id  # joins the cohort's organisation
    page = add("far@example.org")
    assert "belongs to another organisation" in page or "appartient" in page
    add("nobody@example.org")
    assert (
        db.session.scalar(
            select(func.count()).where(
                CohortMembership.cohort_id == world.cohort.id,
                CohortMembership.role == CohortRole.LEARNER,
            )
        )
        == 1
    )
    assert foreigner.organisation_id == world.other_org.id


def test_only_org_admins_turn_a_learner_into_a_trainer(course, client, auth):
    world = make_world(learners=1)
    learner = world.learners[0]
    members = f"/cohorts/{world.cohort.id}/members"
    for user, expected in ((world.trainer, Role.LEARNER), (world.org_admin, Role.TRAINER)):
        auth.login(user.email)
        client.post(
            members,
            data={
                "csrf_token": csrf_token(client, members),
                "email": learner.email,
                "role": "trainer",
            },
        )
        auth.logout()
        db.session.expire_all()
        assert db.session.get(User, learner.id).role == expected


def test_the_join_link_can_be_rotated_closed_and_reopened(course, client, auth):
    world = make_world(learners=0)
    auth.login(world.trainer.email)
    members = f"/cohorts/{world.cohort.id}/members"
    assert "CODE-A" in client.get(members).get_data(as_text=True)

    def act(action):
        client.post(
            f"/cohorts/{world.cohort.id}/join-code",
            data={"csrf_token": csrf_token(client, members), "action": action},
        )
        db.session.expire_all()
        return db.session.get(Cohort, world.cohort.id)

    rotated = act("rotate")
    assert rotated.join_code != "CODE-A" and rotated.join_open
    assert client.get("/join/CODE-A").status_code == 404
    code = rotated.join_code
    assert not act("close").join_open
    assert client.get(f"/join/{code}").status_code == 404
    assert act("open").join_open
    assert client.get(f"/join/{code}").status_code == 200
    bad = client.post(
        f"/cohorts/{world.cohort.id}/join-code",
        data={"csrf_token": csrf_token(client, members), "action": "explode"},
    )
    assert bad.status_code == 400


def test_a_learner_joins_by_link(course, client, auth):
    world = make_world(learners=0)
    anonymous = client.get("/join/CODE-A").get_data(as_text=True)
    assert "/register?code=CODE-A" in anonymous and "Promo A" in anonymous
    learner = make_user(Role.LEARNER, None, email="joiner@example.org", password=PASSWORD)
    auth.login("joiner@example.org")
    response = client.post("/join/CODE-A", data={"csrf_token": csrf_token(client, "/join/CODE-A")})
    assert response.status_code == 302
    membership = db.session.scalar(
        select(CohortMembership).where(CohortMembership.user_id == learner.id)
    )
    assert membership.cohort_id == world.cohort.id and membership.role == CohortRole.LEARNER
    db.session.expire_all()
    assert db.session.get(User, learner.id).organisation_id == world.org.id


def test_someone_of_another_organisation_cannot_join(course, client, auth):
    world = make_world(learners=0)
    make_user(Role.LEARNER, world.other_org, email="far@example.org")
    auth.login("far@example.org")
    client.post("/join/CODE-A", data={"csrf_token": csrf_token(client, "/join/CODE-A")})
    assert (
        db.session.scalar(select(func.count()).where(CohortMembership.cohort_id == world.cohort.id))
        == 1
    )  # the trainer only
