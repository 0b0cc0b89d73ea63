"""Benchmarks run by `make bench`: numbers, never timed tests."""
