"""The competency framework as a 1EdTech CASE 1.1 package, and back to framework.yaml.

Pure functions: `export_case(snapshot, base_url)` builds the CFPackage JSON from plain values
(`lms.interop.case_services.framework_snapshot` reads them from the database);
`import_case(data)` turns a CASE package, ours or another tool's, into the framework.yaml
mapping, reporting what is missing.

The shape of our export (docs/interop.md):

- CFDocument: the framework; CFItems: one `Theme` item per theme and one `Competency` item
  per competency (humanCodingScheme = code, fullStatement = title, notes = description,
  conceptKeywords = [kind]);
- CFAssociations: theme isChildOf document, competency isChildOf its theme (sequenceNumber
  keeps the order), competency isRelatedTo each module that develops it (the destination is
  the module's page);
- CFRubrics: the proficiency scale, one criterion whose levels are 0..4;
- identifiers are uuid5 of a fixed project namespace and the code, slug or pair: exporting
  again, on any instance, keeps every identifier.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lms.interop.quiz_import import slugify
from lms.interop.yamltext import dump_yaml

#: The fixed namespace of every CASE identifier Escales produces (never change it).
CASE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:escales:case-framework")
CASE_VERSION = "1.1"
COMPETENCY_TYPE = "Competency"
THEME_TYPE = "Theme"
KINDS = ("knowledge", "skill")

#: The Escales scale, used when an imported package has no usable rubric.
DEFAULT_SCALE = (
    (0, "Non évalué", ""),
    (1, "Découverte", ""),
    (2, "Compréhension", ""),
    (3, "Application", ""),
    (4, "Maîtrise", ""),
)
_TITLE_MAX = 300


@dataclass(frozen=True)
class CompetencyRow:
    """A competency as the export needs it."""

    code: str
    title: str
    description: str
    kind: str
    theme: str


@dataclass(frozen=True)
class ModuleRow:
    """A module and the competency codes it develops; `url` is its absolute page address."""

    slug: str
    title: str
    url: str
    competencies: tuple[str, ...]


@dataclass(frozen=True)
class FrameworkSnapshot:
    """Everything the CASE export says, as plain values, in display order."""

    title: str
    scale: tuple[tuple[int, str, str], ...]
    themes: tuple[tuple[str, str], ...]  # (slug, title)
    competencies: tuple[CompetencyRow, ...]
    modules: tuple[ModuleRow, ...]
    changed_at: datetime


def case_id(kind: str, key: str) -> str:
    """The stable identifier of a CASE object: uuid5(project namespace, "kind:key")."""
    return str(uuid.uuid5(CASE_NAMESPACE, f"{kind}:{key}"))


def _timestamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def export_case(snapshot: FrameworkSnapshot, base_url: str) -> dict[str, Any]:
    """The CASE 1.1 CFPackage of the framework (a JSON-ready dict)."""
    package_url = f"{base_url.rstrip('/')}/api/v1/framework/case.json"
    changed = _timestamp(snapshot.changed_at)
    document_id = case_id("document", "framework")

    def uri(identifier: str) -> str:
        return f"{package_url}#{identifier}"

    def link(identifier: str, title: str, target: str | None = None) -> dict[str, str]:
        return {"title": title, "identifier": identifier, "uri": target or uri(identifier)}

    document_link = link(document_id, snapshot.title)
    item_types = {
        name: {
            "identifier": case_id("item-type", name),
            "uri": uri(case_id("item-type", name)),
            "title": name,
            "description": description,
            "hierarchyCode": code,
            "typeCode": name,
            "lastChangeDateTime": changed,
        }
        for name, description, code in (
            (THEME_TYPE, "A theme of the course, grouping competencies.", "1"),
            (COMPETENCY_TYPE, "A competency the course develops and assesses.", "2"),
        )
    }

    def type_link(name: str) -> dict[str, str]:
        return link(item_types[name]["identifier"], name)

    items: list[dict[str, Any]] = []
    associations: list[dict[str, Any]] = []

    def associate(
        kind: str, origin: dict[str, str], destination: dict[str, str], sequence: int | None
    ) -> None:
        identifier = case_id("association", f"{kind}:{origin['identifier']}:{destination['uri']}")
        association: dict[str, Any] = {
            "identifier": identifier,
            "uri": uri(identifier),
            "associationType": kind,
            "originNodeURI": origin,
            "destinationNodeURI": destination,
            "CFDocumentURI": document_link,
            "lastChangeDateTime": changed,
        }
        if sequence is not None:
            association["sequenceNumber"] = sequence
        associations.append(association)

    theme_links: dict[str, dict[str, str]] = {}
    for position, (slug, title) in enumerate(snapshot.themes, start=1):
        identifier = case_id("theme", slug)
        items.append(
            {
                "identifier": identifier,
                "uri": uri(identifier),
                "fullStatement": title,
                "humanCodingScheme": slug,
                "CFItemType": THEME_TYPE,
                "CFItemTypeURI": type_link(THEME_TYPE),
                "language": "fr",
                "CFDocumentURI": document_link,
                "lastChangeDateTime": changed,
            }
        )
        theme_links[slug] = link(identifier, title)
        associate("isChildOf", theme_links[slug], document_link, position)
    competency_links: dict[str, dict[str, str]] = {}
    for position, competency in enumerate(snapshot.competencies, start=1):
        identifier = case_id("competency", competency.code)
        items.append(
            {
                "identifier": identifier,
                "uri": uri(identifier),
                "fullStatement": competency.title,
                "humanCodingScheme": competency.code,
                "notes": competency.description,
                "conceptKeywords": [competency.kind],
                "CFItemType": COMPETENCY_TYPE,
                "CFItemTypeURI": type_link(COMPETENCY_TYPE),
                "language": "fr",
                "CFDocumentURI": document_link,
                "lastChangeDateTime": changed,
            }
        )
        competency_links[competency.code] = link(identifier, competency.title)
        parent = theme_links.get(competency.theme, document_link)
        associate("isChildOf", competency_links[competency.code], parent, position)
    for module in snapshot.modules:
        destination = link(case_id("module", module.slug), module.title, module.url)
        for code in module.competencies:
            if code in competency_links:
                associate("isRelatedTo", competency_links[code], destination, None)
    return {
        "CFDocument": {
            "identifier": document_id,
            "uri": uri(document_id),
            "creator": "Escales",
            "title": snapshot.title,
            "lastChangeDateTime": changed,
            "language": "fr",
            "caseVersion": CASE_VERSION,
            "frameworkType": "Competency framework",
            "CFPackageURI": link(document_id, snapshot.title, package_url),
        },
        "CFItems": items,
        "CFAssociations": associations,
        "CFDefinitions": {
            "CFConcepts": [],
            "CFSubjects": [],
            "CFLicenses": [],
            "CFItemTypes": list(item_types.values()),
            "CFAssociationGroupings": [],
        },
        "CFRubrics": [_scale_rubric(snapshot, uri, changed)],
    }


def _scale_rubric(snapshot: FrameworkSnapshot, uri: Any, changed: str) -> dict[str, Any]:
    """The proficiency scale as a rubric: one criterion, one level per scale level."""
    rubric_id = case_id("rubric", "scale")
    criterion_id = case_id("rubric-criterion", "scale")
    return {
        "identifier": rubric_id,
        "uri": uri(rubric_id),
        "title": "Échelle de maîtrise",
        "description": "The proficiency scale of every competency (0 = not yet assessed).",
        "lastChangeDateTime": changed,
        "CFRubricCriteria": [
            {
                "identifier": criterion_id,
                "uri": uri(criterion_id),
                "category": "proficiency",
                "description": "Niveau de maîtrise d'une compétence",
                "position": 1,
                "rubricId": rubric_id,
                "lastChangeDateTime": changed,
                "CFRubricCriterionLevels": [
                    {
                        "identifier": case_id("rubric-level", str(level)),
                        "uri": uri(case_id("rubric-level", str(level))),
                        "quality": label,
                        "description": description,
                        "score": level,
                        "position": level + 1,
                        "rubricCriterionId": criterion_id,
                        "lastChangeDateTime": changed,
                    }
                    for level, label, description in snapshot.scale
                ],
            }
        ],
    }


# --- import ------------------------------------------------------------------------------------


class CaseImportError(ValueError):
    """The package lacks what a framework needs; `problems` says what and where."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass
