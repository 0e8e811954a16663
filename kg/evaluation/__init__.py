"""Scoring a workspace against gold annotations: how well the tool read a set of annotated plans.

Gold is a folder holding one JSON file per document and ``programs.json``, the programs the
documents' annotations name (``[{"id", "label", "aliases"}]``). A document's file gives:

- ``file``: the plan's file name, which finds its document in the workspace (the name up to
  its first dot, as in the ``source`` column);
- ``issuer`` (``{"label", "aliases"}``), ``plan_year``, and where the plan states them
  ``doc_number`` (文号) and ``issued_date`` (YYYY-MM-DD);
- ``programs``: ``[{"id", "tier", "surface"}]``, the programs the issuer pursues (``tier``
  ``core`` for the well-known ones; ``surface`` the wordings this plan uses); ``neutral``:
  names that count neither way when listed;
- ``targets``: ``[{"metric", "comparator", "value", "unit", "program", "deadline", "evidence"}]``;
- ``task_table``: ``[{"item", "units"}]``, each row's 序号 and responsible units.

What is scored, over the gold documents only (workspace documents without gold are left out;
a gold document missing from the workspace counts as found in nothing):

- documents: issuer, plan year, 文号 and issue date, accuracy over the fields the gold states;
- pursues: (issuer, program) pairs, precision, recall and F1; programs-core: the recall of the
  core programs; identity: the share of programs seen in several documents that carry one
  label;
- targets: (value, unit) pairs, P/R/F1; on the targets found, the comparator, the metric's
  wording (character overlap), the program served and the deadline;
- responsibilities: (task-table item, responsible unit) pairs, P/R/F1.

The figures, their rounding and their names are those of the project's gold scorer, so the
two agree on the same workspace.

The modules: gold (reading and checking the gold), scoring (the workspace's rows against it),
report (the figures as a table or JSON).
"""
