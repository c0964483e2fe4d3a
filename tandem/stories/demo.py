"""Demo stories: twelve invented accounts by staff tutors, peer tutors and students, each with a
consent record (some inside the Trust only, some external, some anonymous, one withdrawn).

`populate(college, rng)` is deterministic given `rng` (a random.Random). Authors who are tutors
are drawn from the College's own tutor records, so names match the rest of the demo; students
get invented names. Everything is fiction."""

from datetime import date, timedelta

from tandem.tutors.models import Tutor

from .models import Consent, Story, Tag

STUDENT_NAMES = ["Ana Brook", "Ciaran Hale", "Dev Marsh", "Elin Shore", "Femi Lowe", "Grace Penn"]

# (author kind, title, story, pull quote, tags, scope, named, told on, withdrawn after days or None)
STORIES = [
    (
        "staff",
        "I teach better on the ward since I taught here",
        "I am a mental health nurse and I had never taught with someone who has used our services. Planning "
        "the course on understanding anxiety with a peer tutor turned the way I explain things upside down. "
        "I stopped talking about symptoms and started talking about what helps.\n"
        "My manager let me go for the one-day workshop first. When she saw what I brought back to the team, "
        "she agreed to the five-week course.",
        "I stopped talking about symptoms and started talking about what helps.",
        ["professional development", "release"],
        "external",
        True,
        date(2018, 11, 20),
        None,
    ),
    (
        "staff",
        "Asking for release for a ten-week course",
        "The first time I asked to teach a ten-week course my request was declined: the ward was short of "
        "staff and ten Tuesdays looked like a lot. We agreed I would teach the shorter version first. "
        "Now the team covers for me because they can see the difference it makes to the people we look after.",
        "ten Tuesdays looked like a lot",
        ["release", "long courses", "line managers"],
        "internal",
        True,
        date(2019, 2, 18),
        None,
    ),
    (
        "staff",
        "Co-production is the training I did not get",
        "As a psychologist I was trained to be the expert in the room. Co-producing a course on sleep with a "
        "peer tutor taught me to share that room. It is the most useful development I have had in years, "
        "and it did not cost the Trust a training budget.",
        "It is the most useful development I have had in years",
        ["professional development", "co-production"],
        "external",
        False,
        date(2019, 3, 5),
        None,
    ),
    (
        "staff",
        "What my team learned from my teaching",
        "I bring back what students tell us about services: what helped, what did not. My team now asks me "
        "what came up each week. Teaching here has made us a more recovery-focused team.",
        "Teaching here has made us a more recovery-focused team.",
        ["culture", "recovery"],
        "internal",
        False,
        date(2019, 4, 12),
        None,
    ),
    (
        "peer",
        "Equal partners, equal pay",
        "When I started I was paid less per hour than the staff tutor I taught beside, though we prepared "
        "together and taught together. The College changed that. Being paid the same says our expertise "
        "counts the same.",
        "Being paid the same says our expertise counts the same.",
        ["pay parity", "co-production"],
        "external",
        True,
        date(2018, 9, 30),
        None,
    ),
    (
        "peer",
        "From student to tutor",
        "Three years ago I came to the College as a student, not sure I would stay for the first session. "
        "Now I co-deliver the wellbeing course. My lived experience is not something to hide here; it is "
        "what I teach from.",
        "it is what I teach from",
        ["recovery", "peer tutors"],
        "external",
        False,
        date(2019, 1, 22),
        None,
    ),
    (
        "peer",
        "When the staff tutor cannot come",
        "Twice this year a course I was ready to teach was cancelled because no staff tutor could be released. "
        "The students had signed up and I had prepared. We need managers to see that teaching is part of the "
        "job, not time off it.",
        "teaching is part of the job, not time off it",
        ["release", "cancelled courses"],
        "internal",
        True,
        date(2019, 2, 26),
        None,
    ),
    (
        "peer",
        "Planning together",
        "We met four times before the course started. The staff tutor brought the evidence, I brought what "
        "it is like to live with it, and the course is better than either of us would have made alone.",
        "better than either of us would have made alone",
        ["co-production"],
        "internal",
        True,
        date(2019, 5, 7),
        60,
    ),
    (
        "student",
        "Hearing it from both sides",
        "In the class a nurse and someone who has been through it stood side by side. I could ask the nurse "
        "about medication and ask the peer tutor how she got through the bad weeks. I had never had both "
        "at once.",
        "I had never had both at once.",
        ["students", "co-production"],
        "external",
        False,
        date(2018, 10, 15),
        None,
    ),
    (
        "student",
        "A reason to leave the house",
        "For a long time the only appointments I kept were the ones I had to. The College was the first "
        "thing I chose. Learning alongside staff as equals gave me back some confidence.",
        "The College was the first thing I chose.",
        ["students", "recovery"],
        "external",
        True,
        date(2019, 3, 19),
        None,
    ),
    (
        "student",
        "Why the long courses matter",
        "The one-day workshops were good, but it was the ten-week course where things changed for me. "
        "Week after week with the same two tutors, I trusted them enough to try things.",
        "it was the ten-week course where things changed for me",
        ["long courses", "students"],
        "external",
        False,
        date(2019, 6, 4),
        None,
    ),
    (
        "student",
        "Staff who listen",
        "I found out my tutor was a social worker in the community team. Knowing that staff like her come "
        "here to learn from us changed how I feel about going to my appointments.",
        "staff like her come here to learn from us",
        ["culture", "students"],
        "internal",
        False,
        date(2019, 7, 2),
        None,
    ),
]

