"""Benchmarks of photonics-kg at growing sizes, against plain baselines measured in the same run.

Run ``python -m bench`` from the repository root (``--help`` for the options); see
``bench/README.md`` for the contract a bench module follows, and ``bench.harness``.
Not part of the installed package.
"""
