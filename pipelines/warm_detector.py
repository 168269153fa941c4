"""Imported only by the warm worker server (``pipelines.warm_workers.PRELOAD``), never by a command: builds
the default detector there once, so every worker forked from the server starts with it (a worker whose run
has other detection settings builds its own, with the server's imports and caches already warm)."""

from transforms.detect import prebuild

prebuild()
