"""The scores as people read them (a table in the gold scorer's lines) and as JSON."""
from __future__ import annotations

import json

from .scoring import Scores


def as_json(scores: Scores) -> str:
    """The summary under the gold scorer's names, and the details under ``per_document``."""
    return json.dumps({**scores.summary(), "per_document": scores.per_document},
                      ensure_ascii=False, indent=1) + "\n"


def as_table(scores: Scores) -> str:
    """The figures in the gold scorer's lines, then each document's misses and extras."""
    m, p, c, i = scores.documents, scores.pursues, scores.core, scores.identity
    t, r = scores.targets, scores.responsibilities
    keys = list(scores.per_document)
    absent = [k for k in keys if not scores.per_document[k]["in_workspace"]]
    lines = [f"documents scored: {len(keys)} ({', '.join(keys)})"]
    if absent:
        lines.append(f"not in the workspace (counted as missed): {', '.join(absent)}")
    lines += [
        f"documents         accuracy {m['accuracy']:.3f}  "
        + "  ".join(f"{k} {v}" for k, v in m["fields"].items()),
        f"pursues           P {p['p']:.3f}  R {p['r']:.3f}  F1 {p['f1']:.3f}  "
        f"({p['tp']} right of {p['pred']} listed, {p['gold']} in gold)",
        f"programs-core     recall {c['recall']:.3f}  ({c['hit']}/{c['of']})",
        f"identity          {i['share']:.3f}  ({i['consistent']}/{i['of']} programs seen in several documents "
        "carry one label)",
        f"targets           P {t['p']:.3f}  R {t['r']:.3f}  F1 {t['f1']:.3f}  "
        f"({t['tp']} right of {t['pred']} listed, {t['gold']} in gold)  "
        f"comparator accuracy {t['comparator_accuracy']:.3f}",
        f"target attributes metric overlap {t['metric_overlap']:.3f}  program link {t['program_link']:.3f}  "
        f"deadline {t['deadline']:.3f}  (on the targets found)",
        f"responsibilities  P {r['p']:.3f}  R {r['r']:.3f}  F1 {r['f1']:.3f}  "
        f"({r['tp']} right of {r['pred']} listed, {r['gold']} in gold)",
    ]
    for key in keys:
        lines += ["", *_document_lines(key, scores.per_document[key])]
    return "\n".join(lines) + "\n"


def _document_lines(key: str, detail: dict) -> list[str]:
    head = f"[{key}] {detail['gold_file']}"
    if not detail["in_workspace"]:
        head += ": not in the workspace, everything below counts as missed"
    out = [head]
    missed, extra = detail["missed"], detail["extra"]
    for wrong in missed.get("metadata", []):
        out.append(f"  {wrong['field']}: gold {wrong['gold']}, workspace {wrong['workspace'] or '-'}")
    out.append(f"  programs missed: {'、'.join(missed.get('programs', [])) or '-'}")
    out.append(f"  programs not in gold: {'、'.join(extra.get('programs', [])) or '-'}")
    out.append(f"  targets missed: {' | '.join(missed.get('targets', [])) or '-'}")
    out.append("  targets not in gold: " + (" | ".join(
        f"{x['metric']} {x['comparator']} {x['value']}{x['unit']}" for x in extra.get("targets", [])) or "-"))
    for d in detail["differs"].get("targets", []):
        out.append(f"  target {d['field']} differs: {d['target']}: gold {d['gold'] or '-'}, "
                   f"workspace {d['workspace'] or '-'}")
    if detail.get("responsibilities") is not None:
        out.append("  responsibilities missed: " + ("、".join(
            f"{x['item']} {x['unit']}" for x in missed.get("responsibilities", [])) or "-"))
        out.append("  responsibilities not in gold: " + ("、".join(
            f"{x['item']} {x['organization']}" for x in extra.get("responsibilities", [])) or "-"))
    return out
