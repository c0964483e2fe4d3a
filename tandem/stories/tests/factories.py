"""Stories for tests (and the access matrix), made directly."""

import datetime as dt

from tandem.stories.models import Consent, Story


def make_story(
    w,
    *,
    scope="internal",
    named=True,
    withdrawn=False,
    college=None,
    title="Teaching changed my practice",
    author_name="Sam Staff",
    author_kind="staff_tutor",
    text=None,
    pull_quote="",
    told_on=dt.date(2019, 3, 1),
):
    story = Story.objects.create(
        college=college or w.college,
        title=title,
        author_kind=author_kind,
        author_name=author_name,
        text=text or "Co-delivering with a peer tutor changed how I listen to the people I work with.",
        pull_quote=pull_quote,
        told_on=told_on,
    )
    Consent.objects.create(
        story=story,
        scope=scope,
        named=named,
        text_version="v1",
        given_on=dt.date(2019, 3, 1),
        withdrawn_on=dt.date(2019, 6, 1) if withdrawn else None,
    )
    return story
