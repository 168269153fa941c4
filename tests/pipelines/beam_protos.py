"""A pipeline proto holding only environments: what the worker-environment rewrites read and change."""

from __future__ import annotations


def proto_with(envs: dict[str, tuple[str, bytes]]):
    """``{environment id: (urn, payload)}`` -> a ``beam_runner_api_pb2.Pipeline`` with those environments."""
    from apache_beam.portability.api import beam_runner_api_pb2

    proto = beam_runner_api_pb2.Pipeline()
    for env_id, (urn, payload) in envs.items():
        proto.components.environments[env_id].urn = urn
        proto.components.environments[env_id].payload = payload
    return proto
