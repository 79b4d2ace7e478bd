"""gunicorn's settings file (docker/entrypoint.sh: `gunicorn -c config/gunicorn.conf.py`).

The command line sets the bind address, workers and timeout; this file adds one server hook.

Garbage collection in a web worker. After its first requests a worker holds some 110,000
objects that live as long as the process (Django, the templates, the search index's readers,
the caches the search fills), and Python's full collection walks them all whenever it runs:
80-120 ms on a 2-core machine, a stall that every request queued behind the worker waits out,
and the p99 of `bench/new_queries.py`. So after its 50th, 500th and 5,000th request a worker
collects once and moves what is left to the permanent generation (`gc.freeze`, made for this);
later collections walk only what was allocated since (17-31 ms; README, "Benchmarks").
Objects frozen are still freed when nothing refers to them; only a reference cycle that was
alive at the freeze and later dropped is kept, and caches that fill up are what lives on.
"""

import gc
import os

# After these many requests a worker freezes its heap (the caches fill up as requests come);
# GC_FREEZE=0 turns it off.
FREEZE_AFTER = (50, 500, 5000)
_served = 0


def freeze_due(served: int) -> bool:
    """Whether the worker's heap is frozen after its `served`-th request."""
    return os.environ.get("GC_FREEZE", "1") != "0" and served in FREEZE_AFTER


def post_request(worker, req, environ, resp):
    global _served
    _served += 1
    if freeze_due(_served):
        gc.collect()
        gc.freeze()
