"""Benchmarks and load tests of Escales (not part of the test suite).

`make bench` (or `python -m bench`) runs them in order with short defaults;
docs/benchmarks.md says what each one measures and how to run it for longer.
Every server they start listens on 127.0.0.1 only, and every request loop
they run is bounded in count and in time.
"""
