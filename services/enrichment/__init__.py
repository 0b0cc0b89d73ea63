"""Enrichment: keeps account and ticket context in Redis and joins each signal with it."""
