"""``kg eval``: score a workspace against gold annotations of its plans."""
from __future__ import annotations

from pathlib import Path

import click

from kg.cli import DB_OPTION


@click.command("eval")
@click.argument("gold", type=click.Path(path_type=Path))
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="table: the figures, then each document's misses and extras; json: the figures under "
                   "the gold scorer's names (pursues_f1, targets_f1, …) and the details under per_document.")
def eval_(gold: Path, db: Path, fmt: str) -> None:
    """Score the workspace at --db against gold annotations of its plans.

    GOLD is a folder holding one JSON file per annotated document and programs.json (the
    programs the annotations name, each with an id, a label and aliases), or one document's
    gold file with programs.json beside it. A document's file names the plan (`file`, matched
    to the workspace by its file name up to the first dot) and gives its issuer (label and
    aliases), plan_year, doc_number and issued_date (YYYY-MM-DD), the programs the issuer
    pursues (ids from programs.json, tier "core" for the well-known ones), its targets
    (metric, comparator, value, unit, program, deadline, evidence) and its task table
    (item and units of each row).

    Scored: document metadata (issuer, year, 文号, issue date: accuracy); pursues (precision,
    recall, F1), the recall of core programs and one label per program across documents;
    targets (P/R/F1, and on the targets found: comparator, metric wording, program, deadline);
    responsibilities (P/R/F1). Then, per document, what the gold has that the workspace lacks
    (missed) and the reverse (not in gold).

    Documents in the workspace without gold are left out. A gold file whose document is not in
    the workspace is reported, and everything it holds counts as missed.

    Exit status: 0 scored; 2 a usage error (no workspace, no such GOLD, or a file that is not
    valid gold: the message names the file and the problem).

    \b
    Examples:
      kg build my-plans/ --db kg-db
      kg eval my-gold/ --db kg-db
      kg eval my-gold/plan-2023.json --db kg-db
      kg eval my-gold/ --db kg-db --format json > scores.json
    """
    from kg.evaluation import GoldError, as_json, as_table, load_gold, read_workspace, score

    try:
        annotations = load_gold(gold)
    except GoldError as err:
        raise click.UsageError(str(err)) from err
    try:
        rows = read_workspace(db)
    except LookupError as err:
        raise click.UsageError(str(err)) from err
    scores = score(rows, annotations)
    click.echo((as_json if fmt == "json" else as_table)(scores), nl=False)


COMMANDS = [eval_]
