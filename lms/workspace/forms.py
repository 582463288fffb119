"""Forms of the workspace pages: they collect text; the pydantic schema validates it.

Numbers are read as text and tidied (French "12 000" or "9,5" become "12000" and "9.5")
before the schema checks them, so that the pages, the JSON import and the API share
one set of rules and messages. Repeatable rows (activities, resources...) are a
FieldList of sub-forms: blank rows are ignored, a row whose "remove" box is ticked is
dropped, and "add rows" shows more empty rows without saving (it works without JS).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, NumberRange, Optional

from lms.i18n import N_
from lms.workspace import labels
from lms.workspace.schemas import (
    MAX_YEAR,
    MIN_YEAR,
    AllianceForm,
    Qualification,
    ResourceFamily,
)

#: Empty rows shown under the filled ones, so a few can be added at once without JS.
BLANK_ROWS = 2
MIN_ROWS = 3


def tidy_number(value: Any) -> Any:
    """ "12 000" -> "12000", "9,5" -> "9.5" (spaces of any kind and € signs dropped)."""
    if not isinstance(value, str):
        return value
    for space in (" ", "\u00a0", "\u202f", "€", "%"):
        value = value.replace(space, "")
    return value.replace(",", ".").strip()


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _choices(mapping: dict[Any, str], empty: str | None = None) -> list[SelectChoice]:
    """Choices from a vocabulary (values are the enum values), with an optional empty one."""
    choices = [
        SelectChoice(key.value if hasattr(key, "value") else str(key), _l(label))
        for key, label in mapping.items()
    ]
    return [SelectChoice("", _l(empty)), *choices] if empty else choices


class NumberField(StringField):
    """A number typed as text (tidied); the schema says whether it is valid."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("filters", [tidy_number])
        render_kw = kwargs.setdefault("render_kw", {})
        render_kw.setdefault("inputmode", "decimal")
        super().__init__(*args, **kwargs)


class ChoiceField(SelectField):
    """A list of choices whose value the schema checks (an unknown one gets a field message)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)


class RadioChoiceField(RadioField):
    """Radio buttons whose value the schema checks."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)


class RowForm(Form):
    """A repeatable row: knows when it is blank, and turns itself into schema input."""

    #: Fields whose emptiness makes the row blank (selects and boxes always have a value).
    typed: tuple[str, ...] = ()
    #: Fields sent to the schema.
    sent: tuple[str, ...] = ()
    #: The field that names the row (shown wider).
    primary = ""

    remove = BooleanField(_l("Remove this row"))

    def is_blank(self) -> bool:
        """Nothing typed in the row."""
        return not any(str(self[name].data or "").strip() for name in self.typed)

    def values(self) -> dict[str, Any]:
        """The row as schema input; empty fields are left out (their default applies)."""
        values: dict[str, Any] = {}
        for name in self.sent:
            data = self[name].data
            if isinstance(data, str):
                data = data.strip()
            if data is None or data == "":
                continue
            values[name] = data
        return values


class ActivityRow(RowForm):
    """An activity and its key economic data."""

    primary = "name"
    typed = ("name", "description", "costs", "budget", "revenue", "staff_fte", "volunteer_hours")
    sent = typed
    name = StringField(_l("Activity"))
    description = TextAreaField(_l("Description (public, contribution to the project)"))
    costs = NumberField(_l("Full cost (€)"))
    budget = NumberField(_l("Allocated resources, all families (€)"))
    revenue = NumberField(_l("Own activity revenue (€)"))
    staff_fte = NumberField(_l("Employees (FTE)"))
    volunteer_hours = NumberField(_l("Volunteer hours a year"))


