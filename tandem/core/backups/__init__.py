"""Portable backups: `archive` (what an archive holds: its models, manifest, fingerprint and
signature), `backup` (snapshot, write, sign) and `restore` (read, check, load)."""
