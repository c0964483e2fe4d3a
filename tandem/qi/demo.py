"""The demo College's QI project content: team, aims, driver diagram, PDSA cycles, annotations,
chart settings, progress scores and stakeholder log (DESIGN.md: the 2019 story).

`populate(college, project, rng)` is called by the demo generator after it has created the
College's records and its QIProject. Given the same records and the same `random.Random` state
it writes the same content. Every name is invented. The dates follow the demo's mechanism
(tandem.demo: stories shared 1 March 2019, case presented to Trust leaders 10 April 2019,
training cohorts 12 March, 14 May and 9 July 2019, shorter formats from the summer term).
"""

from datetime import date
from decimal import Decimal

from django.db import transaction

from tandem.accounts.models import Role, User
from tandem.core.dates import month_label
from tandem.tutors.models import Tutor

from .models import (
    RECOLLECT_MODIFIABLE,
    RECOLLECT_SCORED,
    Aim,
    Annotation,
    ChangeIdea,
    Driver,
    FidelityAssessment,
    MeasureChart,
    PDSACycle,
    ProgressScore,
    StakeholderEntry,
    TeamMember,
)

FIRST = (
    "Aisha",
    "Bryn",
    "Carys",
    "Dev",
    "Elin",
    "Femi",
    "Gwen",
    "Hari",
    "Ines",
    "Jonah",
    "Kemi",
    "Lowri",
    "Mo",
    "Nell",
    "Osian",
    "Pia",
    "Rhys",
    "Suki",
    "Tal",
    "Wren",
)
LAST = (
    "Ashcombe",
    "Birchley",
    "Coldharbour",
    "Dunmere",
    "Elmstead",
    "Foxhollow",
    "Gravenor",
    "Hartwell",
    "Ivybridge-Lane",
    "Juniper",
    "Kingsholm",
    "Lakenby",
    "Moorcroft",
    "Nettleford",
    "Oxley-Dean",
    "Penhallow",
)

AIMS = (
    "Promote co-production and teaching at the College for staff's personal and professional development",
    "Transform Trust culture through co-production and the recovery model",
    "Invest in staff skills",
)

# (primary driver, [(secondary driver, [(change idea key, title, description)])])
DRIVERS = (
    (
        "Line managers release Trust staff to co-produce and teach",
        (
            (
                "Managers see teaching as development, not time lost",
                (
                    (
                        "stories",
                        "Share staff-tutor and student stories",
                        "Collect short stories from staff tutors and students and share them with Trust teams and their managers.",
                    ),
                ),
            ),
            (
                "Trust leaders back release for College work",
                (
                    (
                        "leaders",
                        "Present the case to Trust leaders",
                        "Present the evidence and the stories to the Trust's executive and clinical leaders, asking for release to be protected.",
                    ),
                ),
            ),
        ),
    ),
    (
        "Trust staff are confident and skilled to co-produce",
        (
            (
                "Co-production training is easy to get",
                (
                    (
                        "training",
                        "Co-production training drive for Trust staff",
                        "Extra co-production training cohorts for Trust staff in 2019, advertised through the stories.",
                    ),
                ),
            ),
        ),
    ),
    (
        "Courses fit around clinical work",
        (
            (
                "Shorter commitments are easier to release",
                (
                    (
                        "short",
                        "Offer shorter formats of long courses",
                        "Offer long courses also as shorter formats, so managers can release staff for fewer sessions.",
                    ),
                ),
            ),
        ),
    ),
)