class ResourceRow(RowForm):
    """A resource of the year."""

    primary = "label"
    typed = ("label", "funder", "amount")
    sent = ("label", "family", "funder", "amount", "multi_year", "public_policy")
    label = StringField(_l("Resource"))
    family = ChoiceField(_l("Family"), choices=_choices(labels.FAMILIES, N_("Choose a family")))
    funder = StringField(_l("Funder (leave empty for many payers)"))
    amount = NumberField(_l("Amount (€)"))
    multi_year = BooleanField(_l("Secured for several years"))
    public_policy = BooleanField(_l("Funds a public policy defined by the authority"))

    def values(self) -> dict[str, Any]:
        values = super().values()
        if not values.get("family"):
            values.pop("family", None)  # missing: the schema says "required"
        return values


class AllianceRow(RowForm):
    """A partner and the form of the relation."""

    primary = "partner"
    typed = ("partner", "they_bring", "we_bring")
    sent = ("partner", "kind", "form", "they_bring", "we_bring")
    partner = StringField(_l("Partner"))
    kind = ChoiceField(_l("Kind of partner"), choices=_choices(labels.PARTNER_KINDS))
    form = ChoiceField(_l("Form of relation"), choices=_choices(labels.ALLIANCE_FORMS))
    they_bring = TextAreaField(_l("What they bring"))
    we_bring = TextAreaField(_l("What we bring"))


class IssueRow(RowForm):
    """A key issue."""

    primary = "title"
    typed = ("title", "statement")
    sent = typed
    title = StringField(_l("Key issue"))
    statement = TextAreaField(_l("The tension, backed by the data"))


class LeverRow(RowForm):
    """A lever, its impact, its feasibility and the decision."""

    primary = "title"
    typed = ("title", "description")
    sent = ("title", "pillar", "description", "impact", "feasibility", "decision")
    title = StringField(_l("Lever"))
    pillar = ChoiceField(_l("Acts on"), choices=_choices(labels.PILLARS))
    description = TextAreaField(_l("Description, effects, risks"))
    impact = ChoiceField(
        _l("Impact on the project and the model"), choices=_choices(labels.LEVELS), default="2"
    )
    feasibility = ChoiceField(
        _l("Feasibility (time, skills, investment)"), choices=_choices(labels.LEVELS), default="2"
    )
    decision = ChoiceField(_l("Decision"), choices=_choices(labels.DECISIONS))


class MilestoneRow(RowForm):
    """A milestone of the trajectory."""

    primary = "title"
    typed = ("year", "title", "actions", "indicator")
    sent = ("year", "title", "actions", "indicator", "decision_point")
    year = NumberField(_l("Year"))
    title = StringField(_l("Milestone"))
    actions = TextAreaField(_l("Actions"))
    indicator = StringField(_l("How progress is checked"))
    decision_point = BooleanField(_l("Decision point: the board takes stock and may adjust"))


class RowsForm(FlaskForm):
    """A page of repeatable rows; subclasses set `rows`."""

    rows: FieldList
    revision = HiddenField()
    save = SubmitField(_l("Save"))
    add_rows = SubmitField(_l("Add rows"))

    def kept_rows(self) -> tuple[list[dict[str, Any]], list[int]]:
        """The rows to save (not blank, not removed), and each one's position in the form."""
        values, positions = [], []
        for position, entry in enumerate(self.rows.entries):
            row: RowForm = entry.form
            if row.remove.data or row.is_blank():
                continue
            values.append(row.values())
            positions.append(position)
        return values, positions

    def pad(self, extra: int = BLANK_ROWS) -> None:
        """Add empty rows: `extra` of them, and at least up to MIN_ROWS."""
        for _ in range(max(extra, MIN_ROWS - len(self.rows.entries))):
            self.rows.append_entry()


def _rows(row: type[RowForm], maximum: int) -> FieldList:
    return FieldList(FormField(row), min_entries=0, max_entries=maximum + BLANK_ROWS + 30)


class ActivitiesForm(RowsForm):
    """The activities of a year."""

    rows = _rows(ActivityRow, 30)


class ResourcesForm(RowsForm):
    """The resources of a year."""

    rows = _rows(ResourceRow, 60)


