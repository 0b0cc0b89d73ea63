"""The approvals API: Slack button clicks and REST/CLI answers become approval decisions on Kafka."""