class CaseImport:
    """The framework.yaml mapping read from a package, and notes on what was approximated."""

    framework: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def import_case(data: Any) -> CaseImport:
    """The framework.yaml mapping (title, scale, competencies) of a CASE package.

    Unknown fields are ignored. Competencies are the items typed Competency, Knowledge or
    Skill, or (in a package without such types) the leaves of the isChildOf tree; a
    competency's theme is its `Theme` ancestor, or its top-level ancestor. Raises
    CaseImportError listing every missing required field.
    """
    package = data.get("CFPackage", data) if isinstance(data, Mapping) else None
    if not isinstance(package, Mapping):
        raise CaseImportError(["the file is not a CASE package (a JSON object with CFDocument)"])
    problems: list[str] = []
    notes: list[str] = []
    document = package.get("CFDocument")
    if not isinstance(document, Mapping):
        problems.append("CFDocument: missing")
        document = {}
    for name in ("identifier", "title"):
        if not _text(document.get(name)):
            problems.append(f"CFDocument: missing '{name}'")
    raw_items = package.get("CFItems")
    if not isinstance(raw_items, list) or not raw_items:
        problems.append("CFItems: missing or empty")
        raw_items = []
    items: dict[str, Mapping[str, Any]] = {}
    order: list[str] = []
    index_of: dict[str, int] = {}  # position in the file's CFItems, for messages
    for index, item in enumerate(raw_items):
        if not isinstance(item, Mapping):
            problems.append(f"CFItems[{index}]: must be an object")
            continue
        missing = [n for n in ("identifier", "fullStatement") if not _text(item.get(n))]
        for name in missing:
            problems.append(f"CFItems[{index}]: missing '{name}'")
        if not missing:
            items[str(item["identifier"])] = item
            order.append(str(item["identifier"]))
            index_of[str(item["identifier"])] = index
    parents, sequence = _tree(package.get("CFAssociations"), problems)
    competency_ids = _competency_ids(items, order, parents)
    competencies = []
    seen_codes: dict[str, str] = {}
    for identifier in sorted(competency_ids, key=lambda i: (sequence.get(i, 1e9), order.index(i))):
        item = items[identifier]
        where = f"CFItems[{index_of[identifier]}]"
        raw_code = _text(item.get("humanCodingScheme"))
        if not raw_code:
            problems.append(f"{where}: missing 'humanCodingScheme' (the competency's code)")
            continue
        code = _code(raw_code)
        if code != raw_code:
            notes.append(f"{where}: code '{raw_code}' written as '{code}'")
        if not code or code in seen_codes:
            problems.append(f"{where}: code '{raw_code}' is empty or used twice")
            continue
        seen_codes[code] = identifier
        competencies.append(
            {
                "code": code,
                **_statement(item, where, notes),
                "kind": _kind(item, where, notes),
                "theme": _theme(identifier, items, parents, where, notes),
            }
        )
    if not competency_ids and items:
        problems.append("CFItems: no competency found")
    if problems:
        raise CaseImportError(problems)
    framework = {
        "title": _text(document.get("title")),
        "scale": _scale(package.get("CFRubrics"), notes),
        "competencies": competencies,
    }
    return CaseImport(framework=framework, notes=notes)


