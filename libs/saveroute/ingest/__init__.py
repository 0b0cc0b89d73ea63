"""Source payloads in, canonical saveroute events out.

Billing and helpdesk systems speak their own JSON. This package turns a verified
payload into the models the pipeline consumes (Signal, AccountContext patches,
SupportTicket, Outcome) with pure functions, so the HTTP gateway and the replay
importer share one mapping. Signature checks live in `signatures`.
"""

from saveroute.ingest.canonical import CanonicalEvent, ContextPatch, Mapped
from saveroute.ingest.errors import MappingError, SignatureError

__all__ = ["CanonicalEvent", "ContextPatch", "Mapped", "MappingError", "SignatureError"]
