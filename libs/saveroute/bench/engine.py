"""`make bench-engine`: scenarios per second for `saveroute route` in one process.

Builds a 10,000-scenario file from the labelled sets (each scenario varied with a
seeded generator: new ids, ARR, margin, usage, timestamps), runs the real
`saveroute route` command on it as one process, and reports wall-clock
scenarios/s and peak memory. Target on the 2-core reference machine: >= 3,000/s.
"""

import argparse
import compileall
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

TARGET_PER_SECOND = 3000
SOURCES = ("tests/data/contracts/dev-set.jsonl", "tests/data/holdout.jsonl")


def build_file(repo: Path, count: int, out: Path, seed: int = 7) -> int:
    rng = random.Random(seed)
    base = []
    for name in SOURCES:
        path = repo / name
        if path.exists():
            base += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not base:
        raise SystemExit("no labelled scenarios found to build the benchmark file from")
    with out.open("w", encoding="utf-8") as handle:
        for i in range(count):
            row = json.loads(json.dumps(base[i % len(base)]))
            row.pop("expected", None)
            row["signal"]["signal_id"] = f"bench-{i:06d}"
            account = row.get("account")
            if account:
                account["arr"] = round(account["arr"] * rng.uniform(0.5, 1.5), 2)
                if account.get("gross_margin_pct") is not None:
                    account["gross_margin_pct"] = round(rng.uniform(5, 85), 1)
                if account.get("usage_trend_pct_30d") is not None:
                    account["usage_trend_pct_30d"] = round(rng.uniform(-90, 20), 1)
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--out", default="bench-results")
    args = parser.parse_args()
    repo = Path(__file__).resolve().parents[3]
    results = Path(args.out)
    results.mkdir(exist_ok=True)
    scenarios = results / "engine-scenarios.jsonl"
    build_file(repo, args.count, scenarios)
    # An installed package has bytecode (pip compiles on install); an editable checkout
    # does not, and with PYTHONDONTWRITEBYTECODE set every start would recompile the
    # sources. Compile them once so the run measures the command, not the compiler.
    compileall.compile_dir(str(repo / "libs"), quiet=1)
    saveroute = Path(sys.executable).with_name("saveroute")
    started = time.perf_counter()
    proc = subprocess.run([str(saveroute), "route", str(scenarios), "-o", str(results / "engine-decisions.jsonl")],
                          check=False)
    elapsed = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kb = usage.ru_maxrss
    cpu = usage.ru_utime + usage.ru_stime
    decided = sum(1 for _ in (results / "engine-decisions.jsonl").open(encoding="utf-8"))
    report = {
        "benchmark": "engine",
        "scenarios": args.count,
        "decisions": decided,
        "exit_code": proc.returncode,
        "seconds": round(elapsed, 3),
        "scenarios_per_second": round(args.count / elapsed, 1),
        "cpu_seconds": round(cpu, 3),
        "scenarios_per_cpu_second": round(args.count / cpu, 1),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "target_per_second": TARGET_PER_SECOND,
        "meets_target": args.count / elapsed >= TARGET_PER_SECOND and decided == args.count,
    }
    (results / "engine.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"saveroute route: {args.count} scenarios in {elapsed:.2f}s wall = {report['scenarios_per_second']:.0f}/s "
          f"(target {TARGET_PER_SECOND}/s); {cpu:.2f}s CPU = {report['scenarios_per_cpu_second']:.0f}/s of CPU; "
          f"peak RSS {report['peak_rss_mb']} MB; load average {report['load_average_1m']}; "
          f"{'meets' if report['meets_target'] else 'MISSES'} target")
    if report["load_average_1m"] > 1.5:
        print("note: the machine is busy; wall-clock figures are pessimistic — rerun on an idle machine")


if __name__ == "__main__":
    main()
