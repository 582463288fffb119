"""HTML pages of the workspace area, « Mon modèle socio-économique », under /workspace/.

Views parse the form, call a service, and render or redirect; the rules are in
services (who may do what, how a change is saved), the pure modules (indicators,
positioning, method) and the schema (what is valid).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse
from wtforms import SelectChoice

from lms.extensions import db
from lms.i18n import N_
from lms.practice import services as practice_services
from lms.workspace import chart, exports, labels, method, pdf, services
from lms.workspace.analysis import analyse
from lms.workspace.formatting import page_formatter
from lms.workspace.forms import (
    ActivitiesForm,
    AddYearForm,
    AlliancesForm,
    AmbitionForm,
    EmptyForm,
    HumanRichesForm,
    IdentityForm,
    ImportForm,
    IssuesForm,
    LeversForm,
    MemberForm,
    PracticeTextForm,
    ResourcesForm,
    RowsForm,
    ShareForm,
    SnapshotForm,
    TargetForm,
    TrajectoryForm,
)
from lms.workspace.services import Opened, Part
from lms.workspace.summary import gap_delta, gap_label, gap_value, practice_text

bp = Blueprint("workspace", __name__)

#: URL words of the year parts and the method parts.
YEAR_PAGES = {
    "activities": Part.ACTIVITIES,
    "resources": Part.RESOURCES,
    "human-riches": Part.HUMAN_RICHES,
    "alliances": Part.ALLIANCES,
}
METHOD_PAGES = {
    "issues": Part.ISSUES,
    "ambition": Part.AMBITION,
    "levers": Part.LEVERS,
    "target": Part.TARGET,
    "trajectory": Part.TRAJECTORY,
}
ROWS_FORMS: dict[Part, type[RowsForm]] = {
    Part.ACTIVITIES: ActivitiesForm,
    Part.RESOURCES: ResourcesForm,
    Part.ALLIANCES: AlliancesForm,
    Part.ISSUES: IssuesForm,
    Part.LEVERS: LeversForm,
    Part.TRAJECTORY: TrajectoryForm,
}
PAGE_TITLES = {
    Part.IDENTITY: N_("Identity and qualification"),
    Part.ACTIVITIES: N_("Activities"),
    Part.RESOURCES: N_("Financial resources"),
    Part.HUMAN_RICHES: N_("Human riches"),
    Part.ALLIANCES: N_("Strategic alliances"),
    Part.ISSUES: N_("Step 1: key issues and the debate"),
    Part.AMBITION: N_("Step 2: the ambition"),
    Part.LEVERS: N_("Steps 2 and 3: levers, qualified and prioritised"),
    Part.TARGET: N_("Step 3: the target"),
    Part.TRAJECTORY: N_("Step 3: the trajectory"),
}


@bp.context_processor
def _workspace_helpers() -> dict[str, Any]:
    """What every workspace template uses: the number formatter and the vocabularies."""
    return {
        "fmt": page_formatter(),
        "labels": labels,
        "year_pages": YEAR_PAGES,
        "method_pages": METHOD_PAGES,
        "page_titles": PAGE_TITLES,
    }


def _session() -> Any:
    return db.session


def _open(workspace_id: int, *, edit: bool = False) -> Opened:
    """The workspace, or 404 (not there, or not visible); 403 when `edit` and read-only."""
    try:
        opened = services.open_workspace(_session(), current_user, workspace_id)
    except services.NotFound:
        abort(404)
    if edit and not opened.rights.edit:
        abort(403)
    return opened


def _say(error: services.WorkspaceError) -> str:
    return _(error.message, **error.params)


def _common(opened: Opened, active: str, **context: Any) -> dict[str, Any]:
    """What every page of a workspace shows: its facts, rights, navigation, learning links."""
    links = services.learning_links(_session())
    return {
        "ws": opened.info,
        "data": opened.data,
        "rights": opened.rights,
        "active": active,
        "links": links,
        "practice_modules": services.module_slugs_with_practice(_session()),
        "practice_for": services.PRACTICE_MODULE,
        **context,
    }


# --- my workspaces ---------------------------------------------------------------------------


@bp.get("/workspace/")
@login_required
def index() -> str:
    """My workspaces, those shared with cohorts I train, and how to start one."""
    return render_template(
        "workspace/index.html", hub=services.hub(_session(), current_user), form=EmptyForm()
    )


@bp.post("/workspace/")
@login_required
def start() -> BaseResponse:
    """Start my organisation's workspace (or my personal one)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        workspace_id = services.start_workspace(_session(), current_user)
    except services.WorkspaceError as error:
        flash(_say(error), "error")
        return redirect(url_for("workspace.index"))
    flash(_("Your workspace is ready: start with the identity of the organisation."), "success")
    return redirect(url_for("workspace.identity", workspace_id=workspace_id))


