"""Months as people read them: the one formatter for a month on every page, chart, report and
message (in templates the `month` filter, `{{ d|month }}` or `{{ d|month(short=true) }}`, and
`month_name` for a month's number alone).

Pure Python, no Django: the same words whatever the server's locale.
"""

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def month_name(month, *, short=False):
    """'November' (short: 'Nov') for a month's number, 1 to 12."""
    name = MONTH_NAMES[month - 1]
    return name[:3] if short else name


def month_label(value, *, short=False):
    """'November 2019' (short: 'Nov 2019', as on a chart's axis or in a narrow table) for a date,
    a datetime or a month key 'YYYY-MM' (`tandem.qi.measures.month_key`)."""
    if isinstance(value, str):
        year, month = (int(part) for part in value.split("-")[:2])
    else:
        year, month = value.year, value.month
    return f"{month_name(month, short=short)} {year}"
