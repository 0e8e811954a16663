"""Benchmark of the kg viz pages: nodes, edges, file size, time to write, time to draw in Chromium.

Draws the three views of the sample plans, and synthetic bodies × programs graphs of the same
shape at 2,000 nodes and at 20,000 nodes (the page shows their leading programs). With
--national, also the default page of a workspace of many plans written as `kg viz` writes it
(who pursues what read by queries, then the sentences of the edges drawn), timing the whole
command: reading the workspace and writing the page, in seconds of wall clock and of CPU. Prints
medians; it asserts nothing.

    .venv/bin/python bench/pages.py [--runs 3] [--db DIR] [--national DIR]

A workspace of 1,000 synthetic plans (made from the sample plans, issuers drawn from GB/T 2260):

    .venv/bin/python -c "from bench.corpus import synthesize; from pathlib import Path; synthesize(1000, Path('/tmp/n1000'))"
    .venv/bin/kg build /tmp/n1000 --db /tmp/n1000-db
    .venv/bin/python bench/pages.py --national /tmp/n1000-db

"Draw" is the time from navigation to the first frame after the layout has settled and physics
stopped (the page's own window.kgPage.ms), in headless Chromium as the tests start it.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import networkx as nx  # noqa: E402

from kg.network import Evidence, from_workspace  # noqa: E402
from kg.viz import write_page  # noqa: E402
from kg.workspace import Workspace  # noqa: E402


def synthetic(bodies: int, programs: int, per_body: int, seed: int = 0) -> nx.MultiDiGraph:
    """Bodies × programs of the shape kg.network gives, with a few programs most bodies share."""
    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    weights = [1 / (i + 1) ** 0.9 for i in range(programs)]
    levels = ["province", "prefecture", "county"]
    documents = {}
    for p in range(programs):
        G.add_node(f"p{p}", cls="Program", label=f"青年项目{p:05d}", evidence=[], sources=[])
    for b in range(bodies):
        source, level = f"plan{b:05d}.txt", levels[b % 3]
        body = f"b{b}"
        G.add_node(body, cls="Organization", label=f"共青团第{b:05d}委", level=level, evidence=[], sources=[source])
        G.add_node(source, cls="WorkPlan", label=f"plan {b}", evidence=[], sources=[source])
        province = f"r{b % 31}"
        G.add_node(province, cls="Region", label=f"第{b % 31:02d}省", evidence=[], sources=[])
        G.add_edge(body, province, key="region", evidence=[], sources=[source])
        G.add_edge(source, body, key="issuedBy", evidence=[], sources=[source])
        documents[source] = {"document": source, "title": f"plan {b}", "year": "2021", "issuer": f"共青团第{b:05d}委",
                             "level": level, "region": ""}
        for p in sorted(set(rng.choices(range(programs), weights, k=per_body))):
            sentence = f"深入实施“青年项目{p:05d}”，扩大覆盖面。"
            G.add_edge(body, f"p{p}", key="pursues", sources=[source],
                       evidence=[Evidence(source, "2021", 5, 15, f"青年项目{p:05d}", sentence)])
    G.graph.update(documents=documents, classes={}, relations={})
    return G


def default_page(db: Path, page: Path):
    """The default page of a workspace, read and written as `kg viz --db DB` does."""
    import functools

    from kg.network import pursuit_evidence, pursuit_graph

    with Workspace(db, read_only=True) as ws:
        G = pursuit_graph(ws)
        return write_page(G, page, evidence=functools.partial(pursuit_evidence, ws, G))


def median_ms(values: list[float]) -> str:
    return f"{statistics.median(values):8.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", type=Path, help="a workspace of the sample plans (built in a temporary folder if left out)")
    parser.add_argument("--national", type=Path, help="a workspace of many plans: time its default page as kg viz writes it")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-pages-"))
    db = args.db
    if db is None:
        from kg.pipeline import build
        db = tmp / "db"
        with Workspace(db, create=True) as ws:
            build(ws, [ROOT / "examples" / "corpus"], jobs=1)
    with Workspace(db, read_only=True) as ws:
        G = from_workspace(ws)

    cases = [("bodies-programs (sample plans)", G, {}),
             ("bodies-programs --top 20 (sample plans)", G, {"top": 20}),
             ("full (sample plans)", G, {"view": "full"}),
             ("full 共青团南昌市委 (sample plans)", G, {"view": "full", "organizations": ["共青团南昌市委"]}),
             ("ego 青马工程 r=1 (sample plans)", G, {"view": "ego", "programs": ["青马工程"]}),
             ("ego 青年大学习 r=2 (sample plans)", G, {"view": "ego", "programs": ["青年大学习"], "radius": 2}),
             ("bodies-programs, synthetic 300 bodies", synthetic(300, 1900, 32), {}),
             ("bodies-programs, synthetic 2,000 bodies", synthetic(2000, 18000, 40), {})]
    if args.national:
        cases.append((f"kg viz, {args.national.name}", args.national, {}))

    from browser import open_page, start
    driver = start(tmp / "profile")
    print(f"{'page':<42}{'nodes':>7}{'edges':>7}{'MB':>7}{'write ms':>10}{'cpu ms':>9}{'draw ms':>9}{'load+draw ms':>14}")
    try:
        for name, graph, kw in cases:
            page = tmp / "page.html"
            writes, draws, walls = [], [], []
            cpu = []
            for _ in range(args.runs):
                t, c = time.perf_counter(), time.process_time()
                view = default_page(graph, page) if isinstance(graph, Path) else write_page(graph, page, **kw)
                writes.append(1000 * (time.perf_counter() - t))
                cpu.append(1000 * (time.process_time() - c))
                t = time.perf_counter()
                report = open_page(driver, page, timeout=600)
                walls.append(1000 * (time.perf_counter() - t))
                draws.append(report["ms"])
            H = view.graph
            print(f"{name:<42}{H.number_of_nodes():>7}{H.number_of_edges():>7}{page.stat().st_size / 1e6:>7.2f}"
                  f"{median_ms(writes):>10}{median_ms(cpu):>9}{median_ms(draws):>9}{median_ms(walls):>14}")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
