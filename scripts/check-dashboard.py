#!/usr/bin/env python3
"""Checks deploy/grafana/*.json: valid JSON, unique panel ids, a query on every panel, every query parses
as PromQL (promql-parser, with Grafana's $__rate_interval set to 5m), every wechat_* metric a query uses
is one the services export (a `label: "..."` in Sources/*/Observability), and every exported metric is on
the dashboard. Usage: check-dashboard.py DASHBOARD.json; exit 1 on any problem."""
import json
import pathlib
import re
import sys

import promql_parser

ROOT = pathlib.Path(__file__).resolve().parent.parent
# Prometheus histogram series carry one of these suffixes after the name the code registers.
SUFFIXES = ("_bucket", "_sum", "_count")


def exported_metrics() -> set:
    names = set()
    for source in ROOT.glob("Sources/*/Observability/*Metrics.swift"):
        names.update(re.findall(r'label: "(wechat_[a-z0-9_]+)"', source.read_text()))
    return names


def main(path: str) -> int:
    dashboard = json.loads(pathlib.Path(path).read_text())
    problems, ids, used = [], set(), set()
    for panel in dashboard["panels"]:
        if panel["id"] in ids:
            problems.append(f"panel id {panel['id']} used twice")
        ids.add(panel["id"])
        if panel["type"] == "row":
            continue
        exprs = [target.get("expr", "") for target in panel.get("targets", [])]
        if not exprs or not all(exprs):
            problems.append(f"panel '{panel['title']}' has no query")
        for expr in exprs:
            try:
                promql_parser.parse(expr.replace("$__rate_interval", "5m"))
            except ValueError as error:
                problems.append(f"panel '{panel['title']}': not PromQL ({error}): {expr}")
            for name in re.findall(r"\bwechat_[a-z0-9_]+", expr):
                for suffix in SUFFIXES:
                    if name.endswith(suffix):
                        name = name[: -len(suffix)]
                used.add(name)
    exported = exported_metrics()
    if not exported:
        problems.append("found no metrics in Sources/*/Observability")
    problems += [f"queries {name}, which no service exports" for name in sorted(used - exported)]
    problems += [f"does not show {name}" for name in sorted(exported - used)]
    for problem in problems:
        print(f"check-dashboard: {path}: {problem}", file=sys.stderr)
    if not problems:
        print(f"check-dashboard: {path}: {len(ids)} panels over {len(used)} metrics, all exported")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
