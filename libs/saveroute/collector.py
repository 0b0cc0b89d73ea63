"""How saveroute processes keep Python's cycle collector off their long-lived start-up state.

A process loads the policy, its compiled lexicon and model, schemas and codecs once and
keeps them until exit. The cycle collector would trace all of that again on every older-
generation collection for nothing, so start-up runs with collection paused and what it
built is then frozen out of collection. `saveroute route` and every stage process
(`runtime.loop.tune_gc`) use these two helpers; nothing else touches `gc`.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No cycle collection inside the block (imports, policy load, compiling); restored after."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def freeze_startup(*, collect: bool = True, young_threshold: int = 0) -> None:
    """Move everything alive now out of the collector's reach; optionally collect first (to
    freeze no garbage) and make young collections rarer (0 keeps Python's threshold)."""
    if collect:
        gc.collect()
    gc.freeze()
    if young_threshold:
        _gen0, gen1, gen2 = gc.get_threshold()
        gc.set_threshold(young_threshold, gen1, gen2)
