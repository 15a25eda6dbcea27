#!/usr/bin/env python3
"""Fuzz a live jixiao GraphQL server with schemathesis (GraphQL mode), for a bounded time.

Every Query and Mutation field is fuzzed twice: as ADMIN (bearer token) and anonymously, in
positive mode (schema-valid queries with valid-looking and invalid custom scalar values) and,
for a quarter of each slice, negative mode (schema-invalid queries). The run fails (exit 1) on
any server error:

  * a transport failure (connection refused/reset, client timeout): the server died or hung;
  * HTTP 5xx;
  * a body that is not JSON, or JSON that is not a GraphQL response;
  * a GraphQL error without `extensions.code`, or with code INTERNAL_ERROR,
    INTERNAL_SERVER_ERROR or REQUEST_TIMEOUT;
  * a 4xx whose body carries no coded GraphQL error.

Client errors (coded GraphQL errors such as BAD_USER_INPUT / FORBIDDEN, userErrors) are fine.

Each distinct failure is printed once, with the operation, the callers that hit it, the
shortest query seen, a greedily minimized query (arguments, input fields and selections deleted
while the same failure still reproduces), the response, and, with --server-log pointing at the
server's JSON log, the logged internal cause (matched by the x-request-id header).

schemathesis builds queries with inline literals, so their `variables` are empty. With
--documents (JSON Lines from `jixiao generate`), a share of the time goes to whole report
documents mutated at a few leaves and sent as variables to validateReport, createReport,
upsertReport, importReports and setFinanceTables (labelled `...[doc]`); two thirds of the
documents are imported first so that the fuzzed mutations find DRAFT reports to work on.

Usage: fuzz.py --url http://127.0.0.1:PORT/graphql --token JWT [--seconds 120]
               [--documents docs.jsonl] [--server-log server.log] [--report failures.json]
(run.sh starts a server and passes all of these.)
"""

from __future__ import annotations

import argparse
import collections
import importlib.metadata
import base64
import copy
import json
import os
import re
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import timezone

import graphql
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode
from schemathesis.graphql import nodes

SERVER_ERROR_CODES = {"INTERNAL_ERROR", "INTERNAL_SERVER_ERROR", "REQUEST_TIMEOUT"}
MAX_POOL = 4000

# ---------------------------------------------------------------------------------------------
# Values harvested from responses (ids, cursors, codes, external ids), fed back into generation
# so that mutations reach past "not found" into real work.


class Pool:
    def __init__(self) -> None:
        self.ids: list[str] = []
        self.strings: list[str] = []
        self._seen: set[str] = set()

    def _add(self, bucket: list[str], value: str) -> None:
        if value in self._seen or len(bucket) >= MAX_POOL:
            return
        self._seen.add(value)
        bucket.append(value)

    def harvest(self, data: object) -> None:
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                for key, value in item.items():
                    if isinstance(value, str):
                        if key == "id":
                            self._add(self.ids, value)
                        elif key in ("cursor", "startCursor", "endCursor", "code", "externalId",
                                     "departmentCode", "threadId"):
                            self._add(self.strings, value)
                    elif isinstance(value, (dict, list)):
                        stack.append(value)
            elif isinstance(item, list):
                stack.extend(item)


POOL = Pool()


def _pick(bucket: list[str], index: int, fallback: str) -> str:
    return bucket[index % len(bucket)] if bucket else fallback


