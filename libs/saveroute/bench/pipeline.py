"""`make bench-pipeline`: signals/s and end-to-end latency through the running services.

On the embedded stack (a local broker, redis-server, and the enrichment, classification,
routing and, when registered, metrics services as separate processes), this pushes
50,000 signals through the whole pipeline and measures:

- throughput at maximum load: signals / (last decision delivered - first signal produced);
- end-to-end latency per signal, produced -> its decision read back by a consumer, p50/p99,
  at maximum load and at an offered 500 signals/s;
- the same two figures for a pass-through stage (identity handler, same runtime) measured
  in the same run, which shows what the runtime and broker cost without the engine;
- each service's peak RSS (VmHWM from /proc).

Decisions are matched to signals by the event-id header the runtime writes, so the
reader never decodes a decision and steals little CPU from the services.
Targets on the 2-core reference machine: >= 1,500 signals/s; p99 <= 250 ms at 500/s;
RSS <= 200 MB per service. Results go to bench-results/pipeline.json.
"""

import argparse
import json
import os
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from confluent_kafka import OFFSET_END, Consumer, Producer, TopicPartition

from saveroute.context import ContextStore
from saveroute.demo import load_demo
from saveroute.models import Signal
from saveroute.runtime import EventProducer, RuntimeSettings
from saveroute.runtime.batch import EVENT_ID_HEADER
from saveroute.runtime.codec import codec_from_settings
from saveroute.runtime.idempotency import make_redis
from saveroute.runtime.passthrough import signal_topic
from saveroute.stack.connect import client_settings
from saveroute.stack.feeder import publish_context, wait_until_stored
from saveroute.stack.fleet import Fleet
from saveroute.stack.processes import LocalBroker, LocalRedis
from saveroute.stack.services import ServiceSpec, available
from saveroute.stack.topics import ensure_topics
from saveroute.topics import DECISIONS, SIGNALS, Topic

TARGET_PER_SECOND = 1500
TARGET_P99_MS_AT_500 = 250
TARGET_RSS_MB = 200
PASS_IN, PASS_OUT = "bench.passthrough-in.v1", "bench.passthrough-out.v1"
PASSTHROUGH = ServiceSpec("passthrough", "saveroute.runtime.passthrough", "saveroute-passthrough",
                          args=("--input", PASS_IN, "--output", PASS_OUT))


@dataclass
class Run:
    sent_at: dict[str, float] = field(default_factory=dict)
    received_at: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict[str, float | int]:
        latencies = sorted(self.received_at[k] - self.sent_at[k] for k in self.received_at if k in self.sent_at)
        if not latencies:
            return {"signals": len(self.sent_at), "delivered": 0, "seconds": 0.0, "signals_per_second": 0.0,
                    "p50_ms": 0.0, "p99_ms": 0.0, "max_ms": 0.0}
        first, last = min(self.sent_at.values()), max(self.received_at.values())
        return {
            "signals": len(self.sent_at),
            "delivered": len(self.received_at),
            "seconds": round(last - first, 3),
            "signals_per_second": round(len(self.received_at) / (last - first), 1),
            "p50_ms": round(_pct(latencies, 50) * 1000, 1),
            "p99_ms": round(_pct(latencies, 99) * 1000, 1),
            "max_ms": round(latencies[-1] * 1000, 1),
        }


def _pct(values: list[float], pct: float) -> float:
    return values[min(len(values) - 1, int(len(values) * pct / 100))]


class Watcher(threading.Thread):
    """Reads the output topic from its current end and notes when each event id arrives."""

    def __init__(self, settings: RuntimeSettings, topic: str) -> None:
        super().__init__(daemon=True)
        conf = {**settings.consumer_config(f"bench-watch-{time.time_ns()}"), "isolation.level": "read_uncommitted"}
        self.consumer = Consumer(conf)
        partitions = self.consumer.list_topics(topic, timeout=10).topics[topic].partitions
        self.consumer.assign([TopicPartition(topic, p, OFFSET_END) for p in partitions])
        self.run_state: Run | None = None
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            for msg in self.consumer.consume(1000, 0.005):  # short: the wait would count as latency
                if msg.error() is not None or self.run_state is None:
                    continue
                now = time.time()
                for name, value in msg.headers() or []:
                    if name == EVENT_ID_HEADER:
                        self.run_state.received_at.setdefault(value.decode(), now)
        self.consumer.close()


