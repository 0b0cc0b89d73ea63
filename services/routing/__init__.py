"""Routing: turns each classified case into a decision and its owner's approval task."""
