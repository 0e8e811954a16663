"""``kg eval``: score a workspace against gold annotations of its plans."""
from __future__ import annotations

from pathlib import Path

import click

from kg.commands.common import DB_OPTION


@click.command("eval")
@click.argument("gold", type=click.Path(path_type=Path))
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="table: the figures, then each document's misses and extras; json: the figures by name "
                   "(documents, pursues_p, pursues_r, pursues_f1, …, responsibilities_f1) and each document's "
                   "under per_document.")
def eval_(gold: Path, db: Path, fmt: str) -> None:
    """Score the workspace against gold annotations of its plans.

    GOLD is a folder holding one JSON file per annotated document and programs.json
    (a list of programs, each with an id, a label and aliases), or one document's gold file
    with programs.json beside it. A document's gold names its plan in `file` (matched to the
    workspace by the file name up to its first dot) and gives `issuer` (label and aliases),
    `plan_year`, `doc_number` and `issued_date` (YYYY-MM-DD) or null, `programs` (the ids of
    the programs the issuer pursues, tier "core" for the well-known ones, and the wordings
    the plan uses as `surface`), `neutral` (names that count neither way), `targets` (metric,
    comparator, value, unit, program, deadline, evidence) and `task_table` (each row's item
    and responsible units).

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
      kg build examples/eval/plans --db eval-db
      kg eval examples/eval/gold --db eval-db
      kg eval examples/eval/gold/deqing_2022.json --db eval-db
      kg eval examples/eval/gold --db eval-db --format json > scores.json
    """
    from kg.evaluation.gold import GoldError, load_gold
    from kg.evaluation.report import as_json, as_table
    from kg.evaluation.scoring import read_workspace, score

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
