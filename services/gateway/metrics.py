"""The gateway's Prometheus metrics. Every label value is bounded: sources, fixed reasons,
catalogue event types (unknown ones bucketed as "other"), topic names, phrase ids."""

from prometheus_client import Counter, Histogram

REJECT_REASONS = ("bad_signature", "malformed", "unmappable", "oversize", "unauthorized")

RECEIVED = Counter("saveroute_gateway_received_total",
                   "Source events accepted for mapping", ["source", "event_type"])
REJECTED = Counter("saveroute_gateway_rejected_total",
                   "Requests refused; nothing was published", ["source", "reason"])
IGNORED = Counter("saveroute_gateway_ignored_total",
                  "Event types saveroute does not use (acknowledged)", ["source", "event_type"])
DUPLICATES = Counter("saveroute_gateway_duplicates_total",
                     "Retried deliveries acknowledged without publishing", ["source"])
INSUFFICIENT = Counter("saveroute_gateway_insufficient_context_total",
                       "Context changes acknowledged but not enough for a valid AccountContext",
                       ["source"])
PUBLISHED = Counter("saveroute_gateway_published_total",
                    "Records delivered to Kafka", ["source", "topic"])
UNAVAILABLE = Counter("saveroute_gateway_unavailable_total",
                      "Deliveries answered 503/409 so the source retries", ["source", "reason"])
INTENT = Counter("saveroute_gateway_intent_matches_total",
                 "Helpdesk texts that matched a cancel-intent phrase", ["phrase"])
LATENCY = Histogram("saveroute_gateway_request_seconds", "Webhook handling time", ["source"])

for _source in ("stripe", "zendesk", "hubspot", "api"):
    for _reason in REJECT_REASONS:
        REJECTED.labels(_source, _reason)
