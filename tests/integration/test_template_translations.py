"""Templates translate with the request's catalogue, looked up once, and honour force_locale."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale

TEMPLATE = "{{ _('Sign out') }} / {{ ngettext('%(num)d person', '%(num)d people', 3) }}"


def test_a_template_follows_the_locale_even_when_it_is_forced_mid_request(app):
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert render_template_string(TEMPLATE) == "Se déconnecter / 3 personnes"
        with force_locale("en"):
            assert render_template_string(TEMPLATE) == "Sign out / 3 people"
        assert render_template_string(TEMPLATE) == "Se déconnecter / 3 personnes"


def test_each_request_gets_its_own_language(app):
    for language, expected in (("en", "Sign out"), ("fr", "Se déconnecter"), ("en", "Sign out")):
        with app.test_request_context(headers={"Accept-Language": language}):
            assert render_template_string("{{ _('Sign out') }}") == expected
