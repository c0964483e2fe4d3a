"""Imports of the College's records. `reading` turns a file into rows and diagnostics; `sheets`
holds the tutor and course sheets; `registers` the past session registers. Callers use
`tandem.core.importers` (the single entry point)."""
