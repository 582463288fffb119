"""Reading and validating the course tree: the valid fixture loads, every rule reports its line."""

import shutil
from pathlib import Path

import pytest

from lms.content.model import Course, GlossaryEntry, PracticeDef, RubricCriterion
from lms.content.reader import ContentError, Problem, check_course, read_course

FIXTURES = Path(__file__).parents[2] / "fixtures" / "content"
VALID = FIXTURES / "valid" / "content"
BROKEN = FIXTURES / "broken"
M1 = "content/alpha/01-premier-module"
M2 = "content/alpha/02-deuxieme"
M3 = "content/beta/01-troisieme"


def course_copy(tmp_path: Path, case: str | None = None) -> Path:
    """Copy the valid course to tmp_path/content, then apply a broken case: delete the files
    its `_remove` lists and copy its other files over the course."""
    root = tmp_path / "content"
    shutil.copytree(VALID, root)
    if case is None:
        return root
    overlay = BROKEN / case
    remove = overlay / "_remove"
    if remove.exists():
        for relative in remove.read_text().split():
            (root / relative).unlink()
    for source in sorted(overlay.rglob("*")):
        if source.is_file() and source.name != "_remove":
            target = root / source.relative_to(overlay)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    return root


# --- the valid course ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def course() -> Course:
    return read_course(VALID)


def test_valid_course_has_no_problems():
    assert check_course(VALID) == []


def test_themes_and_modules_are_in_order(course):
    assert [theme.slug for theme in course.themes] == ["alpha", "beta"]
    assert [(m.slug, m.order) for m in course.themes[0].modules] == [
        ("premier-module", 1),
        ("second-module", 2),
    ]
    assert [m.slug for m in course.modules()] == ["premier-module", "second-module", "troisieme"]


def test_framework_is_read(course):
    framework = course.framework
    assert framework.title == "Référentiel de test"
    assert [(level.level, level.label) for level in framework.scale][:2] == [
        (0, "Non évalué"),
        (1, "Découverte"),
    ]
    assert framework.scale[1].description == "Nomme les notions."
    assert framework.competency("TST-03").kind == "skill"
    assert framework.competency("TST-03").theme == "beta"


def test_module_fields_and_defaults(course):
    first = course.module("premier-module")
    assert first.folder == "alpha/01-premier-module"
    assert first.title == "Un modèle au service de quoi ?"
    assert first.duration_minutes == 45
    assert first.competencies == ("TST-01", "TST-02")
    assert first.pass_mark == 0.7
    assert (first.max_attempts, first.retake_wait_minutes) == (3, 30)
    assert first.glossary == (
        GlossaryEntry("Modèle socio-économique", "L'équilibre des trois piliers."),
    )
    assert first.practice == PracticeDef(
        title="Cartographier vos activités",
        instructions_md="Listez vos **activités**.",
        competencies=("TST-02",),
        rubric=(
            RubricCriterion(
                "Exhaustivité", ("Insuffisant", "Partiel", "Satisfaisant", "Excellent")
            ),
        ),
    )
    second = course.module("second-module")
    assert second.folder == "alpha/02-deuxieme"
    assert second.order == 2  # from the folder number
    assert second.prerequisites == ("premier-module",)
    assert (second.max_attempts, second.retake_wait_minutes) == (None, 0)
    assert second.pass_mark == 1.0
    assert second.practice is None


def test_sections_are_read_in_file_order(course):
    sections = course.module("premier-module").sections
    assert [(s.slug, s.position, s.title) for s in sections] == [
        ("introduction", 1, "Introduction"),
        ("details", 2, "Les détails : suite"),
    ]
    assert sections[0].body_md.startswith("## Les trois piliers\n")
    assert "---" not in sections[0].body_md.splitlines()[0]
    assert sections[1].source_path == f"{M1}/02-details.md"


def test_questions_are_normalised(course):
    questions = course.module("premier-module").questions
    assert [(q.key, q.type, q.position, q.section) for q in questions] == [
        ("trois-piliers", "single", 1, "introduction"),
        ("budget-suffit", "true_false", 2, None),
    ]
    assert questions[0].definition["choices"][1] == {
        "id": "b",
        "text": "Budget, trésorerie, bilan",
        "correct": False,
        "feedback": "",
    }
    assert questions[1].competencies == (("TST-01", 2.0), ("TST-02", 1.0))
    assert questions[1].definition["competencies"] == [
        {"code": "TST-01", "weight": 2.0},
        {"code": "TST-02", "weight": 1.0},
    ]


def test_course_is_hashable_and_equal_when_read_twice(course):
    again = read_course(VALID)
    assert again == course
    assert hash(again.themes[0].modules[0]) == hash(course.themes[0].modules[0])