@bp.get("/workspace/<int:workspace_id>/")
@login_required
def overview(workspace_id: int) -> str:
    """The workspace at a glance: progress through the method, key figures, charts, years."""
    opened = _open(workspace_id)
    analysis = analyse(opened.data)
    fmt = page_formatter()
    add_form = AddYearForm()
    add_form.copy_from.choices = [SelectChoice("", _("Empty"))] + [
        SelectChoice(str(entry.year), _("A copy of %(year)s", year=entry.year))
        for entry in opened.data.years
    ]
    if not add_form.year.data:
        add_form.year.data = (
            (opened.data.years[-1].year + 1) if opened.data.years else date.today().year - 1
        )
    return render_template(
        "workspace/overview.html",
        **_common(opened, "overview"),
        analysis=analysis,
        add_form=add_form,
        post_form=EmptyForm(),
        resources_chart=chart.resources_chart(analysis, fmt) if analysis.years else None,
        pillars_chart=chart.pillars_chart(analysis, fmt) if analysis.years else None,
    )


# --- identity ----------------------------------------------------------------------------------


def _show_errors(
    form: Any,
    error: services.InvalidData,
    positions: list[int] | None = None,
    rows_key: str | None = None,
) -> list[str]:
    """Put each validation message on its field; returns those that fit no field."""
    leftovers = []
    for location, message in error.fields(_).items():
        target = _field_for(form, location, positions, rows_key)
        if target is None:
            leftovers.append(message)
        else:
            target.errors = [*(target.errors or []), message]
    return leftovers


def _field_for(form: Any, location: str, positions: list[int] | None, rows_key: str | None) -> Any:
    parts = location.split(".")
    if rows_key is not None and parts[0] == rows_key:
        parts = parts[1:]
    if not parts:  # about the whole list (e.g. too many rows)
        return None
    if positions is not None and parts and parts[0].isdigit():
        index = int(parts[0])
        if index >= len(positions) or len(parts) < 2:
            return None
        row = form.rows.entries[positions[index]].form
        if parts[1] not in row:  # a row-level message (e.g. revenue over budget)
            return None
        return row[parts[1]]
    name = parts[0]
    if name in ("resource_shares", "alliances_by_form") and len(parts) > 1:
        prefix = "share_" if name == "resource_shares" else "alliances_"
        name = prefix + parts[1]
    if name not in form:
        return None
    return form[name]


@bp.route("/workspace/<int:workspace_id>/identity", methods=["GET", "POST"])
@login_required
def identity(workspace_id: int) -> Any:
    """Who the organisation is, and how it qualifies (general interest, social utility)."""
    opened = _open(workspace_id, edit=request.method == "POST")
    current = opened.data.identity.model_dump(mode="json")
    form = IdentityForm(data={**current, "legal_form": current["legal_form"] or ""})
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            services.save_part(_session(), current_user, workspace_id, Part.IDENTITY, form.values())
        except services.InvalidData as error:
            errors = [_say(error), *_show_errors(form, error)]
        else:
            flash(_("The identity is saved."), "success")
            return redirect(url_for("workspace.identity", workspace_id=workspace_id))
    status = 422 if errors else 200
    return render_template(
        "workspace/identity.html", **_common(opened, "identity"), form=form, errors=errors
    ), status


# --- the pillars, year by year ---------------------------------------------------------------


@bp.post("/workspace/<int:workspace_id>/years")
@login_required
def add_year(workspace_id: int) -> BaseResponse:
    """Describe one more year (empty, or a copy of a described year)."""
    form = AddYearForm()
    form.copy_from.choices = []
    if not form.validate_on_submit():
        flash(_("Give a year between 1900 and 2100."), "error")
        return redirect(url_for("workspace.overview", workspace_id=workspace_id))
    copy_from = int(form.copy_from.data) if (form.copy_from.data or "").isdigit() else None
    try:
        services.add_year(_session(), current_user, workspace_id, form.year.data, copy_from)
    except services.NotFound:
        abort(404)
    except services.Forbidden:
        abort(403)
    except services.WorkspaceError as error:
        flash(_say(error), "error")
        return redirect(url_for("workspace.overview", workspace_id=workspace_id))
    flash(_("Year %(year)s is added.", year=form.year.data), "success")
    return redirect(
        url_for(
            "workspace.year_part", workspace_id=workspace_id, year=form.year.data, page="activities"
        )
    )


