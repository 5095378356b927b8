"""models.write_behind: the same writes in the same order, and errors of either side raised."""
from __future__ import annotations

import threading

import pytest

from models.write_behind import write_behind


def test_writes_every_piece_in_order_in_another_thread():
    got, threads = [], set()

    def write(piece):
        threads.add(threading.get_ident())
        got.append(piece)

    pieces = [str(i).encode() for i in range(1000)]
    write_behind(write, iter(pieces), depth=3)
    assert got == pieces
    assert threads and threading.get_ident() not in threads


def test_an_error_of_the_writer_is_raised_and_stops_the_pieces():
    made = []

    def pieces():
        for i in range(10_000):
            made.append(i)
            yield b"x"

    def write(piece):
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_behind(write, pieces(), depth=2)
    assert len(made) < 10_000


def test_an_error_of_the_pieces_is_raised_after_the_writes_before_it():
    got = []

    def pieces():
        yield b"a"
        yield b"b"
        raise ValueError("bad row")

    with pytest.raises(ValueError, match="bad row"):
        write_behind(got.append, pieces())
    assert got == [b"a", b"b"]
