"""Signals the courses area sends for other areas to act on, inside the same transaction.

`run_capacity_changed(sender=CourseRun, run=run, before=old capacity)`: sent by
`services.run_update` after saving a run whose number of places changed, its row locked. A
receiver may refuse the change with a ValidationError (the whole update is rolled back) and
returns what it did: tandem.students refuses fewer places than students booked, and gives new
places to the people on the waiting list (emailed), as when a booking is cancelled.
"""

from django.dispatch import Signal

run_capacity_changed = Signal()
