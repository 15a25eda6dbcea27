#!/usr/bin/env python3
"""A sync job against jixiao, with the `gql` client.

    python sync.py follow --state feed.cursor          # print new change events, keep the cursor
    python sync.py import reports.jsonl --state import.keys

`follow` reads the change feed from the cursor stored in --state (the feed's start without
one) to its end and stores the last cursor after each page, so a job that is stopped and
started again continues where it was: nothing is missed and nothing repeats.

`import` sends the documents of a JSON Lines file (the `upsertReport` shape) in batches of 50
with an idempotency key per batch (the file's SHA-256 and the batch number), so a job that
dies mid-import and runs again gets the first answers for the batches already sent and writes
nothing twice.

The server and token come from JIXIAO_URL (default http://127.0.0.1:8080) and JIXIAO_TOKEN.
"""
import argparse
import hashlib
import json
import os
import sys
import tempfile

from gql import Client, gql
from gql.transport.requests import RequestsHTTPTransport

CHANGES = gql(
    """
    query Changes($after: String, $first: Int) {
      changes(after: $after, first: $first) {
        pageInfo { hasNextPage endCursor }
        nodes { cursor sequence operation entityType reportGlobalId occurredAt }
      }
    }
    """
)

IMPORT = gql(
    """
    mutation Import($input: ImportReportsInput!) {
      importReports(input: $input) {
        created updated unchanged failed
        results { externalId result userErrors { field code message } }
        userErrors { field code message }
      }
    }
    """
)


def client():
    url = os.environ.get("JIXIAO_URL", "http://127.0.0.1:8080").rstrip("/") + "/graphql"
    token = os.environ.get("JIXIAO_TOKEN")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    transport = RequestsHTTPTransport(url=url, headers=headers, timeout=30, retries=3)
    return Client(transport=transport, fetch_schema_from_transport=False)


def store(path, text):
    """Writes the state file atomically: a crash leaves the old cursor or the new, never half."""
    folder = os.path.dirname(os.path.abspath(path))
    with tempfile.NamedTemporaryFile("w", dir=folder, delete=False, encoding="utf-8") as f:
        f.write(text)
        name = f.name
    os.replace(name, path)


def follow(state):
    after = None
    if os.path.exists(state):
        with open(state, encoding="utf-8") as f:
            after = f.read().strip() or None
    seen = 0
    with client() as session:
        while True:
            page = session.execute(CHANGES, variable_values={"after": after, "first": 100})["changes"]
            for event in page["nodes"]:
                print(json.dumps(event, ensure_ascii=False))
                seen += 1
            after = page["pageInfo"]["endCursor"]
            store(state, after)
            if not page["pageInfo"]["hasNextPage"]:
                break
    print(f"{seen} 条新事件；游标已保存到 {state}", file=sys.stderr)


def import_file(path, batch=50):
    with open(path, "rb") as f:
        raw = f.read()
    digest = hashlib.sha256(raw).hexdigest()[:16]
    documents = [json.loads(line) for line in raw.decode("utf-8").splitlines() if line.strip()]
    totals = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
    with client() as session:
        for n, start in enumerate(range(0, len(documents), batch)):
            key = f"{digest}-{n}"
            chunk = documents[start : start + batch]
            answer = session.execute(
                IMPORT, variable_values={"input": {"idempotencyKey": key, "documents": chunk}}
            )["importReports"]
            for e in answer["userErrors"]:
                print(f"批次 {n} 被拒绝：[{e['code']}] {e['message']}", file=sys.stderr)
            for r in answer["results"]:
                for e in r["userErrors"]:
                    field = ".".join(e["field"] or [])
                    print(f"{r['externalId']}：[{e['code']}] {field} {e['message']}", file=sys.stderr)
            for k in totals:
                totals[k] += answer[k]
    print(json.dumps(totals))
    return totals


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    f = sub.add_parser("follow", help="print new change events and store the cursor")
    f.add_argument("--state", required=True, help="file holding the last cursor")
    i = sub.add_parser("import", help="import a JSON Lines file with idempotency keys")
    i.add_argument("path")
    args = parser.parse_args()
    if args.command == "follow":
        follow(args.state)
    else:
        import_file(args.path)


if __name__ == "__main__":
    main()
