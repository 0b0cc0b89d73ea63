"""The account and ticket context enrichment joins signals against, kept in Redis."""

from saveroute.context.store import AccountSnapshot, ContextStore

__all__ = ["AccountSnapshot", "ContextStore"]
