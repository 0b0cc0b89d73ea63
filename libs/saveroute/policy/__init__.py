"""Policy as data: the versioned file an operator edits, and its loader."""

from saveroute.policy.loader import PolicyError, default_policy_path, load_policy
from saveroute.policy.schema import Policy

__all__ = ["Policy", "PolicyError", "default_policy_path", "load_policy"]