def b64url(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


DECIMAL_VALID = ["0", "0.00", "0.01", "-0.01", "100", "680.54", "99999999999999.99",
                 "1000000000000", "999999999999.99", "0.5", "-1", "-0", "007"]
DECIMAL_INVALID = ["", " ", "abc", "1.234", "0.001", "1e5", "1E-2", "NaN", "Infinity",
                   "-Infinity", "-", ".", "1.", ".5", "+1", " 1", "1 ", "1,000.00",
                   "１２３", "9" * 60, "9" * 30 + ".99", "-" + "9" * 40, "0x10", "1__0", "1e-2",
                   "1.0.0", "1_000", "--1", "1e400", "123456789012345678901234567890.12",
                   "0." + "0" * 50 + "1"]
DECIMAL_NUMBERS = [0, 1, -1, 2**31 - 1, -(2**31), 2**53 + 1, 2**63, 10**30, -(10**40)]
DATE_VALID = ["2019-12-31", "2020-02-29", "0001-01-01", "9999-12-31", "1970-01-01"]
DATE_INVALID = ["", "2019-02-30", "2019-13-01", "2019-00-10", "2019-1-1", "20191231",
                "2019/12/31", "0000-01-01", "+2019-01-01", "-0001-01-01", "10000-01-01",
                "2019-12-31T00:00:00Z", "2019-12-31 ", "2019年12月31日", "today"]
STRING_EDGES = ["", " ", "YX", "YX-KGJ", "a" * 10001, "'; DROP TABLE report;--",
                "%", "_", "\\", "\u0000", "a\u0001b", "\u007f", "\u0085", "%" * 300, "😀" * 50, "\ud7ff", "null",
                "http://127.0.0.1:9/hook", "2019", "0.00", "≥56个", "≤0", "100%", "-5%",
                "≥" + "9" * 40 + "%", "＞１２个"]
INT_EDGES = [0, 1, -1, 2, 2**31 - 1, -(2**31), 2019, 2020, 1900, 2101, 100, 101, 500, 501, 10000]


def register_scalars(type_names: list[str]) -> None:
    """Strategies for the custom scalars, and for ID / String / Int with harvested and edge values."""
    S = nodes.String
    pool_index = st.integers(min_value=0, max_value=2**31)

    # ---- Decimal: JSON string "123.45" (integers may also be numbers)
    valid_decimal = st.one_of(
        st.decimals(min_value=-10**12, max_value=10**12, places=2,
                    allow_nan=False, allow_infinity=False).map(lambda d: format(d, "f")),
        st.integers(min_value=-10**6, max_value=10**6).map(str),
        st.sampled_from(DECIMAL_VALID),
    ).map(S)
    invalid_decimal = st.one_of(
        st.sampled_from(DECIMAL_INVALID).map(S),
        st.text(max_size=12).map(S),
        st.sampled_from(DECIMAL_NUMBERS).map(nodes.Int),
        st.sampled_from([0.5, 1e300, -1e-300, 3.14159]).map(nodes.Float),
    )
    decimal = st.one_of(valid_decimal, valid_decimal, invalid_decimal)

    # ---- Date: "2019-12-31"
    valid_date = st.one_of(
        st.dates(min_value=__import__("datetime").date(1990, 1, 1),
                 max_value=__import__("datetime").date(2100, 12, 31)).map(lambda d: d.isoformat()),
        st.dates().map(lambda d: d.isoformat()),
        st.sampled_from(DATE_VALID),
    ).map(S)
    invalid_date = st.one_of(
        st.sampled_from(DATE_INVALID).map(S),
        st.text(max_size=12).map(S),
        st.integers().map(nodes.Int),
    )
    date = st.one_of(valid_date, valid_date, invalid_date)

    # ---- DateTime: RFC 3339
    def rfc3339(dt, style: int) -> str:
        dt = dt.replace(tzinfo=timezone.utc)
        if style == 0:
            return dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        if style == 1:
            return dt.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        return dt.isoformat()

    valid_datetime = st.one_of(
        st.builds(rfc3339, st.datetimes(), st.integers(0, 2)),
        st.sampled_from(["2026-11-28T05:34:22.000Z", "2019-12-31T23:59:59+08:00",
                         "1970-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
                         "2020-02-29T12:00:00.123456789Z", "2019-12-31T16:00:00-12:00"]),
    ).map(S)
    invalid_datetime = st.one_of(
        st.sampled_from(["", "2019-12-31", "2019-12-31T25:00:00Z", "2019-12-31T00:00:00",
                         "2019-12-31 00:00:00Z", "2019-02-30T00:00:00Z", "2019-12-31T00:00:60Z",
                         "2019-12-31T00:00:00+24:00", "now", "1577836800",
                         "10000-01-01T00:00:00Z"]).map(S),
        st.text(max_size=16).map(S),
        st.integers().map(nodes.Int),
    )
    datetime_ = st.one_of(valid_datetime, valid_datetime, invalid_datetime)

    # ---- ID: base64url("Type:uuid"), harvested ones mostly
    forged_id = st.builds(
        lambda t, rest: b64url(f"{t}:{rest}"),
        st.sampled_from(type_names + ["Foo", "", "report"]),
        st.one_of(st.uuids().map(str), st.text(max_size=20), st.just(""),
                  st.just("00000000-0000-0000-0000-000000000000")),
    )
    id_ = st.one_of(
        pool_index.map(lambda i: _pick(POOL.ids, i, "")),
        pool_index.map(lambda i: _pick(POOL.ids, i, "")),
        pool_index.map(lambda i: _pick(POOL.ids, i, "")),
        forged_id,
        st.text(max_size=30),
        st.sampled_from(["", "=", "====", "UmVwb3J0Og", "UmVwb3J0Og==", "Report:1", "////",
                         "a" * 5000, "\u0000", "../../etc/passwd", "😀"]),
    ).map(S)

    # ---- String: hypothesis text, harvested values, edge cases
    string = st.one_of(
        st.text(max_size=40),
        st.text(max_size=40),
        pool_index.map(lambda i: _pick(POOL.strings, i, "YX-KGJ")),
        st.sampled_from(STRING_EDGES),
    ).map(S)

    # ---- Int: 32-bit, with edges (years, page sizes, versions)
    int_ = st.one_of(
        st.integers(min_value=-(2**31), max_value=2**31 - 1),
        st.integers(min_value=0, max_value=100),
        st.integers(min_value=0, max_value=100),
        st.integers(min_value=1990, max_value=2100),
        st.sampled_from(INT_EDGES),
    ).map(nodes.Int)

    schemathesis.graphql.scalar("Decimal", decimal)
    schemathesis.graphql.scalar("Date", date)
    schemathesis.graphql.scalar("DateTime", datetime_)
    schemathesis.graphql.scalar("ID", id_)
    schemathesis.graphql.scalar("String", string)
    schemathesis.graphql.scalar("Int", int_)


# ---------------------------------------------------------------------------------------------
# Judging responses


@dataclass
class Problem:
    kind: str            # transport | http-5xx | not-json | bad-shape | no-code | internal | ...
    status: int | None
    code: str | None
    message: str
    path: str

    def signature(self) -> tuple:
        return (self.kind, self.status, self.code, normalize(self.message), self.path)


def normalize(text: str) -> str:
    text = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>", text)
    text = re.sub(r"“[^”]*”|\"[^\"]*\"|'[^']*'|`[^`]*`", "<v>", text)
    text = re.sub(r"\d+", "#", text)
    return text[:300]


def judge(status: int | None, text: str | None, error: str | None = None) -> list[Problem]:
    if error is not None:
        return [Problem("transport", None, None, error, "")]
    problems: list[Problem] = []
    if status is not None and status >= 500:
        problems.append(Problem("http-5xx", status, None, (text or "")[:300], ""))
    try:
        payload = json.loads(text or "")
    except ValueError:
        if not problems:
            problems.append(Problem("not-json", status, None, (text or "")[:300], ""))
        return problems
    if not isinstance(payload, dict) or not ({"data", "errors"} & payload.keys()):
        problems.append(Problem("bad-shape", status, None, str(payload)[:300], ""))
        return problems
    errors = payload.get("errors") or []
    if not isinstance(errors, list):
        return problems + [Problem("bad-shape", status, None, "errors is not a list", "")]
    if payload.get("data") is None and not errors:
        problems.append(Problem("bad-shape", status, None, "data is null and there are no errors", ""))
    coded = False
    for err in errors:
        if not isinstance(err, dict):
            problems.append(Problem("bad-shape", status, None, f"error entry {err!r}", ""))
            continue
        code = (err.get("extensions") or {}).get("code")
        path = ".".join("[]" if isinstance(p, int) else str(p) for p in (err.get("path") or []))
        message = str(err.get("message", ""))
        if code is None:
            problems.append(Problem("no-code", status, None, message, path))
        elif code in SERVER_ERROR_CODES:
            problems.append(Problem("server-code", status, code, message, path))
        else:
            coded = True
    if status is not None and 400 <= status < 500 and not coded and not problems:
        problems.append(Problem("4xx-uncoded", status, None, (text or "")[:300], ""))
    return problems


# ---------------------------------------------------------------------------------------------
# Server log lookup (JIXIAO_LOG_FORMAT=json), by x-request-id


class ServerLog:
    def __init__(self, path: str | None) -> None:
        self.path = path
        self.offset = 0
        self.by_request: dict[str, list[str]] = {}

    def _refresh(self) -> None:
        if not self.path or not os.path.exists(self.path):
            return
        with open(self.path, "rb") as fh:
            fh.seek(self.offset)
            chunk = fh.read()
        cut = chunk.rfind(b"\n") + 1
        self.offset += cut
        for raw in chunk[:cut].decode("utf-8", "replace").splitlines():
            try:
                rec = json.loads(raw)
            except ValueError:
                continue
            if rec.get("level") not in ("ERROR", "WARN"):
                continue
            rid = None
            for span in [rec.get("span") or {}] + list(rec.get("spans") or []):
                rid = rid or span.get("request_id")
            fields = rec.get("fields") or {}
            line = "; ".join(f"{k}={v}" for k, v in fields.items())
            self.by_request.setdefault(rid or "?", []).append(f"{rec.get('level')} {rec.get('target')}: {line}")

    def cause(self, request_id: str | None) -> str:
        if not request_id or not self.path:
            return ""
        self._refresh()
        return " | ".join(self.by_request.get(request_id, []))[:1500]

    def panics(self) -> list[str]:
        """Raw lines of the log that mention a panic (they may carry no request id)."""
        if not self.path or not os.path.exists(self.path):
            return []
        with open(self.path, encoding="utf-8", errors="replace") as fh:
            return [line.strip()[:600] for line in fh if "panick" in line]


# ---------------------------------------------------------------------------------------------
# Running


@dataclass
class Failure:
    operation: str
    problem: Problem
    cause: str
    query: str
    status: int | None
    response: str
    variables: dict = field(default_factory=dict)
    note: str = ""
    callers: set[str] = field(default_factory=set)
    count: int = 0
    minimized: str | None = None


class Runner:
    def __init__(self, args: argparse.Namespace) -> None:
        self.url = args.url
        self.timeout = args.request_timeout
        self.session = requests.Session()
        self.headers = {
            "ADMIN": {"Authorization": f"Bearer {args.token}"},
            "ANONYMOUS": {},
        }
        self.log = ServerLog(args.server_log)
        self.requests = 0
        self.failures: dict[tuple, Failure] = {}
        self.server_down = False
        # per operation: outcome label -> count (OK, a client error code, or a failure kind)
        self.outcomes: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)

    def post(self, caller: str, query: str, variables: dict | None = None
             ) -> tuple[int | None, str | None, str | None, str | None]:
        """Returns (status, text, transport error, request id)."""
        self.requests += 1
        body = {"query": query}
        if variables:
            body["variables"] = variables
        try:
            resp = self.session.post(
                self.url,
                data=json.dumps(body),
                headers={"Content-Type": "application/json", **self.headers[caller]},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            return None, None, f"{type(exc).__name__}: {exc}", None
        text = resp.content.decode("utf-8", "replace")
        if resp.ok:
            try:
                POOL.harvest(json.loads(text))
            except ValueError:
                pass
        return resp.status_code, text, None, resp.headers.get("x-request-id")

    def outcome(self, caller: str, query: str, variables: dict | None = None
                ) -> tuple[list[tuple], list[Problem], int | None, str, str]:
        status, text, error, rid = self.post(caller, query, variables)
        problems = judge(status, text, error)
        cause = self.log.cause(rid) if problems else ""
        sigs = [p.signature() + (normalize(cause),) for p in problems]
        return sigs, problems, status, text or error or "", cause

    def execute(self, label: str, caller: str, query: str, variables: dict | None = None,
                note: str = "") -> None:
        sigs, problems, status, text, cause = self.outcome(caller, query, variables)
        self.outcomes[label][_label(status, text, problems)] += 1
        for sig, problem in zip(sigs, problems):
            key = (label,) + sig
            fail = self.failures.get(key)
            if fail is None:
                fail = self.failures[key] = Failure(label, problem, cause, query, status, text,
                                                    variables or {}, note)
                print(f"  !! {label} [{caller}] {problem.kind} {problem.code or ''} "
                      f"{problem.message[:120]!r}", flush=True)
            fail.count += 1
            fail.callers.add(caller)
            size = len(query) + len(json.dumps(variables or {}))
            if size < len(fail.query) + len(json.dumps(fail.variables)):
                fail.query, fail.status, fail.response, fail.cause = query, status, text, cause
                fail.variables, fail.note = variables or {}, note
        if problems and problems[0].kind == "transport" and not self.alive():
            self.server_down = True

    def alive(self) -> bool:
        try:
            base = self.url.rsplit("/graphql", 1)[0]
            return self.session.get(base + "/healthz", timeout=5).ok
        except requests.RequestException:
            return False


def _label(status: int | None, text: str, problems: list[Problem]) -> str:
    if problems:
        return "FAIL:" + problems[0].kind
    try:
        payload = json.loads(text)
        errors = payload.get("errors") or []
    except (ValueError, AttributeError):
        return f"HTTP{status}"
    if not errors:
        roots = list((payload.get("data") or {}).values())
        if len(roots) == 1 and isinstance(roots[0], dict) and roots[0].get("userErrors"):
            return "userError:" + str(roots[0]["userErrors"][0].get("code"))
        return "OK"
    if os.environ.get("FUZZ_DEBUG"):
        return f"{(errors[0].get('extensions') or {}).get('code')}:{normalize(errors[0].get('message', ''))[:60]}"
    return str((errors[0].get("extensions") or {}).get("code"))


class _Stop(Exception):
    pass


def fuzz_operation(runner: Runner, operation, caller: str, mode: GenerationMode, budget: float) -> int:
    """Fuzzes one operation for `budget` seconds; returns the number of cases sent."""
    deadline = time.monotonic() + budget
    sent = 0
    try:
        strategy = operation.as_strategy(generation_mode=mode)
    except Exception as exc:  # noqa: BLE001 - a generator limitation, not a server error
        print(f"  (skip {operation.label} {mode.value}: {type(exc).__name__}: {exc})")
        return 0

    @settings(max_examples=1_000_000, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet,
              report_multiple_bugs=False)
    @given(case=strategy)
    def test(case) -> None:
        nonlocal sent
        if time.monotonic() > deadline or runner.server_down:
            raise _Stop
        runner.execute(operation.label, caller, case.body)
        sent += 1

    # Hypothesis may end early when it exhausts a small search space; rerun a few times.
    for _ in range(5):
        if time.monotonic() > deadline or runner.server_down:
            break
        try:
            test()
        except _Stop:
            break
        except Exception as exc:  # noqa: BLE001
            name = type(exc).__name__
            if "Stop" in repr(exc):  # wrapped by hypothesis
                break
            print(f"  (generator error in {operation.label} {mode.value}: {name}: {str(exc)[:200]})")
            break
    return sent



# ---------------------------------------------------------------------------------------------
# Document phase: valid report documents (from `jixiao generate`), mutated at a few leaves with
# edge values, sent through variables to the operations that take whole documents. Random
# documents from the schema alone almost never pass validation, so this reaches the write paths.


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} chars)"


