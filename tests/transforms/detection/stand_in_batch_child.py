"""A stand-in for the detection child (``batch_child.py``), for tests of the worker's side: it answers
every batch with empty spans of the right shape, or misbehaves as its spec (a word) says. Builds no
detector, so it is up at once."""

from __future__ import annotations

import sys
import time

from transforms.detection.ordered_child import READY, child_main

SLOW_S = 30.0  # "slow": far longer than the tests' timeouts; the tests stop the child long before


def _serve(recv, send) -> None:
    mode = recv.recv()
    if mode == "fatal":
        raise RuntimeError("cannot build")  # before the handshake, as a detector that fails to build
    if mode == "slow_start":
        time.sleep(SLOW_S)  # as a detector that takes long to build
    send.send(READY)
    while True:
        number, docs, convs = recv.recv()
        results = ([[] for _ in docs], [[[] for _ in turns] for turns, _, _ in convs])
        if mode == "slow":
            time.sleep(SLOW_S)
        elif mode == "wrong_number":
            number += 1
        elif mode == "short":
            results = (results[0][1:], results[1])
        elif mode == "garbage":
            send.send("not a message")
            continue
        send.send(("ok", (number, results)))


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:], _serve))
