"""The alerts service: approval tasks, decisions and escalations in; Slack messages and chain steps out."""
