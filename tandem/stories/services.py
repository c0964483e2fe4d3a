"""Writes of stories and consents: validated, atomic, every one audited."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.audit.services import record

from .models import Consent, Story, Tag

STORY_FIELDS = ("title", "text", "pull_quote", "author_kind", "author_name", "told_on")
CONSENT_FIELDS = ("scope", "named", "text_version", "given_on")


def parse_tags(raw):
    """'sleep, Recovery ,sleep' -> ['recovery', 'sleep'] (lower case, unique, sorted)."""
    if isinstance(raw, (list, tuple, set)):
        items = raw
    else:
        items = (raw or "").split(",")
    return sorted({t.strip().lower()[:50] for t in items if t and t.strip()})


def _set_tags(story, names):
    tags = [Tag.objects.get_or_create(college_id=story.college_id, name=n)[0] for n in names]
    story.tags.set(tags)


def _check_story(story):
    quote = (story.pull_quote or "").strip().strip("“”‘’\"'").strip()
    if quote and " ".join(quote.split()) not in " ".join(story.text.split()):
        raise ValidationError({"pull_quote": "The pull quote must be words from the story itself."})
    story.full_clean(exclude=["college", "tags"])


def _check_consent(consent):
    if consent.scope not in Consent.Scope.values:
        raise ValidationError({"scope": "Choose where the story may be shown."})
    if consent.given_on and consent.given_on > date.today():
        raise ValidationError({"given_on": "The date consent was given must be today or in the past."})
    consent.full_clean(exclude=["story"])


@transaction.atomic
def story_create(*, actor, college, tags="", scope, named, text_version, given_on, **fields):
    """A story is only ever recorded with the consent its author gave."""
    story = Story(college=college, **{k: v for k, v in fields.items() if k in STORY_FIELDS})
    _check_story(story)
    consent = Consent(scope=scope, named=named, text_version=text_version, given_on=given_on, recorded_by=actor)
    _check_consent(consent)
    story.save()
    _set_tags(story, parse_tags(tags))
    consent.story = story
    consent.save()
    record(actor=actor, action="create", obj=story, fields=[*(k for k in fields if k in STORY_FIELDS), "tags"])
    record(actor=actor, action="create", obj=consent, fields=list(CONSENT_FIELDS))
    return story


@transaction.atomic
def story_update(*, actor, story, tags=None, **fields):
    story = Story.objects.select_for_update().get(pk=story.pk)
    changed = [k for k, v in fields.items() if k in STORY_FIELDS and getattr(story, k) != v]
    for key in changed:
        setattr(story, key, fields[key])
    _check_story(story)
    story.save()
    if tags is not None:
        names = parse_tags(tags)
        if names != sorted(story.tags.values_list("name", flat=True)):
            _set_tags(story, names)
            changed.append("tags")
    if changed:
        record(actor=actor, action="update", obj=story, fields=changed)
    return story


@transaction.atomic
def consent_record(*, actor, story, scope, named, text_version, given_on):
    """Record a new consent (wider, narrower, named or not); the one in force is superseded."""
    consent = Consent(
        story=story, scope=scope, named=named, text_version=text_version, given_on=given_on, recorded_by=actor
    )
    _check_consent(consent)
    Story.objects.select_for_update().filter(pk=story.pk).first()  # one consent change at a time per story
    for old in Consent.objects.filter(story=story, withdrawn_on__isnull=True, superseded_on__isnull=True):
        old.superseded_on = given_on if given_on >= old.given_on else old.given_on
        old.save(update_fields=["superseded_on"])
        record(actor=actor, action="update", obj=old, fields=["superseded_on"])
    consent.save()
    record(actor=actor, action="create", obj=consent, fields=list(CONSENT_FIELDS))
    return consent


@transaction.atomic
def consent_withdraw(*, actor, story, on=None):
    """The author withdraws consent: the story disappears from every channel at once."""
    on = on or date.today()
    Story.objects.select_for_update().filter(pk=story.pk).first()
    open_consents = list(Consent.objects.filter(story=story, withdrawn_on__isnull=True, superseded_on__isnull=True))
    if not open_consents:
        raise ValidationError({"on": "This story has no consent in force to withdraw."})
    for consent in open_consents:
        consent.withdrawn_on = max(on, consent.given_on)
        consent.save(update_fields=["withdrawn_on"])
        record(actor=actor, action="withdraw", obj=consent, fields=["withdrawn_on"])
    return open_consents


@transaction.atomic
def story_delete(*, actor, story):
    record(actor=actor, action="delete", obj=story, fields=list(STORY_FIELDS))
    story.delete()
