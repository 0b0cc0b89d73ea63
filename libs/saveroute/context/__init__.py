"""The account and ticket context enrichment joins signals against, kept in Redis."""

from saveroute.context.settings import ContextSettings
from saveroute.context.store import AccountSnapshot, ContextStore

__all__ = ["AccountSnapshot", "ContextSettings", "ContextStore"]
