"""Sending owner-loop messages: through Slack's Web API, or printed when no token is set.

`SlackNotifier` wraps slack-sdk's `WebClient` with its retry handlers: 429s wait for
`Retry-After`, 500/503 and dropped connections back off and retry, so a rate limit or
a short outage delays an alert but never loses or doubles it (Slack does not post on
a 429 or a 5xx). `PrintNotifier` is the no-token mode `saveroute up` uses.
"""

import itertools
import logging
import sys
import threading
from dataclasses import dataclass
from typing import Protocol, TextIO

from http.client import RemoteDisconnected
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator

from saveroute.owner.blocks import SlackMessage, to_plain_text
from saveroute.owner.destinations import Destination

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Posted:
    """Where a message landed, so later steps can `chat.update` it."""

    channel: str
    ts: str


class Notifier(Protocol):
    def post(self, destination: Destination, message: SlackMessage) -> Posted: ...

    def update(self, posted: Posted, message: SlackMessage) -> None: ...


def web_client(token: str, base_url: str, max_retries: int = 5, timeout: int = 10) -> WebClient:
    """A `WebClient` that retries rate limits, server errors and connection errors with backoff."""
    backoff = BackoffRetryIntervalCalculator(backoff_factor=0.5)
    client = WebClient(token=token, base_url=base_url if base_url.endswith("/") else base_url + "/", timeout=timeout)
    client.retry_handlers = [
        RateLimitErrorRetryHandler(max_retry_count=max_retries),
        ServerErrorRetryHandler(max_retry_count=max_retries, interval_calculator=backoff),
        ConnectionErrorRetryHandler(max_retry_count=max_retries, interval_calculator=backoff),
    ]
    return client


class SlackNotifier:
    """Posts and updates through the Web API; DMs open a conversation first (`im:write`)."""

    def __init__(self, client: WebClient) -> None:
        self._client = client
        self._dm_channels: dict[str, str] = {}
        self._lock = threading.Lock()

    def _channel(self, destination: Destination) -> str:
        if destination.kind == "channel":
            return destination.id
        with self._lock:
            cached = self._dm_channels.get(destination.id)
        if cached:
            return cached
        response = self._client.conversations_open(users=destination.id)
        channel = response["channel"]["id"]
        with self._lock:
            self._dm_channels[destination.id] = channel
        return channel

    def post(self, destination: Destination, message: SlackMessage) -> Posted:
        response = self._client.chat_postMessage(
            channel=self._channel(destination), text=message.text, blocks=message.blocks, unfurl_links=False,
        )
        return Posted(channel=response["channel"], ts=response["ts"])

    def update(self, posted: Posted, message: SlackMessage) -> None:
        self._client.chat_update(channel=posted.channel, ts=posted.ts, text=message.text, blocks=message.blocks)


class PrintNotifier:
    """No Slack token: print what would be sent, readably, so the demo shows the loop."""

    def __init__(self, out: TextIO | None = None) -> None:
        self._out = out
        self._seq = itertools.count(1)
        self._lock = threading.Lock()

    def _print(self, banner: str, message: SlackMessage) -> None:
        out = self._out or sys.stdout
        with self._lock:
            out.write(f"\n── {banner} (no SLACK_BOT_TOKEN: printed, not sent) ──\n{to_plain_text(message)}")
            out.flush()

    def post(self, destination: Destination, message: SlackMessage) -> Posted:
        where = f"@{destination.id}" if destination.kind == "user" else destination.id
        posted = Posted(channel=where, ts=f"print.{next(self._seq)}")
        self._print(f"Slack message to {where}", message)
        return posted

    def update(self, posted: Posted, message: SlackMessage) -> None:
        self._print(f"Slack update of {posted.channel} message {posted.ts}", message)


def is_transient(exc: BaseException) -> bool:
    """Worth retrying later: Slack rate-limited us or is down (after the client's own retries)."""
    if isinstance(exc, SlackApiError):
        status = getattr(exc.response, "status_code", 200)
        return status == 429 or status >= 500
    return isinstance(exc, (URLError, RemoteDisconnected, ConnectionError, TimeoutError))


def notifier_from(token: str | None, base_url: str, max_retries: int = 5) -> Notifier:
    if not token:
        log.info("SLACK_BOT_TOKEN is not set: alerts are printed instead of sent")
        return PrintNotifier()
    return SlackNotifier(web_client(token, base_url, max_retries))
