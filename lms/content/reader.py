"""Read the course from content/ into dataclasses, reporting every problem with its file and line.

``read_course`` returns a complete, valid ``Course`` or raises ``ContentError`` with all the
problems of the whole tree; nothing is ever half-loaded. ``check_course`` returns the problems
without raising. The rules are listed in docs/authoring.md ("Validation rules").

Reading takes two passes: the first finds themes, modules and sections (so their slugs are
known), the second checks every file against that index and builds the dataclasses.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lms.content.model import (
    COMPETENCY_KINDS,
    CompetencyDef,
    Course,
    Framework,
    GlossaryEntry,
    ModuleDef,
    PracticeDef,
    QuestionDef,
    RubricCriterion,
    ScaleLevel,
    SectionDef,
    Theme,
)
from lms.content.validation import (
    IMAGES_DIR,
    SLUG,
    SLUG_RE,
    ContentError,
    FileProblems,
    Problem,
    check_code,
    check_mapping,
    check_markdown,
    codes_field,
    fields,
    int_field,
    is_int,
    is_number,
    load_yaml_file,
    parse_yaml,
    read_text,
    split_front_matter,
    text_field,
    text_list_field,
)
from lms.content.yamlfile import YamlPath
from lms.quiz import grading

__all__ = ["ContentError", "Problem", "check_course", "read_course"]

FRAMEWORK_FILE = "framework.yaml"
THEME_FILE = "theme.yaml"
MODULE_FILE = "module.yaml"
QUIZ_FILE = "quiz.yaml"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
SCALE_LEVELS = (0, 1, 2, 3, 4)
RUBRIC_LEVELS = 4

MODULE_DIR_RE = re.compile(rf"^(\d\d)-({SLUG})$")
SECTION_FILE_RE = re.compile(rf"^(\d\d)-({SLUG})\.md$")
_SLUG_LINE_RE = re.compile(rf"^slug:\s*[\"']?({SLUG})[\"']?\s*$", re.MULTILINE)
CODE_RE = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$")

_FRAMEWORK_FIELDS = fields({"title", "scale", "competencies"})
_SCALE_FIELDS = fields({"level", "label"}, {"description"})
_COMPETENCY_FIELDS = fields({"code", "title", "description", "kind", "theme"})
_THEME_FIELDS = fields({"title", "order", "summary"}, {"slug"})
_MODULE_FIELDS = fields(
    {
        "title",
        "duration_minutes",
        "summary",
        "objectives",
        "competencies",
        "pass_mark",
        "takeaways",
        "glossary",
    },
    {"slug", "order", "max_attempts", "retake_wait_minutes", "prerequisites", "practice"},
)
_GLOSSARY_FIELDS = fields({"term", "definition"})
_PRACTICE_FIELDS = fields({"title", "instructions", "competencies", "rubric"})
_CRITERION_FIELDS = fields({"criterion", "levels"})
_FRONT_MATTER_FIELDS = fields({"title"})
_QUIZ_FIELDS = fields({"questions"})
# `type` and the type-specific fields are checked by lms.quiz.grading.validate_definition.
_QUESTION_REQUIRED = ("id", "prompt", "explanation", "competencies")
_WEIGHTED_CODE_FIELDS = fields({"code"}, {"weight"})
# Fields rendered as Markdown, checked like section bodies (links, images, raw HTML...).
_MODULE_MARKDOWN = frozenset(
    {"summary", "objectives", "takeaways", "definition", "instructions", "levels"}
)
_QUIZ_MARKDOWN = frozenset({"prompt", "explanation", "text", "feedback"})


def check_course(root: Path) -> list[Problem]:
    """Return every problem of the content tree at ``root`` (empty when it is valid)."""
    return _Reader(Path(root)).run()[1]


def read_course(root: Path) -> Course:
    """Read and validate the content tree at ``root``; raise ``ContentError`` if anything is
    wrong."""
    course, problems = _Reader(Path(root)).run()
    if problems or course is None:
        raise ContentError(problems)
    return course


# --- the reader --------------------------------------------------------------------------------


@dataclass
class _ModuleDraft:
    """What the first pass learns about a module folder, for cross-references in the second."""

    folder: Path
    rel: str
    number: int
    slug: str
    module_file: FileProblems | None
    module_data: dict[Any, Any] | None
    section_files: list[tuple[Path, int, str]] = field(default_factory=list)


@dataclass
class _ThemeDraft:
    """A theme folder found by the first pass."""

    slug: str
    folder: Path
    modules: list[_ModuleDraft] = field(default_factory=list)


class _Reader:
    """Reads one content tree: a first pass finds themes, modules and sections (and their slugs),
    a second pass validates everything against that index and builds the dataclasses."""

    def __init__(self, root: Path) -> None:
        self.given_root = root
        self.root = root.resolve()
        self.base = self.root.parent
        self.problems: list[Problem] = []
        # None until framework.yaml is read: without it, codes cannot be checked.
        self.codes: set[str] | None = None
        self.sections_by_module: dict[str, tuple[str, ...]] = {}
        self.module_files: dict[str, FileProblems] = {}

    def rel(self, path: Path) -> str:
        """The path as shown in problems: relative to the content root's parent."""
        return path.relative_to(self.base).as_posix()

    def folder_problem(self, path: Path, message: str) -> None:
        """Report a problem about a folder or a missing file (line 0)."""
        self.problems.append(Problem(self.rel(path), 0, message))

    def run(self) -> tuple[Course | None, list[Problem]]:
        """Read the whole tree; return the course (None if it could not be built) and problems."""
        if not self.root.is_dir():
            self.problems.append(Problem(self.given_root.as_posix(), 0, "content folder not found"))
            return None, self.problems
        themes = self.discover()
        framework = self.read_framework({theme.slug for theme in themes})
        built_themes = self.build_themes(themes)
        course = Course(
            framework=framework, themes=tuple(built_themes), version=_tree_hash(self.root)
        )
        problems = sorted(set(self.problems))
        return (None if problems else course), problems

    # first pass --------------------------------------------------------------------------------

    def discover(self) -> list[_ThemeDraft]:
        """Find theme and module folders and section files; report misplaced files."""
        themes: list[_ThemeDraft] = []
        for entry in _visible(self.root):
            if entry.is_dir():
                if SLUG_RE.match(entry.name):
                    themes.append(_ThemeDraft(entry.name, entry))
                else:
                    self.folder_problem(
                        entry, "a theme folder name must be a lowercase slug such as 'comprendre'"
                    )
            elif entry.name != FRAMEWORK_FILE:
                self.folder_problem(
                    entry, f"unexpected file: only {FRAMEWORK_FILE} and theme folders belong here"
                )
        for theme in themes:
            self.discover_modules(theme)
        self.index_modules(themes)
        return themes

    def discover_modules(self, theme: _ThemeDraft) -> None:
        """Find the module folders of a theme."""
        for entry in _visible(theme.folder):
            match = MODULE_DIR_RE.match(entry.name)
            if entry.is_dir() and match:
                theme.modules.append(self.discover_module(entry, match))
            elif entry.is_dir():
                self.folder_problem(
                    entry,
                    "a module folder name must be two digits, a hyphen and a lowercase slug "
                    "(01-my-module)",
                )
            elif entry.name != THEME_FILE:
                self.folder_problem(
                    entry, f"unexpected file: only {THEME_FILE} and module folders belong here"
                )

    def discover_module(self, folder: Path, match: re.Match[str]) -> _ModuleDraft:
        """Read a module's slug and list its sections."""
        draft = _ModuleDraft(
            folder=folder,
            rel=self.rel(folder),
            number=int(match.group(1)),
            slug=match.group(2),
            module_file=None,
            module_data=None,
        )
        module_path = folder / MODULE_FILE
        if module_path.is_file():
            draft.module_file = FileProblems(self.problems, self.rel(module_path))
            data = load_yaml_file(module_path, draft.module_file)
            slug: Any = None
            if isinstance(data, dict):
                draft.module_data = data
                slug = data.get("slug")
            elif draft.module_file.doc is None:
                # Unparseable: still find a written slug, so links to the module do not fail too.
                written = _SLUG_LINE_RE.search(module_path.read_bytes().decode("utf-8", "replace"))
                slug = written.group(1) if written else None
            if isinstance(slug, str) and SLUG_RE.match(slug):
                draft.slug = slug
        numbers: dict[int, str] = {}
        for entry in _visible(folder):
            if entry.name in (MODULE_FILE, QUIZ_FILE) and entry.is_file():
                continue
            if entry.name == IMAGES_DIR and entry.is_dir():
                self.check_images_folder(entry)
                continue
            section_match = SECTION_FILE_RE.match(entry.name)
            if section_match and entry.is_file():
                number, slug = int(section_match.group(1)), section_match.group(2)
                if number in numbers:
                    self.folder_problem(
                        entry, f"section number {number:02d} is already used by {numbers[number]}"
                    )
                else:
                    numbers[number] = entry.name
                draft.section_files.append((entry, number, slug))
            elif entry.suffix == ".md":
                self.folder_problem(
                    entry,
                    "a section file name must be two digits, a hyphen, a lowercase slug and "
                    "'.md' (01-introduction.md)",
                )
            else:
                self.folder_problem(
                    entry,
                    f"unexpected file: a module holds {MODULE_FILE}, {QUIZ_FILE}, NN-slug.md "
                    f"sections and an {IMAGES_DIR}/ folder",
                )
        return draft

    def check_images_folder(self, folder: Path) -> None:
        """Only image files belong in a module's images/ folder."""
        for entry in _visible(folder):
            if not entry.is_file() or entry.suffix.lower() not in IMAGE_SUFFIXES:
                self.folder_problem(
                    entry, f"unexpected file: images must be {', '.join(IMAGE_SUFFIXES)} files"
                )

    def index_modules(self, themes: list[_ThemeDraft]) -> None:
        """Index module slugs and their section slugs; report duplicate module slugs."""
        owners: dict[str, _ModuleDraft] = {}
        for theme in themes:
            for module in theme.modules:
                previous = owners.get(module.slug)
                if previous is not None:
                    self.folder_problem(
                        module.folder,
                        f"module slug '{module.slug}' is already used by {previous.rel}",
                    )
                    continue
                owners[module.slug] = module
                self.sections_by_module[module.slug] = tuple(
                    slug for _, _, slug in module.section_files
                )

    # framework ----------------------------------------------------------------------------------

    def read_framework(self, theme_slugs: set[str]) -> Framework:
        """Read and check framework.yaml; remember the competency codes it defines."""
        path = self.root / FRAMEWORK_FILE
        if not path.is_file():
            self.folder_problem(path, f"missing {FRAMEWORK_FILE}")
            return Framework("", (), ())
        file = FileProblems(self.problems, self.rel(path))
        data = check_mapping(
            file, (), load_yaml_file(path, file), _FRAMEWORK_FIELDS, FRAMEWORK_FILE
        )
        if data is None:
            return Framework("", (), ())
        title = text_field(file, data, (), "title")
        scale = self.read_scale(file, data.get("scale")) if "scale" in data else ()
        competencies: list[CompetencyDef] = []
        value = data.get("competencies")
        if "competencies" in data and (not isinstance(value, list) or not value):
            file.at(("competencies",), "'competencies' must be a non-empty list")
        elif isinstance(value, list):
            first_seen: dict[str, int] = {}
            for index, item in enumerate(value):
                competency = self.read_competency(file, index, item, theme_slugs)
                if competency is None or not competency.code:
                    continue
                path_here: YamlPath = ("competencies", index, "code")
                if competency.code in first_seen:
                    file.at(
                        path_here,
                        f"duplicate competency code {competency.code} "
                        f"(first at line {first_seen[competency.code]})",
                    )
                    continue
                first_seen[competency.code] = file.line_of(path_here)
                competencies.append(competency)
            self.codes = {competency.code for competency in competencies}
        return Framework(title=title, scale=scale, competencies=tuple(competencies))

    def read_scale(self, file: FileProblems, value: Any) -> tuple[ScaleLevel, ...]:
        """Check the scale: levels 0 to 4, in order, each with a label."""
        if not isinstance(value, list):
            file.at(("scale",), "'scale' must be a list of levels")
            return ()
        levels: list[ScaleLevel] = []
        for index, item in enumerate(value):
            path: YamlPath = ("scale", index)
            level = check_mapping(file, path, item, _SCALE_FIELDS, "a scale level")
            if level is None:
                continue
            number: Any = level.get("level")
            if "level" in level and not is_int(number):
                file.at((*path, "level"), "'level' must be a whole number")
            label = text_field(file, level, path, "label")
            description = level.get("description", "")
            if not isinstance(description, str):
                file.at((*path, "description"), "'description' must be text")
                description = ""
            if is_int(number):
                levels.append(ScaleLevel(int(number), label, description.strip()))
        if tuple(level.level for level in levels) != SCALE_LEVELS and len(levels) == len(value):
            file.at(("scale",), "'scale' must list the levels 0, 1, 2, 3 and 4, in this order")
        return tuple(levels)

    def read_competency(
        self, file: FileProblems, index: int, value: Any, theme_slugs: set[str]
    ) -> CompetencyDef | None:
        """Check one competency of the framework."""
        path: YamlPath = ("competencies", index)
        item = check_mapping(file, path, value, _COMPETENCY_FIELDS, "a competency")
        if item is None:
            return None
        code = text_field(file, item, path, "code")
        if code and not CODE_RE.match(code):
            file.at((*path, "code"), "a code must be capital letters, digits and hyphens (MSE-01)")
            code = ""
        kind = text_field(file, item, path, "kind")
        if kind and kind not in COMPETENCY_KINDS:
            file.at((*path, "kind"), "'kind' must be knowledge or skill")
        theme = text_field(file, item, path, "theme")
        if theme and theme not in theme_slugs:
            file.at((*path, "theme"), f"unknown theme '{theme}': there is no such theme folder")
        return CompetencyDef(
            code=code,
            title=text_field(file, item, path, "title"),
            description=text_field(file, item, path, "description"),
            kind=kind,
            theme=theme,
        )

    # themes -------------------------------------------------------------------------------------

    def build_themes(self, drafts: list[_ThemeDraft]) -> list[Theme]:
        """Check every theme and its modules; return the themes sorted by their order."""
        themes: list[Theme] = []
        orders: dict[int, str] = {}
        for draft in drafts:
            theme, file = self.build_theme(draft)
            if theme.order in orders:
                file.at(
                    ("order",),
                    f"theme order {theme.order} is already used by '{orders[theme.order]}'",
                )
            elif theme.order:
                orders[theme.order] = theme.slug
            themes.append(theme)
        self.check_prerequisite_cycles([module for theme in themes for module in theme.modules])
        return sorted(themes, key=lambda theme: (theme.order, theme.slug))

    def build_theme(self, draft: _ThemeDraft) -> tuple[Theme, FileProblems]:
        """Check theme.yaml and the theme's modules; return the theme and its theme.yaml."""
        path = draft.folder / THEME_FILE
        file = FileProblems(self.problems, self.rel(path))
        title = summary = ""
        order = 0
        if not path.is_file():
            self.folder_problem(draft.folder, f"missing {THEME_FILE}")
        else:
            data = check_mapping(file, (), load_yaml_file(path, file), _THEME_FIELDS, THEME_FILE)
            if data is not None:
                title = text_field(file, data, (), "title")
                summary = text_field(file, data, (), "summary")
                order = int_field(file, data, (), "order", minimum=1, default=0)
                if "slug" in data and data["slug"] != draft.slug:
                    file.at(("slug",), f"'slug' must be the folder name '{draft.slug}'")
            if not draft.modules:
                file.at_line(1, "the theme has no modules")
        if not draft.modules and not path.is_file():
            self.folder_problem(draft.folder, "the theme has no modules")
        modules: list[ModuleDef] = []
        orders: dict[int, str] = {}
        for module_draft in draft.modules:
            module, module_file = self.build_module(module_draft)
            if module.order in orders:
                module_file.at(
                    ("order",),
                    f"module order {module.order} is already used by {orders[module.order]}",
                )
            else:
                orders[module.order] = module_draft.folder.name
            modules.append(module)
        modules.sort(key=lambda module: (module.order, module.slug))
        theme = Theme(
            slug=draft.slug, title=title, order=order, summary=summary, modules=tuple(modules)
        )
        return theme, file

    # modules ------------------------------------------------------------------------------------

    def build_module(self, draft: _ModuleDraft) -> tuple[ModuleDef, FileProblems]:
        """Check a module folder (module.yaml, sections and quiz); return it and its module.yaml."""
        if draft.module_file is None:
            self.folder_problem(draft.folder, f"missing {MODULE_FILE}")
        if not draft.section_files:
            self.folder_problem(draft.folder, "the module has no sections (NN-slug.md files)")
        file = draft.module_file or FileProblems(
            self.problems, self.rel(draft.folder / MODULE_FILE)
        )
        data: dict[Any, Any] = {}
        if draft.module_file is not None and file.doc is not None:
            checked = check_mapping(file, (), draft.module_data, _MODULE_FIELDS, MODULE_FILE)
            data = checked if checked is not None else {}
        if "slug" in data and (
            not isinstance(data["slug"], str) or not SLUG_RE.match(data["slug"])
        ):
            file.at(("slug",), "'slug' must be a lowercase slug (letters, digits and hyphens)")
        competencies = codes_field(file, data, (), "competencies", self.codes)
        pass_mark = data.get("pass_mark", 1.0)
        if "pass_mark" in data and not (is_number(pass_mark) and 0 < pass_mark <= 1):
            file.at(("pass_mark",), "'pass_mark' must be a number above 0 and at most 1 (0.7)")
            pass_mark = 1.0
        max_attempts = data.get("max_attempts")
        if max_attempts is not None:
            max_attempts = int_field(file, data, (), "max_attempts", minimum=1, default=0) or None
        sections = self.read_sections(draft)
        self.check_markdown_texts(file, data, (), draft.folder, _MODULE_MARKDOWN)
        module = ModuleDef(
            slug=draft.slug,
            folder=draft.folder.relative_to(self.root).as_posix(),
            title=text_field(file, data, (), "title"),
            order=int_field(file, data, (), "order", minimum=0, default=draft.number),
            duration_minutes=int_field(file, data, (), "duration_minutes", minimum=1, default=0),
            summary=text_field(file, data, (), "summary"),
            objectives=text_list_field(file, data, (), "objectives", non_empty=True),
            competencies=competencies,
            pass_mark=float(pass_mark),
            max_attempts=max_attempts,
            retake_wait_minutes=int_field(
                file, data, (), "retake_wait_minutes", minimum=0, default=0
            ),
            prerequisites=self.read_prerequisites(file, data, draft.slug),
            takeaways=text_list_field(file, data, (), "takeaways", non_empty=True),
            glossary=self.read_glossary(file, data),
            practice=self.read_practice(file, data.get("practice"), competencies)
            if "practice" in data
            else None,
            sections=sections,
            # Without a valid list of the module's competencies, membership cannot be checked.
            questions=self.read_quiz(draft, competencies or None, {s.slug for s in sections}),
            content_hash=_tree_hash(draft.folder),
        )
        self.module_files[module.folder] = file
        return module, file

    def read_prerequisites(
        self, file: FileProblems, data: dict[Any, Any], own_slug: str
    ) -> tuple[str, ...]:
        """Prerequisites are slugs of other existing modules."""
        value = data.get("prerequisites", [])
        if not isinstance(value, list):
            file.at(("prerequisites",), "'prerequisites' must be a list of module slugs")
            return ()
        slugs: list[str] = []
        for index, slug in enumerate(value):
            path: YamlPath = ("prerequisites", index)
            if slug == own_slug:
                file.at(path, "a module cannot be its own prerequisite")
            elif not isinstance(slug, str) or slug not in self.sections_by_module:
                file.at(path, f"unknown module '{slug}' in prerequisites")
            elif slug not in slugs:
                slugs.append(slug)
        return tuple(slugs)

    def check_prerequisite_cycles(self, modules: list[ModuleDef]) -> None:
        """Report prerequisites that loop back (no learner could ever start those modules)."""
        requires = {module.slug: module.prerequisites for module in modules}
        folders = {module.slug: module.folder for module in modules}
        reported: set[frozenset[str]] = set()
        for start in requires:
            cycle = _find_cycle(start, requires)
            if cycle is None or frozenset(cycle) in reported:
                continue
            reported.add(frozenset(cycle))
            first = min(cycle, key=lambda slug: folders[slug])
            loop = cycle[cycle.index(first) :] + cycle[: cycle.index(first)] + [first]
            self.module_files[folders[first]].at(
                ("prerequisites",), "prerequisites form a cycle: " + " -> ".join(loop)
            )

    def read_glossary(self, file: FileProblems, data: dict[Any, Any]) -> tuple[GlossaryEntry, ...]:
        """The glossary: a list of {term, definition} with distinct terms."""
        if "glossary" not in data:
            return ()
        value = data["glossary"]
        if not isinstance(value, list):
            file.at(("glossary",), "'glossary' must be a list of {term, definition}")
            return ()
        entries: list[GlossaryEntry] = []
        for index, item in enumerate(value):
            path: YamlPath = ("glossary", index)
            entry = check_mapping(file, path, item, _GLOSSARY_FIELDS, "a glossary entry")
            if entry is None:
                continue
            term = text_field(file, entry, path, "term")
            if term and any(known.term.casefold() == term.casefold() for known in entries):
                file.at((*path, "term"), f"the term '{term}' is defined twice")
            entries.append(GlossaryEntry(term, text_field(file, entry, path, "definition")))
        return tuple(entries)

    def read_practice(
        self, file: FileProblems, value: Any, module_competencies: tuple[str, ...] | None
    ) -> PracticeDef | None:
        """The practical assignment and its rubric (at least one criterion, four levels each)."""
        path: YamlPath = ("practice",)
        practice = check_mapping(file, path, value, _PRACTICE_FIELDS, "'practice'")
        if practice is None:
            return None
        rubric: list[RubricCriterion] = []
        criteria = practice.get("rubric")
        if "rubric" in practice and (not isinstance(criteria, list) or not criteria):
            file.at((*path, "rubric"), "'rubric' must be a list of at least one criterion")
        elif isinstance(criteria, list):
            for index, item in enumerate(criteria):
                here: YamlPath = (*path, "rubric", index)
                criterion = check_mapping(file, here, item, _CRITERION_FIELDS, "a rubric criterion")
                if criterion is None:
                    continue
                levels = text_list_field(file, criterion, here, "levels", non_empty=True)
                written = criterion.get("levels")
                if isinstance(written, list) and written and len(written) != RUBRIC_LEVELS:
                    file.at(
                        (*here, "levels"),
                        f"'levels' must have exactly {RUBRIC_LEVELS} descriptors "
                        "(insufficient to excellent)",
                    )
                rubric.append(
                    RubricCriterion(text_field(file, criterion, here, "criterion"), levels)
                )
        return PracticeDef(
            title=text_field(file, practice, path, "title"),
            instructions_md=text_field(file, practice, path, "instructions"),
            competencies=codes_field(
                file,
                practice,
                path,
                "competencies",
                self.codes,
                allowed=module_competencies or None,
            ),
            rubric=tuple(rubric),
        )

    def check_markdown_texts(
        self, file: FileProblems, value: Any, path: YamlPath, folder: Path, names: frozenset[str]
    ) -> None:
        """Check the Markdown texts of a YAML document (the fields in ``names``, or items of such
        lists) like section bodies; report on the field's line."""
        if isinstance(value, dict):
            for key, item in value.items():
                self.check_markdown_texts(file, item, (*path, key), folder, names)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self.check_markdown_texts(file, item, (*path, index), folder, names)
        elif isinstance(value, str):
            name = next((part for part in reversed(path) if isinstance(part, str)), "")
            if name not in names:
                return
            for _, message in check_markdown(
                value.splitlines(),
                first_line=1,
                sections_by_module=self.sections_by_module,
                images=_image_names(folder),
            ):
                file.at(path, f"'{name}': {message}")

    # sections -----------------------------------------------------------------------------------

    def read_sections(self, draft: _ModuleDraft) -> tuple[SectionDef, ...]:
        """Read every section file of a module, in file-name order."""
        sections: list[SectionDef] = []
        slugs: dict[str, str] = {}
        for position, (path, _number, slug) in enumerate(draft.section_files, start=1):
            rel = self.rel(path)
            if slug in slugs:
                self.folder_problem(path, f"section slug '{slug}' is already used by {slugs[slug]}")
            slugs.setdefault(slug, path.name)
            section = self.read_section(path, rel, slug, position, draft.folder)
            if section is not None:
                sections.append(section)
        return tuple(sections)

    def read_section(
        self, path: Path, rel: str, slug: str, position: int, module_folder: Path
    ) -> SectionDef | None:
        """Split and check a section's front matter and Markdown body."""
        file = FileProblems(self.problems, rel)
        text = read_text(path, file)
        split = split_front_matter(text, file) if text is not None else None
        if split is None:
            return None
        front = parse_yaml(split.front, file, first_line=2)
        title = ""
        if front is None and file.doc is not None:
            file.at_line(1, "the front matter is empty: it needs at least a title")
        elif front is not None:
            matter = check_mapping(file, (), front, _FRONT_MATTER_FIELDS, "the front matter")
            if matter is not None:
                title = text_field(file, matter, (), "title")
        body = "\n".join(split.body_lines).strip("\n")
        if not body.strip():
            file.at_line(
                split.body_first_line - 1, "the section has no text after its front matter"
            )
        for line, message in check_markdown(
            split.body_lines,
            first_line=split.body_first_line,
            sections_by_module=self.sections_by_module,
            images=_image_names(module_folder),
        ):
            file.at_line(line, message)
        return SectionDef(
            slug=slug, position=position, title=title, body_md=body + "\n", source_path=rel
        )

    # quiz ---------------------------------------------------------------------------------------

    def read_quiz(
        self, draft: _ModuleDraft, competencies: tuple[str, ...] | None, section_slugs: set[str]
    ) -> tuple[QuestionDef, ...]:
        """Check quiz.yaml: common fields here, type-specific fields by lms.quiz.grading."""
        path = draft.folder / QUIZ_FILE
        if not path.is_file():
            self.folder_problem(draft.folder, f"the module has no quiz: add {QUIZ_FILE}")
            return ()
        file = FileProblems(self.problems, self.rel(path))
        data = check_mapping(file, (), load_yaml_file(path, file), _QUIZ_FIELDS, QUIZ_FILE)
        if data is None or "questions" not in data:
            return ()
        value = data["questions"]
        self.check_markdown_texts(file, value, ("questions",), draft.folder, _QUIZ_MARKDOWN)
        if not isinstance(value, list) or not value:
            file.at(("questions",), "'questions' must be a non-empty list")
            return ()
        questions: list[QuestionDef] = []
        keys: dict[str, int] = {}
        for index, item in enumerate(value):
            question = self.read_question(file, index, item, competencies, section_slugs)
            if question is None:
                continue
            if question.key in keys:
                file.at(
                    ("questions", index, "id"),
                    f"question id '{question.key}' is already used at line {keys[question.key]}",
                )
                continue
            keys[question.key] = file.line_of(("questions", index))
            questions.append(question)
        return tuple(questions)

    def read_question(
        self,
        file: FileProblems,
        index: int,
        value: Any,
        module_competencies: tuple[str, ...] | None,
        section_slugs: set[str],
    ) -> QuestionDef | None:
        """Check one question; return it normalised, or None when it is invalid."""
        path: YamlPath = ("questions", index)
        if not isinstance(value, dict):
            file.at(path, "a question must be a mapping of fields")
            return None
        before = len(self.problems)
        for name in _QUESTION_REQUIRED:
            if name not in value:
                file.at(path, f"missing field '{name}'")
        key = value.get("id")
        if "id" in value and (not isinstance(key, str) or not SLUG_RE.match(key)):
            file.at((*path, "id"), "'id' must be a lowercase slug (letters, digits and hyphens)")
        for name in ("prompt", "explanation"):
            text_field(file, value, path, name)
        weights = self.read_weighted_codes(file, path, value, module_competencies)
        section = value.get("section")
        if section is not None and (not isinstance(section, str) or section not in section_slugs):
            file.at((*path, "section"), f"unknown section '{section}' in this module")
        for error_path, message in grading.validate_definition(value):
            file.at((*path, *error_path), _with_field(error_path, message))
        if len(self.problems) > before:
            return None
        return QuestionDef(
            key=str(key),
            type=str(value["type"]),
            position=index + 1,
            definition=_normalised(value, weights),
            competencies=weights,
            section=section,
        )

    def read_weighted_codes(
        self,
        file: FileProblems,
        path: YamlPath,
        question: dict[Any, Any],
        allowed: tuple[str, ...] | None,
    ) -> tuple[tuple[str, float], ...]:
        """A question's competencies: codes, or {code, weight > 0}; weight 1 by default."""
        if "competencies" not in question:
            return ()
        value = question["competencies"]
        if not isinstance(value, list) or not value:
            file.at((*path, "competencies"), "'competencies' must be a non-empty list of codes")
            return ()
        weights: list[tuple[str, float]] = []
        for index, item in enumerate(value):
            here: YamlPath = (*path, "competencies", index)
            code: Any = item
            weight: Any = 1.0
            if isinstance(item, dict):
                entry = check_mapping(
                    file, here, item, _WEIGHTED_CODE_FIELDS, "a weighted competency"
                )
                if entry is None or "code" not in entry:
                    continue
                code = entry["code"]
                weight = entry.get("weight", 1.0)
                if not is_number(weight) or weight <= 0:
                    file.at((*here, "weight"), "'weight' must be a number above 0")
                    continue
                here = (*here, "code")
            if not check_code(file, here, code, self.codes, allowed):
                continue
            if any(code == known for known, _ in weights):
                file.at(here, f"competency {code} is listed twice")
                continue
            weights.append((code, float(weight)))
        return tuple(weights)


