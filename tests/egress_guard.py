"""No network egress from tests: Python sockets may connect to loopback (127.0.0.0/8, ::1, localhost) and
Unix sockets only; name lookups are refused for anything but loopback names. ``install()`` is applied
to the pytest process (``tests/conftest.py``) and, through ``tests/_egress/sitecustomize.py`` on
``PYTHONPATH``, to every ``redact`` subprocess the end-to-end tests start (``run_cli``).

Native clients that open their own sockets (gRPC's C core) are not covered; they talk to loopback test
servers only (see ``tests/kms_servers.py``).
"""

from __future__ import annotations

import ipaddress
import socket

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


class EgressBlocked(ConnectionRefusedError):
    """A test tried to reach a non-loopback address."""


def is_local(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    host = host.strip("[]").split("%", 1)[0].lower()
    if host in _LOCAL_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def install() -> None:
    if getattr(socket, "_redact_egress_guard", False):
        return
    connect, connect_ex, getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

    def check(sock: socket.socket, address) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_local(address[0]):
            raise EgressBlocked(f"network egress blocked in tests: {address[0]}")

    def guarded_connect(self, address):
        check(self, address)
        return connect(self, address)

    def guarded_connect_ex(self, address):
        check(self, address)
        return connect_ex(self, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if host is not None and not is_local(host):
            raise socket.gaierror(socket.EAI_NONAME, f"name lookup blocked in tests: {host}")
        return getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = guarded_connect
    socket.socket.connect_ex = guarded_connect_ex
    socket.getaddrinfo = guarded_getaddrinfo
    socket._redact_egress_guard = True