def make_signals(count: int, prefix: str) -> list[Signal]:
    """Demo signals with fresh ids, each for an account of its own (`<prefix>-acct-<i>`).

    One signal per account is what real traffic looks like: a burst of signals for one
    account would join one case (`saveroute.cases`) and measure case growth instead.
    """
    demo = load_demo().signals
    return [
        demo[i % len(demo)].model_copy(update={"signal_id": f"{prefix}-{i:06d}", "account_id": f"{prefix}-acct-{i:06d}"})
        for i in range(count)
    ]


def store_context(settings: RuntimeSettings, redis_url: str, signals: list[Signal]) -> None:
    """An account (a demo account under the signal's account id) for every signal, stored."""
    demo = load_demo(datetime.now(timezone.utc)).accounts
    accounts = [demo[i % len(demo)].model_copy(update={"account_id": s.account_id}) for i, s in enumerate(signals)]
    with EventProducer(settings) as events:
        publish_context(events, accounts, [])
    wait_until_stored(ContextStore(make_redis(redis_url)), accounts, [], timeout=300)


def drive(producer: Producer, watcher: Watcher, topic: Topic, payloads: list[tuple[str, bytes, bytes]],
          rate: float | None, timeout: float) -> Run:
    """Produce (event id, key, value) at `rate` per second (None: as fast as possible); wait for all."""
    run = Run()
    watcher.run_state = run
    started = time.perf_counter()
    for i, (event_id, key, value) in enumerate(payloads):
        if rate is not None:
            delay = started + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        run.sent_at[event_id] = time.time()
        while True:
            try:
                producer.produce(topic.name, key=key, value=value)
                break
            except BufferError:
                producer.poll(0.05)
        producer.poll(0)
    producer.flush(60)
    deadline = time.monotonic() + timeout
    while len(run.received_at) < len(payloads) and time.monotonic() < deadline:
        time.sleep(0.1)
    return run


def cpu_ticks(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def cpu_seconds(pid: int) -> float:
    return round(cpu_ticks(pid), 1)


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50_000, help="signals at maximum load")
    parser.add_argument("--rate", type=float, default=500.0, help="offered load for the latency run (signals/s)")
    parser.add_argument("--rate-seconds", type=float, default=20.0, help="how long the offered-load run lasts")
    parser.add_argument("--partitions", type=int, default=3)
    parser.add_argument("--out", default="bench-results")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="extra setting for every service, for tuning experiments (e.g. SAVEROUTE_BATCH_SIZE=1000)")
    args = parser.parse_args()
    extra_env = dict(item.split("=", 1) for item in args.env)

    run_dir = Path(tempfile.mkdtemp(prefix="saveroute-bench-"))
    specs = [s for s in available() if s.pipeline or s.name == "metrics"]
    with LocalBroker(log_dir=run_dir / "logs") as broker, LocalRedis(log_dir=run_dir / "logs") as redis_server:
        ensure_topics(broker.bootstrap, args.partitions)
        ensure_topics(broker.bootstrap, args.partitions, topics=[signal_topic(PASS_IN), signal_topic(PASS_OUT)])
        fleet = Fleet(broker.bootstrap, redis_server.url, run_dir, [*specs, PASSTHROUGH], extra_env=extra_env)
        settings = client_settings(broker.bootstrap, redis_server.url, service_name="bench")
        try:
            print(f"starting {', '.join(s.name for s in fleet.specs)} (logs in {run_dir / 'logs'}) ...")
            fleet.start(120)
            servers = {"broker": broker.proc.pid, "redis": redis_server.proc.pid, "bench": os.getpid()}
            report = measure(args, settings, redis_server.url, fleet, servers)
        finally:
            fleet.stop()
    results = Path(args.out)
    results.mkdir(exist_ok=True)
    (results / "pipeline.json").write_text(json.dumps(report, indent=2) + "\n")
    print_table(report)


def cpu_snapshot(pids: dict[str, int]) -> dict[str, float]:
    return {name: cpu_ticks(pid) for name, pid in pids.items()}


def cpu_ms_per_signal(before: dict[str, float], after: dict[str, float], signals: int) -> dict[str, float]:
    """CPU each process spent during one run, in ms per signal (includes any other work it did)."""
    return {name: round((after[name] - before[name]) * 1000 / signals, 3) for name in before}


