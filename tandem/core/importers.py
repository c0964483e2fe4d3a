"""CSV import of tutors and courses (placeholder: implemented in tandem.core.csv_import)."""

from .csv_import import ImportResult, import_file  # noqa: F401
