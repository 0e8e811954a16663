"""``kg viz`` (interactive graph pages) and ``kg compare`` (two plans side by side)."""
from __future__ import annotations

import functools
from pathlib import Path

import click

from ontology.namespaces import CYL

from kg.commands.common import DB_OPTION, open_workspace

CHANGES = ("added", "dropped", "kept", "target-changed", "target-same")


def _plans_graph(db: Path, references: tuple[str, ...]):
    """The plans graph of the plans the references name, and of no other: each reference is
    resolved against every plan's description (issuer, region, year, title), then only those
    plans' graphs are read (the whole graph of 10,000 plans held more than 4 GB)."""
    from kg import iri
    from kg.compare import resolve_plan
    from kg.network import from_quads, pursuit_graph

    with open_workspace(db, read_only=True) as ws:
        if not ws.documents:
            raise click.UsageError(f"{db}: the workspace holds no documents (run `kg build PATH... --db {db}`)")
        plans = pursuit_graph(ws, programs=set())        # every plan and its issuer, no pursuit
        graphs = sorted({plans.graph["documents"][resolve_plan(plans, ref)]["graph"] for ref in references})
        return from_quads([list(ws.quads(g)) for g in graphs], reference=ws.quads(iri.SCHEME_GRAPH),
                          vocabulary=ws.quads(iri.ONTOLOGY_GRAPH))


def _years(db: Path) -> list[str]:
    """The plan years the workspace holds, in order."""
    with open_workspace(db, read_only=True) as ws:
        _, rows = ws.query(f"SELECT DISTINCT ?y WHERE {{ ?d a <{CYL.WorkPlan}> ; <{CYL.planYear}> ?y }}")
    return sorted(str(y) for (y,) in rows) or ["no year"]


@click.command()
@click.option("--view", type=click.Choice(["bodies-programs", "full", "ego"]), default="bodies-programs",
              show_default=True, help="bodies-programs: the bodies that issue plans and the programs they "
              "pursue; full: every entity; ego: what lies around the --program/--organization given.")
@click.option("--program", "-p", "programs", multiple=True, metavar="NAME",
              help="Only this program (its name, an alias, or part of a name); repeat for more. "
                   "In the ego view, a centre.")
@click.option("--organization", "-g", "organizations", multiple=True, metavar="NAME",
              help="Only this body (bodies-programs), its plans (full), or a centre (ego); repeat for more.")
@click.option("--year", "years", multiple=True, type=int, metavar="YEAR",
              help="Only plans of this plan year; repeat for more.")
@click.option("--radius", type=click.IntRange(1, 3), default=1, show_default=True,
              help="Steps from the centre in the ego view: 1 shows who pursues a program and with what "
                   "(bodies, work items, targets); 2 adds what those pursue.")
@click.option("--top", type=click.IntRange(1, 1000), metavar="N",
              help="bodies-programs: draw the N programs most bodies pursue, with the bodies (or their "
                   "levels or provinces) pursuing each  [default: all when the page stays readable "
                   "(at most 300 nodes and 30 bodies), else 30].")
@click.option("--group-by", type=click.Choice(["level", "province"]),
              help="bodies-programs, more than 30 bodies: group them by level or by province  "
                   "[default: province with --program, else level].")