def auto_selection(schema: graphql.GraphQLSchema, type_, depth: int = 4, budget: list | None = None) -> str:
    """A selection set of every argument-free field down to `depth` levels (at most ~400 fields)."""
    budget = budget if budget is not None else [400]
    type_ = graphql.get_named_type(type_)
    if not isinstance(type_, (graphql.GraphQLObjectType, graphql.GraphQLInterfaceType)):
        return ""
    parts = ["__typename"]
    for name, fld in type_.fields.items():
        if budget[0] <= 0:
            break
        if any(graphql.is_non_null_type(arg.type) for arg in fld.args.values()):
            continue
        inner = graphql.get_named_type(fld.type)
        if isinstance(inner, (graphql.GraphQLScalarType, graphql.GraphQLEnumType)):
            parts.append(name)
            budget[0] -= 1
        elif depth > 1 and isinstance(inner, (graphql.GraphQLObjectType, graphql.GraphQLInterfaceType)):
            sub = auto_selection(schema, inner, depth - 1, budget)
            if sub:
                parts.append(f"{name} {sub}")
    return "{ " + " ".join(parts) + " }"


DECIMAL_RE = re.compile(r"^-?\d+(\.\d+)?$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ENUM_RE = re.compile(r"^[A-Z][A-Z0-9_]+$")


class Documents:
    """Templates and the operations that take a whole document."""

    OPERATIONS = {
        # label: (root, field, input type, argument builder)
        "Query.validateReport": ("query", "validateReport", "ReportDocumentInput"),
        "Mutation.createReport": ("mutation", "createReport", "CreateReportInput"),
        "Mutation.upsertReport": ("mutation", "upsertReport", "UpsertReportInput"),
        "Mutation.importReports": ("mutation", "importReports", "ImportReportsInput"),
        "Mutation.setFinanceTables": ("mutation", "setFinanceTables", "SetFinanceTablesInput"),
    }

    def __init__(self, path: str, schema: graphql.GraphQLSchema, seed: int) -> None:
        import random
        self.rng = random.Random(seed)
        with open(path, encoding="utf-8") as fh:
            self.templates = [json.loads(line) for line in fh if line.strip()]
        self.enums = sorted({v for t in schema.type_map.values() if isinstance(t, graphql.GraphQLEnumType)
                             and not t.name.startswith("__") for v in t.values})
        self.queries = {}
        for label, (root, name, input_type) in self.OPERATIONS.items():
            root_type = schema.query_type if root == "query" else schema.mutation_type
            if root_type is None or name not in root_type.fields:
                continue
            sel = auto_selection(schema, root_type.fields[name].type)
            self.queries[label] = f"{root} Fuzz($i: {input_type}!) {{ {name}(input: $i) {sel} }}"

    def _edge(self, value):
        rng = self.rng
        if isinstance(value, bool):
            return rng.choice([not value, None, "true", 1])
        if isinstance(value, int):
            return rng.choice(INT_EDGES + [2**40, -(2**40), "5", 1.5, None])
        if isinstance(value, str) and DECIMAL_RE.match(value):
            return rng.choice(DECIMAL_VALID + DECIMAL_INVALID + DECIMAL_NUMBERS
                              + [1.5, 1e300, -0.0, 0.1 + 0.2, None, value + "0", "-" + value])
        if isinstance(value, str) and DATE_RE.match(value):
            return rng.choice(DATE_VALID + DATE_INVALID + [None])
        if isinstance(value, str) and ENUM_RE.match(value):
            return rng.choice(self.enums + ["", "NOPE", None])
        if isinstance(value, str):
            return rng.choice(STRING_EDGES + [None, value * 50, value[::-1], "≥" + value, value + "%"])
        if value is None:
            return rng.choice(DECIMAL_VALID + DECIMAL_INVALID[:8] + STRING_EDGES[:6] + INT_EDGES[:6]
                              + DATE_VALID + self.enums[:0] + [[], {}, True])
        if isinstance(value, list):
            choice = rng.randrange(5)
            if choice == 0:
                return []
            if choice == 1 and value:
                return value * rng.choice([2, 10, 60])
            if choice == 2 and value:
                return value[1:]
            if choice == 3:
                return None
            return list(reversed(value))
        if isinstance(value, dict):
            value = dict(value)
            if value and rng.random() < 0.6:
                value.pop(rng.choice(list(value)))
            else:
                value[rng.choice(["nope", "__typename", "id"])] = "x"
            return value
        return value

    def _mutate(self, doc: dict) -> tuple[dict, str]:
        doc = copy.deepcopy(doc)
        sites = []
        stack = [((), doc)]
        while stack:
            path, node = stack.pop()
            items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
            for k, v in items:
                sites.append((path + (k,), node, k, v))
                if isinstance(v, (dict, list)):
                    stack.append((path + (k,), v))
        notes = []
        if sites and self.rng.random() > 0.1:
            for _ in range(self.rng.choice([1, 1, 1, 2, 3])):
                path, parent, key, value = self.rng.choice(sites)
                new = self._edge(value)
                try:
                    parent[key] = new
                except (IndexError, KeyError):
                    continue
                shown = json.dumps(new, ensure_ascii=False)
                notes.append(f"{'.'.join(map(str, path))} = {_clip(shown, 80)}")
        return doc, "; ".join(notes) or "(unmutated)"

    def case(self, label: str) -> tuple[str, dict, str]:
        rng = self.rng
        template = rng.choice(self.templates)
        doc, note = self._mutate(template["document"])
        if label == "Query.validateReport":
            variables = doc
        elif label == "Mutation.createReport":
            variables = {"document": doc, "externalId": rng.choice([None, f"fz-{uuid.uuid4().hex[:12]}",
                                                                     template["externalId"]])}
        elif label == "Mutation.upsertReport":
            variables = {"document": doc, "externalId": rng.choice([template["externalId"],
                                                                     f"fz-{rng.randrange(50)}"]),
                         "expectedVersion": rng.choice([None, None, 1, 2, 0, -1])}
        elif label == "Mutation.importReports":
            docs = [{"externalId": f"fz-imp-{rng.randrange(50)}", "document": doc}]
            for _ in range(rng.randrange(3)):
                extra = rng.choice(self.templates)
                docs.append({"externalId": rng.choice([extra["externalId"], docs[0]["externalId"]]),
                             "document": self._mutate(extra["document"])[0]})
            variables = {"documents": docs}
        else:  # setFinanceTables
            reports = [i for i in POOL.ids if _id_type(i) == "Report"] or [""]
            variables = {"reportId": rng.choice(reports), "finance": doc.get("finance"),
                         "expectedVersion": rng.choice([None, None, 1])}
        if rng.random() < 0.2 and label.startswith("Mutation.") and label != "Mutation.setFinanceTables":
            variables = dict(variables, idempotencyKey=rng.choice(["k1", "k2", f"k-{rng.randrange(10**6)}"]))
        return self.queries[label], {"i": variables}, note


def _id_type(gid: str) -> str:
    try:
        return base64.urlsafe_b64decode(gid + "=" * (-len(gid) % 4)).decode().split(":", 1)[0]
    except Exception:  # noqa: BLE001
        return ""


def fuzz_documents(runner: Runner, docs: Documents, caller: str, budget: float) -> int:
    deadline = time.monotonic() + budget
    labels = list(docs.queries)
    sent = 0
    while time.monotonic() < deadline and not runner.server_down and labels:
        label = labels[sent % len(labels)]
        query, variables, note = docs.case(label)
        runner.execute(label + "[doc]", caller, query, variables, note)
        sent += 1
    return sent


# ---------------------------------------------------------------------------------------------
# Greedy minimization: delete arguments, input fields, list items and selections while the same
# failure still reproduces.


def _removal_sites(node, path=()):
    """Yields (path to a tuple attribute, index) for every deletable child, outermost first."""
    if isinstance(node, graphql.language.Node):
        for attr in node.keys:
            child = getattr(node, attr, None)
            if isinstance(child, (list, tuple)):
                if attr in ("arguments", "fields", "values", "selections") and not isinstance(
                        node, (graphql.OperationDefinitionNode,)):
                    for i in range(len(child)):
                        yield path + (attr,), i
                for i, item in enumerate(child):
                    yield from _removal_sites(item, path + (attr, i))
            elif isinstance(child, graphql.language.Node):
                yield from _removal_sites(child, path + (attr,))


def _with(node, attr: str, value):
    """A copy of a (frozen) graphql-core node with one attribute replaced."""
    kwargs = {key: getattr(node, key, None) for key in node.keys}
    kwargs[attr] = value
    return type(node)(**kwargs)


def _rebuild(node, path: tuple, index: int):
    attr = path[0]
    if len(path) == 1:
        seq = list(getattr(node, attr))
        del seq[index]
        return _with(node, attr, tuple(seq))
    if isinstance(path[1], int):
        seq = list(getattr(node, attr))
        seq[path[1]] = _rebuild(seq[path[1]], path[2:], index)
        return _with(node, attr, tuple(seq))
    return _with(node, attr, _rebuild(getattr(node, attr), path[1:], index))


def _remove(doc, site):
    attr_path, index = site
    return _rebuild(doc, attr_path, index)


def minimize(runner: Runner, fail: Failure, key: tuple, deadline: float, max_requests: int = 60) -> None:
    caller = "ADMIN" if "ADMIN" in fail.callers else "ANONYMOUS"
    target = key[1:]
    try:
        doc = graphql.parse(fail.query)
    except graphql.GraphQLError:
        return
    best = graphql.print_ast(doc)
    tries = 0
    progress = True
    while progress and tries < max_requests and time.monotonic() < deadline:
        progress = False
        for site in list(_removal_sites(doc)):
            if tries >= max_requests or time.monotonic() > deadline:
                break
            try:
                candidate = _remove(doc, site)
                text = graphql.print_ast(candidate)
            except Exception:  # noqa: BLE001
                continue
            if "{\n  }" in text or "{}" in text or text == best:
                continue
            tries += 1
            sigs, _, _, _, _ = runner.outcome(caller, text)
            if target in sigs:
                doc, best, progress = candidate, text, True
                break
    if best != fail.query:
        fail.minimized = best


# ---------------------------------------------------------------------------------------------


def seed_documents(runner: Runner, docs: Documents, count: int) -> None:
    """Creates the templates' departments and imports `count` of them (as DRAFT reports)."""
    for code in sorted({t["document"]["departmentCode"] for t in docs.templates}):
        runner.post("ADMIN", "mutation($i: UpsertDepartmentInput!) { upsertDepartment(input: $i) "
                             "{ userErrors { code message } } }",
                    {"i": {"code": code, "name": f"模糊测试单位 {code}", "parentCode": None}})
    batch = [{"externalId": t["externalId"], "document": t["document"]} for t in docs.templates[:count]]
    status, text, error, _ = runner.post(
        "ADMIN", "mutation($i: ImportReportsInput!) { importReports(input: $i) "
                 "{ created updated failed results { report { id indicators { id } } } userErrors { code message } } }",
        {"i": {"documents": batch}})
    summary = (text or error or "")[:300] if '"failed":0' not in (text or "") else "ok"
    print(f"seeded {len(batch)} documents: HTTP {status} {summary}", flush=True)


def seed_pool(runner: Runner) -> None:
    query = """{
      departments(first: 100) { nodes { id code } pageInfo { endCursor } }
      reports(first: 100) { nodes { id externalId indicators { id } } pageInfo { endCursor } }
      indicators(first: 100) { nodes { id } }
      webhooks { id }
    }"""
    runner.post("ADMIN", query)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("JIXIAO_URL", "http://127.0.0.1:8080/graphql"))
    parser.add_argument("--token", default=os.environ.get("JIXIAO_TOKEN"), help="ADMIN bearer token")
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("FUZZ_SECONDS", "120")),
                        help="total fuzzing wall time, split between ADMIN and anonymous")
    parser.add_argument("--schema", help="SDL file to load instead of introspecting the server")
    parser.add_argument("--server-log", help="the server's JSON log, to show internal causes")
    parser.add_argument("--report", help="also write the failures as JSON here")
    parser.add_argument("--request-timeout", type=float, default=40.0)
    parser.add_argument("--minimize-seconds", type=float, default=float(os.environ.get("FUZZ_MINIMIZE_SECONDS", "30")),
                        help="extra time to minimize the failing queries (0 turns it off)")
    parser.add_argument("--documents", help="JSON Lines of report documents (jixiao generate) to mutate")
    parser.add_argument("--document-share", type=float, default=0.3,
                        help="share of the time spent mutating --documents")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--stats", action="store_true", help="print outcome counts per operation")
    parser.add_argument("--negative-share", type=float, default=0.25)
    args = parser.parse_args()
    if not args.token:
        parser.error("--token (or JIXIAO_TOKEN) is required")

    if args.schema:
        schema = schemathesis.graphql.from_path(args.schema)
    else:
        schema = schemathesis.graphql.from_url(args.url, timeout=30)
    operations = []
    for result in schema.get_all_operations():
        try:
            operations.append(result.ok())
        except Exception as exc:  # noqa: BLE001
            print(f"schema problem: {exc}")
    client_schema = schema.client_schema
    type_names = sorted(
        name for name, t in client_schema.type_map.items()
        if isinstance(t, graphql.GraphQLObjectType) and "id" in t.fields and not name.startswith("__")
    )
    register_scalars(type_names)

    runner = Runner(args)
    seed_pool(runner)
    docs = Documents(args.documents, client_schema, args.seed) if args.documents else None
    if docs:
        seed_documents(runner, docs, count=len(docs.templates) * 2 // 3)
        seed_pool(runner)
    doc_share = args.document_share if docs else 0.0
    print(f"schemathesis {importlib.metadata.version('schemathesis')}: "
          f"{len(operations)} operations, {args.seconds:.0f} s, pool {len(POOL.ids)} ids, "
          f"{len(docs.templates) if docs else 0} document templates, seed {args.seed}", flush=True)

    started = time.monotonic()
    callers = ["ADMIN", "ANONYMOUS"]
    # Two rounds per caller so that ids created by mutations feed the queries of the second round.
    rounds = 2
    slices = [(caller, rnd) for caller in callers for rnd in range(rounds)]
    per_slice = args.seconds / len(slices)
    for caller, rnd in slices:
        slice_end = time.monotonic() + per_slice
        print(f"-- {caller} round {rnd + 1}/{rounds} ({per_slice:.0f} s)", flush=True)
        ops_end = slice_end - per_slice * doc_share
        for index, operation in enumerate(operations):
            if runner.server_down:
                break
            remaining_ops = len(operations) - index
            budget = max(0.0, ops_end - time.monotonic()) / remaining_ops
            neg = budget * args.negative_share
            fuzz_operation(runner, operation, caller, GenerationMode.POSITIVE, budget - neg)
            fuzz_operation(runner, operation, caller, GenerationMode.NEGATIVE, neg)
        if docs and not runner.server_down:
            fuzz_documents(runner, docs, caller, max(0.0, slice_end - time.monotonic()))
        if runner.server_down:
            print("!! the server stopped answering; fuzzing stopped", flush=True)
            break
    fuzz_time = time.monotonic() - started
    fuzz_requests = runner.requests

    if args.minimize_seconds > 0 and runner.failures and not runner.server_down:
        deadline = time.monotonic() + args.minimize_seconds
        for key, fail in list(runner.failures.items()):
            if time.monotonic() > deadline:
                break
            if fail.problem.kind != "transport" and not fail.variables:
                minimize(runner, fail, key, deadline)

    failures = sorted(runner.failures.values(), key=lambda f: (f.operation, f.problem.kind))
    print()
    for n, fail in enumerate(failures, 1):
        p = fail.problem
        print(f"=== failure {n}: {fail.operation} — {p.kind}"
              f"{' ' + p.code if p.code else ''}{' at ' + p.path if p.path else ''}"
              f" (HTTP {fail.status}, {fail.count}x, callers {','.join(sorted(fail.callers))})")
        print(f"message: {p.message[:500]}")
        if fail.cause:
            print(f"server log: {fail.cause}")
        print("query:")
        print(fail.minimized or fail.query)
        if fail.minimized:
            print("(minimized; shortest original query was", len(fail.query), "chars)")
        if fail.note:
            print(f"document mutations: {fail.note}")
        print("variables:", _clip(json.dumps(fail.variables, ensure_ascii=False), 3000))
        print("response:", fail.response[:1500])
        print()
    if args.stats:
        print("outcomes per operation (OK = answered without errors; else the first error code):")
        for label, counter in runner.outcomes.items():
            print(f"  {label}: " + ", ".join(f"{k} {v}" for k, v in counter.most_common()))
    panics = runner.log.panics()
    if panics:
        print(f"server log has {len(panics)} panic line(s), first: {panics[0]}")
    if args.report:
        with open(args.report, "w", encoding="utf-8") as fh:
            json.dump([{
                "operation": f.operation, "kind": f.problem.kind, "code": f.problem.code,
                "path": f.problem.path, "message": f.problem.message, "status": f.status,
                "count": f.count, "callers": sorted(f.callers), "cause": f.cause,
                "query": f.query, "minimized": f.minimized, "variables": f.variables, "note": f.note,
                "response": f.response,
            } for f in failures], fh, ensure_ascii=False, indent=2)
    print(f"schemathesis: {len(operations)} operations, {fuzz_requests} requests "
          f"({fuzz_time:.0f} s, +{runner.requests - fuzz_requests} to minimize), "
          f"{len(failures)} server errors")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
