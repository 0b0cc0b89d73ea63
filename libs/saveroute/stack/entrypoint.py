"""The container entrypoint: one image, the first argument chooses what runs.

    saveroute-service <service> [args...]   run a registered service (enrichment, routing, ...)
    saveroute-service create-topics          create every topic (Kubernetes Job, compose init)
    saveroute-service saveroute <args...>    the CLI (route, replay, tail, ...)

Topic creation reads SAVEROUTE_KAFKA_BOOTSTRAP_SERVERS (or KAFKA_BOOTSTRAP_SERVERS),
SAVEROUTE_TOPIC_PARTITIONS (default 12: the most consumers a stage can usefully run) and
SAVEROUTE_TOPIC_REPLICATION (default 3; 1 for a single-broker compose stack).
"""

import os
import sys

from saveroute.stack.services import SERVICES, by_name

DEFAULT_PARTITIONS = 12
DEFAULT_REPLICATION = 3


def create_topics() -> None:
    from saveroute.runtime.config import ConfigError, load_settings
    from saveroute.stack.topics import ensure_topics

    try:
        settings = load_settings(service_name="create-topics")
    except ConfigError as exc:
        raise SystemExit(str(exc)) from None
    partitions = int(os.environ.get("SAVEROUTE_TOPIC_PARTITIONS", DEFAULT_PARTITIONS))
    replication = int(os.environ.get("SAVEROUTE_TOPIC_REPLICATION", DEFAULT_REPLICATION))
    created = ensure_topics(str(settings.kafka_bootstrap_servers), partitions, replication_factor=replication,
                            admin_config=settings.admin_config(), timeout=60)
    print(f"created {len(created)} topic(s): {', '.join(created) or 'all existed'}")


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        names = ", ".join(spec.name for spec in SERVICES)
        print(f"usage: saveroute-service <{names}|create-topics|saveroute> [args...]")
        raise SystemExit(0 if args else 2)
    command, rest = args[0], args[1:]
    if command == "create-topics":
        create_topics()
        return
    if command == "saveroute":
        os.execvp("saveroute", ["saveroute", *rest])
    try:
        spec = by_name(command)
    except KeyError as exc:
        raise SystemExit(str(exc.args[0])) from None
    os.execvp(spec.script, [*spec.command, *rest])


if __name__ == "__main__":
    main()
