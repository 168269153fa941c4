"""The tests' egress guard blocks anything but loopback, in the test process and in CLI subprocesses."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading

import pytest

from tests.conftest import REPO
from tests.egress_guard import EgressBlocked, is_local


@pytest.mark.parametrize("address", [("192.0.2.10", 443), ("8.8.8.8", 53)])
def test_connect_to_a_public_address_is_blocked(address):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s, pytest.raises(EgressBlocked):
        s.connect(address)


def test_ipv6_and_connect_ex_are_blocked():
    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s, pytest.raises(EgressBlocked):
        s.connect_ex(("2001:db8::1", 443, 0, 0))


def test_name_lookup_of_a_public_host_is_blocked():
    with pytest.raises(socket.gaierror):
        socket.create_connection(("example.com", 443), timeout=1)


def test_loopback_still_works():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        t = threading.Thread(target=lambda: server.accept()[0].close())
        t.start()
        with socket.create_connection(("localhost", server.getsockname()[1]), timeout=5):
            pass
        t.join(timeout=5)


@pytest.mark.parametrize(
    ("host", "local"), [("127.0.0.1", True), ("::1", True), ("localhost", True), ("10.0.0.1", False)]
)
def test_is_local(host, local):
    assert is_local(host) is local


def test_cli_subprocesses_are_guarded_too():
    import os

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "tests" / "_egress")])}
    code = "import socket\ntry:\n    socket.socket().connect(('192.0.2.10', 80))\nexcept ConnectionRefusedError as e:\n    print(e)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, cwd=REPO)
    assert "network egress blocked" in out.stdout, out.stderr
