"""What people and scripts read from the stack: decision lines, tail JSON, the stack file."""

import json
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

from saveroute.demo import load_demo
from saveroute.engine import decide
from saveroute.models import DeadLetter
from saveroute.policy import load_policy
from saveroute.stack import stackfile
from saveroute.stack.printer import summary_line
from saveroute.stack.reader import Record
from saveroute.stack.tail import record_json, resolve_topic
from saveroute.topics import DEAD_LETTERS, DECISIONS

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def demo_decision(signal_id: str):  # type: ignore[no-untyped-def]
    scenario = next(s for s in load_demo(NOW).scenarios() if s.signal.signal_id == signal_id)
    return decide(scenario, load_policy())


def test_summary_line_names_account_cause_path_approvers_due_and_offers() -> None:
    line = summary_line(demo_decision("crm-demo-0013"), now=NOW)
    assert line.startswith("Lumen Media Group (acc_demo_lumen_media) USD 265,000 | commercial ")
    assert "-> commercial_review" in line and "approvers: account_owner, finance, executive, legal" in line
    assert "(in 24h)" in line and "offers: roi_review" in line


def test_summary_line_shows_sensitivity_evidence_issues_and_overdue() -> None:
    sensitive = summary_line(demo_decision("evt_demo_0012"))
    assert "-> staff_escalation" in sensitive and "sensitive: refund, billing_dispute" in sensitive
    missing = demo_decision("evt_demo_0015")
    line = summary_line(missing, now=missing.due_at.replace(year=missing.due_at.year + 1))
    assert line.startswith("acc_demo_willow_yoga |") and "evidence: missing_account" in line and "overdue by" in line


def test_tail_resolves_short_names_and_rejects_unknown_ones() -> None:
    assert resolve_topic("decisions") is DECISIONS
    assert resolve_topic("dead-letters") is DEAD_LETTERS
    assert resolve_topic("saveroute.decisions.v1") is DECISIONS
    with pytest.raises(KeyError, match="unknown topic"):
        resolve_topic("nope")


def test_tail_json_carries_bytes_dates_and_enums_as_plain_json() -> None:
    letter = DeadLetter(original_value=b"\xc3\x01\xff", original_key=b"acc_1", topic="saveroute.signals.v1",
                        partition=2, offset=7, service="enrichment", error="frame: bad", error_type="undecodable",
                        failed_at=NOW)
    body = record_json(Record(DEAD_LETTERS, 2, 7, b"acc_1", 1, letter))
    text = json.dumps(body)
    assert body["key"] == "acc_1" and body["value"]["failed_at"] == "2026-03-02T09:00:00Z"
    assert body["value"]["original_value"].startswith("base64:")
    decision = record_json(Record(DECISIONS, 0, 0, None, 1, demo_decision("evt_demo_0006")))
    assert decision["value"]["path"] == "pause_or_downgrade" and json.loads(text)["offset"] == 7
    assert record_json(Record(DECISIONS, 0, 1, None, 1, None, "frame: too short"))["error"] == "frame: too short"


def test_stack_file_round_trips_and_is_ignored_once_its_owner_is_gone(tmp_path: Path) -> None:
    info = stackfile.StackInfo("127.0.0.1:1", "redis://127.0.0.1:2/0", {"routing": "http://x/metrics"}, {}, os.getpid())
    stackfile.write(info, tmp_path)
    assert stackfile.read(tmp_path) == info
    stackfile.write(stackfile.StackInfo("h:1", "redis://h:2/0", owner_pid=2**22 + 12345), tmp_path)
    assert stackfile.read(tmp_path) is None
    stackfile.remove(tmp_path)
    assert stackfile.read(tmp_path) is None
