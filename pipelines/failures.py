"""Known causes of a failed Beam run, named in one line of fixed words.

Runners wrap errors in their own exceptions whose messages can quote record values (a DoFn's input in
a traceback). ``explain_runner_failure`` walks the exception chain, recognises known failure classes
by exception type (and, for foreign errors without a type of their own, by a marker in the message),
and returns a fixed sentence with the remedy. It never echoes the foreign message: the result is one
of the sentences below or the exception's class name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class KnownFailure:
    name: str
    matches: Callable[[BaseException, str], bool]
    sentence: str


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        cur = todo.pop(0)
        if id(cur) in seen:
            continue
        seen.add(id(cur))
        yield cur
        todo += [e for e in (cur.__cause__, cur.__context__) if e is not None]


def _type_names(exc: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(exc).__mro__}


def _docker(exc: BaseException, text: str) -> bool:
    if isinstance(exc, FileNotFoundError) and "docker" in str(getattr(exc, "filename", "") or ""):
        return True
    cmd = getattr(exc, "cmd", None)
    if isinstance(cmd, list | tuple) and cmd and str(cmd[0]).endswith("docker"):
        return True
    return "docker" in text and ("harness" in text or "run" in text or "environment" in text)


def _job_service(exc: BaseException, text: str) -> bool:
    return ("_InactiveRpcError" in _type_names(exc) or "RpcError" in _type_names(exc)) and (
        "unavailable" in text or "failed to connect" in text or "connection refused" in text
    )


def _credentials(exc: BaseException, text: str) -> bool:
    names = _type_names(exc)
    return bool(names & {"NoCredentialsError", "DefaultCredentialsError", "PartialCredentialsError"})


def _denied(exc: BaseException, text: str) -> bool:
    names = _type_names(exc)
    return isinstance(exc, PermissionError) or bool(names & {"Forbidden", "AccessDenied"}) or "accessdenied" in text


KNOWN: tuple[KnownFailure, ...] = (
    KnownFailure(
        "docker_harness",
        _docker,
        "the portable runner tried to start a Docker SDK harness: add --environment_type LOOPBACK "
        "(local runs) or give --environment_type/--environment_config of a harness your cluster can start",
    ),
    KnownFailure(
        "job_service_unreachable",
        _job_service,
        "the runner's job service could not be reached: check --job_endpoint (or use --job_endpoint embed)",
    ),
    KnownFailure(
        "out_of_memory",
        lambda exc, text: isinstance(exc, MemoryError),
        "a worker ran out of memory: lower --direct_num_workers or the input file size, or give workers more memory",
    ),
    KnownFailure(
        "no_credentials",
        _credentials,
        "no cloud credentials were found for the storage or runner: configure the SDK's credential chain",
    ),
    KnownFailure(
        "access_denied",
        _denied,
        "access was denied to a file, bucket or service the pipeline uses: check permissions on the output root",
    ),
    KnownFailure(
        "disk_full",
        lambda exc, text: isinstance(exc, OSError) and getattr(exc, "errno", None) == 28,
        "no space left on the device holding the output or temp files",
    ),
)


def classify(exc: BaseException) -> KnownFailure | None:
    """The first known failure class found anywhere in the exception chain."""
    for cur in _chain(exc):
        text = str(cur).lower()
        for known in KNOWN:
            if known.matches(cur, text):
                return known
    return None


def explain_runner_failure(exc: BaseException) -> str:
    """One line naming the cause (never the foreign message): a known sentence, else the class name."""
    known = classify(exc)
    return known.sentence if known else f"{type(exc).__name__} (re-run with --debug for the runner's traceback)"
