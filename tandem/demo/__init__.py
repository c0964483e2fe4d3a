"""The demo College: a deterministic, invented Recovery College generated from a seed.

`generate(seed)` writes it to the database (tandem.demo.generate); `simulate(seed)` builds the same
College in plain Python (tandem.demo.simulate); `release_decision` is the one rule deciding whether a
line manager releases a staff tutor (tandem.demo.release).
"""

from .generate import generate, summarise

__all__ = ["generate", "summarise"]
