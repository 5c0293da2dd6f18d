"""Starts a real suite (`copydesk up`) on free ports for the session and
waits on gRPC health checking until every server is SERVING."""

import os
import socket
import subprocess
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

REPO = Path(__file__).resolve().parents[3]
# Small, so a test can send a document over it without megabytes of text.
MAX_DOCUMENT_BYTES = 20_000


def free_port() -> int:
    # Bound and released: the usual small race, acceptable for tests (the
    # server reports a bind failure at once, and the fixture shows it).
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copydesk_binary() -> str:
    binary = os.environ.get("COPYDESK_BIN") or str(REPO / "target" / "debug" / "copydesk")
    if not os.environ.get("COPYDESK_BIN"):
        # Cheap when it is up to date; makes a fresh checkout work.
        subprocess.run(["cargo", "build", "--quiet", "-p", "copydesk-cli"], cwd=REPO, check=True)
    return binary


def wait_until_serving(address: str, service: str, process: subprocess.Popen, timeout: float = 180) -> None:
    with grpc.insecure_channel(address) as channel:
        watch = health_pb2_grpc.HealthStub(channel).Watch(
            health_pb2.HealthCheckRequest(service=service), timeout=timeout, wait_for_ready=True
        )
        try:
            for reply in watch:
                if reply.status == health_pb2.HealthCheckResponse.SERVING:
                    return
        except grpc.RpcError as error:
            raise RuntimeError(f"{service} at {address} never SERVING (exit {process.poll()}): {error}") from None
    raise RuntimeError(f"health watch of {service} at {address} ended before SERVING")


@pytest.fixture(scope="session")
def gateway():
    """The gateway's "host:port" of a suite running for this session."""
    ports = {name: free_port() for name in ("gateway", "segmenter", "entities", "sentiment")}
    env = dict(os.environ)
    for name, port in ports.items():
        env[f"COPYDESK_{name.upper()}_LISTEN"] = f"127.0.0.1:{port}"
    env["COPYDESK_MODELS_DIR"] = str(REPO / "models")
    env["COPYDESK_MAX_DOCUMENT_BYTES"] = str(MAX_DOCUMENT_BYTES)
    process = subprocess.Popen([copydesk_binary(), "up"], cwd=REPO, env=env)
    try:
        services = {
            "segmenter": "copydesk.v1.Segmenter",
            "entities": "copydesk.v1.EntityRecognizer",
            "sentiment": "copydesk.v1.SentimentAnalyzer",
            "gateway": "copydesk.v1.Annotator",
        }
        for name, service in services.items():
            wait_until_serving(f"127.0.0.1:{ports[name]}", service, process)
        yield f"127.0.0.1:{ports['gateway']}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
