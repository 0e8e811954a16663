"""Benchmark: project the sample corpus × N onto a property graph and bulk-load it into Ladybug.

Prints figures; asserts nothing. The corpus is copied N times under new names (each copy is a
plan of its own, with its own nodes) and built once into a workspace; then the embedded Cypher
database is rebuilt from it cold (no projection cache: every graph read from the store) and
warm (the cache holds every plan, as after a build that changed one), each timed over a few
runs (median), with the peak memory of the process:

    .venv/bin/python bench/cypher.py                  # the corpus × 100
    .venv/bin/python bench/cypher.py --copies 1
    .venv/bin/python bench/cypher.py --db /tmp/x100   # reuse (or keep) the workspace
"""
from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.stores import cypher_cache, cypher_stream  # noqa: E402
from kg.pipeline import build  # noqa: E402
from kg.exports import neo4j_csv  # noqa: E402
from kg.stores import ladybug, ladybug_query  # noqa: E402
from kg.exports.neo4j_statements import plan  # noqa: E402
from kg.workspace import Workspace  # noqa: E402

CORPUS = ROOT / "examples" / "corpus"


def timed(step, runs: int):
    """(median seconds, last result) of running step() runs times."""
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def corpus_copies(folder: Path, copies: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(copies):
        for f in sorted(CORPUS.glob("*.txt")):
            shutil.copy(f, folder / f"{f.stem}_{i:03d}{f.suffix}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", type=Path, help="workspace to build into (kept) or to reuse if it exists")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench-cypher-"))
    db = args.db or scratch / "db"
    try:
        if not (db / "current").exists():
            corpus_copies(scratch / "plans", args.copies)
            started = time.perf_counter()
            with Workspace(db, create=True) as ws:
                report = build(ws, [scratch / "plans"])
            print(f"kg build of {len(report.built)} plans (extraction, RDF, the Cypher database): "
                  f"{time.perf_counter() - started:.1f} s")
        with Workspace(db, read_only=True) as ws:
            documents = len(ws.documents)
            triples = sum(1 for g in ws.document_graphs() for _ in ws.quads(g))
            print(f"workspace: {documents} plans, {triples} triples in their graphs")

            def rebuild(cold: bool):
                if cold:
                    shutil.rmtree(db / cypher_cache.CACHE, ignore_errors=True)
                return ladybug.build(ws, scratch)
            for cold in (True, False):
                seconds, info = timed(lambda: rebuild(cold), args.runs)
                print(f"  project + load into Ladybug, {'cold' if cold else 'warm'} cache    {seconds:7.2f} s  "
                      f"({info['nodes']} nodes, {info['relationships']} relationships)")
            print(f"  counts in the database                  {ladybug_query.counts(scratch / ladybug.DATABASE)}")
            print(f"  peak memory so far (build + rebuilds)   {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10} MB")
            query = ("MATCH (o:Organization)-[r:PURSUES]->(p:Program) RETURN p.prefLabel, count(DISTINCT o) AS n "
                     "ORDER BY n DESC LIMIT 10")
            seconds, _ = timed(lambda: ladybug_query.query(scratch / ladybug.DATABASE, query), args.runs)
            print(f"  top-10 programs by bodies (Cypher)      {seconds:7.3f} s")
            seconds, whole = timed(lambda: cypher_stream.project(ws), 1)
            print(f"  the projection whole in memory (warm)   {seconds:7.2f} s  "
                  f"({len(whole.label_counts())} labels, {len(whole.type_counts())} relationship types)")
            seconds, files = timed(lambda: neo4j_csv.files(whole), 1)
            print(f"  neo4j-csv export (in memory)            {seconds:7.2f} s, {sum(map(len, files.values())) >> 20} MB")
            seconds, statements = timed(lambda: list(plan(cypher_stream.stream(ws), None)), 1)
            print(f"  Neo4j push plan, one plan at a time     {seconds:7.2f} s, {len(statements)} statements")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10
        print(f"peak memory with the whole projection in memory too: {peak} MB")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
