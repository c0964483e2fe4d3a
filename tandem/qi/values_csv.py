"""Reading a manual measure's monthly values from CSV (uploaded or pasted).

Columns `period,value` (a header row naming them, in any order; pasted text may leave the header
out). Every row is checked before anything is written; each problem names its row (as a
spreadsheet numbers it) and its column. The file is read by Tandem's one CSV reader
(`tandem.core.imports.reading`): UTF-8 with or without a byte-order mark, or Windows-1252; CRLF,
LF or CR line ends; here also a semicolon or a tab between cells.
"""

import calendar
import math
import re
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings

from tandem.core.imports.reading import RowError, _decode, _FileProblem, _records, human_size

MAX_ROWS = 1200
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})


@dataclass
class Parsed:
    values: list = field(default_factory=list)  # [(first day of month, float)]
    errors: list = field(default_factory=list)  # [RowError]


def max_bytes():
    return settings.IMPORT_MAX_BYTES


def parse_period(text):
    """'2019-03', '2019-03-01', 'Mar 2019', 'March 2019' or '03/2019' -> date(2019, 3, 1), else None."""
    t = text.strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", t)
    if m:
        year, month = int(m.group(1)), int(m.group(2))
        if m.group(3) is not None:
            try:
                date(year, month, int(m.group(3)))
            except ValueError:
                return None
    else:
        m = re.fullmatch(r"(\d{1,2})/(\d{4})", t)
        if m:
            month, year = int(m.group(1)), int(m.group(2))
        else:
            m = re.fullmatch(r"([A-Za-z]+)[ \-]+(\d{4})", t)
            if not m or m.group(1).lower() not in MONTHS:
                return None
            month, year = MONTHS[m.group(1).lower()], int(m.group(2))
    if not (1 <= month <= 12 and 1900 <= year <= 2200):
        return None
    return date(year, month, 1)


def parse_value(text):
    t = text.strip().replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", t):
        t = t.replace(",", "")
    try:
        v = float(t)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def _delimiter(first_line):
    counts = {d: first_line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def parse(data):
    """Check every row of `data` (bytes or text). Returns Parsed(values, errors): when errors is
    not empty, values must not be written."""
    out = Parsed()
    if not isinstance(data, str) and len(data) > max_bytes():
        out.errors.append(RowError(None, None, f"the file is too large: the limit is {human_size(max_bytes())}"))
        return out
    try:
        text = (data if isinstance(data, str) else _decode(data)).removeprefix("\ufeff")
        first = next((line for line in text.splitlines() if line.strip()), "")
        rows = [(n, cells) for n, cells in _records(text, delimiter=_delimiter(first)) if any(cells)]
    except _FileProblem as problem:
        out.errors.append(RowError(None, None, str(problem)))
        return out
    if not rows:
        out.errors.append(RowError(None, None, "there are no rows: enter one month a row, like 2019-03,7"))
        return out
    header_row, header = rows[0]
    names = [c.strip().lower().lstrip("\ufeff") for c in header]
    if "period" in names or "value" in names:
        missing = [c for c in ("period", "value") if c not in names]
        if missing:
            out.errors.append(
                RowError(
                    header_row, None, f"the column names must include period and value (missing: {', '.join(missing)})"
                )
            )
            return out
        at_period, at_value = names.index("period"), names.index("value")
        body = rows[1:]
    elif parse_period(header[0]) is not None:
        at_period, at_value = 0, 1  # pasted without a header: period then value
        body = rows
    else:
        out.errors.append(RowError(header_row, None, "the first row must name the columns: period,value"))
        return out
    if len(body) > MAX_ROWS:
        out.errors.append(RowError(None, None, f"too many rows: at most {MAX_ROWS} months at a time"))
        return out
    seen = {}
    for n, cells in body:
        period = parse_period(cells[at_period]) if at_period < len(cells) else None
        raw_value = cells[at_value] if at_value < len(cells) else ""
        value = parse_value(raw_value) if raw_value else None
        if at_period >= len(cells) or not cells[at_period]:
            out.errors.append(RowError(n, "period", "enter the month, like 2019-03"))
        elif period is None:
            out.errors.append(RowError(n, "period", f"{cells[at_period]!r} is not a month: write it like 2019-03"))
        elif period in seen:
            out.errors.append(RowError(n, "period", f"{period:%Y-%m} is already given in row {seen[period]}"))
        if not raw_value:
            out.errors.append(RowError(n, "value", "enter a number"))
        elif value is None:
            out.errors.append(RowError(n, "value", f"{raw_value!r} is not a number"))
        if period is not None and period not in seen:
            seen[period] = n
        if period is not None and value is not None:
            out.values.append((period, value))
    if out.errors:
        out.values = []
    return out
