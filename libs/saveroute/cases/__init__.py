"""One case per churn episode: signals for an account within the window join one case."""

from saveroute.cases.store import CaseJoin, CaseStore

__all__ = ["CaseJoin", "CaseStore"]