# change idea key -> cycles: (title, starts, ends, objective, prediction, do, study, act, act notes)
CYCLES = {
    "stories": (
        (
            "Three staff-tutor stories at team meetings",
            date(2019, 3, 1),
            date(2019, 3, 29),
            "Find out whether hearing a staff tutor's story makes managers more willing to release staff.",
            "At least two of the four teams' managers will say they would release a staff member for a course.",
            "Three staff tutors told their story at four community team meetings; two students joined them at two.",
            "Three of four managers said they would consider release; two staff asked to train. Better than predicted.",
            "adapt",
            "Write the stories down so they can reach teams we cannot visit.",
        ),
        (
            "Story booklet for every community team",
            date(2019, 5, 1),
            date(2019, 6, 28),
            "Reach every community team with written staff-tutor and student stories.",
            "Release requests from teams that received the booklet will be approved more often than before.",
            "A booklet of six stories went to 14 teams by email and on paper.",
            "Approvals rose in the teams that received it; managers quoted the stories in two replies.",
            "adopt",
            "Refresh the booklet every term.",
        ),
    ),
    "leaders": (
        (
            "Present the case to the Trust executive team",
            date(2019, 4, 10),
            date(2019, 4, 10),
            "Ask the executive team to endorse release of staff to co-produce and teach.",
            "The executive team will endorse release in principle but not give protected time.",
            "The QI lead, a staff tutor and a student presented the data and two stories.",
            "The executive team endorsed release and asked directors to support requests: more than predicted.",
            "adopt",
            "Report back to the executive team every six months.",
        ),
    ),
    "training": (
        (
            "Extra co-production training cohort",
            date(2019, 3, 12),
            date(2019, 3, 26),
            "Train more Trust staff in co-production before the summer term.",
            "Six Trust staff will complete the training.",
            "Eight Trust staff enrolled; seven completed.",
            "More completed than predicted; most came after hearing a story.",
            "adapt",
            "Advertise the next cohort through the story booklet.",
        ),
        (
            "Second training cohort, advertised with the stories",
            date(2019, 5, 14),
            date(2019, 5, 28),
            "Keep the flow of newly trained staff tutors going.",
            "Five Trust staff will complete the training.",
            "Six Trust staff completed.",
            "As predicted; newly trained staff began teaching in the autumn term.",
            "adopt",
            "Run a cohort before every term.",
        ),
        (
            "Third training cohort",
            date(2019, 7, 9),
            date(2019, 7, 23),
            "Train staff ready for the autumn term.",
            "Four Trust staff will complete the training.",
            "Five Trust staff completed.",
            "Slightly better than predicted.",
            "adopt",
            "",
        ),
    ),
    "short": (
        (
            "Shorter formats of two long courses",
            date(2019, 4, 1),
            date(2019, 7, 24),
            "Test whether staff are released more easily for shorter formats of long courses.",
            "Release for the short formats will be approved at least as often as for other short courses.",
            "Two long courses were also offered as four-session formats in the summer term.",
            "Approval for the short formats matched other short courses, well above the long versions.",
            "adapt",
            "Offer short formats of more long courses in the autumn term.",
        ),
        (
            "Short formats across the prospectus",
            date(2019, 9, 2),
            None,
            "Offer half of long courses' runs in a short format.",
            "More long-course topics will be taught by Trust staff this autumn than last.",
            "Short formats offered in the autumn term.",
            "",
            "",
            "",
        ),
    ),
}

# (date, text, change idea key or None, cycle index): the changes marked on the charts.
ANNOTATIONS = (
    (date(2019, 3, 1), "Stories shared with Trust teams", "stories", 0),
    (date(2019, 3, 12), "Training drive: first extra cohort", "training", 0),
    (date(2019, 4, 1), "Shorter course formats offered", "short", 0),
    (date(2019, 4, 10), "Case presented to Trust leaders", "leaders", 0),
    (date(2019, 5, 14), "Second training cohort", "training", 1),
)

SCORES = (
    (date(2019, 2, 4), "1.0", "Charter agreed and team formed"),
    (date(2019, 3, 4), "1.5", "Baseline measured, change ideas chosen"),
    (date(2019, 4, 1), "2.0", "First PDSA cycles running"),
    (date(2019, 5, 7), "2.5", "Changes tested; too early to see improvement"),
    (date(2019, 7, 1), "3.0", "Modest improvement in the outcome measure"),
    (date(2019, 9, 30), "3.5", "Improvement in the outcome measure"),
    (date(2019, 10, 28), "3.5", "Improvement holding; planning to sustain"),
)