# --- versions and hashes -----------------------------------------------------------------------


def test_hashes_are_stable_and_follow_edits(tmp_path, course):
    root = course_copy(tmp_path)
    copy = read_course(root)
    assert copy.version == course.version
    assert [m.content_hash for m in copy.modules()] == [m.content_hash for m in course.modules()]

    section = root / "alpha/02-deuxieme/01-bases.md"
    section.write_text(section.read_text() + "\nUne phrase de plus.\n")
    edited = read_course(root)
    assert edited.version != course.version
    changed = [
        m.slug
        for m, old in zip(edited.modules(), course.modules(), strict=True)
        if m.content_hash != old.content_hash
    ]
    assert changed == ["second-module"]


def test_hidden_files_are_ignored(tmp_path, course):
    root = course_copy(tmp_path)
    (root / "alpha" / ".DS_Store").write_text("x")
    (root / "beta/01-troisieme/.gitkeep").write_text("")
    assert read_course(root).version == course.version


# --- errors ----------------------------------------------------------------------------------------


def test_read_course_raises_with_every_problem_sorted(tmp_path):
    root = course_copy(tmp_path)
    (root / "beta/01-troisieme/quiz.yaml").unlink()
    (root / "README.md").write_text("x")
    (root / "alpha/theme.yaml").write_text("title: Comprendre\norder: 1\nsummary: S.\nextra: 1\n")
    with pytest.raises(ContentError) as raised:
        read_course(root)
    assert [str(problem) for problem in raised.value.problems] == [
        "content/README.md:0: unexpected file: only framework.yaml and theme folders belong here",
        "content/alpha/theme.yaml:4: unknown field 'extra'",
        "content/beta/01-troisieme:0: the module has no quiz: add quiz.yaml",
    ]
    assert str(raised.value).splitlines()[1] == "content/alpha/theme.yaml:4: unknown field 'extra'"
    assert check_course(root) == list(raised.value.problems)


def test_problem_str_is_path_line_message():
    assert str(Problem("content/a.yaml", 3, "bad")) == "content/a.yaml:3: bad"


def test_missing_root_is_a_problem(tmp_path):
    problems = check_course(tmp_path / "nowhere")
    assert [problem.message for problem in problems] == ["content folder not found"]


def test_one_broken_question_fails_the_whole_course(tmp_path):
    root = course_copy(tmp_path)
    quiz = root / "beta/01-troisieme/quiz.yaml"
    quiz.write_text(quiz.read_text().replace("answer: true", "answer: peut-être"))
    with pytest.raises(ContentError) as raised:
        read_course(root)
    assert [str(problem) for problem in raised.value.problems] == [
        f"{M3}/quiz.yaml:5: answer: must be true or false"
    ]


