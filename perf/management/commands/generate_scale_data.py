"""Generate a utility group at scale (reproducibly from --seed) for benchmarks and load tests."""

import time

from django.core.management.base import BaseCommand, CommandError

from perf.scale import PRESETS, AlreadyGenerated, Generator


class Command(BaseCommand):
    help = (
        "Generate organizations, units, people with roles, committees, measures with "
        "sub-items and five years of status events (codes scale-NN). Presets: "
        + ", ".join(f"{name} ({p.measures:,} measures)" for name, p in PRESETS.items())
    )

    def add_arguments(self, parser):
        parser.add_argument("--preset", choices=sorted(PRESETS), default="small")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, preset: str, seed: int, **options):
        started = time.perf_counter()
        self.stdout.write(f"generating preset {preset} (seed {seed})")
        try:
            counts = Generator(PRESETS[preset], seed=seed, log=self.stdout.write).run()
        except AlreadyGenerated as exc:
            raise CommandError(f"{exc}; generate into a fresh database") from exc
        self.stdout.write(
            f"done in {time.perf_counter() - started:.1f} s: "
            + ", ".join(f"{n:,} {what}" for what, n in counts.items())
        )
