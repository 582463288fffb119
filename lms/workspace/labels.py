"""Interface names of the workspace's vocabularies (English msgids, translated when shown).

The French catalogue uses the course's own words; docs/workspace.md lists them.
"""

from __future__ import annotations

from lms.i18n import N_
from lms.workspace.indicators import ConcentrationBand, DependencyLevel, EngagementForm, Metric
from lms.workspace.method import Gauge, Priority, Step, Task
from lms.workspace.positioning import ResourceModel, Strength
from lms.workspace.schemas import (
    AllianceForm,
    LegalForm,
    LeverDecision,
    PartnerKind,
    Pillar,
    Qualification,
    ResourceFamily,
    ResourceGroup,
)

LEGAL_FORMS = {
    LegalForm.ASSOCIATION: N_("Association (law of 1901)"),
    LegalForm.RECOGNISED_ASSOCIATION: N_("Association recognised as being of public utility"),
    LegalForm.FOUNDATION: N_("Foundation"),
    LegalForm.ENDOWMENT_FUND: N_("Endowment fund"),
    LegalForm.SCIC: N_("Cooperative society of collective interest (SCIC)"),
    LegalForm.COOPERATIVE: N_("Other cooperative"),
    LegalForm.ESS_COMPANY: N_("Social and solidarity economy company"),
    LegalForm.OTHER: N_("Other"),
}

QUALIFICATIONS = {
    Qualification.YES: N_("Yes"),
    Qualification.NO: N_("No"),
    Qualification.TO_CHECK: N_("To check"),
}

FAMILIES = {
    ResourceFamily.PUBLIC_SUBSIDIES: N_("Public subsidies"),
    ResourceFamily.PUBLIC_CONTRACTS: N_("Public contracts"),
    ResourceFamily.DONATIONS: N_("Donations, legacies and foundation grants"),
    ResourceFamily.CORPORATE_PATRONAGE: N_("Corporate patronage"),
    ResourceFamily.MEMBERSHIP_FEES: N_("Membership fees"),
    ResourceFamily.ACTIVITY_REVENUE: N_("Activity revenue"),
    ResourceFamily.OTHER: N_("Other resources"),
}

GROUPS = {
    ResourceGroup.PUBLIC: N_("Public resources"),
    ResourceGroup.PRIVATE: N_("Private resources"),
    ResourceGroup.ACTIVITY: N_("Activity revenue"),
    ResourceGroup.OTHER: N_("Other resources"),
}

PARTNER_KINDS = {
    PartnerKind.COMPANY: N_("Company"),
    PartnerKind.PUBLIC_BODY: N_("Public body"),
    PartnerKind.ASSOCIATION: N_("Association"),
    PartnerKind.FOUNDATION: N_("Foundation"),
}

ALLIANCE_FORMS = {
    AllianceForm.PATRONAGE: N_("Patronage"),
    AllianceForm.RESPONSIBLE_PRACTICES: N_("Responsible practices"),
    AllianceForm.ECONOMIC_COOPERATION: N_("Economic cooperation"),
    AllianceForm.SOCIETAL_INNOVATION: N_("Societal innovation"),
    AllianceForm.POOLING: N_("Pooling"),
}

PILLARS = {
    Pillar.HUMAN_RICHES: N_("Human riches"),
    Pillar.FINANCIAL_RESOURCES: N_("Financial resources"),
    Pillar.ALLIANCES: N_("Strategic alliances"),
    Pillar.ACTIVITIES: N_("Activities"),
}

DECISIONS = {
    LeverDecision.UNDECIDED: N_("Not decided yet"),
    LeverDecision.RETAINED: N_("Retained"),
    LeverDecision.POSTPONED: N_("Postponed"),
    LeverDecision.DISMISSED: N_("Set aside"),
}

LEVELS = {1: N_("Low"), 2: N_("Medium"), 3: N_("High")}

