"""Benchmarks of CX Insight at scale: load, pages, queries vs the raw engine, a pandas reference, sentiment.

Figures are printed and written to bench/results/; they are never asserted in tests.
"""
