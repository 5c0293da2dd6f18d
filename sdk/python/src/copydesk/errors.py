"""Errors a caller can catch by meaning, and the retry policy.

Every error is a :class:`CopydeskError` carrying the gRPC ``code`` (a
``grpc.StatusCode``) and the gateway's ``message``; the subclasses name
the cases a caller handles differently:

- :class:`Unavailable`: the gateway (or the connection) is down: retry later;
- :class:`Overloaded`: RESOURCE_EXHAUSTED, the gateway sheds load: back off;
- :class:`DeadlineExceeded`: the call's deadline passed;
- :class:`InvalidArgument`: this document will fail again; ``field`` names
  the request field the gateway refused (``document.text``), when it says;
- :class:`Unauthenticated`: a missing or wrong bearer token.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterator, Optional, Type

import grpc


class CopydeskError(Exception):
    """A call the gateway (or the connection to it) refused."""

    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(f"{code.name}: {message}")
        self.code = code
        self.message = message

    @property
    def code_name(self) -> str:
        """The code's name, e.g. ``"INVALID_ARGUMENT"``."""
        return str(self.code.name)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and (other.code, other.message) == (self.code, self.message)  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self), self.code, self.message))


# Earlier releases raised DocumentError; it is the same class.
DocumentError = CopydeskError


class Unavailable(CopydeskError):
    """UNAVAILABLE: the gateway or the connection is down."""


class Overloaded(CopydeskError):
    """RESOURCE_EXHAUSTED: the gateway sheds load rather than queue it."""


class DeadlineExceeded(CopydeskError):
    """DEADLINE_EXCEEDED: the call's deadline passed."""


class Unauthenticated(CopydeskError):
    """UNAUTHENTICATED: the bearer token is missing or wrong."""


# The gateway's messages start with the field they are about:
# "document.text is 40000 bytes, over ...", "encoding: unknown value 7",
# "document.content_type HTML is not supported", "document is required".
_FIELD = re.compile(r"^(?:([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+)[\s:]|([a-z][a-z0-9_]*)(?::| is ))")


class InvalidArgument(CopydeskError):
    """INVALID_ARGUMENT: the request breaks the contract or a limit; sending
    it again fails again. ``field`` is the request field named in the
    message (``"document.text"``), or None."""

    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(code, message)
        match = _FIELD.match(message)
        self.field: Optional[str] = (match.group(1) or match.group(2)) if match else None


_BY_CODE: Dict[grpc.StatusCode, Type[CopydeskError]] = {
    grpc.StatusCode.UNAVAILABLE: Unavailable,
    grpc.StatusCode.RESOURCE_EXHAUSTED: Overloaded,
    grpc.StatusCode.DEADLINE_EXCEEDED: DeadlineExceeded,
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgument,
    grpc.StatusCode.UNAUTHENTICATED: Unauthenticated,
}

_CODES_BY_VALUE: Dict[int, grpc.StatusCode] = {code.value[0]: code for code in grpc.StatusCode}


def error_for(code: grpc.StatusCode, message: str) -> CopydeskError:
    """The error class for ``code``, built."""
    return _BY_CODE.get(code, CopydeskError)(code, message)


def error_for_number(code: int, message: str) -> CopydeskError:
    """The same from a numeric code, as a batch result carries it."""
    return error_for(_CODES_BY_VALUE.get(code, grpc.StatusCode.UNKNOWN), message)


def from_rpc_error(error: grpc.RpcError) -> CopydeskError:
    """A ``grpc.RpcError`` (sync or asyncio) as a :class:`CopydeskError`."""
    code_of = getattr(error, "code", None)
    details_of = getattr(error, "details", None)
    code = code_of() if callable(code_of) else None
    details = details_of() if callable(details_of) else None
    if not isinstance(code, grpc.StatusCode):
        code = grpc.StatusCode.UNKNOWN
    return error_for(code, str(details or ""))


@dataclass(frozen=True)
class RetryPolicy:
    """Retries of UNAVAILABLE and RESOURCE_EXHAUSTED (by default) with
    exponential backoff and full jitter: before retry ``n`` the client
    sleeps a uniform random time in ``[0, min(max_backoff, initial_backoff
    * multiplier ** n)]``, so many clients shed at once do not come back at
    once. ``attempts`` counts the first call: 1 means no retries."""

    attempts: int = 4
    initial_backoff: float = 0.1
    max_backoff: float = 5.0
    multiplier: float = 2.0
    codes: FrozenSet[grpc.StatusCode] = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.RESOURCE_EXHAUSTED})

    def retries(self, error: CopydeskError) -> bool:
        return error.code in self.codes

    def delays(self, rng: Optional[random.Random] = None) -> Iterator[float]:
        """The sleeps before each retry: ``attempts - 1`` of them."""
        uniform = (rng or random).uniform
        for n in range(max(0, self.attempts - 1)):
            yield uniform(0.0, min(self.max_backoff, self.initial_backoff * self.multiplier**n))


NO_RETRIES = RetryPolicy(attempts=1)
