"""The ``kg`` command: build a knowledge graph of Youth League work plans and query it.

Exit codes: 0 all went well; 1 some files could not be built (the rest were) or the
workspace failed validation; 2 a usage error (a bad option, an unknown query, no workspace);
3 the workspace is busy (another build is writing it); 130 the build was interrupted (Ctrl-C
or SIGTERM: what it finished is kept, and running it again finishes it).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__
from .commands.common import DB_OPTION, EXIT_INTERRUPTED
from .commands.common import open_workspace as _open
from .commands.cypher import push
from .commands.eval import eval_
from .commands.schema import schema
from .commands.viz import compare, viz


class MessageFirst(click.UsageError):
    """A usage error shown as people read it: what went wrong first, then the usage line."""

    def show(self, file=None) -> None:
        color = self.ctx.color if self.ctx is not None else None
        lines = [f"Error: {self.format_message()}"]
        if self.ctx is not None:
            lines += [self.ctx.get_usage(), f"Try '{self.ctx.command_path} --help' for help."]
        click.echo("\n".join(lines), file=file, err=file is None, color=color)


def _message_first(err: click.UsageError) -> MessageFirst:
    shown = MessageFirst(err.format_message(), err.ctx)
    shown.exit_code = err.exit_code
    return shown


class Kg(click.Group):
    """The ``kg`` group: usage errors of every command shown message first, and a misspelt
    command answered with the nearest names."""

    def make_context(self, *args, **kwargs):
        try:
            return super().make_context(*args, **kwargs)
        except click.UsageError as err:
            if type(err).show is not click.UsageError.show:    # shown its own way: ours, or help for no arguments
                raise
            raise _message_first(err) from err

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.UsageError as err:
            if type(err).show is not click.UsageError.show:    # shown its own way: ours, or help for no arguments
                raise
            raise _message_first(err) from err

    def resolve_command(self, ctx, args):
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            from .suggest import hint
            ctx.fail(f"no command {name!r} (choose from: {', '.join(self.list_commands(ctx))})"
                     + hint(name, self.list_commands(ctx)))
        return super().resolve_command(ctx, args)


@click.group(cls=Kg, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """Turn Communist Youth League work plans (工作要点) into a knowledge graph.

    \b
    Build a workspace from files and folders, then query it:
      kg build examples/corpus --db kg-db
      kg schema --db kg-db
      kg query pursues --db kg-db --format csv
      kg export --format ttl -o plans.ttl --db kg-db
    """


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@DB_OPTION
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help="Worker processes for extraction (default: up to 4, one per core).")
@click.option("--quiet", "-q", is_flag=True, help="Print errors only: no progress, no summary.")
@click.option("--wait", type=click.FloatRange(0), default=0, show_default=True, metavar="SECONDS",
              help="Wait this long for another build on the same workspace to end (else exit 3).")
@click.option("--init", is_flag=True, help="Make a workspace in --db although the folder holds other files.")
def build(paths: tuple[Path, ...], db: Path, jobs: int | None, quiet: bool, wait: float, init: bool) -> None:
    """Read work plans into the workspace at --db.

    PATHS are files (.txt .md .docx .pdf .html) and folders, searched recursively. Files
    already built and unchanged are skipped; a changed file replaces its document's graph.
    A file that cannot be read gets one line on stderr naming it and the reason; the other
    files are still built, and the exit status is 1. A path that does not exist is a usage
    error (exit 2), and paths that hold no plan files leave a warning and exit 1; neither
    creates a workspace. --db must be a workspace, a new or empty folder, or (with --init)
    a folder of other files to make one in.
    Interrupted (Ctrl-C, SIGTERM), a build keeps what it finished, stops its workers and exits
    130; running it again finishes it. On a terminal, stderr shows a line per phase (reading,
    extraction, loading into the RDF store, the Cypher projection, the pages' index, the
    summary) with its count, rate and time left; nothing when stderr is not a terminal.

    \b
    Examples:
      kg build examples/corpus --db kg-db
      kg build examples/formats/003_pingluo_2020.docx examples/corpus --db kg-db -j 2
    """
    from .processes import sigterm_interrupts

    _check_build(paths, db, init)
    try:
        with sigterm_interrupts():
            failed = _build(paths, db, jobs, quiet, wait)
    except KeyboardInterrupt:
        if sys.stderr.isatty():
            click.echo(err=True)            # past the ^C the terminal shows
        click.echo(f"interrupted: {db} keeps what was built; run the same build again to finish it", err=True)
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(1 if failed else 0)


def _build(paths: tuple[Path, ...], db: Path, jobs: int | None, quiet: bool, wait: float) -> bool:
    """Run the build and print its summary; whether some files failed."""
    from .pipeline import build as run_build, expand
    from .progress import Progress
    from .summary import bodies_programs, matrix_text

    files, _ = expand(paths)
    if not files:
        _nothing_to_build(paths, db)
    progress = Progress.on_stderr(quiet)        # a line per phase on a terminal; nothing in a pipe or log
    with _open(db, create=True, wait=wait) as ws:
        report = run_build(ws, paths, jobs=jobs, progress=progress)
        for path, reason in report.failed:
            click.echo(f"error: {path}: {reason}", err=True)
        if not quiet:
            with progress.phase("summary"):
                matrix = bodies_programs(ws)
            click.echo(f"built {len(report.built)}, unchanged {len(report.unchanged)}, "
                       f"failed {len(report.failed)}; workspace {db} holds {len(ws.documents)} documents")
            click.echo()
            click.echo(matrix_text(matrix), nl=False)
    return bool(report.failed)


def _check_build(paths: tuple[Path, ...], db: Path, init: bool) -> None:
    """A usage error, before anything is created, for missing paths and a --db that is not for a workspace."""
    from .build_paths import BuildRefused, check_db, missing

    gone = missing(list(paths))
    if gone:
        raise click.UsageError("no such file or folder: " + ", ".join(gone) + " (nothing was built)")
    try:
        check_db(db, init)
    except BuildRefused as err:
        raise click.UsageError(str(err)) from err


def _nothing_to_build(paths: tuple[Path, ...], db: Path) -> None:
    from loaders.readers import suffixes

    click.echo(f"warning: no plan files in {', '.join(map(str, paths))} (looked for "
               f"{' '.join(sorted(suffixes()))}); nothing built, {db} left as it was", err=True)
    sys.exit(1)


def _params(values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for v in values:
        key, sep, value = v.partition("=")
        if not sep or not key:
            raise click.UsageError(f"--param takes KEY=VALUE, not {v!r}")
        params[key] = value
    return params


@click.command()
@click.argument("name", required=False)
@click.option("--sparql", help="Run this SPARQL query instead of a canned one.")
@click.option("--cypher", help="Run this Cypher query on the embedded Cypher database.")
@click.option("--engine", type=click.Choice(["sparql", "cypher"]), default="sparql", show_default=True,
              help="Which twin of a canned query to run: NAME.rq or NAME.cypher.")
@click.option("--param", "param_values", multiple=True, metavar="KEY=VALUE",
              help="A query parameter ($KEY in Cypher); repeat for more.")
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "jsonl"]), default="table",
              show_default=True, help="table: for reading (IRIs shortened, long cells cut); csv; json: typed values "
              "(numbers, ISO dates, lists as arrays); jsonl: the same, one object per line.")
@click.option("--list", "list_names", is_flag=True, help="List the canned queries and exit.")
@click.option("--program", help="Only this program: its name or an alias (a canned query).")
@click.option("--organization", help="Only bodies whose name holds this text (a canned query).")
@click.option("--level", help="Only plans issued at this level: province, prefecture, county, ...")
@click.option("--region", help="Only plans issued in this region: its name or a GB/T 2260 code prefix (33, 3302).")
@click.option("--year", help="Only plans of this year, or of a range of years: 2021, 2019-2021.")
@click.option("--limit", type=click.IntRange(min=0), help="At most this many rows.")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many rows first.")
def query(name: str | None, sparql: str | None, cypher: str | None, engine: str, param_values: tuple[str, ...],
          db: Path, fmt: str, list_names: bool, program: str | None, organization: str | None, level: str | None,
          region: str | None, year: str | None, limit: int | None, offset: int) -> None:
    """Run a canned query by NAME, or an ad-hoc one with --sparql or --cypher.

    Canned queries (in queries/): documents, pursues, targets, responsibilities, programs,
    each as a SPARQL file (NAME.rq) and a Cypher twin (NAME.cypher) returning the same rows.
    Every canned result has a `source` column with the document's file name. The filters
    (--program, --organization, --level, --region, --year, --limit, --offset) narrow a canned
    query, the same in both engines; --level and --region select the plans by their issuer.
    Filtered, `programs` counts the selected plans alone (--organization: those the body
    issued); by --program alone, a program's row is that of the whole workspace.
    Rows print as they are read. CSV and JSON hold
    full IRIs and whole values; JSON gives numbers as numbers, dates as ISO text and lists as
    arrays, the same from both engines. A Cypher parameter the query names ($KEY) must be given.

    \b
    Examples:
      kg query pursues --db kg-db
      kg query targets --db kg-db --format csv > targets.csv
      kg query programs --db kg-db --format jsonl > programs.jsonl
      kg query pursues --engine cypher --db kg-db
      kg query pursues --program 青年大学习 --year 2019-2021 --db kg-db
      kg query programs --year 2021 --db kg-db
      kg query --sparql 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' --db kg-db
      kg query --cypher 'MATCH (o:Organization)-[:PURSUES]->(p:Program {prefLabel: $p}) RETURN o.prefLabel' \\
               --param p=青年大学习 --db kg-db
    """
    import queries

    if list_names:
        click.echo("\n".join(queries.names()))
        return
    engine, text = _query_text(name, sparql, cypher, engine)
    params = _query_params(engine, text, param_values)
    filters = _query_filters(name, program, organization, level, region, year, limit, offset)
    _print_answer(name, engine, text, params, filters, db, fmt)


def _query_text(name: str | None, sparql: str | None, cypher: str | None, engine: str) -> tuple[str, str]:
    """The engine and the text of the one query asked for: ad hoc, or canned by name."""
    import queries
    from .suggest import hint

    given = [x for x in (name, sparql, cypher) if x]
    if len(given) != 1:
        raise click.UsageError("give one of a query NAME, --sparql or --cypher")
    if sparql:
        return "sparql", sparql
    if cypher:
        return "cypher", cypher
    try:
        return engine, queries.text(name, engine)   # that there is such a query, before any work
    except KeyError as err:
        raise click.UsageError(err.args[0] + hint(name, queries.names())) from err


def _query_params(engine: str, text: str, values: tuple[str, ...]) -> dict[str, str]:
    """The --param values, each parameter the query names given one."""
    from .engines import parameters_named

    params = _params(values)
    if params and engine != "cypher":
        raise click.UsageError("--param is for Cypher queries ($KEY); a SPARQL query takes its values in its text")
    missing = [key for key in parameters_named(engine, text) if key not in params]
    if missing:
        raise click.UsageError("the query names " + ", ".join(f"${key}" for key in missing) + " but no --param gives "
                               + ("it" if len(missing) == 1 else "them") + ": add "
                               + " ".join(f"--param {key}=VALUE" for key in missing))
    return params


def _query_filters(name: str | None, *values) -> "Filters":
    """The filters given, refused on an ad-hoc query."""
    from .filters import Filters

    filters = Filters(*values)
    if filters.given() and not name:
        raise click.UsageError("the filters (--program, --year, ...) are for canned queries; an ad-hoc query "
                               "filters in its own text")
    return filters


def _print_answer(name: str | None, engine: str, text: str, params: dict[str, str], filters: "Filters", db: Path,
                  fmt: str) -> None:
    """Run the query and print its rows as they come; a failure as a usage error that says why."""
    from .engines import stream
    from .filters import FilterError
    from .filters import stream as canned
    from .results import TYPED, write

    typed = fmt in TYPED
    try:
        if name:                        # a canned query takes no parameters, only the filters
            columns, rows = canned(name, engine, db, filters, typed=typed)
        else:
            columns, rows = stream(engine, db, text, params, typed=typed)
        write(fmt, columns, rows, sys.stdout)
    except BrokenPipeError:             # the reader had enough (`| head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return
    except FilterError as err:
        raise click.UsageError(str(err)) from err
    except LookupError as err:
        raise click.UsageError(str(err)) from err
    except (SyntaxError, ValueError, RuntimeError, OSError) as err:
        more = ""
        if engine == "cypher":
            from .schema import explain
            more = explain(db, text, str(err))
        raise click.UsageError(f"the query failed: {err}" + (f"\n{more}" if more else "")) from err


@click.command()
@click.option("--format", "fmt", required=True, metavar="FORMAT",
              help="RDF: ttl, nt; trig, nq, jsonld (one named graph per plan; jsonld compact, with its @context); graphml (for Gephi, yEd, "
                   "Cytoscape); neo4j-csv (a folder for neo4j-admin database import, needs -o DIR); cypher "
                   "(a script for cypher-shell).")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="File (or folder, for neo4j-csv) to write atomically, with the mode your umask gives; "
                   "standard output when left out.")
@DB_OPTION
def export(fmt: str, output: Path | None, db: Path) -> None:
    """Export the workspace; the same workspace gives byte-identical files.

    \b
    Examples:
      kg export --format ttl -o plans.ttl --db kg-db
      kg export --format trig --db kg-db > plans.trig
      kg export --format graphml -o plans.graphml --db kg-db
      kg export --format neo4j-csv -o plans-csv --db kg-db
      kg export --format cypher -o plans.cypher --db kg-db
    """
    from .exports import EXPORTERS, export as run_export

    if fmt not in EXPORTERS:
        from .suggest import hint
        raise click.UsageError(f"unknown format {fmt!r} (choose from: {', '.join(sorted(EXPORTERS))})"
                               + hint(fmt, EXPORTERS))
    with _open(db, read_only=True) as ws:
        data = run_export(ws, fmt, output)
    if data is not None:
        sys.stdout.buffer.write(data)


@click.command()
@DB_OPTION
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help="Worker processes (default: up to 4, one per core).")
def validate(db: Path, jobs: int | None) -> None:
    """Check the workspace against the SHACL shapes in ontology/shapes.ttl, plan by plan.

    Prints `conforms` or each violation, grouped by plan; progress goes to stderr at a
    terminal. Exit status 1 when the graph does not conform, 130 when interrupted (Ctrl-C,
    SIGTERM).
    """
    from .validate import run as run_validate

    with _open(db, read_only=True) as ws:
        status = run_validate(ws, jobs)
    sys.exit(status)


@click.command()
@click.argument("table", required=False, metavar="[TABLE]")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@DB_OPTION
def stats(table: str | None, fmt: str, db: Path) -> None:
    """Counts by class, plans by level and year, and the programs most bodies pursue.

    The class counts are of distinct nodes (as `kg schema` counts labels): Program counts every
    program node, those of the program scheme that no plan names too, where the summary after
    `kg build` counts the programs the bodies pursue.

    With TABLE, one analysis in full (each row with its sources, and its evidence where a
    sentence states it): classes; matrix (bodies × programs); programs (ranked by the bodies
    that pursue them); cooccurrence (programs one work item serves together); centrality
    (of organizations and programs); levels and years (adoption by region level and plan
    year); targets (the same metric in several plans). JSON keeps lists and evidence
    (source, offsets, quote, sentence); CSV and the table show the first sentence.

    \b
    Examples:
      kg stats --db kg-db
      kg stats programs --format csv --db kg-db > programs.csv
      kg stats levels --format json --db kg-db
      kg stats --format json --db kg-db        # counts by class and the program ranking
    """
    from .summary import bodies_programs, class_counts, matrix_text, plans_text

    with _open(db, read_only=True) as ws:
        if table is not None or fmt != "table":
            from .reports import stats_output
            try:
                click.echo(stats_output(ws, table, fmt), nl=False)
            except LookupError as err:
                raise click.UsageError(err.args[0]) from err
            return
        click.echo("nodes of each class (a node shared by several plans counts once; Program also counts "
                   "the scheme's programs no plan names):")
        for cls, n in class_counts(ws):
            click.echo(f"{cls:<16}{n:>8}")
        click.echo()
        click.echo(plans_text(ws))
        click.echo(matrix_text(bodies_programs(ws)), nl=False)


# Every command, by name: those above and those in modules of their own (kg/commands/).
COMMANDS = [build, query, export, validate, stats, schema, push, viz, compare, eval_]
for _command in COMMANDS:
    main.add_command(_command)

if __name__ == "__main__":
    main()