PRIORITIES = {
    Priority.PRIORITY: N_("Priority"),
    Priority.TO_PREPARE: N_("To prepare or postpone"),
    Priority.SET_ASIDE: N_("To set aside"),
}

MODELS = {
    ResourceModel.MEMBERS: N_("Members' own resources"),
    ResourceModel.SERVICES: N_("Services and know-how"),
    ResourceModel.PUBLIC_POLICY_OPERATOR: N_("Public-policy operator"),
    ResourceModel.PUBLIC_SUBSIDIES: N_("Public subsidies"),
    ResourceModel.COFINANCING: N_("Co-financing"),
    ResourceModel.PRIVATE_MOBILISATION: N_("Private mobilisation"),
    ResourceModel.POOLED: N_("Pooled model"),
}

STRENGTHS = {
    Strength.MAIN: N_("main"),
    Strength.MARKED: N_("marked"),
    Strength.PRESENT: N_("present"),
}

DEPENDENCIES = {
    DependencyLevel.NONE: N_("no named funder"),
    DependencyLevel.LIMITED: N_("limited"),
    DependencyLevel.MARKED: N_("marked"),
    DependencyLevel.HIGH: N_("high"),
}

BANDS = {
    ConcentrationBand.DIVERSIFIED: N_("diversified"),
    ConcentrationBand.MODERATE: N_("moderately concentrated"),
    ConcentrationBand.HIGH: N_("highly concentrated"),
}

ENGAGEMENT = {
    EngagementForm.EMPLOYEES: N_("Employees"),
    EngagementForm.VOLUNTEERS: N_("Volunteers"),
    EngagementForm.BOARD: N_("Board members"),
    EngagementForm.CIVIC_SERVICE: N_("Civic-service volunteers"),
    EngagementForm.SKILLS_SPONSORSHIP: N_("Skills sponsorship"),
}

METRICS = {
    Metric.TOTAL_RESOURCES: N_("Total resources"),
    Metric.PUBLIC_SHARE: N_("Share of public resources"),
    Metric.PRIVATE_SHARE: N_("Share of private resources"),
    Metric.ACTIVITY_SHARE: N_("Share of activity revenue"),
    Metric.LARGEST_FUNDER_SHARE: N_("Share of the largest funder"),
    Metric.FUNDER_HHI: N_("Concentration on funders (HHI)"),
    Metric.EMPLOYEES_FTE: N_("Employees (FTE)"),
    Metric.VOLUNTEER_FTE: N_("Volunteer time (FTE)"),
    Metric.ALLIANCES: N_("Alliances"),
}

GAUGES = {
    Gauge.TOTAL_RESOURCES: N_("Total resources"),
    Gauge.FAMILY_SHARE: N_("Share: %(subject)s"),
    Gauge.LARGEST_FUNDER_SHARE: N_("Largest funder's share (ceiling)"),
    Gauge.EMPLOYEES_FTE: N_("Employees (FTE)"),
    Gauge.VOLUNTEERS: N_("Volunteers"),
    Gauge.VOLUNTEER_HOURS: N_("Volunteer hours"),
    Gauge.ALLIANCES: N_("Alliances: %(subject)s"),
}

STEPS = {
    Step.ANALYSE: N_("Analyse the current situation"),
    Step.AMBITION: N_("Define an ambition and identify levers"),
    Step.TRAJECTORY: N_("Decide on a trajectory"),
}

TASKS = {
    Task.ACTIVITIES: N_("Map the activities"),
    Task.KEY_DATA: N_("Gather the key economic data"),
    Task.ISSUES: N_("Draw two or three key issues"),
    Task.DEBATE: N_("Put them to debate"),
    Task.AMBITION: N_("Formulate an ambition"),
    Task.LEVERS: N_("Identify levers in the three pillars"),
    Task.PRIORITIES: N_("Qualify and prioritise the levers"),
    Task.TARGET: N_("Describe the target"),
    Task.TRAJECTORY: N_("Draw the trajectory"),
}
