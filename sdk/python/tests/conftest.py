"""Starts a real suite (`copydesk up`) on free ports for the session and
waits on gRPC health checking until every server is SERVING; a second
gateway (`copydesk serve gateway`) with TLS and a bearer token, in front of
the same services, for the TLS tests."""

import datetime
import ipaddress
import os
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, Optional

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

REPO = Path(__file__).resolve().parents[3]
# Small, so a test can send a document over it without megabytes of text.
MAX_DOCUMENT_BYTES = 20_000
TOKEN = "s3cret-test-token"


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


def wait_until_serving(
    address: str,
    service: str,
    process: subprocess.Popen,
    credentials: Optional[grpc.ChannelCredentials] = None,
    timeout: float = 180,
) -> None:
    channel = (
        grpc.secure_channel(address, credentials) if credentials is not None else grpc.insecure_channel(address)
    )
    with channel:
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


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass(frozen=True)
class Suite:
    gateway: str  # host:port of the gateway, gRPC and HTTP/JSON
    services: Dict[str, str]  # segmenter, entities, sentiment: host:port

    @property
    def http(self) -> str:
        return f"http://{self.gateway}"


@pytest.fixture(scope="session")
def suite() -> Iterator[Suite]:
    ports = {name: free_port() for name in ("gateway", "segmenter", "entities", "sentiment", "knowledge")}
    env = dict(os.environ)
    for name, port in ports.items():
        env[f"COPYDESK_{name.upper()}_LISTEN"] = f"127.0.0.1:{port}"
    # Never a knowledge server that happens to run on the default port: a
    # free one (closed unless `copydesk up` starts its own there).
    env["COPYDESK_KNOWLEDGE_ADDR"] = f"http://127.0.0.1:{ports['knowledge']}"
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
        yield Suite(
            gateway=f"127.0.0.1:{ports['gateway']}",
            services={name: f"127.0.0.1:{ports[name]}" for name in ("segmenter", "entities", "sentiment")},
        )
    finally:
        stop(process)


@pytest.fixture(scope="session")
def gateway(suite: Suite) -> str:
    """The gateway's "host:port" of a suite running for this session."""
    return suite.gateway


@dataclass(frozen=True)
class Certificates:
    ca_pem: bytes  # the throwaway CA the client trusts
    other_ca_pem: bytes  # a CA that signed nothing the server shows
    cert: Path
    key: Path


def _ca(name: str):  # type: ignore[no-untyped-def]
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
                key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return key, cert


@pytest.fixture(scope="session")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    """A CA made for this run and a server certificate for localhost and
    127.0.0.1 signed by it: no key is ever committed."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    ca_key, ca_cert = _ca("copydesk test CA")
    _, other_ca = _ca("another CA")
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    directory = tmp_path_factory.mktemp("tls")
    cert_path, key_path = directory / "server.pem", directory / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return Certificates(
        ca_cert.public_bytes(serialization.Encoding.PEM),
        other_ca.public_bytes(serialization.Encoding.PEM),
        cert_path,
        key_path,
    )


@pytest.fixture(scope="session")
def tls_gateway(suite: Suite, certificates: Certificates) -> Iterator[str]:
    """A second gateway, with TLS (--tls-cert/--tls-key) and a bearer token
    (--auth-token), in front of the suite's services."""
    port = free_port()
    args = [
        copydesk_binary(), "serve", "gateway",
        "--listen", f"127.0.0.1:{port}",
        "--segmenter", f"http://{suite.services['segmenter']}",
        "--entities", f"http://{suite.services['entities']}",
        "--sentiment", f"http://{suite.services['sentiment']}",
        "--tls-cert", str(certificates.cert),
        "--tls-key", str(certificates.key),
        "--max-document-bytes", str(MAX_DOCUMENT_BYTES),
    ]
    env = dict(os.environ)
    # The token through the environment, as a deployment passes secrets.
    env["COPYDESK_AUTH_TOKEN"] = TOKEN
    env["COPYDESK_KNOWLEDGE_ADDR"] = f"http://127.0.0.1:{free_port()}"
    process = subprocess.Popen(args, cwd=REPO, env=env)
    try:
        credentials = grpc.ssl_channel_credentials(root_certificates=certificates.ca_pem)
        wait_until_serving(f"127.0.0.1:{port}", "copydesk.v1.Annotator", process, credentials)
        yield f"127.0.0.1:{port}"
    finally:
        stop(process)
