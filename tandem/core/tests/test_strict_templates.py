"""Templates fail loudly on an undefined name in tests (settings.STRICT_TEMPLATES, on in
tandem.settings_test): a misspelt variable in one of Tandem's templates raises, while
nhsuk-frontend-jinja's macros keep reading absent parameters (`params.foo.bar`) as nothing."""

import pytest
from django.conf import settings
from django.template import engines
from django.test import RequestFactory, override_settings
from jinja2 import ChainableUndefined, DictLoader, UndefinedError

from tandem.core.jinja2 import NameStrictUndefined, environment

PAGE = """{% extends "base.jinja" %}{% block body %}<h1>{{ NAME.full_name }}</h1>{% endblock %}"""


def env():
    return engines["jinja2"].env


def page_request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_test_settings_turn_strict_templates_on():
    assert settings.STRICT_TEMPLATES is True
    assert env().undefined is NameStrictUndefined


@pytest.mark.django_db
def test_a_misspelt_variable_on_a_page_fails_and_the_right_one_renders(world):
    context = {"tutor": world.staff, "title": "A tutor", "request": page_request(world.admin)}
    html = env().from_string(PAGE.replace("NAME", "tutor")).render(context)
    assert "<h1>Sam Staff</h1>" in html and "nhsuk-header" in html  # nhsuk's page and macros render
    with pytest.raises(UndefinedError, match="'tutr' is undefined"):
        env().from_string(PAGE.replace("NAME", "tutr")).render(context)


@pytest.mark.parametrize(
    "template",
    [
        "{{ titel }}",
        "{% if titel %}x{% endif %}",
        "{% for t in titel %}{{ t }}{% endfor %}",
        "{{ titel.name }}",
        "{{ titel['name'] }}",
        "{{ 'x' if titel == 'A' }}",
        "{{ titel|length }}",
    ],
)
def test_every_use_of_a_name_not_given_raises(template):
    with pytest.raises(UndefinedError, match="'titel' is undefined"):
        env().from_string(template).render(title="A")


@pytest.mark.parametrize(
    "template,expected",
    [
        ("[{{ params.foo.bar }}]", "[]"),  # an attribute a defined object lacks: chainable, as nhsuk's macros need
        ("[{{ params['foo']['bar'] }}]", "[]"),
        ("{{ 'yes' if titel is defined else 'no' }}", "no"),
        ("{{ titel|default('none') }}", "none"),
        ("{% macro m(a, b) %}[{{ b }}{{ 'B' if b }}]{% endmacro %}{{ m(1) }}", "[]"),  # a parameter not passed
    ],
)
def test_what_stays_lenient(template, expected):
    assert env().from_string(template).render(params={}) == expected


def test_nhsuk_frontend_macros_render_with_absent_parameters():
    html = (
        env()
        .from_string('{% from "nhsuk/components/button/macro.jinja" import button %}{{ button({"text": "Save"}) }}')
        .render()
    )
    assert "Save" in html and "nhsuk-button" in html


@override_settings(STRICT_TEMPLATES=False)
def test_production_renders_a_name_not_given_as_nothing():
    production = environment(loader=DictLoader({"page.jinja": "[{{ titel }}][{{ params.foo.bar }}]"}))
    assert production.undefined is ChainableUndefined
    assert production.get_template("page.jinja").render(params={}) == "[][]"
