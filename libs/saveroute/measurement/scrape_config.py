"""Write Prometheus scrape configuration for processes whose ports are chosen at run time.

`saveroute up` and the tests give every process a free port, so the local
Prometheus reads its targets from a file (`file_sd`) that this module writes,
and tests render a whole config pointing at their own ports.
"""

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

RULES_DIR = Path(__file__).resolve().parents[3] / "infra" / "prometheus"
RULE_FILES = ("recording.rules.yml", "alerts.rules.yml")


def file_sd_targets(targets: Mapping[str, str]) -> list[dict[str, object]]:
    """`{job: "host:port"}` as a file_sd document: one target group per job."""
    return [{"targets": [address], "labels": {"job": job}} for job, address in sorted(targets.items())]


def write_file_sd(targets: Mapping[str, str], path: Path) -> Path:
    """Write the targets atomically (Prometheus re-reads the file when it changes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(file_sd_targets(targets), indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def render_config(targets: Mapping[str, str], scrape_interval: str = "15s",
                  evaluation_interval: str = "1m",
                  rule_files: Sequence[Path] = tuple(RULES_DIR / f for f in RULE_FILES)) -> str:
    """A complete prometheus.yml scraping `{job: "host:port"}` with the project's rules."""
    config = {
        "global": {"scrape_interval": scrape_interval, "evaluation_interval": evaluation_interval},
        "rule_files": [str(p) for p in rule_files],
        "scrape_configs": [{"job_name": job, "static_configs": [{"targets": [address]}]}
                           for job, address in sorted(targets.items())],
    }
    return yaml.safe_dump(config, sort_keys=False)