@bp.post("/workspace/<int:workspace_id>/years/<int:year>/remove")
@login_required
def remove_year(workspace_id: int, year: int) -> BaseResponse:
    """Stop describing a year (earlier versions keep it)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.remove_year(_session(), current_user, workspace_id, year)
    except services.NotFound:
        abort(404)
    except services.Forbidden:
        abort(403)
    except services.WorkspaceError as error:
        flash(_say(error), "error")
    else:
        flash(_("Year %(year)s is removed.", year=year), "success")
    return redirect(url_for("workspace.overview", workspace_id=workspace_id))


def _rows_form(
    form_class: type[RowsForm], rows: list[dict[str, Any]], editable: bool, **extra: Any
) -> RowsForm:
    """A rows form filled from the document, with empty rows to add more (for editors)."""
    form = form_class(formdata=None, data={"rows": rows, **extra})
    if editable:
        form.pad()
    return form


def _save_rows(
    opened: Opened, form: RowsForm, part: Part, year: int | None, extra: dict[str, Any] | None
) -> tuple[list[str], bool]:
    """Save the kept rows; on invalid data put messages on fields. Returns (errors, saved)."""
    values, positions = form.kept_rows()
    value: Any = values
    rows_key = None
    if part in services.METHOD_KEYS:
        rows_key = services.METHOD_KEYS[part][0]
        value = {rows_key: values, **(extra or {})}
    try:
        services.save_part(_session(), current_user, opened.info.id, part, value, year)
    except services.InvalidData as error:
        return [_say(error), *_show_errors(form, error, positions, rows_key)], False
    except services.WorkspaceError as error:
        return [_say(error)], False
    return [], True


@bp.route("/workspace/<int:workspace_id>/years/<int:year>/<page>", methods=["GET", "POST"])
@login_required
def year_part(workspace_id: int, year: int, page: str) -> Any:
    """One pillar (or the activities) of one year: a form of repeatable rows."""
    part = YEAR_PAGES.get(page)
    if part is None:
        abort(404)
    opened = _open(workspace_id, edit=request.method == "POST")
    entry = opened.data.year(year)
    if entry is None:
        abort(404)
    if part == Part.HUMAN_RICHES:
        return _human_riches(opened, year)
    current = [row.model_dump(mode="json") for row in getattr(entry, part.value)]
    form_class = ROWS_FORMS[part]
    errors: list[str] = []
    if request.method == "POST":
        form = form_class()
        if not form.validate():
            abort(400)  # only the CSRF token is checked here; the schema checks the rest
        if form.add_rows.data:
            form.pad()
        else:
            errors, saved = _save_rows(opened, form, part, year, None)
            if saved:
                flash(
                    _("%(part)s of %(year)s saved.", part=_(PAGE_TITLES[part]), year=year),
                    "success",
                )
                return redirect(request.path)
    else:
        form = _rows_form(form_class, current, opened.rights.edit)
    analysis = analyse(opened.data)
    return render_template(
        f"workspace/{part.value}.html",
        **_common(opened, page, year=year),
        part=part,
        form=form,
        errors=errors,
        indicators=analysis.year(year),
    ), (422 if errors else 200)


def _human_riches(opened: Opened, year: int) -> Any:
    entry = opened.data.year(year)
    assert entry is not None
    form = HumanRichesForm(data=entry.human_riches.model_dump(mode="json"))
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            services.save_part(
                _session(), current_user, opened.info.id, Part.HUMAN_RICHES, form.values(), year
            )
        except services.InvalidData as error:
            errors = [_say(error), *_show_errors(form, error)]
        else:
            flash(
                _("%(part)s of %(year)s saved.", part=_(PAGE_TITLES[Part.HUMAN_RICHES]), year=year),
                "success",
            )
            return redirect(request.path)
    analysis = analyse(opened.data)
    return render_template(
        "workspace/human_riches.html",
        **_common(opened, "human-riches", year=year),
        part=Part.HUMAN_RICHES,
        form=form,
        errors=errors,
        indicators=analysis.year(year),
    ), (422 if errors else 200)


# --- analysis ---------------------------------------------------------------------------------


@bp.get("/workspace/<int:workspace_id>/analysis")
@login_required
def analysis(workspace_id: int) -> str:
    """Indicators year by year, their change, the positioning, and the charts."""
    opened = _open(workspace_id)
    result = analyse(opened.data)
    fmt = page_formatter()
    return render_template(
        "workspace/analysis.html",
        **_common(opened, "analysis"),
        analysis=result,
        resources_chart=chart.resources_chart(result, fmt) if result.years else None,
        pillars_chart=chart.pillars_chart(result, fmt) if result.years else None,
    )


# --- the method --------------------------------------------------------------------------------


@bp.route("/workspace/<int:workspace_id>/method/<page>", methods=["GET", "POST"])
@login_required
def method_part(workspace_id: int, page: str) -> Any:
    """A step of the method: issues and debate, ambition, levers, target, trajectory."""
    part = METHOD_PAGES.get(page)
    if part is None:
        abort(404)
    opened = _open(workspace_id, edit=request.method == "POST")
    document = opened.data
    errors: list[str] = []
    form: Any
    if part in ROWS_FORMS:
        form_class = ROWS_FORMS[part]
        rows_key = services.METHOD_KEYS[part][0]
        rows = [row.model_dump(mode="json") for row in getattr(document.method, rows_key)]
        extra = {"debate_notes": document.method.debate_notes} if part == Part.ISSUES else {}
        if request.method == "POST":
            form = form_class()
            if not form.validate():
                abort(400)
            if form.add_rows.data:
                form.pad()
            else:
                posted_extra = (
                    {"debate_notes": (form.debate_notes.data or "").strip()}
                    if part == Part.ISSUES
                    else {}
                )
                errors, saved = _save_rows(opened, form, part, None, posted_extra)
                if saved:
                    flash(_("%(part)s saved.", part=_(PAGE_TITLES[part])), "success")
                    return redirect(request.path)
        else:
            form = _rows_form(form_class, rows, opened.rights.edit, **extra)
    else:
        form = _single_form(part, document)
        if form.validate_on_submit():
            try:
                value = form.values() if part == Part.AMBITION else {"target": form.values()}
                services.save_part(_session(), current_user, workspace_id, part, value)
            except services.InvalidData as error:
                errors = [_say(error), *_show_errors(form, error, rows_key="target")]
            else:
                flash(_("%(part)s saved.", part=_(PAGE_TITLES[part])), "success")
                return redirect(request.path)
    result = analyse(document)
    fmt = page_formatter()
    return render_template(
        f"workspace/{part.value}.html",
        **_common(opened, page),
        part=part,
        form=form,
        errors=errors,
        analysis=result,
        matrix=method.lever_matrix(document.method.levers),
        ranked=method.ranked_levers(document.method.levers),
        gap_label=gap_label,
        gap_value=gap_value,
        gap_delta=gap_delta,
        mix_chart=chart.mix_chart(result, document.method.target, fmt),
    ), (422 if errors else 200)


def _single_form(part: Part, document: Any) -> Any:
    if part == Part.AMBITION:
        return AmbitionForm(
            data={
                "ambition": document.method.ambition,
                "horizon_year": document.method.horizon_year or "",
            }
        )
    target = document.method.target.model_dump(mode="json")
    data = {name: "" if target[name] is None else target[name] for name in TargetForm.SCALARS}
    data["notes"] = target["notes"]
    for family, share in target["resource_shares"].items():
        data[f"share_{family}"] = share
    for form, count in target["alliances_by_form"].items():
        data[f"alliances_{form}"] = count
    return TargetForm(data=data)


# --- versions and history ------------------------------------------------------------------


@bp.route("/workspace/<int:workspace_id>/versions", methods=["GET", "POST"])
@login_required
def versions(workspace_id: int) -> Any:
    """The kept versions (dated snapshots), and keeping one now."""
    opened = _open(workspace_id, edit=request.method == "POST")
    form = SnapshotForm()
    if form.validate_on_submit():
        label = form.label.data or _("Version of %(date)s", date=format_date(date.today()))
        number = services.take_snapshot(_session(), current_user, workspace_id, label)
        flash(_("Version %(n)s is kept.", n=number), "success")
        return redirect(url_for("workspace.versions", workspace_id=workspace_id))
    return render_template(
        "workspace/versions.html",
        **_common(opened, "versions"),
        form=form,
        versions=services.snapshots(_session(), workspace_id),
    )


@bp.get("/workspace/<int:workspace_id>/versions/<int:number>")
@login_required
def version(workspace_id: int, number: int) -> str:
    """One kept version: its key figures beside today's."""
    opened = _open(workspace_id)
    found = services.snapshot(_session(), workspace_id, number)
    if found is None:
        abort(404)
    info, document = found
    return render_template(
        "workspace/version.html",
        **_common(opened, "versions"),
        version=info,
        then=analyse(document),
        then_data=document,
        now=analyse(opened.data),
    )


