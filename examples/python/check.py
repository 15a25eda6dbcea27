#!/usr/bin/env python3
"""Runs sync.py as a sync job would be run, against a live server, and checks the contract:
the feed resumes from the stored cursor after a restart (nothing missed, nothing repeated),
and an import retried with the same idempotency keys writes nothing twice.

    JIXIAO_URL=… JIXIAO_TOKEN=… python check.py DOCUMENTS.jsonl
"""
import json
import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
documents = sys.argv[1]


def run(*args):
    out = subprocess.run([sys.executable, os.path.join(here, "sync.py"), *args],
                         capture_output=True, text=True, check=True)
    return out.stdout


def events(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


with tempfile.TemporaryDirectory() as work:
    state = os.path.join(work, "feed.cursor")
    before = events(run("follow", "--state", state))
    assert before, "the feed has the reference report's events"
    assert os.path.exists(state), "the cursor is stored"
    # Nothing new: a restart reads nothing again.
    assert events(run("follow", "--state", state)) == [], "no event repeats after a restart"
    first = json.loads(run("import", documents))
    total = sum(1 for line in open(documents, encoding="utf-8") if line.strip())
    assert first["created"] == total and first["failed"] == 0, first
    # The job runs again (as after a crash): the same keys give the first answers.
    again = json.loads(run("import", documents))
    assert again == first, f"a retried import is answered as at first: {again}"
    after = events(run("follow", "--state", state))
    creates = [e for e in after if e["operation"] == "CREATE" and e["entityType"] == "Report"]
    assert len(creates) == total, f"each imported report once in the feed: {len(creates)} of {total}"
    sequences = [e["sequence"] for e in before + after]
    assert sequences == sorted(set(sequences)), "strictly increasing, no repeats"
    assert events(run("follow", "--state", state)) == [], "and nothing after that"
print(f"python sync example: ok ({total} documents, {len(after)} new events)")
