"""Which records are about a person, for subject access (GDPR Art. 15) and erasure.

Every relation from any model to a Tutor or a User (ForeignKey, OneToOne or ManyToMany) must be
listed here, either as exported (`Export`, optionally limited to some fields where the rest is
about someone else) or as exempt with the reason. tandem/privacy/tests/test_registry.py fails
when a new relation appears that nobody decided about.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Export:
    fields: tuple = ()  # empty: every field
    note: str = ""


@dataclass(frozen=True)
class Exempt:
    reason: str


WHO_ACTED = "records who on the staff did something to a record about someone else; the staff member's actions are in their audit-log entries, which the export includes"
ADMIN_ACTION = "the record is the tutor's (exported under their tutor record); which admin acted is in the admin's audit-log entries"

# (model label, field name) -> Export(...) | Exempt(reason)
RELATIONS = {
    # Accounts and security
    ("tutors.Tutor", "user"): Export(note="the tutor record linked to the account"),
    ("tutors.Tutor", "line_manager"): Export(
        fields=("id", "kind", "status"), note="the staff tutors they line-manage (their records are about them)"
    ),
    ("otp_totp.TOTPDevice", "user"): Export(
        fields=("id", "name", "confirmed", "created_at", "last_used_at"),
        note="authenticator devices (never the secret key)",
    ),
    ("admin.LogEntry", "user"): Export(
        fields=("id", "action_time", "content_type", "object_id", "action_flag"),
        note="changes they made in the Django admin",
    ),
    ("audit.AuditEvent", "actor"): Export(note="everything they did that was audited"),
    # Tutor records
    ("tutors.SensitiveProfile", "tutor"): Export(
        note="lived-experience note and support needs (reading them is audited)"
    ),
    ("courses.Course", "co_producers"): Export(fields=("id", "title", "topic"), note="courses they co-produced"),
    ("courses.CourseRun", "tutors"): Export(
        fields=("id", "course", "term", "start_date", "status"), note="course runs they were assigned to"
    ),
    ("courses.RunTutorChange", "tutor"): Export(
        fields=("id", "run", "action", "asked_by", "changed_at"), note="when they were put on or taken off a course run"
    ),
    ("courses.RunTutorChange", "changed_by"): Exempt(WHO_ACTED),
    ("courses.Session", "delivered_by"): Export(
        fields=("id", "run", "date", "start_time", "end_time"), note="sessions they delivered"
    ),
    ("release.ReleaseRequest", "tutor"): Export(note="their requests for release to teach"),
    ("release.ReleaseRequest", "manager"): Export(
        fields=("id", "status", "requested_at", "decided_at", "decline_reason"),
        note="release requests made to them as line manager (the requests themselves are the tutors')",
    ),
    ("release.ReleaseRequest", "requested_by"): Exempt(WHO_ACTED),
    ("release.ReleaseRequest", "decided_by"): Exempt(
        "the decision is exported under the manager relation; decided_by is the same person"
    ),
    ("release.ReleaseBudget", "tutor"): Export(note="hours they may be released for per term"),
    ("pipeline.PipelineEntry", "tutor"): Export(note="their entry in the staff-tutor pipeline"),
    ("pipeline.PipelineStageChange", "recorded_by"): Exempt(WHO_ACTED),
    ("stories.Consent", "recorded_by"): Exempt("a consent belongs to the story's author; " + WHO_ACTED),
    ("qi.TeamMember", "user"): Export(note="their place on a QI project team"),
    ("qi.ProgressScore", "recorded_by"): Exempt(WHO_ACTED),
    # Pay
    ("payments.StaffPayGrade", "tutor"): Export(note="their Agenda for Change band and point"),
    ("payments.WorkLog", "tutor"): Export(note="work they logged"),
    ("payments.Expense", "tutor"): Export(note="expenses paid back to them"),
    ("payments.Payment", "tutor"): Export(note="their payments"),
    ("payments.Payment", "approved_by"): Exempt(ADMIN_ACTION),
    ("payments.Payment", "paid_by"): Exempt(ADMIN_ACTION),
    ("payments.PaymentChoice", "recorded_by"): Exempt(ADMIN_ACTION),
    # Term planning
    ("planning.TutorAvailability", "tutor"): Export(note="when they can teach"),
    ("planning.PlanWhatIf", "tutor"): Export(note="planner what-if questions about their release"),
    ("planning.WishList", "created_by"): Exempt(WHO_ACTED),
    ("planning.PlanJob", "created_by"): Exempt(WHO_ACTED),
    ("planning.PlanJob", "accepted_by"): Exempt(WHO_ACTED),
    ("planning.PlanWhatIf", "created_by"): Exempt(WHO_ACTED),
    # Students (tandem.students): a student's own record, bookings, attendance and certificates
    ("students.Student", "user"): Export(
        note="their student record: contact details and preferences, connection "
        "to the College, the agreement, reasonable adjustments they gave"
    ),
    ("students.Student", "enrolled_by"): Exempt(WHO_ACTED),
    ("students.Booking", "booked_by"): Exempt(WHO_ACTED),
    ("students.Attendance", "recorded_by"): Exempt(WHO_ACTED),
    ("students.PlanReview", "recorded_by"): Exempt(WHO_ACTED),
    ("students.Questionnaire", "entered_by"): Exempt(WHO_ACTED),
    ("students.Feedback", "entered_by"): Exempt(WHO_ACTED),
}

# Records reached through another record (not a direct relation), also exported:
# (model label, lookup from that model to the subject, subject kind, note)
INDIRECT = [
    ("payments.PaymentChoice", "payment__tutor", "tutor", "their choices about taking payments"),
    ("pipeline.PipelineStageChange", "entry__tutor", "tutor", "their pipeline stages"),
    ("pipeline.PipelineSubmission", "entry__tutor", "tutor", "public-form submissions matching their pipeline entry"),
    ("students.Booking", "student__user", "user", "their bookings of courses and waiting-list places"),
    ("students.Attendance", "student__user", "user", "the sessions they came to"),
    ("students.Certificate", "student__user", "user", "their certificates of attendance"),
    ("students.LearningGoal", "student__user", "user", "the goals of their individual learning plan"),
    ("students.PlanReview", "student__user", "user", "reviews of their learning plan"),
    ("students.Questionnaire", "student__user", "user", "their SWEMWBS and QPR-15 answers and scores"),
    ("students.Feedback", "student__user", "user", "their Friends and Family Test answers and comments"),
    ("students.EqualityMonitoring", "student__user", "user", "their equality-monitoring answers (optional)"),
]

# What the export of a person's own row leaves out.
USER_FIELDS = (
    "id",
    "username",
    "first_name",
    "last_name",
    "email",
    "role",
    "college",
    "is_active",
    "is_staff",
    "is_superuser",
    "date_joined",
    "last_login",
)  # never the password hash

# Copies of a person's name or email kept as text or JSON, outside any relation to them: erasure
# (tandem.privacy.erasure) rewrites these fields wherever they hold the person's full name or
# email. tandem/privacy/tests/test_erasure_sweep.py searches every text and JSON column of every
# table after an erasure, so a new copy that is not listed here fails it.
NAME_COPIES = {
    "planning.PlanJob": ("instance", "labels", "candidates", "result", "error"),  # the planner's input and answer
    "planning.PlanWhatIf": ("result", "error"),
    "admin.LogEntry": ("object_repr", "change_message"),  # the Django admin's own log
}
