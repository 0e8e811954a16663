"""Push the workspace to a SPARQL 1.1 server: one named graph per plan, replaced on change.

Two ways to write, whichever the server offers:

- the Graph Store Protocol (``--protocol gsp``, the default): ``PUT ENDPOINT?graph=IRI`` with the
  graph as N-Triples, which replaces the graph whole (Oxigraph ``/store``, Fuseki ``/ds/data``);
- SPARQL 1.1 Update (``--protocol update``): ``DROP SILENT GRAPH <IRI> ; INSERT DATA { GRAPH <IRI>
  { … } }`` in one request (Oxigraph ``/update``, Fuseki ``/ds/update``).

Over the Graph Store Protocol with a query endpoint, the graphs the server holds none of (all of
them on a first push) go together instead, as N-Quads POSTed to the endpoint, up to 16 MB a
request; a server that refuses N-Quads there gets one PUT each.

With a query endpoint as well, plans whose ``cyl:sha256`` there equals the workspace's are left
alone and the push reports how many triples the server holds in the workspace's graphs. The
ontology and program scheme graphs go along every time (they are small). The canned queries
read the union of the named graphs as their default graph: start Oxigraph with
``--union-default-graph`` (Fuseki: ``tdb2:unionDefaultGraph true``).
"""
from __future__ import annotations

import base64
import json
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

import pyoxigraph as ox

from ontology.namespaces import CYL

from .. import iri
from ..datatypes import declared, restoring
from .base import RemoteStore

if TYPE_CHECKING:
    from ..workspace import Workspace

PROTOCOLS = ("gsp", "update")
TIMEOUT = 60.0
RETRIES = 3
TRANSIENT = {408, 429, 502, 503, 504}
SHA256 = CYL.sha256
BATCH = 16 * 2 ** 20   # bytes of N-Quads in one POST of new graphs
AHEAD = 2          # graphs serialized while the server still writes earlier ones


class EndpointError(Exception):
    """A request the server refused or could not be sent; the message is one line."""


@dataclass
class PushReport:
    sent: list[str] = field(default_factory=list)          # graph IRIs written
    unchanged: list[str] = field(default_factory=list)
    triples_sent: int = 0
    triples_held: int | None = None                         # known with a query endpoint