# Stories that name the author's profession are given to a staff tutor of that profession.
PROFESSION_HINT = {
    "I teach better on the ward since I taught here": "nurse",
    "Co-production is the training I did not get": "psychologist",
}
KIND = {"staff": Story.AuthorKind.STAFF_TUTOR, "peer": Story.AuthorKind.PEER_TUTOR, "student": Story.AuthorKind.STUDENT}
TEXT_VERSIONS = [(date(2018, 1, 1), "v1 (January 2018)"), (date(2019, 3, 1), "v2 (March 2019)")]


def _version(day):
    return [v for since, v in TEXT_VERSIONS if since <= day][-1]


def populate(college, rng):
    """Create the demo stories and their consents. Returns the number of stories."""
    tutors = {
        "staff": list(Tutor.objects.filter(college=college, kind=Tutor.Kind.STAFF).order_by("pk")),
        "peer": list(Tutor.objects.filter(college=college, kind=Tutor.Kind.PEER).order_by("pk")),
    }
    students = list(STUDENT_NAMES)
    rng.shuffle(students)
    used = set()
    tags = {}
    for kind, title, text, quote, tag_names, scope, named, told_on, withdrawn_after in STORIES:
        pool = [t for t in tutors.get(kind, []) if t.pk not in used]
        hint = PROFESSION_HINT.get(title)
        if hint and any(hint in t.profession.lower() for t in pool):
            pool = [t for t in pool if hint in t.profession.lower()]
        if pool:
            author = rng.choice(pool)
            used.add(author.pk)
            name = author.full_name
        else:
            name = students.pop() if students else f"Student {len(used) + 1}"
        story = Story.objects.create(
            college=college,
            title=title,
            text=text,
            pull_quote=quote,
            author_kind=KIND[kind],
            author_name=name,
            told_on=told_on,
        )
        for tag in tag_names:
            if tag not in tags:
                tags[tag] = Tag.objects.get_or_create(college=college, name=tag)[0]
        story.tags.set([tags[t] for t in tag_names])
        given = told_on + timedelta(days=rng.randint(1, 14))
        Consent.objects.create(
            story=story,
            scope=scope,
            named=named,
            text_version=_version(given),
            given_on=given,
            withdrawn_on=given + timedelta(days=withdrawn_after) if withdrawn_after else None,
        )
    return len(STORIES)
