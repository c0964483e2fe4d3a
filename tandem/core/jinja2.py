"""The Jinja2 environment: NHS.UK frontend macros plus Tandem's globals and filters.

Undefined names: in production a name a template was not given renders as nothing
(`ChainableUndefined`, which nhsuk-frontend-jinja's macros are written for: `params.foo.bar` of
an absent parameter). With `settings.STRICT_TEMPLATES` (the test settings turn it on) a name that
one of Tandem's own templates uses but was not given fails loudly (`NameStrictUndefined`), so a
misspelt variable fails the test that renders the page; nhsuk-frontend-jinja's own templates keep
the lenient kind they are written for.
"""

from django.conf import settings
from django.contrib import messages
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader
from jinja2.utils import missing

from tandem.accounts.rules import can
from tandem.core.dates import month_label, month_name

NHSUK_TEMPLATES = "nhsuk/"  # nhsuk-frontend-jinja's templates: every name starts with it


def _fails_for_a_name(lenient):
    def method(self, *args, **kwargs):
        if self._undefined_obj is missing and self._undefined_hint is None:
            self._fail_with_undefined_error()
        return lenient(self, *args, **kwargs)

    return method


class NameStrictUndefined(ChainableUndefined):
    """Any use of a name the template was not given (printing it, testing it, looping over it,
    comparing it, looking into it) raises `UndefinedError`: 'titel' is undefined. Still lenient,
    as `ChainableUndefined`: an attribute or key a defined object lacks (`params.foo.bar`), a macro
    parameter not passed, and `is defined` / `|default(...)`, which never use the value."""

    __slots__ = ()

    __str__ = _fails_for_a_name(ChainableUndefined.__str__)
    __html__ = _fails_for_a_name(ChainableUndefined.__html__)
    __iter__ = _fails_for_a_name(ChainableUndefined.__iter__)
    __len__ = _fails_for_a_name(ChainableUndefined.__len__)
    __bool__ = _fails_for_a_name(ChainableUndefined.__bool__)
    __eq__ = _fails_for_a_name(ChainableUndefined.__eq__)
    __ne__ = _fails_for_a_name(ChainableUndefined.__ne__)
    __hash__ = _fails_for_a_name(ChainableUndefined.__hash__)
    __getitem__ = _fails_for_a_name(ChainableUndefined.__getitem__)

    def __getattr__(self, name):
        if name[:2] == "__" and name[-2:] == "__":
            raise AttributeError(name)
        if self._undefined_obj is missing and self._undefined_hint is None:
            self._fail_with_undefined_error()
        return self


class TandemEnvironment(Environment):
    """An environment whose nhsuk-frontend-jinja templates compile in `lenient`, an overlay with
    `ChainableUndefined`, whatever undefined Tandem's own templates use."""

    lenient = None

    def _load_template(self, name, globals):
        if self.lenient is not None and name.startswith(NHSUK_TEMPLATES):
            return self.lenient._load_template(name, globals)
        return super()._load_template(name, globals)


def url(name, *args, **kwargs):
    return reverse(name, args=args or None, kwargs=kwargs or None)


def page_title(title):
    """NHS.UK convention: 'Page – Service – Organisation'."""
    parts = [str(p) for p in (title, settings.SITE_NAME, settings.TRUST_NAME) if p]
    return " – ".join(parts)


def form_errors(*forms):
    """The error summary's list: each error links to its field (or the form for non-field errors).
    A page with more than one form (the session register and its students) lists every form's
    errors, in order; a missing form (None) is skipped."""
    items = []
    for form in forms:
        if form is None or not form.errors:
            continue
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
    env = TandemEnvironment(
        loader=ChoiceLoader([loader, PackageLoader("nhsuk_frontend_jinja")]),
        autoescape=True,
        # nhsuk-frontend-jinja's macros rely on chained look-ups of absent parameters.
        undefined=NameStrictUndefined if settings.STRICT_TEMPLATES else ChainableUndefined,
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
    env.filters["month"] = month_label
    env.filters["month_name"] = month_name
    if settings.STRICT_TEMPLATES:
        env.lenient = env.overlay(undefined=ChainableUndefined)
    return env
