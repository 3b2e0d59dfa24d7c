"""``collector_paused``: bulk reads without the cyclic garbage collector's passes.

Reading every measure "as of" a date makes a few hundred thousand objects that all live
until the reading ends (instances, their dicts, tuples, dates). CPython's collector runs
whenever allocations outnumber deallocations by its threshold, and every so often a pass
over the older generations walks every tracked object of the process: with 20,000
measures these passes took about half of the reading alone and 30-40% of "as of" in the
benchmark, and none of them freed anything, since everything made is still referenced.
Measured on 2026-11-26 with the group preset: the reading alone 0.95-1.0 s with the
collector, 0.48-0.52 s without it; "as of" in the benchmark 0.74-0.94 s before, 0.44-0.67 s
after (alternating runs).

Pausing the collector for the reading and resuming it afterwards frees the same memory:
reference counting frees what is not in a cycle as it goes, and the collector's next pass
finds any cycle made meanwhile.

The collector is one per process, not per thread, and the pause is by state, not by
count: only the pause that found the collector running resumes it, so
- in a nested pause the outer one resumes it;
- with threads (gunicorn ``--threads``), the thread that paused it resumes it when it
  finishes, even while another thread is still reading: that reading loses the speed,
  nothing else;
- a collector turned off elsewhere before the pause stays off, but one turned off
  elsewhere during a pause is turned back on when the pause ends.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Context manager and decorator: no cyclic garbage collection inside."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
