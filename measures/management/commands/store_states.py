"""The twin of the periodic task that stores the states the services did not (after a bulk
load or an upgrade that changes the phrase code), run here and now."""

import time

from django.core.management.base import BaseCommand

from measures.stored_states import store_stale_states


class Command(BaseCommand):
    help = (
        "Compose and store the status and wording of every measure whose stored state is "
        "missing or does not hold (the as-of reading composes those itself until then); "
        "first check the triggers' event counts against the events."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        stored = store_stale_states()
        seconds = time.perf_counter() - started
        self.stdout.write(f"stored {stored:,} states in {seconds:.1f} s")
