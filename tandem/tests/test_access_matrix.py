"""Every URL pattern, every role: the expected answer to a GET.

A new URL pattern fails `test_every_pattern_is_in_the_matrix` until its row is added here, so
nobody ships a page whose access nobody decided.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = ["anonymous", "college_admin", "qi_team", "tutor", "line_manager", "leader", "student"]
STAFF_ROLES = ROLES[1:6]
OK, REDIR, FORBID, GONE = 200, 302, 403, 404


def row(anonymous=REDIR, student=FORBID, **by_role):
    """anonymous defaults to a redirect to sign in; every staff role must be given. A student's
    account (tandem.students) reaches only the prospectus and its own pages: every other page
    answers 403 unless the row says otherwise."""
    return {"anonymous": anonymous, **by_role, "student": student}


def everyone(code):
    """Every signed-in role, students included."""
    return {r: code for r in ROLES[1:]}


def staff(code):
    """Every staff role (a student gets the row's default, 403)."""
    return {r: code for r in STAFF_ROLES}


NOT_ALLOWED = 405  # a POST-only view answering a GET
QI_VIEW = dict(college_admin=OK, qi_team=OK, tutor=FORBID, line_manager=FORBID, leader=OK)
QI_MANAGE = dict(college_admin=OK, qi_team=OK, tutor=FORBID, line_manager=FORBID, leader=FORBID)
QI_VIEW_GONE = dict(college_admin=GONE, qi_team=GONE, tutor=FORBID, line_manager=FORBID, leader=GONE)
QI_MANAGE_GONE = dict(college_admin=GONE, qi_team=GONE, tutor=FORBID, line_manager=FORBID, leader=FORBID)
QI_CHILDREN = ("aim", "member", "driver", "idea", "annotation", "stakeholder")
ADMIN_ONLY = dict(college_admin=OK, qi_team=FORBID, tutor=FORBID, line_manager=FORBID, leader=FORBID)
ADMIN_ONLY_GONE = dict(college_admin=GONE, qi_team=FORBID, tutor=FORBID, line_manager=FORBID, leader=FORBID)
PAY_ADMIN = dict(college_admin=OK, qi_team=FORBID, tutor=FORBID, line_manager=FORBID, leader=FORBID)
PAY_ADMIN_GONE = dict(college_admin=GONE, qi_team=FORBID, tutor=FORBID, line_manager=FORBID, leader=FORBID)
PLAN_ADMIN = dict(college_admin=OK, qi_team=FORBID, tutor=FORBID, line_manager=FORBID, leader=FORBID)
PLAN_ADMIN_GONE = dict(college_admin=GONE, qi_team=FORBID, tutor=FORBID, line_manager=FORBID, leader=FORBID)


def _qi(w, *, other=False, item=None, item_of_other=False, key=None):
    """URL kwargs for the QI objects of tandem.qi.tests.factories (another College's with other=True;
    item_of_other: this College's project with another College's object)."""
    from tandem.qi.tests.factories import qi_world

    q = qi_world(w)
    kwargs = {"pk": (q.other if other else q).project.pk}
    if item:
        kwargs["item"] = getattr(q.other if (other or item_of_other) else q, item).pk
    if key:
        kwargs["key"] = key
    return kwargs


def _fidelity(w, *, other=False):
    """A RECOLLECT assessment of the world's College (or the other College's)."""
    import datetime as dt

    from tandem.qi.models import FidelityAssessment

    college = w.other_college if other else w.college
    scores = dict(
        valuing_equality=1,
        learning=2,
        tailored_to_the_student=1,
        coproduction=2,
        social_connectedness=1,
        community_focus=1,
        commitment_to_recovery=2,
    )
    a, _ = FidelityAssessment.objects.get_or_create(
        college=college, year=2019, defaults=dict(assessed_on=dt.date(2019, 12, 1), manager_took_part=True, **scores)
    )
    return {"item": a.pk}


# name -> (kwargs from the world fixture, expected status per role)
MATRIX = {
    "accounts:login": (None, row(anonymous=OK, **everyone(REDIR))),
    "accounts:logout": (None, row(**everyone(OK))),
    # Two-factor: the world's admin, QI and line-manager personas already have a confirmed device
    # (set-up sends them on to verify); other roles use no second factor (sent to the dashboard).
    "accounts:otp_setup": (None, row(**everyone(REDIR))),
    "accounts:otp_verify": (
        None,
        row(college_admin=OK, qi_team=OK, tutor=REDIR, line_manager=OK, leader=REDIR, student=REDIR),
    ),
    "core:dashboard": (None, row(**staff(OK), student=REDIR)),  # a student is sent to *My courses*
    # The first-run page: platform operators only, and only while no College exists
    "core:setup": (None, row(**everyone(GONE))),
    # Passwords: change your own (signed in); forgotten and one-time links need no sign-in
    "accounts:password_change": (None, row(**everyone(OK))),
    "accounts:password_forgotten": (None, row(anonymous=OK, **everyone(OK))),
    "accounts:password_forgotten_sent": (None, row(anonymous=OK, **everyone(OK))),
    # People (accounts of the College): College admins only; another College's person answers 404
    "accounts:people": (None, row(**ADMIN_ONLY)),
    "accounts:invite": (None, row(**ADMIN_ONLY)),
    "accounts:person": (lambda w: {"pk": w.leader.pk}, row(**ADMIN_ONLY)),
    "accounts:person#other-college": (lambda w: {"pk": w.other_admin.pk}, row(**ADMIN_ONLY_GONE)),
    "accounts:person_action": (lambda w: {"pk": w.leader.pk, "action": "unlock"}, row(**everyone(NOT_ALLOWED))),
    "accounts:set_password": (lambda w: {"uidb64": "MQ", "token": "not-a-token"}, row(anonymous=OK, **everyone(OK))),
    "core:import": (None, row(college_admin=OK, qi_team=FORBID, tutor=FORBID, line_manager=FORBID, leader=FORBID)),
    "tutors:list": (None, row(college_admin=OK, qi_team=OK, tutor=FORBID, line_manager=FORBID, leader=OK)),
    "tutors:me": (None, row(college_admin=FORBID, qi_team=FORBID, tutor=REDIR, line_manager=FORBID, leader=FORBID)),
    "tutors:create": (None, row(college_admin=OK, qi_team=FORBID, tutor=FORBID, line_manager=FORBID, leader=FORBID)),
    "tutors:detail": (lambda w: {"pk": w.staff.pk}, row(**staff(OK), student=GONE)),
    "tutors:detail#unmanaged": (
        lambda w: {"pk": w.unmanaged.pk},
        row(college_admin=OK, qi_team=OK, tutor=GONE, line_manager=GONE, leader=OK, student=GONE),
    ),
    "tutors:detail#other-college": (lambda w: {"pk": w.other_tutor.pk}, row(**everyone(GONE))),
    "tutors:edit": (
        lambda w: {"pk": w.staff.pk},
        row(college_admin=OK, qi_team=FORBID, tutor=FORBID, line_manager=FORBID, leader=FORBID),
    ),
    "tutors:edit#other-college": (
        lambda w: {"pk": w.other_tutor.pk},
        row(college_admin=GONE, qi_team=FORBID, tutor=FORBID, line_manager=FORBID, leader=FORBID),
    ),
    # A peer tutor's sensitive profile: admins only (every read audited); staff tutors have none.
    "tutors:sensitive": (lambda w: {"pk": w.peer.pk}, row(**ADMIN_ONLY)),
    "tutors:sensitive#staff-tutor": (lambda w: {"pk": w.staff.pk}, row(**ADMIN_ONLY_GONE)),
    "tutors:sensitive#other-college": (lambda w: {"pk": w.other_tutor.pk}, row(**ADMIN_ONLY_GONE)),
    # Audit log and privacy requests (tandem.audit, tandem.privacy): admins only
    "audit:log": (None, row(**ADMIN_ONLY)),
    "privacy:home": (None, row(**ADMIN_ONLY)),
    "privacy:erase_tutor": (lambda w: {"pk": w.staff.pk}, row(**ADMIN_ONLY)),
    "privacy:erase_tutor#other-college": (lambda w: {"pk": w.other_tutor.pk}, row(**ADMIN_ONLY_GONE)),
    "courses:list": (None, row(**staff(OK))),
    "courses:detail": (lambda w: {"pk": w.course.pk}, row(**staff(OK))),
    "courses:detail#other-college": (lambda w: {"pk": w.other_course.pk}, row(**staff(GONE))),
    "courses:timetable": (None, row(**staff(OK))),
    "courses:run": (lambda w: {"pk": w.run.pk}, row(**staff(OK))),
    "courses:run#not-theirs": (
        lambda w: {"pk": w.gap_run.pk},
        row(college_admin=OK, qi_team=OK, tutor=GONE, line_manager=GONE, leader=OK),
    ),
    "courses:run#other-college": (lambda w: {"pk": w.other_run.pk}, row(**staff(GONE))),
    # Catalogue and course runs: College admins manage them
    "courses:create": (None, row(**ADMIN_ONLY)),
    "courses:edit": (lambda w: {"pk": w.course.pk}, row(**ADMIN_ONLY)),
    "courses:edit#other-college": (lambda w: {"pk": w.other_course.pk}, row(**ADMIN_ONLY_GONE)),
    "courses:retire": (lambda w: {"pk": w.course.pk}, row(**ADMIN_ONLY)),
    "courses:retire#other-college": (lambda w: {"pk": w.other_course.pk}, row(**ADMIN_ONLY_GONE)),
    "courses:run_create": (lambda w: {"pk": w.course.pk}, row(**ADMIN_ONLY)),
    "courses:run_create#other-college": (lambda w: {"pk": w.other_course.pk}, row(**ADMIN_ONLY_GONE)),
    "courses:run_edit": (lambda w: {"pk": w.run.pk}, row(**ADMIN_ONLY)),
    "courses:run_edit#other-college": (lambda w: {"pk": w.other_run.pk}, row(**ADMIN_ONLY_GONE)),
    "courses:run_assign": (lambda w: {"pk": w.gap_run.pk}, row(**ADMIN_ONLY)),
    "courses:run_assign#other-college": (lambda w: {"pk": w.other_run.pk}, row(**ADMIN_ONLY_GONE)),
    "courses:run_remove": (lambda w: {"pk": w.run.pk, "tutor_pk": w.peer.pk}, row(**ADMIN_ONLY)),
    "courses:run_remove#not-on-run": (lambda w: {"pk": w.gap_run.pk, "tutor_pk": w.staff.pk}, row(**ADMIN_ONLY_GONE)),
    "courses:run_remove#other-college": (
        lambda w: {"pk": w.other_run.pk, "tutor_pk": w.other_tutor.pk},
        row(**ADMIN_ONLY_GONE),
    ),
    "courses:run_confirm": (lambda w: {"pk": w.run.pk}, row(**everyone(NOT_ALLOWED))),
    "courses:run_cancel": (lambda w: {"pk": w.run.pk}, row(**ADMIN_ONLY)),
    "courses:run_cancel#other-college": (lambda w: {"pk": w.other_run.pk}, row(**ADMIN_ONLY_GONE)),
    # The session register: an admin records any session of the College, a tutor those of their runs
    "courses:my_sessions": (
        None,
        row(college_admin=FORBID, qi_team=FORBID, tutor=OK, line_manager=FORBID, leader=FORBID),
    ),
    "courses:unrecorded": (None, row(**ADMIN_ONLY)),
    "courses:session_record": (
        lambda w: {"pk": w.session.pk},
        row(college_admin=OK, qi_team=FORBID, tutor=OK, line_manager=FORBID, leader=FORBID),
    ),
    "courses:session_record#not-theirs": (
        lambda w: {"pk": _session(w.gap_run).pk},
        row(college_admin=OK, qi_team=FORBID, tutor=GONE, line_manager=FORBID, leader=FORBID),
    ),
    "courses:session_record#other-college": (
        lambda w: {"pk": _session(w.other_run).pk},
        row(college_admin=GONE, qi_team=FORBID, tutor=GONE, line_manager=FORBID, leader=FORBID),
    ),
    "courses:session_delivered": (lambda w: {"pk": w.session.pk}, row(**everyone(NOT_ALLOWED))),
    "qi:measures": (None, row(college_admin=OK, qi_team=OK, tutor=FORBID, line_manager=FORBID, leader=OK)),
    # The College's RECOLLECT fidelity self-assessment: view_fidelity (admin, QI team, leader), manage_fidelity
    "qi:fidelity": (None, row(**QI_VIEW)),
    "qi:fidelity_add": (None, row(**QI_MANAGE)),
    "qi:fidelity_edit": (lambda w: _fidelity(w), row(**QI_MANAGE)),
    "qi:fidelity_edit#other-college": (lambda w: _fidelity(w, other=True), row(**QI_MANAGE_GONE)),
    # QI workspace (tandem.qi): view_qi for admin, QI team and leader; manage_qi for admin and QI team
    "qi:home": (None, row(**QI_VIEW)),
    "qi:compare": (None, row(**QI_VIEW)),  # every College's aggregate counts; never names
    "qi:compare_benchmarks": (None, row(**QI_MANAGE)),
    "qi:project_create": (None, row(**QI_MANAGE)),
    "qi:project": (lambda w: _qi(w), row(**QI_VIEW)),
    "qi:project#other-college": (lambda w: _qi(w, other=True), row(**QI_VIEW_GONE)),
    "qi:charter_edit": (lambda w: _qi(w), row(**QI_MANAGE)),
    "qi:charter_edit#other-college": (lambda w: _qi(w, other=True), row(**QI_MANAGE_GONE)),
    "qi:score_add": (lambda w: _qi(w), row(**QI_MANAGE)),
    "qi:drivers": (lambda w: _qi(w), row(**QI_VIEW)),
    "qi:cycles": (lambda w: _qi(w), row(**QI_VIEW)),
    "qi:cycle_add": (lambda w: _qi(w), row(**QI_MANAGE)),
    "qi:cycle": (lambda w: _qi(w, item="cycle"), row(**QI_VIEW)),
    "qi:cycle#other-project": (lambda w: _qi(w, item="cycle", item_of_other=True), row(**QI_VIEW_GONE)),
    "qi:cycle_edit": (lambda w: _qi(w, item="cycle"), row(**QI_MANAGE)),
    "qi:cycle_delete": (lambda w: _qi(w, item="cycle"), row(**everyone(NOT_ALLOWED))),
    "qi:project_measures": (lambda w: _qi(w), row(**QI_VIEW)),
    "qi:manual_add": (lambda w: _qi(w), row(**QI_MANAGE)),
    "qi:measure": (lambda w: _qi(w, key="staff_tutors_teaching"), row(**QI_VIEW)),
    "qi:measure#manual": (lambda w: _qi(w, key="student_satisfaction"), row(**QI_VIEW)),
    "qi:measure#other-college": (lambda w: _qi(w, key="elsewhere_measure"), row(**QI_VIEW_GONE)),
    "qi:measure_chart": (lambda w: _qi(w, key="staff_tutors_teaching"), row(**everyone(NOT_ALLOWED))),
    "qi:manual_edit": (lambda w: _qi(w, key="student_satisfaction"), row(**QI_MANAGE)),
    "qi:manual_edit#computed": (lambda w: _qi(w, key="staff_tutors_teaching"), row(**QI_MANAGE_GONE)),
    "qi:manual_delete": (lambda w: _qi(w, key="student_satisfaction"), row(**everyone(NOT_ALLOWED))),
    "qi:manual_values": (lambda w: _qi(w, key="student_satisfaction"), row(**QI_MANAGE)),
    "qi:manual_values#other-college": (lambda w: _qi(w, key="elsewhere_measure"), row(**QI_MANAGE_GONE)),
    "qi:manual_paste": (lambda w: _qi(w, key="student_satisfaction"), row(**everyone(NOT_ALLOWED))),
    "qi:manual_upload": (lambda w: _qi(w, key="student_satisfaction"), row(**everyone(NOT_ALLOWED))),
    "qi:annotations": (lambda w: _qi(w), row(**QI_VIEW)),
    "qi:stakeholders": (lambda w: _qi(w), row(**QI_VIEW)),
    "qi:report": (lambda w: _qi(w), row(**QI_VIEW)),
    "qi:report_pdf": (lambda w: _qi(w), row(**QI_VIEW)),
    "qi:report_pdf#other-college": (lambda w: _qi(w, other=True), row(**QI_VIEW_GONE)),
    **{f"qi:{kind}_add": (lambda w: _qi(w), row(**QI_MANAGE)) for kind in QI_CHILDREN},
    **{f"qi:{kind}_edit": (lambda w, kind=kind: _qi(w, item=kind), row(**QI_MANAGE)) for kind in QI_CHILDREN},
    **{
        f"qi:{kind}_edit#other-project": (
            lambda w, kind=kind: _qi(w, item=kind, item_of_other=True),
            row(**QI_MANAGE_GONE),
        )
        for kind in QI_CHILDREN
    },
    **{
        f"qi:{kind}_delete": (lambda w, kind=kind: _qi(w, item=kind), row(**everyone(NOT_ALLOWED)))
        for kind in QI_CHILDREN
    },
    # Release requests (tandem.release): a tutor sees their own, a line manager the ones made to them
    "release:list": (None, row(college_admin=OK, qi_team=FORBID, tutor=OK, line_manager=OK, leader=FORBID)),
    "release:new": (None, row(college_admin=OK, qi_team=FORBID, tutor=OK, line_manager=FORBID, leader=FORBID)),
    "release:detail": (
        lambda w: {"pk": _release().make_request(w).pk},
        row(college_admin=OK, qi_team=FORBID, tutor=OK, line_manager=OK, leader=FORBID),
    ),
    "release:detail#other-manager": (
        lambda w: {"pk": _release().other_manager_request(w).pk},
        row(college_admin=OK, qi_team=FORBID, tutor=GONE, line_manager=GONE, leader=FORBID),
    ),
    "release:detail#other-college": (
        lambda w: {"pk": _release().other_college_request(w).pk},
        row(college_admin=GONE, qi_team=FORBID, tutor=GONE, line_manager=GONE, leader=FORBID),
    ),
    "release:decide": (
        lambda w: {"pk": _release().make_request(w).pk},
        row(college_admin=FORBID, qi_team=FORBID, tutor=FORBID, line_manager=OK, leader=FORBID),
    ),
    "release:decide#other-manager": (
        lambda w: {"pk": _release().other_manager_request(w).pk},
        row(college_admin=FORBID, qi_team=FORBID, tutor=FORBID, line_manager=GONE, leader=FORBID),
    ),
    "release:withdraw": (
        lambda w: {"pk": _release().make_request(w).pk},
        row(college_admin=OK, qi_team=FORBID, tutor=OK, line_manager=FORBID, leader=FORBID),
    ),
    "release:withdraw#other-manager": (
        lambda w: {"pk": _release().other_manager_request(w).pk},
        row(college_admin=OK, qi_team=FORBID, tutor=GONE, line_manager=FORBID, leader=FORBID),
    ),
    "release:budgets": (None, row(college_admin=OK, qi_team=FORBID, tutor=FORBID, line_manager=OK, leader=FORBID)),
    "release:budget": (
        lambda w: {"tutor_pk": w.staff.pk},
        row(college_admin=OK, qi_team=FORBID, tutor=FORBID, line_manager=OK, leader=FORBID),
    ),
    "release:budget#not-theirs": (
        lambda w: {"tutor_pk": w.unmanaged.pk},
        row(college_admin=OK, qi_team=FORBID, tutor=FORBID, line_manager=GONE, leader=FORBID),
    ),
    # Staff-tutor pipeline (tandem.pipeline): the interest form is public
    "pipeline:interested": (lambda w: {"college": w.college.slug}, row(anonymous=OK, **everyone(OK))),
    "pipeline:interested#no-such-college": (lambda w: {"college": "nowhere"}, row(anonymous=GONE, **everyone(GONE))),
    "pipeline:thanks": (lambda w: {"college": w.college.slug}, row(anonymous=OK, **everyone(OK))),
    "pipeline:list": (None, row(college_admin=OK, qi_team=OK, tutor=FORBID, line_manager=FORBID, leader=FORBID)),
    "pipeline:add": (None, row(college_admin=OK, qi_team=OK, tutor=FORBID, line_manager=FORBID, leader=FORBID)),
    "pipeline:funnel": (None, row(college_admin=OK, qi_team=OK, tutor=FORBID, line_manager=FORBID, leader=OK)),
    "pipeline:detail": (
        lambda w: {"pk": _pipeline().make_entry(w).pk},
        row(college_admin=OK, qi_team=OK, tutor=FORBID, line_manager=FORBID, leader=FORBID),
    ),
    "pipeline:detail#other-college": (
        lambda w: {"pk": _pipeline().make_entry(w, college=w.other_college).pk},
        row(college_admin=GONE, qi_team=GONE, tutor=FORBID, line_manager=FORBID, leader=FORBID),
    ),
    "pipeline:stage": (
        lambda w: {"pk": _pipeline().make_entry(w).pk},
        row(college_admin=OK, qi_team=OK, tutor=FORBID, line_manager=FORBID, leader=FORBID),
    ),
    "pipeline:submission": (
        lambda w: {"pk": _pipeline().make_submission(w).pk},
        row(college_admin=OK, qi_team=OK, tutor=FORBID, line_manager=FORBID, leader=FORBID),
    ),
    "pipeline:submission#other-college": (
        lambda w: {"pk": _pipeline().make_submission(w, college=w.other_college).pk},
        row(college_admin=GONE, qi_team=GONE, tutor=FORBID, line_manager=FORBID, leader=FORBID),
    ),
    # Stories (tandem.stories): shown only where consent covers; managed by the admin and QI team
    "stories:library": (None, row(**staff(OK))),
    "stories:detail": (lambda w: {"pk": _stories().make_story(w).pk}, row(**staff(OK))),
    "stories:detail#withdrawn": (lambda w: {"pk": _stories().make_story(w, withdrawn=True).pk}, row(**staff(GONE))),
    "stories:detail#other-college": (
        lambda w: {"pk": _stories().make_story(w, college=w.other_college).pk},
        row(**staff(GONE)),
    ),
    "stories:pack": (None, row(college_admin=OK, qi_team=OK, tutor=FORBID, line_manager=FORBID, leader=OK)),
    "stories:manage": (None, row(college_admin=OK, qi_team=OK, tutor=FORBID, line_manager=FORBID, leader=FORBID)),
    "stories:add": (None, row(college_admin=OK, qi_team=OK, tutor=FORBID, line_manager=FORBID, leader=FORBID)),
    "stories:manage_story": (
        lambda w: {"pk": _stories().make_story(w, withdrawn=True).pk},
        row(college_admin=OK, qi_team=OK, tutor=FORBID, line_manager=FORBID, leader=FORBID),
    ),
    "stories:manage_story#other-college": (
        lambda w: {"pk": _stories().make_story(w, college=w.other_college).pk},
        row(college_admin=GONE, qi_team=GONE, tutor=FORBID, line_manager=FORBID, leader=FORBID),
    ),
    "stories:edit": (
        lambda w: {"pk": _stories().make_story(w).pk},
        row(college_admin=OK, qi_team=OK, tutor=FORBID, line_manager=FORBID, leader=FORBID),
    ),
    "stories:edit#other-college": (
        lambda w: {"pk": _stories().make_story(w, college=w.other_college).pk},
        row(college_admin=GONE, qi_team=GONE, tutor=FORBID, line_manager=FORBID, leader=FORBID),
    ),
    "stories:consent": (
        lambda w: {"pk": _stories().make_story(w).pk},
        row(college_admin=OK, qi_team=OK, tutor=FORBID, line_manager=FORBID, leader=FORBID),
    ),
    "stories:withdraw": (
        lambda w: {"pk": _stories().make_story(w).pk},
        row(college_admin=OK, qi_team=OK, tutor=FORBID, line_manager=FORBID, leader=FORBID),
    ),
    "stories:delete": (
        lambda w: {"pk": _stories().make_story(w).pk},
        row(college_admin=OK, qi_team=OK, tutor=FORBID, line_manager=FORBID, leader=FORBID),
    ),
    # Payments: admin pages; a tutor sees their own payments only (the world's "tutor" is Sam, a
    # salaried staff tutor with no payments, so Pat's payment answers 404 to him).
    "payments:list": (None, row(**PAY_ADMIN)),
    "payments:generate": (None, row(**everyone(NOT_ALLOWED))),
    "payments:approve": (None, row(**everyone(NOT_ALLOWED))),
    "payments:mark_paid": (None, row(**everyone(NOT_ALLOWED))),
    "payments:export": (None, row(**PAY_ADMIN)),
    "payments:detail": (lambda w: {"pk": _payments().payment_for_peer(w).pk}, row(**PAY_ADMIN)),
    "payments:detail#other-college": (lambda w: {"pk": _payments().other_college_payment(w).pk}, row(**PAY_ADMIN_GONE)),
    "payments:choice": (lambda w: {"pk": _payments().payment_for_peer(w).pk}, row(**PAY_ADMIN)),
    "payments:choice#other-college": (lambda w: {"pk": _payments().other_college_payment(w).pk}, row(**PAY_ADMIN_GONE)),
    "payments:mine": (None, row(college_admin=FORBID, qi_team=FORBID, tutor=OK, line_manager=FORBID, leader=FORBID)),
    "payments:my_choice": (
        lambda w: {"pk": _payments().payment_for_peer(w).pk},
        row(college_admin=FORBID, qi_team=FORBID, tutor=GONE, line_manager=FORBID, leader=FORBID),
    ),
    "payments:rate_cards": (None, row(**PAY_ADMIN)),
    "payments:rate_card_new": (None, row(**PAY_ADMIN)),
    "payments:rate_card_edit": (
        lambda w: {"pk": _payments().rate_card(w.college, _date(2019, 4, 1)).pk},
        row(**PAY_ADMIN),
    ),
    "payments:rate_card_edit#other-college": (
        lambda w: {"pk": _payments().rate_card(w.other_college, _date(2019, 4, 1)).pk},
        row(**PAY_ADMIN_GONE),
    ),
    "payments:pay_table": (None, row(**PAY_ADMIN)),
    "payments:pay_year_new": (None, row(**PAY_ADMIN)),
    "payments:pay_year": (lambda w: {"pk": _payments().pay_year(w.college).pk}, row(**PAY_ADMIN)),
    "payments:pay_year#other-college": (
        lambda w: {"pk": _payments().pay_year(w.other_college).pk},
        row(**PAY_ADMIN_GONE),
    ),
    "payments:pay_year_edit": (lambda w: {"pk": _payments().pay_year(w.college).pk}, row(**PAY_ADMIN)),
    "payments:pay_year_edit#other-college": (
        lambda w: {"pk": _payments().pay_year(w.other_college).pk},
        row(**PAY_ADMIN_GONE),
    ),
    "payments:grades": (None, row(**PAY_ADMIN)),
    "payments:policy": (None, row(**PAY_ADMIN)),
    "payments:work": (None, row(**PAY_ADMIN)),
    "payments:expenses": (None, row(**PAY_ADMIN)),
    "payments:parity": (None, row(college_admin=OK, qi_team=FORBID, tutor=FORBID, line_manager=FORBID, leader=OK)),
    # Term planning (tandem.planning): College admin only; another College's wish lists, jobs, tutors 404
    "planning:home": (None, row(**PLAN_ADMIN)),
    "planning:wishlist_new": (None, row(**PLAN_ADMIN)),
    "planning:availability": (None, row(**PLAN_ADMIN)),
    "planning:availability_edit": (lambda w: {"tutor_pk": w.staff.pk}, row(**PLAN_ADMIN)),
    "planning:availability_edit#other-college": (lambda w: {"tutor_pk": w.other_tutor.pk}, row(**PLAN_ADMIN_GONE)),
    **{
        f"planning:{name}": (lambda w: {"pk": _planning().make_wish_list(w).pk}, row(**PLAN_ADMIN))
        for name in ("wishlist", "wishlist_add")
    },
    **{
        f"planning:{name}#other-college": (
            lambda w: {"pk": _planning().make_wish_list(w, college=w.other_college).pk},
            row(**PLAN_ADMIN_GONE),
        )
        for name in ("wishlist", "wishlist_add")
    },
    **{
        f"planning:{name}": (lambda w: {"pk": _planning().make_wish_list(w).pk}, row(**everyone(NOT_ALLOWED)))
        for name in ("wishlist_copy", "plan")
    },
    "planning:wished_run": (lambda w: _planning().wished_run_kwargs(w), row(**PLAN_ADMIN)),
    "planning:wished_run#other-college": (
        lambda w: _planning().wished_run_kwargs(w, college=w.other_college),
        row(**PLAN_ADMIN_GONE),
    ),
    "planning:wished_run_delete": (lambda w: _planning().wished_run_kwargs(w), row(**everyone(NOT_ALLOWED))),
    **{
        f"planning:{name}": (lambda w: {"pk": _planning().make_job(w).pk}, row(**PLAN_ADMIN))
        for name in ("job", "job_status", "job_instance", "job_result", "job_accept")
    },
    **{
        f"planning:{name}#other-college": (
            lambda w: {"pk": _planning().make_job(w, college=w.other_college).pk},
            row(**PLAN_ADMIN_GONE),
        )
        for name in ("job", "job_status", "job_instance", "job_result", "job_accept")
    },
    **{
        f"planning:{name}": (lambda w: {"pk": _planning().make_job(w).pk}, row(**everyone(NOT_ALLOWED)))
        for name in ("job_stop", "job_what_if")
    },
    # Students (tandem.students). The prospectus and enrolment are public; a student sees their own
    # bookings and certificates (another student's answer 404), a College admin the College's.
    "prospectus:home": (lambda w: {"college": w.college.slug}, row(anonymous=OK, **everyone(OK))),
    "prospectus:home#no-such-college": (lambda w: {"college": "nowhere"}, row(anonymous=GONE, **everyone(GONE))),
    "prospectus:run": (
        lambda w: {"college": _students().on_clock(w).college.slug, "pk": w.run.pk},
        row(anonymous=OK, **everyone(OK)),
    ),
    "prospectus:run#other-college": (
        lambda w: {"college": _students().on_clock(w).college.slug, "pk": w.other_run.pk},
        row(anonymous=GONE, **everyone(GONE)),
    ),
    "prospectus:run#not-this-term": (
        lambda w: {"college": w.college.slug, "pk": w.run.pk},
        row(anonymous=GONE, **everyone(GONE)),
    ),
    "prospectus:sign_up": (lambda w: {"college": w.college.slug}, row(anonymous=OK, **everyone(OK))),
    "students:my_courses": (None, row(**staff(FORBID), student=OK)),
    "students:book": (lambda w: {"pk": _students().on_clock(w).run.pk}, row(**staff(FORBID), student=OK)),
    "students:book#other-college": (
        lambda w: {"pk": _students().on_clock(w).other_run.pk},
        row(**staff(FORBID), student=GONE),
    ),
    "students:cancel": (lambda w: {"pk": _students().make_booking(w).pk}, row(**ADMIN_ONLY, student=OK)),
    "students:cancel#not-theirs": (
        lambda w: {"pk": _students().make_booking(w, student=_students().make_student(w)).pk},
        row(**ADMIN_ONLY, student=GONE),
    ),
    "students:cancel#other-college": (
        lambda w: {
            "pk": _students()
            .make_booking(w, student=_students().make_student(w, college=w.other_college), run=w.other_run)
            .pk
        },
        row(**ADMIN_ONLY_GONE, student=GONE),
    ),
    "students:certificate": (lambda w: {"pk": _students().make_certificate(w).pk}, row(**ADMIN_ONLY, student=OK)),
    "students:certificate#not-theirs": (
        lambda w: {"pk": _students().make_certificate(w, student=_students().make_student(w)).pk},
        row(**ADMIN_ONLY, student=GONE),
    ),
    "students:list": (None, row(**ADMIN_ONLY)),
    "students:enrol": (None, row(**ADMIN_ONLY)),
    "students:settings": (None, row(**ADMIN_ONLY)),
    "students:detail": (lambda w: {"pk": w.student.pk}, row(**ADMIN_ONLY)),
    "students:detail#other-college": (
        lambda w: {"pk": _students().make_student(w, college=w.other_college).pk},
        row(**ADMIN_ONLY_GONE),
    ),
    "students:book_for": (lambda w: {"pk": w.student.pk}, row(**everyone(NOT_ALLOWED))),
    "students:run_bookings": (lambda w: {"pk": w.run.pk}, row(**ADMIN_ONLY)),
    "students:run_bookings#other-college": (lambda w: {"pk": w.other_run.pk}, row(**ADMIN_ONLY_GONE)),
    # Take attendance of a session recorded as delivered: the run's tutors and the College admins.
    "students:attendance": (
        lambda w: {"pk": _students().delivered_session(w).pk},
        row(college_admin=OK, qi_team=FORBID, tutor=OK, line_manager=FORBID, leader=FORBID),
    ),
    "students:attendance#not-their-run": (
        lambda w: {"pk": _students().delivered_session(w, run=w.gap_run).pk},
        row(college_admin=OK, qi_team=FORBID, tutor=GONE, line_manager=FORBID, leader=FORBID),
    ),
    "students:attendance#other-college": (
        lambda w: {"pk": _students().delivered_session(w, run=w.other_run).pk},
        row(college_admin=GONE, qi_team=FORBID, tutor=GONE, line_manager=FORBID, leader=FORBID),
    ),
    # Part 2: a student's own learning plan, questionnaires, feedback and equality answers; the
    # College's learning advisers (its admins) read plans; admins enter answers from paper and
    # read equality monitoring (audited) and its aggregate report.
    "students:my_plan": (None, row(**staff(FORBID), student=OK)),
    "students:my_plan_review": (None, row(**staff(FORBID), student=OK)),
    "students:my_equality": (None, row(**staff(FORBID), student=OK)),
    # w.run's only session (3 September 2019) is past on the machine's clock: the end is open.
    "students:questionnaire": (
        lambda w: {"pk": _students().booked_run(w).pk, "kind": "swemwbs", "timing": "end"},
        row(**staff(FORBID), student=OK),
    ),
    "students:questionnaire#not-open": (
        lambda w: {"pk": _students().booked_run(w).pk, "kind": "swemwbs", "timing": "start"},
        row(**staff(FORBID), student=GONE),
    ),
    "students:questionnaire#not-booked": (
        lambda w: {"pk": w.gap_run.pk, "kind": "qpr", "timing": "end"},
        row(**staff(FORBID), student=GONE),
    ),
    "students:feedback": (lambda w: {"pk": _students().booked_run(w).pk}, row(**staff(FORBID), student=OK)),
    "students:feedback#not-booked": (lambda w: {"pk": w.gap_run.pk}, row(**staff(FORBID), student=GONE)),
    "students:plan": (lambda w: {"pk": w.student.pk}, row(**ADMIN_ONLY)),
    "students:plan#other-college": (
        lambda w: {"pk": _students().make_student(w, college=w.other_college).pk},
        row(**ADMIN_ONLY_GONE),
    ),
    "students:plan_review": (lambda w: {"pk": w.student.pk}, row(**ADMIN_ONLY)),
    # A goal of a learning plan marked achieved (with its date): the student's own, or an adviser's.
    "students:my_goal_achieved": (lambda w: {"goal": _students().make_goal(w).pk}, row(**staff(FORBID), student=OK)),
    "students:my_goal_achieved#not-theirs": (
        lambda w: {"goal": _students().make_goal(w, student=_students().make_student(w)).pk},
        row(**staff(FORBID), student=GONE),
    ),
    "students:goal_achieved": (
        lambda w: {"pk": w.student.pk, "goal": _students().make_goal(w).pk},
        row(**ADMIN_ONLY),
    ),
    "students:goal_achieved#another-students-goal": (
        lambda w: {"pk": w.student.pk, "goal": _students().make_goal(w, student=_students().make_student(w)).pk},
        row(**ADMIN_ONLY_GONE),
    ),
    "students:goal_achieved#other-college": (
        lambda w: {
            "pk": (s := _students().make_student(w, college=w.other_college)).pk,
            "goal": _students().make_goal(w, student=s).pk,
        },
        row(**ADMIN_ONLY_GONE),
    ),
    "students:paper_questionnaire": (
        lambda w: {"pk": w.student.pk, "run": _students().booked_run(w).pk, "kind": "qpr", "timing": "start"},
        row(**ADMIN_ONLY),
    ),
    "students:paper_questionnaire#not-booked": (
        lambda w: {"pk": w.student.pk, "run": w.gap_run.pk, "kind": "qpr", "timing": "start"},
        row(**ADMIN_ONLY_GONE),
    ),
    "students:paper_feedback": (lambda w: {"pk": w.student.pk, "run": _students().booked_run(w).pk}, row(**ADMIN_ONLY)),
    "students:equality": (lambda w: {"pk": w.student.pk}, row(**ADMIN_ONLY)),
    "students:equality#other-college": (
        lambda w: {"pk": _students().make_student(w, college=w.other_college).pk},
        row(**ADMIN_ONLY_GONE),
    ),
    "students:equality_report": (None, row(**ADMIN_ONLY)),
}


def _students():
    from tandem.students.tests import factories

    return factories


def _release():
    from tandem.release.tests import factories

    return factories


def _pipeline():
    from tandem.pipeline.tests import factories

    return factories


def _stories():
    from tandem.stories.tests import factories

    return factories


def _payments():
    from tandem.payments.tests import factories

    return factories


def _planning():
    from tandem.planning.tests import factories

    return factories


def _session(run):
    from tandem.courses.models import Session

    return Session.objects.create(run=run, date=run.start_date, start_time=run.start_time, end_time=run.end_time)


def _date(*ymd):
    import datetime

    return datetime.date(*ymd)


# The Django admin guards itself (staff accounts only); it is checked as a whole below.
EXEMPT_NAMESPACES = {"admin"}


def named_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            if (ns or "") in EXEMPT_NAMESPACES:
                continue
            yield from named_patterns(p, full)
        elif isinstance(p, URLPattern):
            yield f"{namespace}:{p.name}" if namespace else str(p.name)


def test_every_pattern_is_in_the_matrix():
    covered = {key.split("#")[0] for key in MATRIX}
    missing = sorted(set(named_patterns()) - covered)
    assert not missing, f"URL patterns with no row in the access matrix: {missing}"


def test_every_row_names_every_role():
    for key, (_, expected) in MATRIX.items():
        assert set(expected) == set(ROLES), f"{key} must give an expected status for every role"


@pytest.mark.parametrize("key", sorted(MATRIX))
def test_access(key, world, client):
    kwargs_fn, expected = MATRIX[key]
    url = reverse(key.split("#")[0], kwargs=kwargs_fn(world) if kwargs_fn else None)
    failures = []
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(world.users[role])
        status = client.get(url).status_code
        if status != expected[role]:
            failures.append(f"{role}: got {status}, expected {expected[role]}")
    assert not failures, f"{url}: " + "; ".join(failures)


def test_anonymous_is_sent_to_sign_in(world, client):
    response = client.get(reverse("tutors:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_django_admin_is_for_platform_operators_only(world, client):
    """The admin namespace is exempt from the matrix: tandem/accounts/tests/test_admin_site.py
    covers it. In short: every College role, even with is_staff, gets a 404; operators only."""
    for role, user in world.users.items():
        client.force_login(user)
        assert client.get("/admin/").status_code == 404, role
    world.admin.is_staff = True
    world.admin.save()
    client.force_login(world.admin)
    assert client.get("/admin/").status_code == 404
    world.admin.is_superuser = True
    world.admin.save()
    assert client.get("/admin/").status_code == 200