STAKEHOLDERS = (
    (
        date(2019, 2, 20),
        "meeting",
        "Why staff find it hard to be released",
        "Managers of four community mental health teams",
        "Supportive of the College but worried about clinical cover, above all for ten-week courses.",
        "Ask the College to test shorter formats; share examples of what staff gain.",
    ),
    (
        date(2019, 4, 10),
        "presentation",
        "The case for releasing staff to co-produce and teach",
        "Trust executive team",
        "Endorsed release in principle; the Director of Nursing asked directors to support requests.",
        "Report progress in six months; send the story booklet to all directors.",
    ),
    (
        date(2019, 6, 12),
        "presentation",
        "Early results of the QI project",
        "Trust QI Hub showcase (staff and service users)",
        "Strong interest from inpatient teams; two teams asked for co-production training.",
        "Add inpatient staff to the July training cohort.",
    ),
    (
        date(2019, 9, 18),
        "meeting",
        "Protected time for College teaching",
        "Director of Nursing and Allied Health Professions lead",
        "Agreed to include College teaching in staff appraisal and development plans.",
        "Draft appraisal wording with the Trust's learning and development team.",
    ),
    (
        date(2019, 10, 23),
        "presentation",
        "Trust staff teaching at the Recovery College: results",
        "Trust Board People Committee",
        "Welcomed the rise in staff teaching and the students' stories; asked how it will be sustained.",
        "Bring a plan to sustain the change to the committee in the new year.",
    ),
)


def _name(rng, used):
    while True:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name not in used:
            used.add(name)
            return name


@transaction.atomic
def populate(college, project, rng):
    """Write the demo QI project's content (replacing any already there)."""
    for model in (Annotation, StakeholderEntry, ProgressScore, TeamMember, Aim, MeasureChart):
        model.objects.filter(project=project).delete()
    PDSACycle.objects.filter(change_idea__project=project).delete()
    ChangeIdea.objects.filter(project=project).delete()
    Driver.objects.filter(project=project, parent__isnull=False).delete()
    Driver.objects.filter(project=project).delete()

    used = set()
    lead_user = User.objects.filter(college=college, role=Role.QI_TEAM).order_by("pk").first()
    lead = TeamMember(
        project=project,
        role=TeamMember.Role.LEAD,
        role_text="Deputy Manager / Senior Tutor, Recovery College",
        user=lead_user,
        name="" if lead_user else _name(rng, used),
    )
    team = [
        lead,
        TeamMember(
            project=project, role=TeamMember.Role.COACH, name=_name(rng, used), role_text="QI coach, the Trust's QI Hub"
        ),
        TeamMember(
            project=project, role=TeamMember.Role.MEMBER, name=_name(rng, used), role_text="Student, Recovery College"
        ),
        TeamMember(
            project=project, role=TeamMember.Role.MEMBER, name=_name(rng, used), role_text="Student, Recovery College"
        ),
    ]
    # Three staff tutors of the Trust, trained before the project (named persons from the register).
    staff = list(
        Tutor.objects.filter(
            college=college,
            kind=Tutor.Kind.STAFF,
            employer__is_trust=True,
            coproduction_trained_on__lt=project.starts_on,
        )
        .order_by("pk")
        .values_list("first_name", "last_name", "profession")
    )
    picked = rng.sample(staff, 3) if len(staff) >= 3 else []
    for k in range(3):
        if picked:
            first, last, profession = picked[k]
            name, what = f"{first} {last}", f"Staff tutor ({profession or 'Trust staff'})"
        else:
            name, what = _name(rng, used), "Staff tutor (Trust staff)"
        team.append(TeamMember(project=project, role=TeamMember.Role.MEMBER, name=name, role_text=what))
    team.append(
        TeamMember(
            project=project,
            role=TeamMember.Role.MEMBER,
            name=_name(rng, used),
            role_text="Research manager, the Trust's research and development team",
        )
    )
    TeamMember.objects.bulk_create(team)
    lead_label = lead_user.display_name if lead_user else lead.name

    Aim.objects.bulk_create([Aim(project=project, text=t, order=i + 1) for i, t in enumerate(AIMS)])

    ideas = {}
    for p_order, (p_text, secondaries) in enumerate(DRIVERS, start=1):
        primary = Driver.objects.create(project=project, text=p_text, order=p_order)
        for s_order, (s_text, change_ideas) in enumerate(secondaries, start=1):
            secondary = Driver.objects.create(project=project, parent=primary, text=s_text, order=s_order)
            for i_order, (key, title, description) in enumerate(change_ideas, start=1):
                ideas[key] = ChangeIdea.objects.create(
                    project=project, driver=secondary, title=title, description=description, order=i_order
                )

    cycles = {}
    goal_key = project.goal_measure
    for key, rows in CYCLES.items():
        cycles[key] = []
        for number, (title, starts, ends, objective, prediction, do, study, act, act_notes) in enumerate(rows, start=1):
            cycles[key].append(
                PDSACycle.objects.create(
                    change_idea=ideas[key],
                    number=number,
                    title=title,
                    starts_on=starts,
                    ends_on=ends,
                    objective=objective,
                    questions="Will managers release more staff? Which staff come forward?",
                    plan_who="The QI team, with staff tutors and students",
                    plan_what=title,
                    plan_when=month_label(starts),
                    plan_where="Trust teams and the College",
                    prediction=prediction,
                    do_notes=do,
                    study_notes=study,
                    act=act,
                    act_notes=act_notes,
                    measures=[goal_key, "staff_tutors_newly_trained"] if key == "training" else [goal_key],
                )
            )

    notes = Annotation.objects.bulk_create(
        [
            Annotation(project=project, date=on, text=text, cycle=cycles[key][i] if key else None)
            for on, text, key, i in ANNOTATIONS
        ]
    )
    # The outcome chart keeps the limits of its baseline year, so the changes of 2019 are judged
    # against the process as it was; the team recalculates only once a new level is sustained.
    MeasureChart.objects.create(project=project, measure_key=goal_key, chart=MeasureChart.Type.XMR)

    ProgressScore.objects.bulk_create(
        [
            ProgressScore(
                project=project,
                score=Decimal(score),
                recorded_on=on,
                recorded_by=lead_user,
                recorded_by_label=lead_label,
                note=note,
            )
            for on, score, note in SCORES
        ]
    )
    StakeholderEntry.objects.bulk_create(
        [
            StakeholderEntry(
                project=project,
                date=on,
                kind=kind,
                title=title,
                audience=audience,
                response=response,
                follow_ups=follow_ups,
            )
            for on, kind, title, audience, response, follow_ups in STAKEHOLDERS
        ]
    )
    populate_fidelity(college)  # the College's yearly RECOLLECT self-assessments (below)
    project.report_fidelity = True  # the demo's QI team shows the College's fidelity to leaders
    project.save(update_fields=["report_fidelity"])
    return {
        "team": len(team),
        "aims": len(AIMS),
        "change_ideas": len(ideas),
        "pdsa_cycles": sum(len(c) for c in cycles.values()),
        "annotations": len(notes),
    }