# One case per rule: (fixture folder under tests/fixtures/content/broken, path:line, message).
CASES = [
    (
        "framework-bad-code",
        "content/framework.yaml:24",
        "a code must be capital letters, digits and hyphens (MSE-01)",
    ),
    (
        "framework-duplicate-code",
        "content/framework.yaml:29",
        "duplicate competency code TST-03 (first at line 24)",
    ),
    ("framework-kind", "content/framework.yaml:27", "'kind' must be knowledge or skill"),
    ("framework-missing", "content/framework.yaml:0", "missing framework.yaml"),
    ("framework-missing-title", "content/framework.yaml:1", "missing field 'title'"),
    ("framework-scale-label", "content/framework.yaml:9", "missing field 'label'"),
    (
        "framework-scale-levels",
        "content/framework.yaml:2",
        "'scale' must list the levels 0, 1, 2, 3 and 4, in this order",
    ),
    (
        "framework-unknown-field",
        "content/framework.yaml:26",
        "unknown field 'descripton' (did you mean 'description'?)",
    ),
    (
        "framework-unknown-theme",
        "content/framework.yaml:28",
        "unknown theme 'gamma': there is no such theme folder",
    ),
    ("module-duplicate-key", f"{M2}/module.yaml:11", "duplicate field 'title'"),
    (
        "module-duplicate-order",
        f"{M2}/module.yaml:11",
        "module order 1 is already used by 01-premier-module",
    ),
    (
        "module-duplicate-slug",
        f"{M3}:0",
        "module slug 'second-module' is already used by content/alpha/02-deuxieme",
    ),
    ("module-duration", f"{M2}/module.yaml:3", "'duration_minutes' must be at least 1"),
    ("module-duration-type", f"{M2}/module.yaml:3", "'duration_minutes' must be a whole number"),
    (
        "module-empty-objectives",
        f"{M2}/module.yaml:5",
        "'objectives' must be a non-empty list of texts",
    ),
    ("module-glossary-entry", f"{M2}/module.yaml:11", "missing field 'definition'"),
    (
        "module-markdown-link",
        f"{M2}/module.yaml:10",
        "'takeaways': link to unknown module 'inconnu'",
    ),
    ("module-max-attempts", f"{M2}/module.yaml:11", "'max_attempts' must be at least 1"),
    ("module-missing-yaml", f"{M3}:0", "missing module.yaml"),
    (
        "module-pass-mark",
        f"{M2}/module.yaml:7",
        "'pass_mark' must be a number above 0 and at most 1 (0.7)",
    ),
    (
        "module-prerequisite-cycle",
        f"{M2}/module.yaml:8",
        "prerequisites form a cycle: second-module -> troisieme -> second-module",
    ),
    ("module-self-prerequisite", f"{M2}/module.yaml:8", "a module cannot be its own prerequisite"),
    (
        "module-unknown-competency",
        f"{M2}/module.yaml:6",
        "unknown competency TST-09: it is not in framework.yaml",
    ),
    (
        "module-unknown-field",
        f"{M2}/module.yaml:7",
        "unknown field 'pass_marks' (did you mean 'pass_mark'?)",
    ),
    (
        "module-unknown-prerequisite",
        f"{M2}/module.yaml:8",
        "unknown module 'premier' in prerequisites",
    ),
    (
        "module-unquoted-colon",
        f"{M2}/module.yaml:10",
        "each item of 'takeaways' must be text: put it in quotes, it contains ': '",
    ),
    ("module-without-quiz", f"{M3}:0", "the module has no quiz: add quiz.yaml"),
    ("module-without-sections", f"{M3}:0", "the module has no sections (NN-slug.md files)"),
    ("module-yaml-syntax", f"{M2}/module.yaml:5", "invalid YAML: expected ',' or ']', but got ':'"),
    (
        "name-duplicate-section-number",
        f"{M3}/01-territoire.md:0",
        "section number 01 is already used by 01-autre.md",
    ),
    (
        "name-image-type",
        f"{M3}/images/carte.svg:0",
        "unexpected file: images must be .png, .jpg, .jpeg, .gif, .webp files",
    ),
    (
        "name-module-folder",
        "content/beta/1-quatrieme:0",
        "a module folder name must be two digits, a hyphen and a lowercase slug (01-my-module)",
    ),
    (
        "name-section-file",
        f"{M3}/02-Suite.md:0",
        (
            "a section file name must be two digits, "
            "a hyphen, a lowercase slug and '.md' (01-introduction.md)"
        ),
    ),
    (
        "name-stray-module-file",
        f"{M3}/notes.txt:0",
        (
            "unexpected file: a module holds module.yaml, "
            "quiz.yaml, NN-slug.md sections and an images/ folder"
        ),
    ),
    (
        "name-stray-root-file",
        "content/README.md:0",
        "unexpected file: only framework.yaml and theme folders belong here",
    ),
    (
        "name-stray-theme-file",
        "content/beta/plan.md:0",
        "unexpected file: only theme.yaml and module folders belong here",
    ),
    (
        "name-theme-folder",
        "content/Gamma:0",
        "a theme folder name must be a lowercase slug such as 'comprendre'",
    ),
    (
        "practice-competency",
        f"{M2}/module.yaml:14",
        "competency TST-02 is not in the module's 'competencies'",
    ),
    ("practice-missing-instructions", f"{M2}/module.yaml:11", "missing field 'instructions'"),
    (
        "practice-rubric-empty",
        f"{M2}/module.yaml:15",
        "'rubric' must be a list of at least one criterion",
    ),
    (
        "practice-rubric-levels",
        f"{M2}/module.yaml:17",
        "'levels' must have exactly 4 descriptors (insufficient to excellent)",
    ),
    (
        "quiz-bad-id",
        f"{M2}/quiz.yaml:8",
        "'id' must be a lowercase slug (letters, digits and hyphens)",
    ),
    (
        "quiz-competency-not-in-module",
        f"{M2}/quiz.yaml:13",
        "competency TST-02 is not in the module's 'competencies'",
    ),
    ("quiz-duplicate-id", f"{M2}/quiz.yaml:8", "question id 'combien' is already used at line 2"),
    ("quiz-empty", f"{M2}/quiz.yaml:1", "'questions' must be a non-empty list"),
    (
        "quiz-markdown-html",
        f"{M2}/quiz.yaml:16",
        "'feedback': raw HTML is not allowed (it is shown as text): use Markdown",
    ),
    ("quiz-missing-explanation", f"{M2}/quiz.yaml:8", "missing field 'explanation'"),
    ("quiz-not-a-list", f"{M2}/quiz.yaml:1", "'questions' must be a non-empty list"),
    ("quiz-type-specific", f"{M2}/quiz.yaml:17", "choices[1].correct: must be true or false"),
    (
        "quiz-type-unknown-field",
        f"{M2}/quiz.yaml:14",
        "choices: unknown field for a true_false question",
    ),
    (
        "quiz-unknown-competency",
        f"{M2}/quiz.yaml:13",
        "unknown competency TST-99: it is not in framework.yaml",
    ),
    ("quiz-unknown-section", f"{M2}/quiz.yaml:8", "unknown section 'introduction' in this module"),
    ("quiz-unknown-top-field", f"{M2}/quiz.yaml:8", "unknown field 'title'"),
    (
        "quiz-unknown-type",
        f"{M2}/quiz.yaml:9",
        (
            "unknown question type 'essay'; expected one of "
            "single, multiple, true_false, short, numeric, ordering, matching"
        ),
    ),
    ("quiz-weight", f"{M2}/quiz.yaml:15", "'weight' must be a number above 0"),
    (
        "section-callout-type",
        f"{M2}/01-bases.md:5",
        "unknown callout type 'important': use note, tip, warning, example, danger, info",
    ),
    ("section-empty-body", f"{M2}/01-bases.md:3", "the section has no text after its front matter"),
    ("section-front-matter-missing-title", f"{M2}/01-bases.md:2", "missing field 'title'"),
    (
        "section-front-matter-syntax",
        f"{M2}/01-bases.md:2",
        "invalid YAML: expected ',' or ']', but got '<stream end>'",
    ),
    (
        "section-front-matter-unclosed",
        f"{M2}/01-bases.md:1",
        "the front matter is not closed by a '---' line",
    ),
    (
        "section-front-matter-unknown-field",
        f"{M2}/01-bases.md:3",
        "unknown field 'titel' (did you mean 'title'?)",
    ),
    (
        "section-h1",
        f"{M2}/01-bases.md:5",
        "use '##' headings and below: the section title is the page title",
    ),
    (
        "section-image-external",
        f"{M2}/01-bases.md:5",
        (
            "image 'https://example.org/pixel.png' must be a "
            "file of the module's folder: images/<name>"
        ),
    ),
    (
        "section-image-missing",
        f"{M2}/01-bases.md:7",
        "image 'images/carte.png' not found in the module's images/ folder",
    ),
    (
        "section-image-outside",
        f"{M2}/01-bases.md:5",
        (
            "image '../01-premier-module/images/schema.png' must be a "
            "file of the module's folder: images/<name>"
        ),
    ),
    (
        "section-link-javascript",
        f"{M2}/01-bases.md:5",
        "link 'javascript:alert(1)' is not allowed: use http(s), mailto or module: links",
    ),
    ("section-link-reference", f"{M2}/01-bases.md:7", "link to unknown module 'inconnu'"),
    (
        "section-link-relative",
        f"{M2}/01-bases.md:5",
        "relative link '02-suite.md' is not supported: use module:<slug>/<section>",
    ),
    ("section-link-unknown-module", f"{M2}/01-bases.md:7", "link to unknown module 'inconnu'"),
    (
        "section-link-unknown-section",
        f"{M2}/01-bases.md:7",
        "link to unknown section 'conclusion' of module 'premier-module'",
    ),
    (
        "section-no-front-matter",
        f"{M2}/01-bases.md:1",
        "missing front matter: the file must start with a '---' line",
    ),
    ("section-not-utf8", f"{M2}/01-bases.md:5", "the file is not UTF-8 text"),
    (
        "section-raw-html",
        f"{M2}/01-bases.md:5",
        "raw HTML is not allowed (it is shown as text): use Markdown",
    ),
    (
        "theme-duplicate-order",
        "content/beta/theme.yaml:2",
        "theme order 1 is already used by 'alpha'",
    ),
    ("theme-empty", "content/gamma/theme.yaml:1", "the theme has no modules"),
    ("theme-missing-yaml", "content/beta:0", "missing theme.yaml"),
    ("theme-order-type", "content/beta/theme.yaml:2", "'order' must be a whole number"),
    ("theme-slug-mismatch", "content/beta/theme.yaml:1", "'slug' must be the folder name 'beta'"),
    (
        "theme-unknown-field",
        "content/beta/theme.yaml:3",
        "unknown field 'sumary' (did you mean 'summary'?)",
    ),
]


@pytest.mark.parametrize(("case", "where", "message"), CASES, ids=[case for case, _, _ in CASES])
def test_broken_case_reports_path_line_and_message(tmp_path, case, where, message):
    problems = [str(problem) for problem in check_course(course_copy(tmp_path, case))]
    assert f"{where}: {message}" in problems


def test_every_broken_case_is_tested():
    assert {case.name for case in BROKEN.iterdir()} == {case for case, _, _ in CASES}
