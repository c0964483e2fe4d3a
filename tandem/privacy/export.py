"""Subject-access export: every record about a person across Tandem, with their audit entries, as
JSON (machine-readable) or PDF (for the person). Driven by tandem.privacy.registry."""

import datetime as dt
import json
from decimal import Decimal

from axes.models import AccessAttempt, AccessLog
from django.apps import apps
from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from tandem.audit.models import AuditEvent
from tandem.audit.selectors import object_types
from tandem.audit.services import record
from tandem.core.pdf import write_pdf
from tandem.tutors.models import SensitiveProfile, Tutor

from .registry import INDIRECT, RELATIONS, USER_FIELDS, Exempt


def _value(obj, field):
    if field.is_relation and (field.many_to_one or field.one_to_one):
        related_id = getattr(obj, field.attname)
        if related_id is None:
            return None
        return {"id": related_id, "label": str(getattr(obj, field.name))}
    value = field.value_from_object(obj)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return None
    return value


def row(obj, fields=()):
    """A record as a dict: every concrete field (or only `fields`); relations as id and label."""
    out = {}
    for field in obj._meta.concrete_fields:
        if fields and field.name not in fields:
            continue
        out[field.name] = _value(obj, field)
    for field in obj._meta.many_to_many:
        if fields and field.name not in fields:
            continue
        out[field.name] = [{"id": o.pk, "label": str(o)} for o in getattr(obj, field.name).all()]
    return out


def subject_models():

    return {"tutor": Tutor, "user": apps.get_model(settings.AUTH_USER_MODEL)}


def _kind_of(model):
    for kind, subject_model in subject_models().items():
        if model is subject_model:
            return kind
    return None


def relations_to(kind):
    """(label, field name, spec) of every registry relation pointing at this kind of subject."""
    out = []
    for (label, name), spec in RELATIONS.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        field = model._meta.get_field(name)
        if _kind_of(field.related_model) == kind:
            out.append((label, name, spec))
    return out


class SubjectAccess:
    """Collects the records of one person: a tutor (and their user account, if linked) and/or a user."""

    def __init__(self, *, tutor=None, user=None):
        if tutor is not None and user is None:
            user = tutor.user
        if user is not None and tutor is None:
            tutor = getattr(user, "tutor", None)
        self.tutor, self.user = tutor, user
        self.sections = {}  # section key -> {"model", "relation", "note", "records"}
        self.exempt = {}
        self.objects = set()  # (label, pk) of everything exported, for the audit entries

    def collect(self):
        if self.tutor is not None:
            self._add("tutors.Tutor", "the person", "their tutor record", [self.tutor])
            self._relations("tutor", self.tutor)
        if self.user is not None:
            self._add(settings.AUTH_USER_MODEL, "the person", "their user account", [self.user], fields=USER_FIELDS)
            self._relations("user", self.user)
            self._sign_in_records()
        for label, lookup, kind, note in INDIRECT:
            subject = self.tutor if kind == "tutor" else self.user
            if subject is not None:
                model = apps.get_model(label)
                self._add(label, lookup, note, model.objects.filter(**{lookup: subject}))
        self.audit = self._audit_entries()
        return self

    def _relations(self, kind, subject):
        for label, name, spec in relations_to(kind):
            if isinstance(spec, Exempt):
                self.exempt[f"{label}.{name}"] = spec.reason
                continue
            model = apps.get_model(label)
            self._add(label, name, spec.note, model.objects.filter(**{name: subject}).distinct(), fields=spec.fields)

    def _add(self, label, relation, note, objects, fields=()):
        records = []
        for obj in objects:
            records.append(row(obj, fields))
            self.objects.add((obj._meta.label, str(obj.pk)))
        self.sections[f"{label} ({relation})"] = {
            "model": label,
            "relation": relation,
            "note": note,
            "records": records,
        }

    def _sign_in_records(self):

        username = self.user.get_username()
        for model, note in ((AccessAttempt, "failed sign-in attempts"), (AccessLog, "sign-ins")):
            self._add(model._meta.label, "username", note, model.objects.filter(username=username))

    def _audit_entries(self):
        by_type = {}
        for label, pk in self.objects:
            by_type.setdefault(label, set()).add(pk)
        query = Q(pk__in=[])
        for label, pks in by_type.items():
            query |= Q(object_type__in=object_types(label), object_id__in=sorted(pks))
        if self.user is not None:
            query |= Q(actor=self.user)
        return [row(e) for e in AuditEvent.objects.filter(query).order_by("at", "id")]

    def as_dict(self, *, generated_by="system"):
        return {
            "format": "tandem-subject-access/1",
            "generated_at": timezone.now().isoformat(),
            "generated_by": generated_by,
            "subject": {
                "tutor": {"id": self.tutor.pk, "name": self.tutor.full_name} if self.tutor else None,
                "user": {"id": self.user.pk, "username": self.user.get_username()} if self.user else None,
            },
            "sections": self.sections,
            "audit_entries": self.audit,
            "not_included": self.exempt,
        }


def _audit_the_export(actor, access, fmt):
    """Producing an export is itself audited, and so is its reading of a sensitive profile."""
    if access.tutor is not None:
        record(
            actor=actor, action="export", obj=access.tutor, fields=["subject_access"], note=f"subject access ({fmt})"
        )

        profile = SensitiveProfile.objects.filter(tutor=access.tutor).first()
        if profile is not None:
            record(
                actor=actor,
                action="read",
                obj=profile,
                fields=list(profile.SENSITIVE_FIELDS),
                note="subject access export",
            )
    if access.user is not None:
        record(actor=actor, action="export", obj=access.user, fields=["subject_access"], note=f"subject access ({fmt})")


def export(*, actor, tutor=None, user=None, fmt="json"):
    """The export's bytes. fmt: "json" or "pdf"."""
    if fmt not in ("json", "pdf"):
        raise ValueError(f"unknown format {fmt!r}: json or pdf")
    access = SubjectAccess(tutor=tutor, user=user).collect()
    label = actor.get_username() if actor is not None and getattr(actor, "is_authenticated", False) else "system"
    data = access.as_dict(generated_by=label)
    _audit_the_export(actor, access, fmt)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False, default=str).encode("utf-8")
    return pdf(data)


def pdf(data):

    return write_pdf(render_to_string("privacy/subject_access_pdf.jinja", {"d": data}))
