"""The twin of the periodic task that stores the states the services did not (after a bulk
load or an upgrade that changes the phrase code), run here and now."""

import time

from django.core.management.base import BaseCommand

from measures.stored_states import stale_measure_ids, store_states


class Command(BaseCommand):
    help = (
        "Compose and store the status and wording of every measure whose stored state is "
        "missing or stale (the as-of reading composes those itself until then)."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        stale = stale_measure_ids()
        stored = store_states(stale)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"stored {stored:,} states ({len(stale):,} missing or stale) in {seconds:.1f} s"
        )
