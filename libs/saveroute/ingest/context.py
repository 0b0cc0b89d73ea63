"""Account context assembled from partial source facts.

Stripe knows plan, ARR and billing status; HubSpot knows owner and segment and
sends one property per event. Each source event yields a ContextPatch; the patch
is merged onto the last known facts for that account (kept in a ContextStore:
Redis in the gateway, memory in the replay importer) and an AccountContext is
published only when the merged facts validate. Defaults (the configured owner)
fill gaps at validation time and are never stored, so a later real owner wins.
"""

from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel

from saveroute import topics
from saveroute.ingest.canonical import CanonicalEvent, ContextPatch, Mapped, build
from saveroute.ingest.errors import MappingError
from saveroute.models import AccountContext, Owner


class ContextStore(Protocol):
    """Last known account facts per account id, plus source aliases -> account id."""

    def load(self, account_id: str) -> dict[str, Any] | None: ...
    def save(self, account_id: str, facts: dict[str, Any]) -> None: ...
    def resolve_alias(self, alias: str) -> str | None: ...
    def link_alias(self, alias: str, account_id: str) -> None: ...


class MemoryContextStore:
    """A ContextStore in a dict: for replays and tests of pure logic."""

    def __init__(self) -> None:
        self.facts: dict[str, dict[str, Any]] = {}
        self.aliases: dict[str, str] = {}

    def load(self, account_id: str) -> dict[str, Any] | None:
        return self.facts.get(account_id)

    def save(self, account_id: str, facts: dict[str, Any]) -> None:
        self.facts[account_id] = facts

    def resolve_alias(self, alias: str) -> str | None:
        return self.aliases.get(alias)

    def link_alias(self, alias: str, account_id: str) -> None:
        self.aliases[alias] = account_id


def merge_facts(prior: dict[str, Any] | None, patch: dict[str, Any]) -> dict[str, Any]:
    """Patch values overwrite prior ones; an owner whose id is unchanged keeps its known name."""
    merged = dict(prior or {})
    for name, value in patch.items():
        if name == "owner" and isinstance(value, dict):
            old = merged.get("owner") if isinstance(merged.get("owner"), dict) else {}
            same = old.get("id") == value.get("id")
            owner = {**old, **value} if same else dict(value)
            owner.setdefault("name", owner.get("id"))  # no directory lookup: the id stands in
            merged["owner"] = owner
        else:
            merged[name] = value
    return merged


@dataclass(frozen=True)
class Resolved:
    """A patch after merging: the account it belongs to, and a context if one validates."""

    account_id: str
    context: AccountContext | None
    missing: str | None = None  # "field: reason" when the merged facts are not enough


class ContextResolver:
    """Turns patches into AccountContexts against a store (the only stateful step of ingest)."""

    def __init__(self, store: ContextStore, default_owner: Owner | None = None) -> None:
        self.store = store
        self.default_owner = default_owner

    def account_for(self, patch: ContextPatch) -> str:
        if patch.account_id and patch.alias:
            self.store.link_alias(patch.alias, patch.account_id)
            self._adopt(patch.alias, patch.account_id)
        if patch.account_id:
            return patch.account_id
        if patch.alias:
            return self.store.resolve_alias(patch.alias) or patch.alias
        raise MappingError("account_id", "the event names no account")

    def _adopt(self, alias: str, account_id: str) -> None:
        """Facts gathered under the alias before the link move onto the account."""
        gathered = self.store.load(alias)
        if gathered:
            carried = {k: v for k, v in gathered.items() if k not in ("account_id", "as_of")}
            self.store.save(account_id, merge_facts(self.store.load(account_id), carried))

    def resolve(self, patch: ContextPatch) -> Resolved:
        account_id = self.account_for(patch)
        facts = merge_facts(self.store.load(account_id), patch.fields)
        facts["account_id"] = account_id
        facts["as_of"] = patch.as_of.isoformat()
        self.store.save(account_id, facts)
        candidate = dict(facts)
        if "owner" not in candidate and self.default_owner is not None:
            candidate["owner"] = self.default_owner.model_dump(mode="json")
        try:
            return Resolved(account_id, build(AccountContext, candidate))
        except MappingError as exc:
            return Resolved(account_id, None, str(exc))

    def remember(self, context: AccountContext) -> None:
        """A full context from elsewhere (POST /events) becomes the known facts."""
        self.store.save(context.account_id, _facts_of(context))


def _facts_of(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_none=True)


def records_for(mapped: Mapped, resolver: ContextResolver) -> tuple[list[CanonicalEvent], int]:
    """Everything one mapped source event publishes, contexts first, and how many patches fell short.

    Full contexts from elsewhere (POST /events) are remembered so later patches merge onto them.
    """
    contexts: list[CanonicalEvent] = []
    short = 0
    for patch in mapped.patches:
        resolved = resolver.resolve(patch)
        if resolved.context is None:
            short += 1
            continue
        contexts.append(CanonicalEvent(topics.ACCOUNT_CONTEXT, resolved.account_id, resolved.context,
                                       patch.event_id))
    for event in mapped.events:
        if isinstance(event.value, AccountContext):
            resolver.remember(event.value)
    return contexts + list(mapped.events), short
