"""Every role rule in Tandem, in one place.

Views ask `can(user, permission)` (or use `@requires(permission)`); templates call the same
`can`. Object-level scoping (which tutor, which run) lives in each app's selectors, which
use `role_of` and these permissions, so a user never reaches an object they may not see.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied

from .models import Role

A, Q, T, M, L = Role.COLLEGE_ADMIN, Role.QI_TEAM, Role.TUTOR, Role.LINE_MANAGER, Role.LEADER
S = Role.STUDENT  # a student's account: the prospectus, their own bookings and certificates, nothing of the staff's

PERMISSIONS = {
    # College records
    "view_dashboard": {A, Q, T, M, L},
    "view_tutor_register": {A, Q, L},
    "view_own_tutor_record": {T},
    "manage_tutors": {A},
    "view_courses": {A, Q, T, M, L},
    "manage_courses": {A},
    "view_timetable": {A, Q, T, M, L},
    # The session register (object scoping in tandem.courses.selectors: an admin every session of
    # the College, a tutor the sessions of runs they are on; corrections are the admin's)
    "record_sessions": {A, T},
    "view_my_sessions": {T},
    "import_records": {A},
    "manage_accounts": {A},  # People: invite, roles, tutor record, disable, unlock, reset two-factor
    # QI
    "view_qi": {A, Q, L},
    "manage_qi": {A, Q},
    "view_measures": {A, Q, L},
    # Compare Colleges (tandem.qi.compare): aggregate counts of every College in the installation
    # and imported benchmarks; viewed by those who view QI measures, benchmarks imported by the QI managers
    "view_compare_colleges": {A, Q, L},
    "import_benchmarks": {A, Q},
    # The College's RECOLLECT fidelity self-assessment (tandem.qi.fidelity)
    "view_fidelity": {A, Q, L},
    "manage_fidelity": {A, Q},
    # Release (object scoping in tandem.release.selectors: a tutor their own requests, a line
    # manager the requests made to them, an admin the College's)
    "view_release_requests": {A, T, M},
    "request_release": {A, T},  # a staff tutor for themselves; an admin on a tutor's behalf
    "decide_release": {M},  # only the line manager the request was made to
    "manage_release_budgets": {A, M},  # a line manager for their own staff only
    # Staff-tutor pipeline (the public "Interested in teaching?" form needs no permission)
    "view_pipeline": {A, Q},
    "manage_pipeline": {A, Q},
    "view_pipeline_funnel": {A, Q, L},
    # Stories (each story shows only where its active consent covers the channel)
    "view_stories": {A, Q, T, M, L},
    "manage_stories": {A, Q},
    "download_story_pack": {A, Q, L},
    # Payments (object scoping in tandem.payments.selectors: an admin the College's payments, a
    # tutor their own only). Rate cards, pay table, staff bands and policy are admin pages.
    "view_payments": {A},
    "manage_payments": {A},
    "view_own_payments": {T},
    "view_pay_parity": {A, L},  # named peer tutors' effective rates: admin, and Trust leaders (read only)
    # Privacy and security (tandem.audit, tandem.privacy, tandem.tutors' sensitive profiles)
    "view_audit_log": {A},
    "manage_sensitive_profiles": {A},  # a peer tutor's lived-experience note and support needs; every read audited
    "subject_access": {A},  # GDPR subject-access exports
    # Term planning (tandem.planning): wish lists, tutor availability, the planner, accepting a plan
    "plan_terms": {A},
    # Students (tandem.students). A student sees their own bookings, attendance and certificates
    # only (object scoping in tandem.students.selectors); the prospectus needs no permission.
    "view_my_courses": {S},
    "book_courses": {S},
    # Enrol someone (e.g. by phone), book them, see the College's students and bookings; a
    # student's reasonable adjustments (special category) are read here only, every read audited
    "manage_students": {A},
    "manage_student_settings": {A},  # runs per student per term, the certificate threshold, questionnaires on/off
    # The College's learning advisers: its admins. They read and add to students' individual
    # learning plans (goals, courses towards them, reviews); nobody else on the staff sees a plan.
    "advise_students": {A},
    # A student's own learning plan, questionnaires (SWEMWBS, QPR-15), feedback and optional
    # equality-monitoring answers (object scoping in tandem.students.outcomes)
    "answer_outcomes": {S},
    # Staff enter questionnaires and feedback from paper; equality monitoring is read (audited)
    # and reported in aggregate only by admins
    "enter_outcomes": {A},
    "view_equality": {A},
}


def is_platform_operator(user):
    """An active superuser with staff status: not a College role. The only accounts the Django
    admin (/admin/) answers (tandem.accounts.admin_site); they sign in with two-factor too."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff and user.is_superuser)


def role_of(user):
    if not user or not user.is_authenticated:
        return None
    return user.role


def can(user, permission):
    if permission not in PERMISSIONS:
        raise KeyError(f"Unknown permission {permission!r}")
    return role_of(user) in PERMISSIONS[permission]


def requires(permission):
    """View decorator: 403 for a signed-in user whose role lacks the permission."""

    if permission not in PERMISSIONS:
        raise KeyError(f"Unknown permission {permission!r}")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not can(request.user, permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
