"""Slack request signatures (v0: HMAC-SHA256 of `v0:{timestamp}:{body}`), checked with slack-sdk.

A thin wrapper so a malformed timestamp is a failed check rather than an exception,
and so tests can fix the clock. Requests older or newer than five minutes fail.
"""

import time
from collections.abc import Callable, Mapping

from slack_sdk.signature import Clock, SignatureVerifier


class _FixedClock(Clock):
    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now

    def now(self) -> float:
        return self._now()


class SlackSignatures:
    def __init__(self, signing_secret: str, now: Callable[[], float] = time.time) -> None:
        self._verifier = SignatureVerifier(signing_secret, clock=_FixedClock(now))

    def is_valid(self, body: bytes, headers: Mapping[str, str]) -> bool:
        lowered = {k.lower(): v for k, v in headers.items()}
        timestamp = lowered.get("x-slack-request-timestamp", "")
        if not timestamp.strip().isdigit():
            return False
        return self._verifier.is_valid_request(body, lowered)

    def sign(self, body: bytes, timestamp: int) -> str:
        """The `X-Slack-Signature` Slack would send (for tests and local tools)."""
        signature = self._verifier.generate_signature(timestamp=str(timestamp), body=body)
        assert signature is not None
        return signature
