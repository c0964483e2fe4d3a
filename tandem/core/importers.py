"""Imports of the College's records: tutors and courses (csv_import), past session registers
(register_import). One entry point for the upload page and `tandem import`."""

from .csv_import import ImportResult, import_file as _import_sheet
from .register_import import import_register

KINDS = ("tutors", "courses", "sessions")


def import_file(*, kind, data, college, actor) -> ImportResult:
    if kind == "sessions":
        return import_register(data=data, college=college, actor=actor)
    return _import_sheet(kind=kind, data=data, college=college, actor=actor)
