"""The planning calendar: five weekdays, three teaching slots a day, and the term's weeks.

A *day-slot* is the pair [weekday index 0-4, slot index 0-2], as in the planner's instance format.
Week 1 of a term is the first Monday-to-Friday week wholly inside it; the term has as many weeks
as whole Monday-to-Friday weeks fit before it ends.
"""

from datetime import datetime, time, timedelta

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
# (id, label, start, end): the times the College teaches. A run's end is its start plus the
# course's hours per session; `end` here is informative (the planner's calendar).
SLOTS = (
    ("morning", "Morning", time(10, 0), time(12, 0)),
    ("afternoon", "Afternoon", time(13, 30), time(15, 30)),
    ("evening", "Evening", time(18, 0), time(20, 0)),
)
SLOT_IDS = tuple(s[0] for s in SLOTS)
SLOT_CHOICES = [(s[0], f"{s[1]} ({s[2]:%H:%M})") for s in SLOTS]
ALL_DAYSLOTS = [[d, s] for d in range(len(WEEKDAYS)) for s in range(len(SLOTS))]
DAYTIME_DAYSLOTS = [[d, s] for d in range(len(WEEKDAYS)) for s in (0, 1)]


def dayslot_key(d, s):
    return f"{d}-{s}"


def dayslot_label(d, s):
    return f"{WEEKDAYS[d]} {SLOTS[s][1].lower()}"


DAYSLOT_CHOICES = [(dayslot_key(d, s), dayslot_label(d, s)) for d, s in ALL_DAYSLOTS]


def parse_dayslot(key):
    d, s = (int(x) for x in key.split("-"))
    if not (0 <= d < len(WEEKDAYS) and 0 <= s < len(SLOTS)):
        raise ValueError(key)
    return [d, s]


def slot_index(value):
    """The slot a run starting at `value` is in: the last slot starting at or before it (a run at
    11:00 is a morning run, one at 16:00 an afternoon run; before 10:00 counts as morning)."""
    idx = 0
    for i, (_id, _label, start, _end) in enumerate(SLOTS):
        if value >= start:
            idx = i
    return idx


def first_monday(term):
    """Monday of week 1: the term's first day if it is a Monday, else the next Monday."""
    start = term.starts_on
    return start + timedelta(days=(7 - start.weekday()) % 7)


def term_weeks(term):
    """Number of whole Monday-to-Friday weeks from week 1 to the term's end."""
    first_friday = first_monday(term) + timedelta(days=4)
    if first_friday > term.ends_on:
        return 0
    return (term.ends_on - first_friday).days // 7 + 1


def week_date(term, week, weekday):
    """The date of `weekday` (0 = Monday) in 1-based `week` of the term."""
    return first_monday(term) + timedelta(days=7 * (week - 1) + weekday)


def slot_times(slot, hours):
    """Start and end time of a session of `hours` starting in `slot`."""
    start = SLOTS[slot][2]
    end = (datetime.combine(datetime.min, start) + timedelta(hours=float(hours))).time()
    return start, end


def _and(items):
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def describe_dayslots(dayslots):
    """'Mondays and Tuesdays (mornings and afternoons); Fridays (evenings)' style summary."""
    if not dayslots:
        return "no times"
    chosen = {tuple(x) for x in dayslots}
    if chosen == {tuple(x) for x in ALL_DAYSLOTS}:
        return "any weekday, any time"
    groups = {}  # slot set -> days
    for d in range(len(WEEKDAYS)):
        slots = tuple(s for s in range(len(SLOTS)) if (d, s) in chosen)
        if slots:
            groups.setdefault(slots, []).append(d)
    parts = []
    for slots, days in groups.items():
        when = "every weekday" if len(days) == len(WEEKDAYS) else _and(f"{WEEKDAYS[d]}s" for d in days)
        times = "all day" if len(slots) == len(SLOTS) else _and(f"{SLOTS[s][1].lower()}s" for s in slots)
        parts.append(f"{when} ({times})")
    return "; ".join(parts)
