import subprocess
import sys

import pytest


def load_settings(**env):
    base = {"PATH": "/usr/bin:/bin", "SECRET_KEY": "x" * 50, "TANDEM_DOTENV": "false"}  # a checkout's .env aside
    base.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import tandem.settings"],
        capture_output=True,
        text=True,
        env={k: v for k, v in base.items() if v is not None},
    )


@pytest.mark.parametrize(
    "env,message",
    [
        ({"DEBUG": "maybe"}, "DEBUG must be true or false, not 'maybe'"),
        ({"IMPORT_MAX_BYTES": "lots"}, "IMPORT_MAX_BYTES must be a whole number"),
        ({"BACKUP_MAX_BYTES": "1GB"}, "BACKUP_MAX_BYTES must be a whole number"),
        ({"BACKUP_MAX_BYTES": "1000"}, "BACKUP_MAX_BYTES must be at least 1048576"),
        ({"BACKUP_SIGNING_KEY": "short"}, "BACKUP_SIGNING_KEY must be at least 32 characters"),
        ({"SESSION_COOKIE_AGE": "5"}, "SESSION_COOKIE_AGE must be at least 60"),
        ({"SECRET_KEY": None}, "SECRET_KEY is not set"),
        ({"DATABASE_URL": "nonsense://x"}, "DATABASE_URL is not a valid database URL"),
    ],
)
def test_bad_settings_fail_loudly(env, message):
    done = load_settings(**env)
    assert done.returncode != 0
    assert message in done.stderr


def test_defaults_are_sqlite_and_postgres_by_url():
    done = subprocess.run(
        [sys.executable, "-c", "import tandem.settings as s; print(s.DATABASES['default']['ENGINE'])"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "true"},
    )
    assert done.stdout.strip() == "django.db.backends.sqlite3"
    done = subprocess.run(
        [sys.executable, "-c", "import tandem.settings as s; print(s.DATABASES['default']['ENGINE'])"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "true", "DATABASE_URL": "postgres://u@127.0.0.1:5432/tandem"},
    )
    assert done.stdout.strip() == "django.db.backends.postgresql"


def test_a_checkouts_env_file_is_read_and_real_variables_win(tmp_path):
    """make install writes .env (DEBUG, SECRET_KEY) so commands work in the folder; the environment wins."""
    import tandem.settings as real

    env_file = real.BASE_DIR / ".env"
    if not env_file.exists():
        pytest.skip("no .env in this checkout (make install writes it)")
    code = "import tandem.settings as s; print(s.DEBUG, s.SECRET_KEY != 'insecure-development-key-not-for-production')"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=real.BASE_DIR, env={"PATH": "/usr/bin:/bin"}
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=real.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "false", "SECRET_KEY": "y" * 50},
    )
    assert done.stdout.split() == ["False", "True"]
