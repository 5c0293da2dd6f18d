"""How both clients reach a gateway: address, TLS, token, limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Optional, Tuple

import grpc

# Responses carry every token: a segmentation is several times the size of
# its text, far over gRPC's default 4 MiB receive limit.
MAX_RESPONSE_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Connection:
    address: str  # host:port
    credentials: Optional[grpc.ChannelCredentials]  # None: plain HTTP/2
    metadata: Tuple[Tuple[str, str], ...]
    options: List[Tuple[str, Any]]

    def channel(self, module: Any) -> Any:
        """A channel from ``module``: ``grpc`` for the synchronous client,
        ``grpc.aio`` for the asyncio one (both offer the same two calls)."""
        if self.credentials is not None:
            return module.secure_channel(self.address, self.credentials, options=self.options)
        return module.insecure_channel(self.address, options=self.options)


def connection(
    address: str,
    *,
    tls: bool,
    root_certificates: Optional[bytes],
    token: Optional[str],
    server_name: Optional[str],
) -> Connection:
    # People paste URLs; gRPC wants host:port.
    for scheme in ("http://", "https://"):
        if address.startswith(scheme):
            tls = tls or scheme == "https://"
            address = address[len(scheme):].rstrip("/")
    options: List[Tuple[str, Any]] = [
        ("grpc.max_receive_message_length", MAX_RESPONSE_BYTES),
        ("grpc.max_send_message_length", MAX_RESPONSE_BYTES),
        # The clients retry themselves, with jitter and the codes asked for.
        ("grpc.enable_retries", 0),
    ]
    credentials = None
    if tls or root_certificates is not None:
        credentials = grpc.ssl_channel_credentials(root_certificates=root_certificates)
        if server_name:
            options.append(("grpc.ssl_target_name_override", server_name))
    metadata = (("authorization", f"Bearer {token}"),) if token else ()
    return Connection(address, credentials, metadata, options)
