"""Processes as /proc shows them (Linux): for tests that check nothing outlives a job."""

from __future__ import annotations

from pathlib import Path


def stat(pid: int) -> tuple[str, int, int] | None:
    """``(state, parent pid, process group)`` of ``pid`` from /proc, ``None`` when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = raw.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1]), int(fields[2])


def living() -> list[tuple[int, int, int]]:
    """``(pid, parent, group)`` of every living (not zombie) process."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (st := stat(int(entry.name))) and st[0] != "Z":
            out.append((int(entry.name), st[1], st[2]))
    return out


def descendants(pid: int) -> set[int]:
    procs, found, todo = living(), set(), [pid]
    while todo:
        parent = todo.pop()
        kids = {p for p, pp, _ in procs if pp == parent}
        todo.extend(kids - found)
        found |= kids
    return found


def group_members(group: int) -> list[int]:
    """Living processes of process group ``group``."""
    return [p for p, _, g in living() if g == group]