@dataclass(frozen=True)
class Server:
    """Where to write (``endpoint`` with ``protocol``) and, optionally, where to ask."""

    endpoint: str
    protocol: str = "gsp"
    query_endpoint: str | None = None
    user: str | None = None
    password: str | None = None

    def _headers(self, extra: dict[str, str]) -> dict[str, str]:
        headers = {"User-Agent": "cyl-kg", **extra}
        if self.user is not None:
            token = base64.b64encode(f"{self.user}:{self.password or ''}".encode("utf-8")).decode("ascii")
            headers["Authorization"] = f"Basic {token}"
        return headers

    def request(self, method: str, url: str, body: bytes | None, headers: dict[str, str]) -> bytes:
        """Send one request, retrying transient failures; EndpointError on any other."""
        for attempt in range(RETRIES):
            req = urllib.request.Request(url, data=body, method=method, headers=self._headers(headers))
            try:
                with urllib.request.urlopen(req, timeout=TIMEOUT) as response:
                    return response.read()
            except urllib.error.HTTPError as err:
                if err.code in TRANSIENT and attempt + 1 < RETRIES:
                    time.sleep(0.5 * 2 ** attempt)
                    continue
                detail = err.read().decode("utf-8", "replace").strip().splitlines()
                reason = "wrong user or password" if err.code in (401, 403) else (detail[0][:200] if detail
                                                                                    else err.reason)
                raise EndpointError(f"{url.split('?')[0]} answered {err.code} {err.reason}: {reason}") from err
            except (urllib.error.URLError, ConnectionError, TimeoutError) as err:
                reason = getattr(err, "reason", err)
                if isinstance(reason, (ConnectionResetError, TimeoutError)) and attempt + 1 < RETRIES:
                    time.sleep(0.5 * 2 ** attempt)
                    continue
                raise EndpointError(f"cannot reach {url.split('?')[0]} ({reason})") from err
            except ValueError as err:   # not a URL at all
                raise EndpointError(f"bad endpoint address {url!r} ({err})") from err
        raise AssertionError("unreachable")

    def write_graph(self, graph: str, ntriples: bytes) -> None:
        """Replace one named graph with these triples."""
        if self.protocol == "gsp":
            url = _with_query(self.endpoint, {"graph": graph})
            self.request("PUT", url, ntriples, {"Content-Type": "application/n-triples"})
        else:
            update = (f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ GRAPH <{graph}> {{\n".encode("utf-8")
                      + ntriples + b"}}\n")
            self.request("POST", self.endpoint, update, {"Content-Type": "application/sparql-update; charset=utf-8"})

    def write_new_graphs(self, graphs: list[tuple[str, bytes, int]]) -> None:
        """Add named graphs the server holds none of, in one request: N-Quads POSTed to the
        endpoint (a dataset there, as Oxigraph's /store); one PUT each if the server refuses."""
        quads = b"".join(data.replace(b" .\n", f" <{graph}> .\n".encode("utf-8")) for graph, data, _ in graphs)
        try:
            self.request("POST", self.endpoint, quads, {"Content-Type": "application/n-quads"})
        except EndpointError as err:
            if not any(f" answered {code} " in str(err) for code in (400, 405, 415)):
                raise
            for graph, data, _ in graphs:
                self.write_graph(graph, data)

    def select(self, sparql: str) -> tuple[list[str], list[list[str]]]:
        """A SELECT on the query endpoint: (columns, rows of plain strings)."""
        if not self.query_endpoint:
            raise EndpointError("no query endpoint given")
        body = urllib.parse.urlencode({"query": sparql}).encode("utf-8")
        data = self.request("POST", self.query_endpoint, body,
                            {"Content-Type": "application/x-www-form-urlencoded",
                             "Accept": "application/sparql-results+json"})
        return parse_results(data)


def _with_query(url: str, params: dict[str, str]) -> str:
    return url + ("&" if "?" in url else "?") + urllib.parse.urlencode(params)


def parse_results(data: bytes) -> tuple[list[str], list[list[str]]]:
    """SPARQL JSON results as (columns, rows of plain strings), as the embedded store gives them."""
    try:
        results = json.loads(data)
    except ValueError as err:
        raise EndpointError(f"the endpoint did not answer with SPARQL JSON results ({err})") from err
    if "boolean" in results:
        return ["result"], [[str(results["boolean"]).lower()]]
    columns = results["head"]["vars"]
    return columns, [[b.get(c, {}).get("value", "") for c in columns] for b in results["results"]["bindings"]]


def graphs(ws: "Workspace") -> list[tuple[str, str | None]]:
    """(graph IRI, version) for the plans (their sha256) and the reference graphs (no version)."""
    plans = sorted((entry["graph"], entry["sha256"]) for entry in ws.documents.values())
    reference = [(g, None) for g in (iri.ONTOLOGY_GRAPH, iri.SCHEME_GRAPH, iri.CLASSIFICATION_GRAPH)
                 if ws.store.contains_named_graph(ox.NamedNode(g))]
    return plans + reference


def versions(server: Server) -> dict[str, str]:
    """Graph IRI -> the plan version the server holds."""
    _, rows = server.select(f"SELECT DISTINCT ?g ?v WHERE {{ GRAPH ?g {{ ?d <{SHA256}> ?v }} }}")
    return {g: v for g, v in rows}


def counts(server: Server, graph_iris: list[str]) -> dict[str, int]:
    """Triples the server holds in each of these graphs."""
    values = " ".join(f"<{g}>" for g in graph_iris)
    _, rows = server.select(f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} "
                            f"GROUP BY ?g")
    return {g: int(n) for g, n in rows}


def ntriples(ws: "Workspace", graph: str, datatypes: dict | None = None, *,
             rewrites: list | None = None) -> tuple[bytes, int]:
    """A graph of the workspace as sorted N-Triples, and its size in triples, with the datatypes
    the ontology declares (offsets as xsd:nonNegativeInteger, which the store keeps as integers):
    the store's own lines, their datatypes put back as the RDF exports put them back
    (``rewrites``, made once for a whole push, or from ``datatypes``)."""
    from ..exports.rdf import store_lines

    if rewrites is None:
        rewrites = restoring(declared(ws) if datatypes is None else datatypes)
    lines = store_lines(ws, graph, rewrites).split(b"\n")[1:]
    lines.pop()                      # after the last line's newline
    # A line is str(triple) + " .": sorting the bytes (UTF-8 keeps code point order) sorts by str.
    lines.sort()
    return b"".join(line + b"\n" for line in lines), len(lines)


def push(ws: "Workspace", server: Server, *, full: bool = False,
         progress: Callable[[str], None] | None = None) -> PushReport:
    """Write every plan graph the server lacks or holds in another version, and the reference graphs.

    The next graphs are serialized here while a thread sends the earlier ones, so the
    client's work and the server's overlap. Over the Graph Store Protocol with a query
    endpoint, the graphs the server holds none of go together, as N-Quads in POSTs of up
    to BATCH bytes to the endpoint, which a server loads much faster than one PUT each."""
    if server.protocol not in PROTOCOLS:
        raise EndpointError(f"unknown protocol {server.protocol!r} (choose from: {', '.join(PROTOCOLS)})")
    report = PushReport()
    held = versions(server) if server.query_endpoint and not full else {}
    absent = _absent(server, [g for g, _ in graphs(ws)])
    rewrites = restoring(declared(ws))
    pending: deque[tuple[list[str], int, Future]] = deque()
    batch: list[tuple[str, bytes, int]] = []
    with ThreadPoolExecutor(max_workers=1) as sender:

        def send(graph_list: list[str], size: int, job: Callable[[], None]) -> None:
            pending.append((graph_list, size, sender.submit(job)))
            while len(pending) > AHEAD:
                _settle(pending.popleft(), report, progress)

        def flush() -> None:
            if batch:
                quads = list(batch)
                batch.clear()
                send([g for g, _, _ in quads], sum(n for _, _, n in quads), lambda: server.write_new_graphs(quads))

        try:
            for graph, version in graphs(ws):
                if version is not None and held.get(graph) == version:
                    report.unchanged.append(graph)
                    continue
                data, size = ntriples(ws, graph, rewrites=rewrites)
                if graph not in absent:
                    send([graph], size, lambda graph=graph, data=data: server.write_graph(graph, data))
                    continue
                if batch and sum(len(d) for _, d, _ in batch) + len(data) > BATCH:
                    flush()
                batch.append((graph, data, size))
            flush()
            while pending:
                _settle(pending.popleft(), report, progress)
        finally:
            for _, _, sent in pending:
                sent.cancel()
    if server.query_endpoint:
        report.triples_held = sum(counts(server, [g for g, _ in graphs(ws)]).values())
    return report


def _absent(server: Server, graph_iris: list[str]) -> set[str]:
    """Those of these graphs the server holds no triple of (none known without a query endpoint
    or over SPARQL Update, which replaces each graph in one request anyway)."""
    if server.protocol != "gsp" or not server.query_endpoint:
        return set()
    _, rows = server.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
    return set(graph_iris) - {g for g, in rows}


def _settle(write: tuple[list[str], int, Future], report: PushReport,
            progress: Callable[[str], None] | None) -> None:
    """Wait for one write (its error raised here) and count its graphs in the report."""
    graph_list, size, sent = write
    sent.result()
    for graph in graph_list:
        report.sent.append(graph)
        if progress:
            progress(graph)
    report.triples_sent += size


class SparqlStore(RemoteStore):
    """A SPARQL 1.1 server as a store (``sparql``): one named graph per plan, see :func:`push`."""

    name = "sparql"
    title = "SPARQL endpoint"

    def __init__(self, endpoint: str, protocol: str = "gsp", query_endpoint: str | None = None,
                 user: str | None = None, password: str | None = None,
                 progress: Callable[[str], None] | None = None):
        self.server = Server(endpoint, protocol, query_endpoint, user, password)
        self.progress = progress

    def sync(self, workspace: "Workspace", *, full: bool = False) -> PushReport:
        return push(workspace, self.server, full=full, progress=self.progress)
