"""The three webhook signature schemes against the published/compiled vectors in signatures/."""

import pytest
import stripe

from saveroute.ingest.errors import SignatureError
from saveroute.ingest.signatures import (
    hubspot_v3_signature, verify_hubspot_v3, verify_stripe, verify_zendesk, zendesk_signature,
)
from support.ingest_fixtures import fixture_bytes, signature_vectors

STRIPE = signature_vectors("stripe")[0]


def test_stripe_vector_is_valid_at_its_own_time():
    verify_stripe(STRIPE["body"].encode(), STRIPE["header_Stripe-Signature"], STRIPE["secret"],
                  tolerance_s=300, now=STRIPE["timestamp"] + 10)


@pytest.mark.parametrize("case", [c for c in STRIPE["negative_cases"] if "header_Stripe-Signature" in c],
                         ids=lambda c: c["why"])
def test_stripe_negative_vectors(case):
    body = case.get("body", STRIPE["body"]).encode()
    with pytest.raises(SignatureError):
        verify_stripe(body, case["header_Stripe-Signature"], STRIPE["secret"], 300,
                      now=STRIPE["timestamp"])


def test_stripe_stale_timestamp_is_refused():
    stale = next(c for c in STRIPE["negative_cases"] if "now" in c)
    with pytest.raises(SignatureError, match="window"):
        verify_stripe(STRIPE["body"].encode(), STRIPE["header_Stripe-Signature"], STRIPE["secret"],
                      300, now=stale["now"])
    # exactly at the edge of the window still passes
    verify_stripe(STRIPE["body"].encode(), STRIPE["header_Stripe-Signature"], STRIPE["secret"],
                  300, now=STRIPE["timestamp"] + 300)


def test_stripe_wrong_secret_missing_header_and_unconfigured_secret():
    body, header = STRIPE["body"].encode(), STRIPE["header_Stripe-Signature"]
    for args in ((body, header, "whsec_other"), (body, None, STRIPE["secret"]), (body, header, "")):
        with pytest.raises(SignatureError):
            verify_stripe(*args, tolerance_s=300, now=STRIPE["timestamp"])


def test_stripe_header_made_by_the_library_verifies():
    header = stripe.WebhookSignature.generate_signature_header("{}", "whsec_x", timestamp=1000)
    verify_stripe(b"{}", header, "whsec_x", 300, now=1000)


@pytest.mark.parametrize("vector", [v for v in signature_vectors("zendesk") if v.get("expected_valid")],
                         ids=lambda v: v["body_file"])
def test_zendesk_vectors(vector):
    body = fixture_bytes(vector["body_file"])
    ts = vector["header_X-Zendesk-Webhook-Signature-Timestamp"]
    assert zendesk_signature(body, ts, vector["secret"]) == vector["header_X-Zendesk-Webhook-Signature"]
    verify_zendesk(body, vector["header_X-Zendesk-Webhook-Signature"], ts, vector["secret"], tolerance_s=0)
    with pytest.raises(SignatureError, match="mismatch"):
        verify_zendesk(body + b" ", vector["header_X-Zendesk-Webhook-Signature"], ts,
                       vector["secret"], tolerance_s=0)
    with pytest.raises(SignatureError, match="window"):  # "1234" is decades old
        verify_zendesk(body, vector["header_X-Zendesk-Webhook-Signature"], ts, vector["secret"],
                       tolerance_s=300, now=2_000_000_000)


def test_zendesk_docs_example_uses_the_other_order_and_is_refused():
    vector = next(v for v in signature_vectors("zendesk") if "caution" in v)
    assert vector["expected_valid_under_timestamp_plus_body"] is False
    with pytest.raises(SignatureError):
        verify_zendesk(vector["body"].encode(), vector["header_X-Zendesk-Webhook-Signature"],
                       vector["header_X-Zendesk-Webhook-Signature-Timestamp"], vector["secret"], 0)


def test_zendesk_iso_timestamp_window():
    body, ts, key = b'{"a":1}', "2026-01-05T16:20:00Z", "k"
    sig = zendesk_signature(body, ts, key)
    verify_zendesk(body, sig, ts, key, 300, now=1767630000 + 60)
    with pytest.raises(SignatureError, match="window"):
        verify_zendesk(body, sig, ts, key, 300, now=1767630000 + 301)
    with pytest.raises(SignatureError, match="missing"):
        verify_zendesk(body, None, ts, key, 300)


def test_hubspot_v3_vector():
    vector = next(v for v in signature_vectors("hubspot") if v["signature_version"] == "v3")
    body, ts = vector["body"].encode(), str(vector["timestamp"])
    assert hubspot_v3_signature(vector["method"], vector["uri"], body, ts,
                                vector["client_secret"]) == vector["expected"]
    verify_hubspot_v3(vector["method"], vector["uri"], body, vector["expected"], ts,
                      vector["client_secret"], now=vector["timestamp"] / 1000 + 60)
    with pytest.raises(SignatureError, match="window"):  # the vector's timestamp is from 1970
        verify_hubspot_v3(vector["method"], vector["uri"], body, vector["expected"], ts,
                          vector["client_secret"], now=1767630000)
    with pytest.raises(SignatureError, match="mismatch"):
        verify_hubspot_v3("POST", vector["uri"] + "x", body, vector["expected"], ts,
                          vector["client_secret"], now=vector["timestamp"] / 1000)


def test_hubspot_signs_decoded_uri_escapes():
    ts, body, key = "1767630000000", b"[]", "secret"
    plain = hubspot_v3_signature("POST", "https://h.example/webhooks/hubspot?x=a:b", body, ts, key)
    assert hubspot_v3_signature("POST", "https://h.example/webhooks/hubspot?x=a%3Ab", body, ts, key) == plain