def _find_cycle(start: str, requires: dict[str, tuple[str, ...]]) -> list[str] | None:
    """Return the modules of a prerequisite cycle through ``start``, or None."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    while stack:
        slug, trail = stack.pop()
        for required in requires.get(slug, ()):
            if required == start:
                return trail
            if required not in trail:
                stack.append((required, [*trail, required]))
    return None


def _normalised(question: dict[Any, Any], weights: tuple[tuple[str, float], ...]) -> dict[str, Any]:
    """The question as grading normalises it, with its competencies as [{code, weight}]."""
    definition = grading.normalise_definition(question)
    definition["competencies"] = [{"code": code, "weight": weight} for code, weight in weights]
    return definition


def _with_field(path: YamlPath, message: str) -> str:
    """Name the field a grading message is about: ``choices[2].correct: must be true or false``."""
    if not path or (len(path) == 1 and str(path[0]) in message):
        return message
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else f".{part}"
    return f"{name.lstrip('.')}: {message}"


def _image_names(module_folder: Path) -> set[str]:
    """File names in a module's images/ folder."""
    folder = module_folder / IMAGES_DIR
    if not folder.is_dir():
        return set()
    return {entry.name for entry in _visible(folder) if entry.is_file()}


def _visible(folder: Path) -> list[Path]:
    """Entries of a folder in name order, without hidden files (``.gitkeep``, editor files)."""
    return sorted(entry for entry in folder.iterdir() if not entry.name.startswith("."))


def _walk_files(folder: Path) -> Iterator[Path]:
    """Yield the visible files below ``folder`` in a stable order."""
    for entry in _visible(folder):
        if entry.is_dir():
            yield from _walk_files(entry)
        elif entry.is_file():
            yield entry


def _tree_hash(folder: Path) -> str:
    """A sha256 of every visible file below ``folder``: relative paths and contents."""
    digest = hashlib.sha256()
    for path in _walk_files(folder):
        data = path.read_bytes()
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(b"\0%d\0" % len(data))
        digest.update(data)
    return digest.hexdigest()
