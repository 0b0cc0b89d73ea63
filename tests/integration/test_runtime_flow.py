"""The runtime against a real broker and Redis: counts, duplicates, dead letters, health."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections import Counter

import pytest
from prometheus_client import REGISTRY

from saveroute.models import DeadLetter, Signal
from saveroute.runtime import Err, InMessage, Ok, OutMessage, Stage, StageRunner
from saveroute.runtime.codec import codec_from_settings
from saveroute.runtime.passthrough import passthrough_stage, signal_event_id, signal_topic
from saveroute.runtime.producer import EventProducer
from saveroute.topics import DEAD_LETTERS
from support.runtime_tools import KafkaTools, make_signal, publish, wait_until

pytestmark = pytest.mark.integration


class Running:
    """A StageRunner on a background thread, stopped (and checked) at the end."""

    def __init__(self, runner: StageRunner) -> None:
        self.runner = runner
        self.code: int | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        self.code = self.runner.run()

    def __enter__(self) -> Running:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def stop(self) -> int | None:
        self.runner.request_stop()
        self.thread.join(60)
        assert not self.thread.is_alive(), "runner did not stop"
        return self.code


def signal_ids(settings, records) -> list[str]:  # type: ignore[no-untyped-def]
    codec = codec_from_settings(settings)
    return [codec.decode(signal_topic("x"), r.value).signal_id for r in records]


def dead_letters_from(settings, tools: KafkaTools, source_topic: str, expected: int) -> list[DeadLetter]:  # type: ignore[no-untyped-def]
    """This test's dead letters (the topic is shared, so no end markers: read until they are all there)."""
    codec = codec_from_settings(settings)

    def mine(records) -> list[DeadLetter]:  # type: ignore[no-untyped-def]
        letters = [codec.decode(DEAD_LETTERS, r.value) for r in records if r.key and r.key.startswith(b"acct-")]
        return [d for d in letters if d.topic == source_topic]

    return mine(tools.read_until(DEAD_LETTERS.name, lambda rs: len(mine(rs)) >= expected,
                                 message=f"{expected} dead letters from {source_topic}"))


def metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_n_in_gives_exactly_n_out_and_offsets_are_committed(runtime_settings, kafka_tools, unique_prefix):
    src, dst = f"{unique_prefix}.in", f"{unique_prefix}.out"
    kafka_tools.create_topics([src, dst], partitions=3)
    settings = runtime_settings(batch_size=100)
    n = 1000
    publish(settings, src, [make_signal(i, unique_prefix) for i in range(n)])

    with Running(StageRunner(passthrough_stage(unique_prefix, src, dst), settings)) as running:
        wait_until(lambda: sum(kafka_tools.committed(settings.group_id, src).values()) == n,
                   message="all input offsets committed")
        assert running.stop() == 0

    ids = signal_ids(settings, kafka_tools.read_all(dst))
    assert len(ids) == n and set(ids) == {f"{unique_prefix}-{i}" for i in range(n)}
    assert metric("saveroute_messages_produced_total", service=unique_prefix, topic=dst) == n


def test_same_source_event_twice_gives_one_output(runtime_settings, kafka_tools, unique_prefix):
    src, dst = f"{unique_prefix}.in", f"{unique_prefix}.out"
    kafka_tools.create_topics([src, dst], partitions=1)
    settings = runtime_settings()
    first = [make_signal(i, unique_prefix) for i in range(10)]
    # The same event id twice in one batch, and (below) again after it was processed.
    publish(settings, src, first + [first[3]])
    with Running(StageRunner(passthrough_stage(unique_prefix, src, dst), settings)):
        wait_until(lambda: sum(kafka_tools.committed(settings.group_id, src).values()) == 11,
                   message="first round committed")
        publish(settings, src, [first[5], make_signal(99, unique_prefix)])
        wait_until(lambda: sum(kafka_tools.committed(settings.group_id, src).values()) == 13,
                   message="second round committed")

    ids = signal_ids(settings, kafka_tools.read_all(dst))
    assert Counter(ids) == Counter({s.signal_id: 1 for s in first + [make_signal(99, unique_prefix)]})
    assert metric("saveroute_duplicates_skipped_total", service=unique_prefix) == 2


