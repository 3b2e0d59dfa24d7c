"""``collector_paused``: bulk reads without the cyclic garbage collector's passes.

Reading every measure "as of" a date makes a few hundred thousand objects that all live
until the reading ends (instances, their dicts, tuples, dates). CPython's collector runs
whenever allocations outnumber deallocations by its threshold, and each older-generation
pass walks every tracked object of the process: with 20,000 measures these passes took
about half of the reading (0.95-1.0 s with them, 0.48-0.52 s without; docs/performance.md).
None of them frees anything, since everything made is still referenced.

Pausing the collector for the reading and resuming it afterwards frees the same memory:
reference counting frees what is not in a cycle as it goes, and the collector's next pass
finds any cycle made meanwhile. The pause is process-wide; it is not re-entrant by count
but by state: only the outermost pause (the one that found the collector running) resumes
it, and a collector that someone else turned off stays off.
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