class AlliancesForm(RowsForm):
    """The alliances of a year."""

    rows = _rows(AllianceRow, 40)


class IssuesForm(RowsForm):
    """Step 1: two or three key issues, and the debate's notes."""

    rows = _rows(IssueRow, 3)
    debate_notes = TextAreaField(
        _l("The debate: with whom, when, what it confirmed, corrected or added")
    )


class LeversForm(RowsForm):
    """Steps 2 and 3 A: levers qualified by impact and feasibility, and decided."""

    rows = _rows(LeverRow, 20)


class TrajectoryForm(RowsForm):
    """Step 3 C: the milestones."""

    rows = _rows(MilestoneRow, 20)


class IdentityForm(FlaskForm):
    """Who the organisation is, and its qualification."""

    revision = HiddenField()
    name = StringField(_l("Name of the organisation"), filters=[_strip])
    fictional = BooleanField(_l("This is a fictional example (every document will say so)"))
    legal_form = ChoiceField(_l("Legal form"), choices=_choices(labels.LEGAL_FORMS, N_("Not said")))
    legal_form_detail = StringField(_l("Details on the legal form"), filters=[_strip])
    field_of_action = StringField(_l("Field of action"), filters=[_strip])
    territory = StringField(_l("Territory"), filters=[_strip])
    mission = TextAreaField(_l("Project and missions"))
    general_interest = RadioChoiceField(
        _l(
            "General interest in the tax sense (non-profit activity, disinterested management, "
            "not for a restricted circle)"
        ),
        choices=_choices(labels.QUALIFICATIONS),
        default=Qualification.TO_CHECK.value,
    )
    general_interest_reasons = TextAreaField(_l("Why, and what remains to check"))
    social_utility = RadioChoiceField(
        _l("Social utility (article 2 of the ESS law of 31 July 2014)"),
        choices=_choices(labels.QUALIFICATIONS),
        default=Qualification.TO_CHECK.value,
    )
    social_utility_reasons = TextAreaField(_l("Why, and which resources it opens"))
    save = SubmitField(_l("Save"))

    FIELDS = (
        "name",
        "fictional",
        "legal_form",
        "legal_form_detail",
        "field_of_action",
        "territory",
        "mission",
        "general_interest",
        "general_interest_reasons",
        "social_utility",
        "social_utility_reasons",
    )

    def values(self) -> dict[str, Any]:
        """The identity as schema input."""
        values = {name: self[name].data for name in self.FIELDS}
        values["legal_form"] = values["legal_form"] or None
        return values


class HumanRichesForm(FlaskForm):
    """The people who carry the project in a year."""

    revision = HiddenField()
    employees_count = NumberField(_l("Employees (people)"))
    employees_fte = NumberField(_l("Employees (FTE)"))
    volunteers_count = NumberField(_l("Volunteers (people)"))
    volunteer_hours = NumberField(_l("Volunteer hours a year"))
    board_members = NumberField(_l("Board members"))
    board_hours = NumberField(_l("Board members' hours a year"))
    civic_service_count = NumberField(_l("Civic-service volunteers"))
    civic_service_hours = NumberField(_l("Civic-service hours a year"))
    skills_sponsorship_count = NumberField(_l("People in skills sponsorship"))
    skills_sponsorship_hours = NumberField(_l("Skills-sponsorship hours a year"))
    save = SubmitField(_l("Save"))

    FIELDS = (
        "employees_count",
        "employees_fte",
        "volunteers_count",
        "volunteer_hours",
        "board_members",
        "board_hours",
        "civic_service_count",
        "civic_service_hours",
        "skills_sponsorship_count",
        "skills_sponsorship_hours",
    )

    def values(self) -> dict[str, Any]:
        """Filled fields as schema input (an empty one counts as 0)."""
        return {name: self[name].data for name in self.FIELDS if (self[name].data or "") != ""}


