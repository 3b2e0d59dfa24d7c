"""Settings refuse to start insecurely."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _start(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_missing_secret_key_refuses_to_start_outside_debug():
    result = _start({"DJANGO_SETTINGS_MODULE": "config.settings"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_mode_starts_without_a_key():
    result = _start({"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "true"})
    assert result.returncode == 0, result.stderr


def test_a_malformed_boolean_is_named():
    result = _start({"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be one of" in result.stderr


def test_empty_variables_mean_the_default(monkeypatch):
    from config.env import envstr

    monkeypatch.setenv("DJANGO_MEDIA_ROOT", "")
    assert envstr("DJANGO_MEDIA_ROOT", "/srv/media") == "/srv/media"
