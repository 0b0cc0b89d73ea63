"""The embedded stack: local broker and Redis processes, topic setup, and service supervision."""