def framework_yaml_text(result: CaseImport, source: str) -> str:
    """framework.yaml text for an import, with a comment naming its source."""
    header = f"# Imported from the CASE package {source}: check the themes and kinds.\n"
    return header + dump_yaml(result.framework)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _tree(raw: Any, problems: list[str]) -> tuple[dict[str, str], dict[str, float]]:
    """Parent of each item (isChildOf) and its sequenceNumber."""
    parents: dict[str, str] = {}
    sequence: dict[str, float] = {}
    if raw is None:
        return parents, sequence
    if not isinstance(raw, list):
        problems.append("CFAssociations: must be a list")
        return parents, sequence
    for index, association in enumerate(raw):
        if not isinstance(association, Mapping):
            problems.append(f"CFAssociations[{index}]: must be an object")
            continue
        if association.get("associationType") != "isChildOf":
            continue
        origin = association.get("originNodeURI")
        destination = association.get("destinationNodeURI")
        origin_id = _text(origin.get("identifier")) if isinstance(origin, Mapping) else ""
        destination_id = (
            _text(destination.get("identifier")) if isinstance(destination, Mapping) else ""
        )
        if not origin_id or not destination_id:
            problems.append(
                f"CFAssociations[{index}]: missing 'originNodeURI' or 'destinationNodeURI' "
                "identifier"
            )
            continue
        parents[origin_id] = destination_id
        number = association.get("sequenceNumber")
        if isinstance(number, int | float) and not isinstance(number, bool):
            sequence[origin_id] = float(number)
    return parents, sequence


