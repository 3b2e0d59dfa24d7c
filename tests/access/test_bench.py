"""The permission benchmark runs end to end (a smoke test: figures are not asserted)."""

import io

from django.core.management import call_command

from measures.models import Countermeasure


def test_bench_access_runs_and_keeps_nothing(seed):
    before = Countermeasure.objects.count()
    out = io.StringIO()
    call_command("bench_access", "--measures", "4", "--repeat", "2", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].endswith("ms each)")
    assert "bench-promoter: sees 2 of" in lines[1]
    assert "1 query" in lines[1]
    assert Countermeasure.objects.count() == before
