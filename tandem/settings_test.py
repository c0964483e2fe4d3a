"""Settings for the test suite: the real settings, with fast hashing, a test mailbox and tasks
run at once (so a test sees a task's result without a worker)."""

import os

os.environ["TANDEM_DOTENV"] = "false"  # a developer's .env must not change what the tests see
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")  # the test client and live server speak plain HTTP
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")

from tandem.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Two-factor is off for force_login sessions in view tests; tandem/accounts/tests turn it on
# (settings.TANDEM_OTP_REQUIRED = True) to test the whole flow, and so does one browser test.
TANDEM_OTP_REQUIRED = False
# A name a template uses but was not given fails the test that renders it (tandem.core.jinja2).
STRICT_TEMPLATES = True
