"""Deterministic demo data. Each module adds a step to ``STEPS`` in ``generate.py``."""
