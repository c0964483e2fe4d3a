"""The pay-parity balancing measure, in the QI measures registry (imported in AppConfig.ready)."""

from tandem.qi.measures import measure

from .parity import breaches_by_month


@measure(
    key="peer_pay_parity_breaches",
    name="Peer tutors paid below the staff comparator",
    kind="balancing",
    improvement="decrease",
    definition=(
        "Peer tutor × course run pairs whose effective hourly rate (all payments for the run ÷ delivery "
        "hours + preparation, logged or the College's hours per session if more, + other work logged "
        "for the run) is below the staff comparator's hourly equivalent (Agenda for Change annual salary "
        "+ High Cost Area Supplement, ÷ 52.143 ÷ 37.5; band chosen by the College's policy), counted in "
        "every month in which the peer delivered a session of the run. Source: delivered sessions, work "
        "logs, payments, pay table and staff pay grades. Months with no delivered sessions are missing."
    ),
    population="Peer tutors delivering the College's course runs",
    numerator="Peer tutor × run pairs paid below the staff comparator, in each month the peer delivered a session of the run",
    denominator="None (a count)",
    source="Tandem session records, work logs, payments, pay table and staff pay grades",
    frequency=(
        "Monthly; 0 in a month in which the College delivered sessions and no peer tutor was paid below "
        "the comparator; missing in a month with no delivered sessions (nobody could be paid for teaching)"
    ),
)
def peer_pay_parity_breaches(college):
    return breaches_by_month(college)
