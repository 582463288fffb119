"""Markdown checks of section bodies, on their own."""

import pytest

from lms.content.validation import FileProblems, check_markdown, split_front_matter

MODULES = {"premier": ("introduction", "suite"), "second": ("bases",)}


def problems(body: str) -> list[tuple[int, str]]:
    """Problems of a body that starts on line 10, in a module whose images/ has carte.png."""
    lines = body.splitlines()
    return list(
        check_markdown(lines, first_line=10, sections_by_module=MODULES, images={"carte.png"})
    )


@pytest.mark.parametrize(
    "body",
    [
        "[a](module:premier) et [b](module:second/bases)",
        '![Carte](images/carte.png) et ![Carte](images/carte.png "titre")',
        "[site](https://example.org/a_(b)) [mail](mailto:x@example.org) [haut](#haut)",
        "Du code `<b>` et `[x](module:absent)` n'est pas vérifié.",
        "```\n# pas un titre\n<div>non</div>\n[x](module:absent)\n```",
        '!!! tip "Astuce"\n    Texte.',
        "Une comparaison : 3 < 4 et 5 > 2.",
        "Voir [ici][r].\n\n[r]: module:premier/suite",
        "Une note[^1].\n\n[^1]: Pas un lien de référence.",
    ],
)
def test_correct_markdown_has_no_problem(body):
    assert problems(body) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Texte.\n\n[x](module:absent)", (12, "link to unknown module 'absent'")),
        ("[x](module:premier/fin)", (10, "link to unknown section 'fin' of module 'premier'")),
        (
            "![x](images/absente.png)",
            (10, "image 'images/absente.png' not found in the module's images/ folder"),
        ),
        (
            "[x][r]\n\n[r]: images/absente.png",
            (12, "image 'images/absente.png' not found in the module's images/ folder"),
        ),
        (
            "[x](ftp://example.org/f)",
            (10, "link 'ftp://example.org/f' is not allowed: use http(s), mailto or module: links"),
        ),
        (
            "Du <!-- commentaire -->",
            (10, "raw HTML is not allowed (it is shown as text): use Markdown"),
        ),
        ("# Titre", (10, "use '##' headings and below: the section title is the page title")),
    ],
)
def test_problems_have_their_line(body, expected):
    assert expected in problems(body)


def test_front_matter_is_split_with_body_line_numbers():
    sink = []
    split = split_front_matter("---\ntitle: T\n---\n\nTexte.\n", FileProblems(sink, "a.md"))
    assert split is not None
    assert split.front == "title: T"
    assert split.body_lines == ("", "Texte.")
    assert split.body_first_line == 4
    assert sink == []
