"""The demo College's calendar: its "today" (never the machine clock), when it opened, its terms
and the weekly teaching times with how often each is used. Shared by `tandem.demo.simulate`,
`tandem.demo.people` and `tandem.demo.generate`."""

from datetime import date, time

TODAY = date(2019, 11, 15)  # the demo's "today": sessions before it are delivered, later ones scheduled
COLLEGE_OPENS = date(2014, 9, 1)

SEASONS = ("spring", "summer", "autumn")
TERMS = (("autumn", 2014),) + tuple((s, y) for y in range(2015, 2020) for s in SEASONS)


def term_dates(season, year):
    """Autumn September-December, spring January-March, summer April-July (August is a break)."""
    if season == "autumn":
        return date(year, 9, 1), date(year, 12, 19)
    if season == "spring":
        return date(year, 1, 6), date(year, 3, 27)
    return date(year, 4, 1), date(year, 7, 24)


SLOTS = ((time(10, 0), 45), (time(13, 30), 40), (time(18, 0), 15))
