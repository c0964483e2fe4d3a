"""A College's usual term calendar: autumn September to December, spring January to March, summer
April to July (August is a break). `tandem setup` creates terms from it and a past-register import
adds a missing term from it."""

import datetime as dt


def usual_term(day):
    """(season, year, starts_on, ends_on) of the term a date falls in; August counts with summer."""
    year = day.year
    if day.month >= 9:
        return "autumn", year, dt.date(year, 9, 1), dt.date(year, 12, 19)
    if day.month <= 3:
        return "spring", year, dt.date(year, 1, 6), dt.date(year, 3, 27)
    return "summer", year, dt.date(year, 4, 1), dt.date(year, 7, 24)


def academic_years(today, years=2):
    """The terms of the academic year (September to August) that holds `today`, and of the
    following years: [(season, year, starts_on, ends_on), ...] in date order."""
    first = today.year if today.month >= 9 else today.year - 1
    out = []
    for y in range(first, first + years):
        for day in (dt.date(y, 9, 1), dt.date(y + 1, 1, 6), dt.date(y + 1, 4, 1)):
            out.append(usual_term(day))
    return out
