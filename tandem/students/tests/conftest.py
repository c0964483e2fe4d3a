import pytest


@pytest.fixture(autouse=True)
def emails_at_once(monkeypatch):
    """The students' emails go after the transaction commits; a test's transaction never does,
    so here they go at once (mail.outbox sees them)."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
