"""The Jinja2 environment: NHS.UK frontend macros plus Tandem's globals."""

from django.conf import settings
from django.contrib import messages
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader

from tandem.accounts.rules import can


def url(name, *args, **kwargs):
    return reverse(name, args=args or None, kwargs=kwargs or None)


def page_title(title):
    """NHS.UK convention: 'Page – Service – Organisation'."""
    parts = [str(p) for p in (title, settings.SITE_NAME, settings.TRUST_NAME) if p]
    return " – ".join(parts)


def form_errors(form):
    """The error summary's list: each error links to its field (or the form for non-field errors)."""
    items = []
    for name, errors in form.errors.items():
        # Radios and checkboxes have no single label target (id_for_label is empty): link to the
        # first option, whose id is the field's auto_id (the macros' idPrefix).
        anchor = f"#{form[name].id_for_label or form[name].auto_id}" if name in form.fields else "#maincontent"
        for error in errors:
            items.append({"text": error, "href": anchor})
    return items


def choice_items(bound_field, multiple=False, radio=False):
    """Django choices as NHS.UK select / checkbox / radio items, with the current value selected
    (radios: one value, marked "checked")."""
    value = bound_field.value()
    if multiple:
        chosen = {str(v) for v in (value or [])}
    else:
        chosen = {"" if value is None else str(value)}
    items = []
    for choice_value, label in bound_field.field.choices:
        key = "" if choice_value is None else str(getattr(choice_value, "value", choice_value))
        item = {"value": key, "text": str(label)}
        item["checked" if multiple or radio else "selected"] = key in chosen
        items.append(item)
    return items


def environment(**options):
    loader = options.pop("loader")
    options.pop("undefined", None)
    # Always escape: Django's backend passes autoescape=True; it is written out here so that no
    # setting can turn it off.
    options.pop("autoescape", None)
    env = Environment(
        loader=ChoiceLoader([loader, PackageLoader("nhsuk_frontend_jinja")]),
        autoescape=True,
        # nhsuk-frontend-jinja's macros rely on chained look-ups of absent parameters.
        undefined=ChainableUndefined,
        extensions=["jinja2.ext.do"],
        **options,
    )
    env.globals.update(
        url=url,
        static=static,
        can=can,
        page_title=page_title,
        form_errors=form_errors,
        choice_items=choice_items,
        get_messages=messages.get_messages,
        SITE_NAME=settings.SITE_NAME,
        TRUST_NAME=settings.TRUST_NAME,
    )
    return env