@bp.get("/workspace/<int:workspace_id>/history")
@login_required
def history(workspace_id: int) -> str:
    """Who changed what, and when."""
    opened = _open(workspace_id)
    page = request.args.get("page", 1, type=int) or 1
    return render_template(
        "workspace/history.html",
        **_common(opened, "history"),
        page=services.change_log(_session(), workspace_id, max(1, page)),
    )


# --- access ---------------------------------------------------------------------------------------


@bp.get("/workspace/<int:workspace_id>/access")
@login_required
def access(workspace_id: int) -> str:
    """Who has access, and which cohorts' trainers read it."""
    try:
        info, rights = services.open_for_access(_session(), current_user, workspace_id)
    except services.NotFound:
        abort(404)
    view = services.access_view(_session(), current_user, workspace_id)
    member_form = MemberForm()
    member_form.user_id.choices = [
        SelectChoice(m.user_id, f"{m.name} ({m.email})") for m in view.candidates
    ]
    share_form = ShareForm()
    share_form.cohort_id.choices = [SelectChoice(c.id, c.name) for c in view.shareable]
    return render_template(
        "workspace/access.html",
        ws=info,
        rights=rights,
        active="access",
        view=view,
        member_form=member_form,
        share_form=share_form,
        post_form=EmptyForm(),
    )