class AmbitionForm(FlaskForm):
    """Step 2: the ambition and its horizon."""

    revision = HiddenField()
    ambition = TextAreaField(_l("Ambition: where the organisation wants to go, for its project"))
    horizon_year = NumberField(_l("Horizon (year)"))
    save = SubmitField(_l("Save"))

    def values(self) -> dict[str, Any]:
        """The ambition as schema input."""
        return {
            "ambition": (self.ambition.data or "").strip(),
            "horizon_year": self.horizon_year.data or None,
        }


class TargetForm(FlaskForm):
    """Step 3 B: the target model (fields by family and form are added below)."""

    revision = HiddenField()
    year = NumberField(_l("Target year"))
    total_resources = NumberField(_l("Total resources (€)"))
    max_funder_share = NumberField(_l("Ceiling for the largest funder (%)"))
    employees_fte = NumberField(_l("Employees (FTE)"))
    volunteers_count = NumberField(_l("Volunteers (people)"))
    volunteer_hours = NumberField(_l("Volunteer hours a year"))
    notes = TextAreaField(_l("The target in words: activities, human riches, alliances"))
    save = SubmitField(_l("Save"))

    SCALARS = (
        "year",
        "total_resources",
        "max_funder_share",
        "employees_fte",
        "volunteers_count",
        "volunteer_hours",
    )

    def share_fields(self) -> list[tuple[ResourceFamily, Field]]:
        """One share field per resource family."""
        return [(family, self[f"share_{family.value}"]) for family in ResourceFamily]

    def alliance_fields(self) -> list[tuple[AllianceForm, Field]]:
        """One count field per form of alliance."""
        return [(form, self[f"alliances_{form.value}"]) for form in AllianceForm]

    def values(self) -> dict[str, Any]:
        """The target as schema input."""
        values: dict[str, Any] = {name: self[name].data or None for name in self.SCALARS}
        values["notes"] = (self.notes.data or "").strip()
        values["resource_shares"] = {
            family.value: field.data for family, field in self.share_fields() if field.data
        }
        values["alliances_by_form"] = {
            form.value: field.data for form, field in self.alliance_fields() if field.data
        }
        return values


for _family in ResourceFamily:
    setattr(TargetForm, f"share_{_family.value}", NumberField(_l(labels.FAMILIES[_family])))
for _form in AllianceForm:
    setattr(TargetForm, f"alliances_{_form.value}", NumberField(_l(labels.ALLIANCE_FORMS[_form])))


class AddYearForm(FlaskForm):
    """Describe one more year."""

    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(MIN_YEAR, MAX_YEAR)])
    copy_from = ChoiceField(_l("Start from"), choices=[])
    add = SubmitField(_l("Add the year"))


class SnapshotForm(FlaskForm):
    """Keep a version."""

    label = StringField(_l("Label of this version"), filters=[_strip])
    keep = SubmitField(_l("Keep a version now"))


class ImportForm(FlaskForm):
    """Replace the document with a JSON export."""

    file = FileField(_l("JSON file exported from a workspace"))
    confirm = BooleanField(
        _l("I understand that this replaces the current data"), validators=[InputRequired()]
    )
    submit = SubmitField(_l("Import"))


class MemberForm(FlaskForm):
    """Give a person of the organisation access."""

    user_id = ChoiceField(_l("Person"), coerce=int, choices=[], validators=[InputRequired()])
    can_edit = BooleanField(_l("May edit"), default=True)
    add = SubmitField(_l("Give access"))


class ShareForm(FlaskForm):
    """Share with one of my cohorts."""

    cohort_id = ChoiceField(_l("Cohort"), coerce=int, choices=[], validators=[InputRequired()])
    share = SubmitField(_l("Share with its trainers"))


class PracticeTextForm(FlaskForm):
    """The practical work written from the workspace."""

    text = TextAreaField(_l("Your work"), validators=[Optional()])
    save = SubmitField(_l("Save draft"))
    submit_work = SubmitField(_l("Submit for review"))


class EmptyForm(FlaskForm):
    """Only a CSRF token: for POST buttons."""