def test_poison_and_invalid_messages_are_dead_lettered_and_the_partition_moves_on(
        runtime_settings, kafka_tools, unique_prefix):
    src, dst = f"{unique_prefix}.in", f"{unique_prefix}.out"
    kafka_tools.create_topics([src, dst], partitions=1)
    settings = runtime_settings()
    codec = codec_from_settings(settings)
    garbage = b"\x00\xffnot avro at all"
    # Well-framed Avro whose values break the model's rules (a risk score of 5 > 1).
    bad_values = codec.encode(signal_topic(src), Signal.model_construct(
        **{**make_signal(1, unique_prefix).model_dump(), "churn_risk_score": 5.0}))
    with EventProducer(settings) as producer:
        producer.publish(signal_topic(src), "acct-1", make_signal(0, unique_prefix))
        producer.publish_raw(src, b"acct-1", garbage)
        producer.publish_raw(src, b"acct-1", bad_values)
        producer.publish(signal_topic(src), "acct-1", make_signal(2, unique_prefix))

    with Running(StageRunner(passthrough_stage(unique_prefix, src, dst), settings)):
        wait_until(lambda: kafka_tools.committed(settings.group_id, src).get(0) == 4,
                   message="all four offsets committed")

    assert sorted(signal_ids(settings, kafka_tools.read_all(dst))) == [f"{unique_prefix}-0", f"{unique_prefix}-2"]
    letters = {d.offset: d for d in dead_letters_from(settings, kafka_tools, src, 2)}
    assert set(letters) == {1, 2}
    assert letters[1].original_value == garbage and letters[1].error_type == "undecodable"
    assert letters[2].original_value == bad_values and letters[2].error_type == "invalid"
    assert "churn_risk_score" in letters[2].error
    for letter in letters.values():
        assert letter.original_key == b"acct-1" and letter.service == unique_prefix and letter.partition == 0
    assert metric("saveroute_dead_lettered_total", service=unique_prefix, error_type="invalid") == 1


def test_handler_errors_and_exceptions_are_dead_lettered_one_by_one(runtime_settings, kafka_tools, unique_prefix):
    src, dst = f"{unique_prefix}.in", f"{unique_prefix}.out"
    kafka_tools.create_topics([src, dst], partitions=1)
    settings = runtime_settings()
    out = signal_topic(dst)

    def handle(messages: list[InMessage]):  # type: ignore[no-untyped-def]
        results = []
        for m in messages:
            n = int(m.event_id.rsplit("-", 1)[1])
            if n == 3:
                raise ValueError("cannot handle signal 3")  # a bug on one message
            results.append(Err("invalid", "reason_text: too vague") if n == 4
                           else Ok([OutMessage(out, m.value.account_id, m.value)]))
        return results

    stage = Stage(unique_prefix, [signal_topic(src)], handle, signal_event_id)
    publish(settings, src, [make_signal(i, unique_prefix) for i in range(8)])
    with Running(StageRunner(stage, settings)):
        wait_until(lambda: kafka_tools.committed(settings.group_id, src).get(0) == 8,
                   message="all offsets committed")
    ids = sorted(signal_ids(settings, kafka_tools.read_all(dst)))
    assert ids == sorted(f"{unique_prefix}-{i}" for i in (0, 1, 2, 5, 6, 7))
    letters = {d.offset: d for d in dead_letters_from(settings, kafka_tools, src, 2)}
    assert set(letters) == {3, 4}
    assert letters[3].error_type == "handler_failed" and "cannot handle signal 3" in letters[3].error
    assert letters[4].error_type == "invalid" and letters[4].error == "reason_text: too vague"


def test_redis_outage_retries_loses_nothing_duplicates_nothing(
        runtime_settings, kafka_tools, unique_prefix, restartable_redis):
    src, dst = f"{unique_prefix}.in", f"{unique_prefix}.out"
    kafka_tools.create_topics([src, dst], partitions=2)
    settings = runtime_settings(redis_url=restartable_redis.url, batch_size=50,
                                retry_initial_s=0.05, retry_max_s=0.5)
    runner = StageRunner(passthrough_stage(unique_prefix, src, dst), settings)
    first = [make_signal(i, unique_prefix) for i in range(300)]
    second = [make_signal(i, unique_prefix) for i in range(300, 600)]
    health = lambda: _get(f"http://127.0.0.1:{runner.metrics_port}/healthz")  # noqa: E731

    publish(settings, src, first)
    with Running(runner):
        wait_until(lambda: sum(kafka_tools.committed(settings.group_id, src).values()) == 300,
                   message="first half through")
        wait_until(lambda: health()[0] == 200, message="healthy with Redis up")
        restartable_redis.stop()
        publish(settings, src, second)
        wait_until(lambda: metric("saveroute_transient_retries_total", service=unique_prefix,
                                  reason="redis_unavailable") >= 3, message="retries while Redis is down")
        status, body = health()
        assert status == 503 and body["redis"] is False
        assert sum(kafka_tools.committed(settings.group_id, src).values()) < 600  # nothing committed without Redis
        restartable_redis.start()
        wait_until(lambda: sum(kafka_tools.committed(settings.group_id, src).values()) == 600,
                   message="everything committed after Redis came back")
        wait_until(lambda: health()[0] == 200, message="healthy again")
        assert "saveroute_transient_retries_total" in _get_text(f"http://127.0.0.1:{runner.metrics_port}/metrics")

    ids = signal_ids(settings, kafka_tools.read_all(dst))
    assert len(ids) == 600 and set(ids) == {s.signal_id for s in first + second}


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())
    except (urllib.error.URLError, ConnectionError):
        return 0, {}


def _get_text(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as resp:
        return resp.read().decode()
