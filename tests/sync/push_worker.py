"""Run as a subprocess by the kill-mid-batch test: pushes the terminal's outbox to the
platform in small batches, printing a line after each answered batch, until killed (or done)."""

from __future__ import annotations

import sys
from pathlib import Path

from app.config import Paths
from app.context import open_context
from sync.connection import open_api
from sync.pusher import push_pending


def main() -> None:
    ctx = open_context(Paths(Path(sys.argv[1])))
    batch_size = int(sys.argv[2])
    api = open_api(ctx)
    print("READY", flush=True)
    total = push_pending(ctx, api, batch_size, on_batch=lambda t: print(f"BATCH {t.applied + t.duplicate}", flush=True))
    print(f"DONE {total.applied + total.duplicate}", flush=True)


if __name__ == "__main__":
    main()
