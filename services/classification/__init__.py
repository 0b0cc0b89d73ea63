"""Classification: names the root cause of each enriched case."""
