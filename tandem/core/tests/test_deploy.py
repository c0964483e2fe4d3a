"""Production settings: `tandem check --deploy --fail-level WARNING` passes with the values of
docs/production.env.example (and fails with development ones), in a clean subprocess."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "docs" / "production.env.example"
TANDEM = [sys.executable, "-c", "import sys; from tandem.cli import main; sys.exit(main())"]


def read_env_file(path):
    values = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        assert sep and key.strip().isidentifier(), f"{path.name} line {number} is not NAME=value"
        values[key.strip()] = value.strip()
    return values


def check_deploy(values):
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),  # nosec B108
        "DJANGO_SETTINGS_MODULE": "tandem.settings",
        "TANDEM_DOTENV": "false",
        **values,
    }
    return subprocess.run(
        [*TANDEM, "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_example_production_environment_passes_the_deploy_check():
    values = read_env_file(EXAMPLE)
    assert "CHANGE-ME" in values["SECRET_KEY"] and values["DEBUG"] == "false"
    result = check_deploy(values)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in (result.stdout + result.stderr)


def test_development_values_fail_it():
    values = {**read_env_file(EXAMPLE), "DEBUG": "true", "SECURE_HSTS_SECONDS": "0", "SECURE_SSL_REDIRECT": "false"}
    result = check_deploy(values)
    assert result.returncode != 0
    assert "security.W004" in result.stderr or "security.W004" in result.stdout  # no HSTS
    assert "security.W018" in result.stderr or "security.W018" in result.stdout  # DEBUG on
