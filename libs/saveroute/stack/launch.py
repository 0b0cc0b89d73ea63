"""How a pipeline service process starts: settings, logging, policy, then the consume loop.

Each `services/<name>/__main__.py` hands `launch` a function that builds its `Stage`;
everything a process does before and around the loop lives here once.
"""

import logging
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from saveroute.policy import Policy, PolicyError, load_policy
from saveroute.runtime import RuntimeSettings, Stage, run_stage
from saveroute.runtime.config import ConfigError, env_names, load_settings

StageFactory = Callable[[RuntimeSettings, Policy], Stage]
T = TypeVar("T")


def configure(name: str, load: Callable[[], T], errors: tuple[type[Exception], ...],
              defaults: Mapping[str, Any] | None = None) -> tuple[RuntimeSettings, T]:
    """Process `name`'s runtime settings and what `load` reads, with logging set up.

    `defaults` are this service's own defaults for runtime settings (field name -> value);
    the environment still overrides them. Bad configuration (a `ConfigError`, or one of
    `errors` from `load`) exits 2 with the reason.
    """
    own = {field: value for field, value in (defaults or {}).items()
           if not any(os.environ.get(var) for var in env_names(field))}
    try:
        settings = load_settings(service_name=os.environ.get("SAVEROUTE_SERVICE_NAME", name), **own)
        loaded = load()
    except (ConfigError, *errors) as exc:
        print(f"saveroute-{name}: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    logging.basicConfig(
        level=settings.log_level,
        format=f"%(asctime)s {name} %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    return settings, loaded


def launch(name: str, build: StageFactory, defaults: Mapping[str, Any] | None = None) -> None:
    """Run the stage `build` makes until SIGTERM/SIGINT; bad configuration exits 2 with the reason.

    `defaults`: the stage's own defaults for runtime settings (the environment overrides them).
    """
    settings, policy = configure(name, load_policy, (PolicyError,), defaults)
    run_stage(build(settings, policy), settings)
