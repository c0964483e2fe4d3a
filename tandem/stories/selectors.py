"""Reads of stories. A story appears only where its consent in force covers the channel:

- "internal": the story library and other pages inside Tandem;
- "leader_report": the QI report to Trust leaders (inside the Trust);
- "external": anything shown outside the Trust (public pages, presentations, the story pack).

Every read filters on the consent in force at the time of the query (no caching), so a withdrawal
removes the story everywhere at once. Anonymous consent: the author's name is never shown (use
`story.byline`, never `story.author_name`, in anything people see).
"""

from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from tandem.core.scoping import college_id_of, scoped

from .models import Consent, Story, Tag

CHANNELS = {
    "internal": (Consent.Scope.INTERNAL, Consent.Scope.EXTERNAL),
    "leader_report": (Consent.Scope.INTERNAL, Consent.Scope.EXTERNAL),
    "external": (Consent.Scope.EXTERNAL,),
}


def _with_active_consent(qs, day):
    return qs.prefetch_related(
        Prefetch("consents", queryset=Consent.active_on(day), to_attr="_active_consents"),
        "tags",
    )


def stories_for_channel(college, channel, *, today=None):
    """The College's stories whose consent in force covers `channel` ("internal",
    "leader_report" or "external"), newest first. Each story's `byline` respects anonymity."""
    if channel not in CHANNELS:
        raise ValueError(f"Unknown story channel {channel!r}; choose one of {sorted(CHANNELS)}")
    day = today or date.today()
    covered = Consent.active_on(day).filter(story=OuterRef("pk"), scope__in=CHANNELS[channel])
    college_id = getattr(college, "pk", college)
    return _with_active_consent(Story.objects.filter(college_id=college_id).filter(Exists(covered)), day)


def library(user):
    """The story library: the internal channel of the user's College."""
    college_id = college_id_of(user, "view_stories")
    if college_id is None:
        return Story.objects.none()
    return stories_for_channel(college_id, "internal")


def story_for(user, pk):
    """A story the user may read: 404 unless it is in their College's internal channel."""
    return get_object_or_404(library(user), pk=pk)


def search(qs, *, q="", author_kind="", tag="", scope=""):
    if q:
        named = Consent.active_on().filter(story=OuterRef("pk"), named=True)
        qs = qs.filter(
            Q(title__icontains=q)
            | Q(text__icontains=q)
            | Q(pull_quote__icontains=q)
            | Q(tags__name__icontains=q)
            # The author's name is searchable only where it may be shown.
            | (Q(author_name__icontains=q) & Exists(named))
        ).distinct()
    if author_kind:
        qs = qs.filter(author_kind=author_kind)
    if tag:
        qs = qs.filter(tags__name=tag)
    if scope:
        qs = qs.filter(Exists(Consent.active_on().filter(story=OuterRef("pk"), scope=scope)))
    return qs


def tags_in_use(college_id):
    return Tag.objects.filter(college_id=college_id, stories__isnull=False).distinct().order_by("name")


def managed_stories(user):
    """Every story of the College, with its consents, for those who manage stories."""
    return _with_active_consent(scoped(Story.objects, user, perm="manage_stories"), date.today()).prefetch_related(
        Prefetch(
            "consents",
            queryset=Consent.objects.select_related("recorded_by").order_by("-given_on", "-id"),
            to_attr="all_consents",
        )
    )


def managed_story(user, pk):
    return get_object_or_404(managed_stories(user), pk=pk)


def pack_stories(user):
    """The story pack for presentations outside the Trust: externally consented stories only."""
    college_id = college_id_of(user)
    if college_id is None:
        raise Http404
    return list(stories_for_channel(college_id, "external"))
