"""An identity stage: every Signal read from one topic is written unchanged to another.

It measures the runtime's own cost (the benchmark runs it beside the real pipeline)
and is the stage the runtime's fault tests kill, restart and starve of Redis.
Run: `python -m saveroute.runtime.passthrough --input TOPIC --output TOPIC [--name NAME]`;
everything else comes from `RuntimeSettings` (environment variables).
"""

from __future__ import annotations

import argparse

from pydantic import BaseModel

from saveroute.models import Signal
from saveroute.runtime.config import load_settings
from saveroute.runtime.loop import run_stage
from saveroute.runtime.messages import InMessage, Ok, OutMessage, Result, Stage
from saveroute.topics import Topic


def signal_topic(name: str) -> Topic:
    """A topic carrying Signals under any name (encoded as the signals topic is)."""
    return Topic(name, Signal, "Signal")


def signal_event_id(_topic: Topic, value: BaseModel) -> str:
    return value.signal_id  # type: ignore[attr-defined]  # AttributeError -> dead letter


def passthrough_stage(name: str, input_topic: str, output_topic: str) -> Stage:
    out = signal_topic(output_topic)

    def handle_batch(messages: list[InMessage]) -> list[Result]:
        return [Ok([OutMessage(out, m.value.account_id, m.value)]) for m in messages]  # type: ignore[attr-defined]

    return Stage(name=name, inputs=[signal_topic(input_topic)], handle_batch=handle_batch,
                 event_id=signal_event_id)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--name", default="passthrough")
    args = parser.parse_args(argv)
    stage = passthrough_stage(args.name, args.input, args.output)
    run_stage(stage, load_settings(service_name=args.name))


if __name__ == "__main__":
    main()