def _access_change(workspace_id: int, action: Any, success: str, **params: Any) -> BaseResponse:
    """Run an access change; refusals are flashed, unknown workspaces 404."""
    try:
        result = action()
    except services.NotFound:
        abort(404)
    except services.Forbidden:
        abort(403)
    except services.WorkspaceError as error:
        flash(_say(error), "error")
    else:
        flash(_(success, name=result or "", **params), "success")
    return redirect(url_for("workspace.access", workspace_id=workspace_id))


@bp.post("/workspace/<int:workspace_id>/access/members")
@login_required
def add_member(workspace_id: int) -> BaseResponse:
    """Give a person of the organisation access."""
    form = MemberForm()
    if not form.validate_on_submit():
        flash(_("Choose a person."), "error")
        return redirect(url_for("workspace.access", workspace_id=workspace_id))
    return _access_change(
        workspace_id,
        lambda: services.add_member(
            _session(), current_user, workspace_id, form.user_id.data, bool(form.can_edit.data)
        ),
        N_("%(name)s has access to the workspace."),
    )


@bp.post("/workspace/<int:workspace_id>/access/members/<int:user_id>/remove")
@login_required
def remove_member(workspace_id: int, user_id: int) -> BaseResponse:
    """Withdraw a person's access."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    return _access_change(
        workspace_id,
        lambda: services.remove_member(_session(), current_user, workspace_id, user_id),
        N_("%(name)s no longer has access."),
    )


@bp.post("/workspace/<int:workspace_id>/access/cohorts")
@login_required
def share(workspace_id: int) -> BaseResponse:
    """Share the workspace, read-only, with the trainers of one of my cohorts."""
    form = ShareForm()
    if not form.validate_on_submit():
        flash(_("Choose a cohort."), "error")
        return redirect(url_for("workspace.access", workspace_id=workspace_id))
    return _access_change(
        workspace_id,
        lambda: services.share_with_cohort(
            _session(), current_user, workspace_id, form.cohort_id.data
        ),
        N_("The trainers of %(name)s can now read the workspace."),
    )


@bp.post("/workspace/<int:workspace_id>/access/cohorts/<int:cohort_id>/remove")
@login_required
def unshare(workspace_id: int, cohort_id: int) -> BaseResponse:
    """Stop sharing with a cohort."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    return _access_change(
        workspace_id,
        lambda: services.unshare(_session(), current_user, workspace_id, cohort_id),
        N_("The workspace is no longer shared with this cohort."),
    )


