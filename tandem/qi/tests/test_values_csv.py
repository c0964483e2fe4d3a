import datetime as dt

import pytest
from django.test import override_settings

from tandem.qi import values_csv


def values(data):
    parsed = values_csv.parse(data)
    assert not parsed.errors, [str(e) for e in parsed.errors]
    return sorted(parsed.values)


def errors(data):
    parsed = values_csv.parse(data)
    assert parsed.values == []
    return [str(e) for e in parsed.errors]


@pytest.mark.parametrize(
    "data",
    [
        b"period,value\n2019-01,5\n2019-02,6.5\n",
        b"\xef\xbb\xbfperiod,value\r\n2019-01,5\r\n2019-02,6.5\r\n",  # UTF-8 with a BOM, CRLF
        b"Value,Period\r2019-02-01,6.5\r5,Jan 2019\r".replace(b"2019-02-01,6.5", b"6.5,2019-02-01"),  # CR, any order
        "period;value\n01/2019;5\nFebruary 2019;6,5\n".replace("6,5", "6.5").encode("cp1252"),
        b"period\tvalue\n2019-01\t5\n2019-02\t6.5\n",  # cells copied from a spreadsheet
        "2019-01,5\n2019-02,6.5\n",  # pasted text without a header
    ],
)
def test_accepted_forms(data):
    assert values(data) == [(dt.date(2019, 1, 1), 5.0), (dt.date(2019, 2, 1), 6.5)]


def test_windows_1252_text_in_an_extra_column():
    data = "period,value,note\n2019-01,5,café closed\n".encode("cp1252")
    assert values(data) == [(dt.date(2019, 1, 1), 5.0)]


def test_every_problem_names_its_row_and_column():
    data = b"period,value\n2019-01,5\n2019-13,6\n2019-03,lots\n2019-01,7\n,7\n2019-05,\n,,\n"
    assert errors(data) == [
        "Row 3, column period: '2019-13' is not a month: write it like 2019-03",
        "Row 4, column value: 'lots' is not a number",
        "Row 5, column period: 2019-01 is already given in row 2",
        "Row 6, column period: enter the month, like 2019-03",
        "Row 7, column value: enter a number",
    ]


def test_missing_columns_and_bad_files():
    assert errors(b"month,count\n2019-01,5\n") == ["Row 1: the first row must name the columns: period,value"]
    assert errors(b"period,amount\n2019-01,5\n") == [
        "Row 1: the column names must include period and value (missing: value)"
    ]
    assert errors(b"") == ["The file is empty"]
    assert "Excel workbook" in errors(b"PK\x03\x04rest")[0]
    assert "saved as UTF-16" in errors("period,value\n".encode("utf-16"))[0]
    assert errors(b'period,value\n"2019-01,5\n')  # unbalanced quote: one clear error, no traceback


@override_settings(IMPORT_MAX_BYTES=1024)
def test_size_limit():
    assert errors(b"period,value\n" + b"2019-01,5\n" * 200) == ["The file is too large: the limit is 1 KB"]
