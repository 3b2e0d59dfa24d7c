"""Measures generated in bulk for the bench commands (not through the services: no history,
no permission sync). Callers roll them back."""

from __future__ import annotations

import datetime as dt
import random

from governance.models import Organization, OrgUnit
from measures.models import Countermeasure, StatusEvent


def add_measures(
    count: int, *, day: dt.date, rng: random.Random, organization: str = "chubu-pg"
) -> list[Countermeasure]:
    """``count`` measures of ``organization`` owned by its first-line units, due within 120
    days either side of ``day``, each with a first status event 30 to 300 days before it."""
    if not count:
        return []
    org = Organization.objects.get(code=organization)
    units = list(OrgUnit.objects.filter(organization=org, line="first"))
    rows = []
    for i in range(count):
        due = day + dt.timedelta(days=rng.randint(-120, 120))
        rows.append(
            Countermeasure(
                organization=org,
                code=f"BENCH-{i:06d}",
                position=10_000 + i,
                title=f"bench measure {i}",
                nature=rng.choice(["one_off", "continuous"]),
                owner_unit=rng.choice(units),
                due_on=due,
                planned_on=day - dt.timedelta(days=365),
            )
        )
    created = Countermeasure.objects.bulk_create(rows, batch_size=2000)
    events = [
        StatusEvent(
            measure=m,
            status=rng.choice(["planned", "in_progress", "implemented"]),
            effective_on_date=day - dt.timedelta(days=rng.randint(30, 300)),
            planned_for_date=m.due_on,
        )
        for m in created
    ]
    StatusEvent.objects.bulk_create(events, batch_size=2000)
    return created


def signed_in_client(user):
    """A test client signed in as ``user`` with a confirmed second factor (the benchmarks'
    second-line officers must have one); the device is rolled back with the caller."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
