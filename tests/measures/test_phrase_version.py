"""The seed's phrases are pinned to the phrase version: a change of wording that does not
bump ``PHRASE_VERSION`` would leave stored phrases of the old wording standing as valid."""

import datetime as dt
import hashlib

from measures.asof import measure_states_as_of
from measures.phrases import PHRASE_VERSION

# Dates around the seed's events and after its plan's last due dates.
DATES = (dt.date(2023, 1, 31), dt.date(2023, 5, 12), dt.date(2024, 3, 31), dt.date(2029, 3, 31))

# (version, digest of every seed phrase on DATES). When wording changes on purpose: bump
# PHRASE_VERSION in measures/phrases.py and put the new digest here, in the same commit.
GOLDEN = ("2026-12-06.2", "a48256de8006bfd8")


def _digest() -> str:
    lines = [
        f"{day} {state.measure.organization.code} {state.measure.code} {state.phrase}"
        for day in DATES
        for state in measure_states_as_of(as_of=day)
    ]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def test_the_seed_phrases_change_only_with_a_new_phrase_version(seed):
    digest = _digest()
    assert (PHRASE_VERSION, digest) == GOLDEN, (
        "The seed's phrases changed: bump PHRASE_VERSION and pin the new digest "
        f"({digest}) in GOLDEN."
        if GOLDEN[0] == PHRASE_VERSION
        else "PHRASE_VERSION changed: pin the digest of the new wording in GOLDEN."
    )