def _item_type(item: Mapping[str, Any]) -> str:
    value = item.get("CFItemType")
    if not _text(value):
        type_uri = item.get("CFItemTypeURI")
        value = type_uri.get("title") if isinstance(type_uri, Mapping) else ""
    return _text(value).casefold()


def _competency_ids(
    items: Mapping[str, Mapping[str, Any]], order: list[str], parents: Mapping[str, str]
) -> list[str]:
    """Items typed as competencies; without such types, the leaves of the tree."""
    typed = [i for i in order if _item_type(items[i]) in {"competency", *KINDS}]
    if typed:
        return typed
    with_children = set(parents.values())
    return [i for i in order if i not in with_children]


def _code(raw: str) -> str:
    """A framework code: capitals, digits and single hyphens ("1.2.a" -> "1-2-A")."""
    return "-".join(re.findall(r"[A-Z0-9]+", raw.upper()))


def _statement(item: Mapping[str, Any], where: str, notes: list[str]) -> dict[str, str]:
    """title and description: fullStatement and notes (or what is closest)."""
    full = _text(item["fullStatement"])
    short = _text(item.get("abbreviatedStatement"))
    title = full
    if len(full) > _TITLE_MAX:
        title = short if short and len(short) <= _TITLE_MAX else full[: _TITLE_MAX - 1] + "…"
        notes.append(f"{where}: fullStatement longer than {_TITLE_MAX} characters: shortened")
    description = _text(item.get("notes")) or (full if title != full else "")
    if not description:
        description = full
        notes.append(f"{where}: no 'notes': the description repeats the full statement")
    return {"title": title, "description": description}


def _kind(item: Mapping[str, Any], where: str, notes: list[str]) -> str:
    """knowledge or skill: from conceptKeywords or CFItemType; knowledge otherwise."""
    keywords = item.get("conceptKeywords")
    candidates = [str(k).casefold() for k in keywords] if isinstance(keywords, list) else []
    candidates.append(_item_type(item))
    for candidate in candidates:
        if candidate in KINDS:
            return candidate
    notes.append(f"{where}: kind unknown: set to 'knowledge'")
    return "knowledge"


def _theme(
    identifier: str,
    items: Mapping[str, Mapping[str, Any]],
    parents: Mapping[str, str],
    where: str,
    notes: list[str],
) -> str:
    """The slug of the nearest `Theme` ancestor, else of the top-level ancestor item."""
    chain: list[str] = []
    current = parents.get(identifier)
    while current is not None and current in items and current not in chain:
        chain.append(current)
        current = parents.get(current)
    for ancestor in chain:
        if _item_type(items[ancestor]) == THEME_TYPE.casefold():
            return _theme_slug(items[ancestor])
    if chain:
        return _theme_slug(items[chain[-1]])
    notes.append(f"{where}: no parent item: theme set to 'general'")
    return "general"


def _theme_slug(item: Mapping[str, Any]) -> str:
    code = _text(item.get("humanCodingScheme"))
    return slugify(code) or slugify(_text(item["fullStatement"])) or "general"


def _scale(raw: Any, notes: list[str]) -> list[dict[str, Any]]:
    """The scale from the first rubric whose levels score 0..4, else the Escales scale."""
    for rubric in raw if isinstance(raw, list) else []:
        criteria = rubric.get("CFRubricCriteria") if isinstance(rubric, Mapping) else None
        for criterion in criteria if isinstance(criteria, list) else []:
            levels = (
                criterion.get("CFRubricCriterionLevels") if isinstance(criterion, Mapping) else None
            )
            scale = _levels(levels)
            if scale:
                return scale
    notes.append("no rubric with levels scored 0 to 4: the Escales scale is used")
    return [
        {"level": level, "label": label, **({"description": text} if text else {})}
        for level, label, text in DEFAULT_SCALE
    ]


def _levels(raw: Any) -> list[dict[str, Any]] | None:
    if not isinstance(raw, list):
        return None
    levels = []
    for level in raw:
        if not isinstance(level, Mapping) or not _text(level.get("quality")):
            return None
        score = level.get("score")
        if not isinstance(score, int | float) or isinstance(score, bool):
            return None
        entry: dict[str, Any] = {"level": int(score), "label": _text(level["quality"])}
        if _text(level.get("description")):
            entry["description"] = _text(level["description"])
        levels.append(entry)
    levels.sort(key=lambda entry: entry["level"])
    return levels if [entry["level"] for entry in levels] == [0, 1, 2, 3, 4] else None
