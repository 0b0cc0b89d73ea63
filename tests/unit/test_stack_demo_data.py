"""The shipped demo data: valid, varied, and moved to the present without distortion."""

from collections import Counter
from datetime import datetime, timedelta, timezone

from saveroute.demo import DEMO_EPOCH, load_demo

LATER = datetime(2027, 7, 14, 15, 30, tzinfo=timezone.utc)


def test_demo_covers_segments_currencies_sources_and_kinds() -> None:
    demo = load_demo(DEMO_EPOCH)
    assert len(demo.accounts) >= 12 and len(demo.signals) >= 20
    assert {a.segment.value for a in demo.accounts} == {"smb", "mid_market", "enterprise"}
    assert len({a.currency for a in demo.accounts}) >= 4
    assert len({s.source.value for s in demo.signals}) >= 4
    assert len({s.kind.value for s in demo.signals}) >= 6


def test_demo_ids_are_unique_and_tickets_belong_to_demo_accounts() -> None:
    demo = load_demo(DEMO_EPOCH)
    assert max(Counter(s.signal_id for s in demo.signals).values()) == 1
    assert max(Counter(a.account_id for a in demo.accounts).values()) == 1
    account_ids = {a.account_id for a in demo.accounts}
    assert {t.account_id for t in demo.tickets} <= account_ids
    # one signal deliberately names an account nobody knows (the missing-context path)
    assert [s.account_id for s in demo.signals if s.account_id not in account_ids] == ["acc_demo_willow_yoga"]


def test_shift_keeps_every_age_and_window() -> None:
    at_epoch, later = load_demo(DEMO_EPOCH), load_demo(LATER)
    delta = LATER - DEMO_EPOCH
    days = timedelta(days=round(delta / timedelta(days=1)))
    for before, after in zip(at_epoch.accounts, later.accounts):
        assert after.as_of - before.as_of == delta
        assert (after.renewal_date is None) == (before.renewal_date is None)
        if before.renewal_date:
            assert after.renewal_date - before.renewal_date == days
        assert after.arr == before.arr and after.owner == before.owner
    for before, after in zip(at_epoch.signals, later.signals):
        assert after.occurred_at - before.occurred_at == delta
        assert after.reason_text == before.reason_text
    assert all(s.occurred_at <= later.now for s in later.signals)


def test_scenarios_join_each_signal_with_its_context() -> None:
    demo = load_demo(LATER)
    scenarios = demo.scenarios()
    assert [s.signal for s in scenarios] == demo.signals
    for scenario in scenarios:
        assert scenario.now == LATER
        if scenario.account is not None:
            assert scenario.account.account_id == scenario.signal.account_id
        assert all(t.account_id == scenario.signal.account_id for t in scenario.tickets)
        assert scenario.tickets == sorted(scenario.tickets, key=lambda t: (t.created_at, t.ticket_id))


def test_demo_decisions_cover_every_path() -> None:
    from saveroute.engine import decide
    from saveroute.models import Path
    from saveroute.policy import load_policy

    policy = load_policy()
    paths = {decide(scenario, policy).path for scenario in load_demo(LATER).scenarios()}
    assert paths == set(Path)
