"""Run as a subprocess by the kill-mid-upload test: uploads the terminal's waiting scanned pages,
printing a line after each chunk the platform answered, until killed (or done)."""

from __future__ import annotations

import sys
from pathlib import Path

from app.config import Paths
from app.context import open_context
from sync.connection import open_api
from sync.uploader import upload_pending


def main() -> None:
    ctx = open_context(Paths(Path(sys.argv[1])))
    api = open_api(ctx)
    print("READY", flush=True)
    total = upload_pending(ctx, api, on_chunk=lambda t: print(f"CHUNK {t.chunks} {t.bytes}", flush=True))
    print(f"DONE {total.pages}", flush=True)


if __name__ == "__main__":
    main()
