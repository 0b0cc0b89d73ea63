"""The one consumer runtime every saveroute service runs.

A service describes a `Stage` (its input topics, a batch handler that returns one
`Ok`/`Err` per message, and how to read a message's source event id) and calls
`run_stage`. The runtime does the rest: batch consume, decode, Redis idempotency,
idempotent produce, dead letters, commits, retries, shutdown, metrics and health.
`EventProducer` publishes single events from the gateway and the CLI.
"""

from saveroute.runtime.config import ConfigError, RuntimeSettings, load_settings
from saveroute.runtime.loop import StageRunner, run_stage
from saveroute.runtime.messages import Err, InMessage, Ok, OutMessage, Stage
from saveroute.runtime.producer import DeliveryError, EventProducer

__all__ = [
    "ConfigError", "DeliveryError", "Err", "EventProducer", "InMessage", "Ok", "OutMessage",
    "RuntimeSettings", "Stage", "StageRunner", "load_settings", "run_stage",
]