# The College's yearly RECOLLECT self-assessments (invented; no random numbers, so the rest of the
# demo is unchanged). The story: co-production was the weak point while too few staff tutors were
# released (co-delivered but seldom co-produced with Trust staff), and rose in 2019 with the QI
# project; community focus grew with the community sites. Scored 1-7, then modifiable 8-12.
FIDELITY = (
    # year, assessed on, (1..7), (8..12), manager, peer tutors, staff tutors, students
    (2016, date(2016, 11, 23), (1, 2, 1, 1, 1, 1, 2), (2, 1, 2, 2, 1), True, 3, 1, 2),
    (2017, date(2017, 11, 22), (2, 2, 1, 1, 1, 1, 2), (2, 1, 2, 2, 1), True, 4, 1, 3),
    (2018, date(2018, 11, 21), (2, 2, 1, 1, 2, 1, 2), (2, 2, 2, 2, 1), True, 4, 2, 3),
    (2019, date(2019, 11, 13), (2, 2, 2, 2, 2, 1, 2), (2, 2, 2, 2, 2), True, 5, 3, 4),
)


def populate_fidelity(college):
    FidelityAssessment.objects.filter(college=college).delete()
    rows = []
    for year, on, scored, modifiable, manager, peers, staff, students in FIDELITY:
        values = {f: v for (f, _n, _name), v in zip(RECOLLECT_SCORED, scored)}
        values.update({f: v for (f, _n, _name), v in zip(RECOLLECT_MODIFIABLE, modifiable)})
        rows.append(
            FidelityAssessment(
                college=college,
                year=year,
                assessed_on=on,
                manager_took_part=manager,
                peer_tutors=peers,
                staff_tutors=staff,
                students=students,
                **values,
            )
        )
    FidelityAssessment.objects.bulk_create(rows)
    return len(rows)
