"""How big the demo is: the customers of the generated company, and each pack's share of it."""

from __future__ import annotations

DEFAULT_SIZE = 3000  # customers in `make demo`; `kht demo --size N` asks for another number
SMALLEST_SHARE = 20  # enough records for a pack's pages, lists and reports to show something


def demo_share(size: int, full: int) -> int:
    """How many of a pack's demo records to make for a demo of `size` customers.

    `full` is the pack's count at the default size (DEFAULT_SIZE); other sizes get the same
    proportion, never fewer than SMALLEST_SHARE (nor more than `full` asks when `full` is
    smaller): `kht demo --size 0` in a test stays quick and still shows every pack at work.
    """
    return max(min(full, SMALLEST_SHARE), round(full * size / DEFAULT_SIZE))
