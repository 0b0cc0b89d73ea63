"""Every topic's models survive encode -> decode unchanged, in both framings."""

import pytest
from _serde_samples import dev_scenarios, samples

from saveroute import topics
from saveroute.serde import decode_key, encode_key, key_of, make_codec
from saveroute.serde.confluent import ConfluentCodec
from saveroute.serde.convert import to_datum
from saveroute.serde.schemas import default_catalog
from saveroute.serde.single_object import MAGIC, SingleObjectCodec, write_frame
from saveroute.serde.topic_schemas import topic_schemas

SAMPLES = samples()
CODECS = {
    "single-object": lambda: make_codec(None),
    "confluent": lambda: make_codec("mock://serde-roundtrip"),
}


@pytest.fixture(scope="module", params=sorted(CODECS))
def codec(request):
    return CODECS[request.param]()


def test_configuration_picks_the_framing():
    assert isinstance(make_codec(None), SingleObjectCodec)
    assert isinstance(make_codec(""), SingleObjectCodec)
    assert isinstance(make_codec("mock://picks"), ConfluentCodec)


@pytest.mark.parametrize(("topic_name", "kind", "model"), SAMPLES, ids=[f"{t}-{k}" for t, k, _ in SAMPLES])
def test_every_topic_model_round_trips(codec, topic_name, kind, model):
    data = codec.encode(topic_name, model)
    decoded = codec.decode(topic_name, data)
    assert type(decoded) is type(model)
    assert decoded == model
    assert decoded.model_dump() == model.model_dump()  # timestamps keep their microseconds


def test_every_topic_has_samples():
    covered = {topic_name for topic_name, _, _ in SAMPLES}
    assert covered == {t.name for t in topics.ALL_TOPICS}


def test_frames_carry_their_format(codec):
    signal = next(m for t, k, m in SAMPLES if t == topics.SIGNALS.name and k == "realistic")
    data = codec.encode(topics.SIGNALS.name, signal)
    if isinstance(codec, SingleObjectCodec):
        assert data[:2] == MAGIC
    else:
        assert data[0] == 0  # Confluent magic byte, then a 4-byte schema id


@pytest.mark.skipif(not dev_scenarios(), reason="tests/data/contracts/dev-set.jsonl is missing")
def test_dev_set_signals_accounts_and_tickets_round_trip(codec):
    count = 0
    for scenario in dev_scenarios():
        pairs = [(topics.SIGNALS.name, scenario.signal)]
        if scenario.account is not None:
            pairs.append((topics.ACCOUNT_CONTEXT.name, scenario.account))
        pairs += [(topics.SUPPORT_TICKETS.name, t) for t in scenario.tickets]
        for topic_name, model in pairs:
            assert codec.decode(topic_name, codec.encode(topic_name, model)) == model
            count += 1
    assert count >= 180  # 90 signals, ~90 accounts, and their tickets


def test_encode_refuses_a_model_of_the_wrong_topic():
    decision = next(m for t, k, m in SAMPLES if t == topics.DECISIONS.name and k == "realistic")
    with pytest.raises(TypeError, match="carries Signal, not Decision"):
        make_codec(None).encode(topics.SIGNALS.name, decision)


def test_unknown_topic_is_named():
    with pytest.raises(KeyError, match="saveroute.nope.v1"):
        make_codec(None).encode("saveroute.nope.v1", SAMPLES[0][2])


def test_keys_are_plain_utf8_account_ids():
    by_record = {t.record: m for t, k, m in ((topics.by_name(n), k, m) for n, k, m in SAMPLES) if k == "realistic"}
    assert encode_key("acc_rowan_realty") == b"acc_rowan_realty"
    assert decode_key(encode_key("acc_zoë")) == "acc_zoë"
    assert decode_key(None) is None
    for record in ("Signal", "AccountContext", "SupportTicket", "EnrichedCase", "ClassifiedCase",
                   "Decision", "ApprovalTask", "Outcome"):
        assert key_of(by_record[record]) == b"acc_rowan_realty", record
    assert key_of(by_record["DeadLetter"]) == by_record["DeadLetter"].original_key


@pytest.mark.parametrize(("topic_name", "kind", "model"), SAMPLES, ids=[f"{t}-{k}" for t, k, _ in SAMPLES])
def test_the_fast_write_plan_writes_what_the_plain_datum_writes(topic_name, kind, model):
    entry = topic_schemas(default_catalog())[topic_name]
    datum = entry.plan.datum(model)
    assert write_frame(entry.schema, datum) == write_frame(entry.schema, to_datum(model))