# --- exports and import -------------------------------------------------------------------------


def _download(body: bytes | str, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/workspace/<int:workspace_id>/export.pdf")
@login_required
def export_pdf(workspace_id: int) -> Response:
    """The « fiche modèle socio-économique » for a board meeting (PDF, one or two pages)."""
    opened = _open(workspace_id)
    body = pdf.model_sheet(
        opened.data,
        analyse(opened.data),
        page_formatter(),
        workspace_name=opened.info.name,
        revision=opened.info.revision,
        on=date.today(),
    )
    return _download(body, "application/pdf", f"modele-{workspace_id}.pdf")


@bp.get("/workspace/<int:workspace_id>/export.json")
@login_required
def export_json(workspace_id: int) -> Response:
    """The whole document as JSON (it can be imported back)."""
    opened = _open(workspace_id)
    body = json.dumps(opened.data.dump(), ensure_ascii=False, indent=2)
    return _download(body, "application/json", f"modele-{workspace_id}.json")


@bp.get("/workspace/<int:workspace_id>/export/<table>.csv")
@login_required
def export_csv(workspace_id: int, table: str) -> Response:
    """One table of the document (or the indicators) as CSV, one row per line and year."""
    if table not in exports.CSV_TABLES:
        abort(404)
    opened = _open(workspace_id)
    body = exports.csv_table(table, opened.data, analyse(opened.data))
    return _download(body, "text/csv; charset=utf-8", f"modele-{workspace_id}-{table}.csv")


@bp.route("/workspace/<int:workspace_id>/import", methods=["GET", "POST"])
@login_required
def import_json(workspace_id: int) -> Any:
    """Replace the document with a JSON export (the current one is kept as a version first)."""
    opened = _open(workspace_id, edit=True)
    form = ImportForm()
    errors: list[str] = []
    field_messages: dict[str, str] = {}
    if form.validate_on_submit():
        raw, problem = exports.read_json(form.file.data)
        if problem:
            errors = [_(problem)]
        else:
            try:
                services.replace_document(
                    _session(), current_user, workspace_id, raw, imported=True
                )
            except services.InvalidData as error:
                errors = [_say(error)]
                field_messages = error.fields(_)
            else:
                flash(_("The data is imported; the previous data is kept as a version."), "success")
                return redirect(url_for("workspace.overview", workspace_id=workspace_id))
    elif form.is_submitted():
        errors = [_("Choose a file and confirm.")]
    return render_template(
        "workspace/import.html",
        **_common(opened, "import"),
        form=form,
        errors=errors,
        field_messages=field_messages,
    ), (422 if errors else 200)


# --- practical work from the workspace ------------------------------------------------------


@bp.route("/workspace/<int:workspace_id>/practice/<module_slug>", methods=["GET", "POST"])
@login_required
def practice(workspace_id: int, module_slug: str) -> Any:
    """A module's practical work, written from the workspace, saved or submitted from here."""
    opened = _open(workspace_id)
    panel = services.practice_panel(_session(), current_user, module_slug)
    if panel is None:
        abort(404)
    fmt = page_formatter()
    draft = practice_text(
        module_slug,
        opened.data,
        analyse(opened.data),
        fmt,
        workspace_name=opened.info.name,
        revision=opened.info.revision,
        on=format_date(date.today(), "long"),
    )
    current = panel.page.current
    form = PracticeTextForm(
        data={"text": current.text_md if current and current.text_md else draft}
    )
    status = 200
    if form.validate_on_submit():
        submit = bool(form.submit_work.data)
        label = _("Submitted as the practical work of « %(module)s »", module=panel.module_title)
        try:
            services.submit_practice(
                _session(),
                current_user,
                workspace_id,
                module_slug,
                form.text.data or "",
                submit=submit,
                snapshot_label=label,
            )
        except services.Forbidden as error:
            flash(_say(error), "error")
            status = 403
        except practice_services.PracticeError as error:
            form.text.errors = [*form.text.errors, _(error.message, **error.params)]
            status = 422
        else:
            flash(
                _(
                    "Your work is submitted. A trainer will review it; this version of the "
                    "workspace is kept."
                )
                if submit
                else _("Your draft is saved."),
                "success",
            )
            return redirect(request.path)
    return render_template(
        "workspace/practice.html",
        **_common(opened, "practice"),
        panel=panel,
        form=form,
        draft=draft,
    ), status
