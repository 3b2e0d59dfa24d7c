"""Production settings under gunicorn, driven by locust: the load test end to end, briefly."""

import io

import pytest
from django.core.management import call_command
from django.db import connection


def test_the_load_test_runs_against_gunicorn_without_errors(live_seed):
    if connection.vendor != "postgresql":
        pytest.skip("the load test runs on PostgreSQL")
    out = io.StringIO()
    call_command(
        "loadtest",
        "--preset",
        "tiny",
        "--users",
        "4",
        "--duration",
        "8",
        "--workers",
        "2",
        "--port",
        "8766",
        stdout=out,
    )
    text = out.getvalue()
    assert "gunicorn 2 workers, 4 virtual users" in text
    summary = next(line for line in text.splitlines() if line.startswith("all "))
    requests, errors = (int(v) for v in summary.split()[1:3])
    # How many requests fit in 8 s depends on the machine's load (speed is the bench's
    # business, not a test's): that they ran, and none failed, is what is checked here.
    assert requests > 0 and errors == 0
    assert "dashboard" in text and "sign in" in text
