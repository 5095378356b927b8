"""Write in a second thread while the next pieces are made: `write_behind(write, pieces)`.

The workbook writer spends about as long compressing its sheets (zlib) as formatting them
(Python). zlib's compressor, crc32 and file writes release the GIL, so handing each finished
piece to a writer thread lets compression run on the second core while the next rows are
formatted. The bytes written and their order are exactly those of ``for p in pieces: write(p)``.
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable

__all__ = ["write_behind"]

_DONE = object()


def write_behind(write: Callable[[bytes], object], pieces: Iterable[bytes], depth: int = 4) -> None:
    """``for p in pieces: write(p)``, with the writes in a second thread (at most `depth` pieces
    waiting). An error on either side stops both and is raised here."""
    waiting: queue.Queue = queue.Queue(maxsize=depth)
    failed: list[BaseException] = []

    def writer() -> None:
        while True:
            piece = waiting.get()
            if piece is _DONE:
                return
            if not failed:
                try:
                    write(piece)
                except BaseException as exc:  # noqa: BLE001 — handed to the caller below
                    failed.append(exc)

    thread = threading.Thread(target=writer, name="write-behind", daemon=True)
    thread.start()
    try:
        for piece in pieces:
            if failed:
                break
            waiting.put(piece)
    finally:
        waiting.put(_DONE)
        thread.join()
    if failed:
        raise failed[0]
