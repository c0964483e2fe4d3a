"""Imports of the College's records: tutors and courses (imports.sheets), past session registers
(imports.registers). One entry point for the upload page and `tandem import`."""

from .imports.reading import ImportResult, human_size
from .imports.registers import import_register
from .imports.sheets import import_file as _import_sheet

__all__ = ["KINDS", "ImportResult", "human_size", "import_file"]

KINDS = ("tutors", "courses", "sessions")


def import_file(*, kind, data, college, actor) -> ImportResult:
    if kind == "sessions":
        return import_register(data=data, college=college, actor=actor)
    return _import_sheet(kind=kind, data=data, college=college, actor=actor)
