"""Entry point of a local multi-processing Beam worker (``--direct_running_mode multi_processing``).

It runs Beam's own SDK harness (``apache_beam.runners.worker.sdk_worker_main``) unchanged, and once the
harness has returned (the launcher closed the control channel; every bundle has been answered, every
DoFn torn down, the logs flushed to the launcher) the process exits at once instead of finalizing the
interpreter: collecting a worker's heap (spaCy, Presidio, caches: hundreds of MB of small objects)
took about a second per worker, and the launcher waits for its workers one after the other before the
run can go on (``pipelines.beam_runner.LocalRunner``). A harness that fails raises as before (non-zero
exit status). Privacy contract: nothing is logged or written here.
"""

from __future__ import annotations

import logging
import os
import sys


def main(argv: list[str]) -> None:
    from apache_beam.runners.worker import sdk_worker_main

    sdk_worker_main.main(argv)  # raises on failure: the normal, non-zero exit
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv)