@click.option("--max-nodes", type=click.IntRange(10, 50000), default=2000, show_default=True,
              help="Draw at most this many nodes; larger graphs are grouped, folded and cut to the most "
                   "connected nodes, and the page says so.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="The page to write (atomically)  [default: DB/VIEW.html].")
@DB_OPTION
def viz(view: str, programs: tuple[str, ...], organizations: tuple[str, ...], years: tuple[int, ...], radius: int,
        top: int | None, group_by: str | None, max_nodes: int, output: Path | None, db: Path) -> None:
    """Write an interactive graph page: one HTML file that works offline.

    Nodes are coloured and shaped by class and sized by their links; the most important are
    labelled, the rest as you zoom in. Hover over a node or an edge for the sentence behind it,
    click it for all of its evidence; the box at the top finds nodes by name, and the legend
    hides or shows a class. A large workspace's default page shows the leading programs and the
    levels of the bodies pursuing each; the page lists the options that narrow it.

    \b
    Examples:
      kg viz --db kg-db -o kg-db/bodies-programs.html
      kg viz --top 20 --db kg-db -o leading.html
      kg viz --program 青年大学习 --program 挑战杯 --db kg-db -o two-programs.html
      kg viz --view full --organization 共青团南昌市委 --db kg-db -o nanchang.html
      kg viz --view ego --program 青马工程 --db kg-db -o qingma.html
      kg viz --view ego --program 青马工程 --radius 2 --year 2021 --db kg-db -o qingma-2.html
    """
    from kg.network import from_workspace, pursuit_evidence, pursuit_graph
    from kg.viz import SelectionError, leading_pursuits, write_page
    from kg.views import drawn_plans, named, pursuits_of

    output = output or db / f"{view}.html"
    notes = [f"plans of {', '.join(map(str, years))}"] if years else []
    with open_workspace(db, read_only=True) as ws:
        if not ws.documents:
            raise click.UsageError(f"{db}: the workspace holds no documents (run `kg build PATH... --db {db}`)")
        if view == "bodies-programs":       # who pursues what, read alone: fast at national scale
            G = (None if organizations else pursuits_of(ws, years or None, programs) if programs
                 else leading_pursuits(ws, years or None, top, max_nodes))
            G = G if G is not None else pursuit_graph(ws, years=years or None)
            evidence = functools.partial(pursuit_evidence, ws, G)
        else:                               # beyond PLANS_DRAWN plans, the graphs of that many
            naming = named(ws, programs, "Program") | named(ws, organizations, "Organization")
            drawn, evidence = drawn_plans(ws, years or None, naming), None
            G = from_workspace(ws, years=years or None) if drawn is None else drawn[0]
            notes += [drawn[1]] if drawn and drawn[1] else []
        if years and not G.graph["documents"]:
            raise click.UsageError(f"no plan of {', '.join(map(str, years))} in the workspace; it holds plans of "
                                   + ", ".join(_years(db)))
        try:
            drawn = write_page(G, output, view=view, programs=programs, organizations=organizations, radius=radius,
                               max_nodes=max_nodes, notes=notes, top=top, group_by=group_by, evidence=evidence)
        except SelectionError as err:
            raise click.UsageError(str(err)) from err
    H = drawn.graph
    click.echo(f"wrote {output}: {H.number_of_nodes()} nodes, {H.number_of_edges()} edges ({view} view)")
    for note in drawn.notes:
        click.echo(f"  {note}")


def _cite(evidence: list, width: int = 120) -> str:
    if not evidence:
        return ""
    e = evidence[0]
    sentence = " ".join(e.sentence.split())
    if len(sentence) > width:
        sentence = sentence[:width - 1] + "…"
    more = f" (+{len(evidence) - 1})" if len(evidence) > 1 else ""
    return f"“{sentence}”  [{e.source}, char {e.begin}–{e.end}]{more}"


def compare_text(diff: dict, only: set[str]) -> str:
    """The comparison for people: the two plans, then each kind of difference with its evidence."""
    from kg.reports import target_value

    a, b = diff["a"], diff["b"]
    lines = [f"A  {a['source']}  {a['issuer']} {a['year']}  {a['title']}",
             f"B  {b['source']}  {b['issuer']} {b['year']}  {b['title']}", ""]
    sections = [("added", "+", "programs B pursues and A does not"),
                ("dropped", "-", "programs A pursues and B does not"),
                ("kept", "=", "programs both pursue")]
    for change, mark, heading in sections:
        if change not in only:
            continue
        lines.append(f"{change} ({len(diff[change])}): {heading}")
        for p in diff[change]:
            lines.append(f"  {mark} {p['program']}")
            for side in ("a", "b"):
                if p[side]:
                    lines.append(f"      {side.upper()}  {_cite(p[side])}")
        lines.append("")
    targets = [t for t in diff["targets"]
               if ("target-changed" in only and t["changed"]) or ("target-same" in only and not t["changed"])]
    if "target-changed" in only or "target-same" in only:
        changed = sum(t["changed"] for t in diff["targets"])
        lines.append(f"targets on the same metric ({len(diff['targets'])}, {changed} with different values)")
        for t in targets:
            names = t["a"]["metric"] if t["a"]["metric"] == t["b"]["metric"] else f"{t['a']['metric']} / {t['b']['metric']}"
            lines.append(f"  {'≠' if t['changed'] else '='} {names}:  A {target_value(t['a'])}  B {target_value(t['b'])}"
                         + (f"  (similar metric, {t['similarity']:.2f})" if t["similarity"] < 1 else ""))
            lines.append(f"      A  {_cite(t['a']['evidence'])}")
            lines.append(f"      B  {_cite(t['b']['evidence'])}")
        lines.append("")
    return "\n".join(lines)


@click.command()
@click.argument("plan_a", metavar="A")
@click.argument("plan_b", metavar="B")
@click.option("--only", "only", multiple=True, type=click.Choice(CHANGES),
              help="Show only this kind of difference; repeat for more (default: all).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@DB_OPTION
def compare(plan_a: str, plan_b: str, only: tuple[str, ...], fmt: str, db: Path) -> None:
    """Compare plan B with plan A: programs added, dropped and kept, and the targets both set on
    the same metric (with different values or the same), each with the sentence behind it.

    A and B name plans by file name (the `source` column of `kg query documents`), file name
    without its suffix, or the issuing body or its region, with @YEAR when it has several plans.
    Compare one body's plans of two years to see what it took up and dropped, or two bodies'
    plans to see how their programs and targets differ.

    \b
    Examples:
      kg compare 共青团宁波市委 共青团南昌市委 --db kg-db
      kg compare 吉林省@2021 四川省@2021 --only added --only dropped --db kg-db
      kg compare 003_f18f31987188af28.txt 000_973257c0ce08f055.txt --format csv --db kg-db > diff.csv
    """
    from kg.compare import compare_plans
    from kg.reports import FORMATS, compare_rows

    try:
        G = _plans_graph(db, (plan_a, plan_b))
        diff = compare_plans(G, plan_a, plan_b)
    except LookupError as err:
        raise click.UsageError(err.args[0]) from err
    wanted = set(only or CHANGES)
    if fmt == "table":
        click.echo(compare_text(diff, wanted), nl=False)
        return
    columns, rows = compare_rows(diff)
    click.echo(FORMATS[fmt](columns, [r for r in rows if r["change"] in wanted]), nl=False)
