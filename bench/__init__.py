"""Benchmarks that print figures and assert nothing; run from the project's root, not installed.

``python bench`` (or ``python -m bench``) times every command a user runs on synthetic corpora
of growing size (see ``bench/__main__.py``); ``bench/cypher.py`` and ``bench/pages.py`` measure
the Cypher load and the graph pages alone.
"""
