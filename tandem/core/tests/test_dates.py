"""The one month formatter (tandem.core.dates) and its template filters."""

import datetime as dt

import pytest
from django.template import engines

from tandem.core.dates import month_label, month_name


@pytest.mark.parametrize(
    "value",
    [dt.date(2019, 11, 30), dt.datetime(2019, 11, 1, 23, 59), "2019-11", "2019-11-05"],
)
def test_a_month_reads_the_same_from_a_date_a_datetime_or_a_key(value):
    assert month_label(value) == "November 2019"
    assert month_label(value, short=True) == "Nov 2019"


def test_every_month_has_its_english_name_whatever_the_locale():
    assert [month_name(m, short=True) for m in range(1, 13)] == (
        "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    )
    assert month_label(dt.date(2020, 9, 1)) == "September 2020" and month_name(5) == "May"


def test_the_template_filters():
    template = engines["jinja2"].env.from_string(
        "{{ d|month }}; {{ d|month(short=true) }}; {{ '2019-03'|month }}; {{ 12|month_name(short=true) }}"
    )
    assert template.render(d=dt.date(2019, 9, 3)) == "September 2019; Sep 2019; March 2019; Dec"
