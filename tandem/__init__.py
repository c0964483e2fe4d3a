"""Tandem: the working system of a co-produced Recovery College.

Importing this package must stay cheap and must not import Django: `tandem spc` and
`tandem plan` run without it.
"""