def measure(args: argparse.Namespace, settings: RuntimeSettings, redis_url: str, fleet: Fleet,
            servers: dict[str, int]) -> dict:
    codec = codec_from_settings(settings)
    producer = Producer(settings.producer_config())
    offered = int(args.rate * args.rate_seconds)

    def payloads(topic: Topic, prefix: str, count: int) -> list[tuple[str, bytes, bytes]]:
        signals = make_signals(count, prefix)
        if topic is SIGNALS:
            print(f"  storing context for {count} accounts ...")
            store_context(settings, redis_url, signals)
        return [(s.signal_id, s.account_id.encode(), codec.encode(topic, s)) for s in signals]

    results: dict[str, dict] = {}
    pids = {**fleet.pids(), **servers}
    cpu_per_signal: dict[str, dict[str, float]] = {}
    for label, topic, output in (("pipeline", SIGNALS, DECISIONS.name), ("passthrough", signal_topic(PASS_IN), PASS_OUT)):
        watcher = Watcher(settings, output)
        watcher.start()
        drive(producer, watcher, topic, payloads(topic, f"{label}-warmup", 200), None, 120)  # groups joined, caches warm
        print(f"{label}: {args.count} signals at maximum load ...")
        max_payloads = payloads(topic, f"{label}-max", args.count)
        before = cpu_snapshot(pids)
        results[f"{label}_max"] = drive(producer, watcher, topic, max_payloads, None, 600).summary()
        cpu_per_signal[f"{label}_max"] = cpu_ms_per_signal(before, cpu_snapshot(pids), args.count)
        print(f"{label}: {offered} signals offered at {args.rate:.0f}/s ...")
        rate_payloads = payloads(topic, f"{label}-rate", offered)
        before = cpu_snapshot(pids)
        results[f"{label}_offered"] = drive(producer, watcher, topic, rate_payloads, args.rate, 300).summary()
        cpu_per_signal[f"{label}_offered"] = cpu_ms_per_signal(before, cpu_snapshot(pids), offered)
        watcher.stopped.set()
        watcher.join()
    rss = {name: peak_rss_mb(pid) for name, pid in fleet.pids().items()}
    cpu = {name: cpu_seconds(pid) for name, pid in pids.items()}
    pipeline_max, pipeline_rate = results["pipeline_max"], results["pipeline_offered"]
    return {
        "benchmark": "pipeline",
        "services": [spec.name for spec in fleet.specs if spec is not PASSTHROUGH],
        "partitions": args.partitions,
        "offered_rate": args.rate,
        **results,
        "peak_rss_mb": rss,
        "cpu_seconds": cpu,  # per process over the whole run: where the 2 cores went
        # per process during each run, in CPU ms per signal ("bench" is this process: the
        # producer and the watcher, which share the same 2 cores)
        "cpu_ms_per_signal": cpu_per_signal,
        "settings_overrides": fleet.extra_env,
        "targets": {"signals_per_second": TARGET_PER_SECOND, "p99_ms_at_offered": TARGET_P99_MS_AT_500,
                    "rss_mb": TARGET_RSS_MB},
        "meets_targets": {
            "throughput": pipeline_max["signals_per_second"] >= TARGET_PER_SECOND and pipeline_max["delivered"] == args.count,
            "latency": pipeline_rate["p99_ms"] <= TARGET_P99_MS_AT_500 and pipeline_rate["delivered"] == offered,
            "rss": all(v <= TARGET_RSS_MB for k, v in rss.items() if k != "passthrough"),
        },
    }


def print_table(report: dict) -> None:
    print()
    print(f"{'stage':<12} {'load':<16} {'delivered':>10} {'signals/s':>10} {'p50 ms':>8} {'p99 ms':>8}")
    for label in ("pipeline", "passthrough"):
        for kind, name in (("max", "maximum"), ("offered", f"offered {report['offered_rate']:.0f}/s")):
            row = report[f"{label}_{kind}"]
            print(f"{label:<12} {name:<16} {row['delivered']:>10} {row['signals_per_second']:>10.0f} "
                  f"{row['p50_ms']:>8.1f} {row['p99_ms']:>8.1f}")
    print("peak RSS MB: " + ", ".join(f"{k} {v}" for k, v in report["peak_rss_mb"].items()))
    print("CPU seconds: " + ", ".join(f"{k} {v}" for k, v in report["cpu_seconds"].items()))
    for run, per in report["cpu_ms_per_signal"].items():
        busy = {k: v for k, v in per.items() if v >= 0.005}
        print(f"CPU ms/signal ({run}): " + ", ".join(f"{k} {v:.2f}" for k, v in busy.items())
              + f"; total {sum(per.values()):.2f}")
    targets = report["meets_targets"]
    print("targets: " + ", ".join(f"{k} {'met' if ok else 'MISSED'}" for k, ok in targets.items()))


if __name__ == "__main__":
    main()
