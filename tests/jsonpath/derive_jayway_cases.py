#!/usr/bin/env python3
"""Derives tests/jsonpath/jayway_cases.json from the json-path-comparison project
(cburgmer/json-path-comparison, commit 357199a9224d114244c5d47b16281c1a5c380c3a):

  regression_suite/regression_suite.yaml        every query, document and consensus
  regression_suite/Java_com.jayway.jsonpath.yaml Jayway's answer where it differs from the
                                                 consensus or where there is none

Jayway's answer to a query is its entry in the second file if it has one, otherwise the
consensus (in whichever form fits: list, scalar or NOT_FOUND). NOT_SUPPORTED and status
"error" mean Jayway raised an error.

Usage: derive_jayway_cases.py regression_suite.yaml Java_com.jayway.jsonpath.yaml > jayway_cases.json
"""
import json
import sys

import yaml

COMMIT = "357199a9224d114244c5d47b16281c1a5c380c3a"


def answer(entry):
    if entry.get("status") == "error" and "result" not in entry:
        return {"kind": "error"}
    result = entry["result"]
    if result == "NOT_SUPPORTED":
        return {"kind": "error"}
    if result == "NOT_FOUND":
        return {"kind": "not_found"}
    return {"kind": "value", "value": result}


def from_consensus(query):
    consensus = query["consensus"]
    if consensus == "NOT_SUPPORTED":
        return {"kind": "error"}
    forms = [consensus]
    if "scalar-consensus" in query:
        forms.append(query["scalar-consensus"])
    not_found = "not-found-consensus" in query or "scalar-not-found-consensus" in query
    return {"kind": "consensus", "forms": forms, "not_found_allowed": not_found}


def main(suite_path, jayway_path):
    suite = yaml.safe_load(open(suite_path, encoding="utf-8"))["queries"]
    jayway = {q["id"]: q for q in yaml.safe_load(open(jayway_path, encoding="utf-8"))["queries"]}
    cases = []
    for query in suite:
        if query["id"] in jayway:
            expected, source = answer(jayway[query["id"]]), "jayway-report"
        elif "consensus" in query:
            expected, source = from_consensus(query), "consensus"
        else:
            raise SystemExit(f"{query['id']}: no consensus and no Jayway answer")
        cases.append({
            "id": query["id"],
            "selector": query["selector"],
            "document": query["document"],
            "ordered": query.get("ordered", True),
            "source": source,
            "jayway": expected,
        })
    out = {
        "source": f"cburgmer/json-path-comparison@{COMMIT} regression_suite/",
        "cases": cases,
    }
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
