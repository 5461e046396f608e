#!/usr/bin/env python3
"""slither gate: fail on any medium- or high-impact finding that is not justified.

A finding is justified in one of two ways:

1. in place, by a one-line comment on the line before it, which slither itself honours:
       // slither-disable-next-line <detector>: <why it is safe>
   This gate also checks that every such comment in contracts/ carries a reason after the colon;
2. temporarily, by an entry of the baseline file (toolchain/slither-baseline.json), for findings in
   files that cannot be edited right now (see docs/slither-triage.md). An entry matches a finding by
   detector and by slither's description with file positions removed, so moving code does not break
   it but changing the flagged code does. Entries that match nothing fail the gate too: the baseline
   only shrinks.

Usage: slither_gate.py SLITHER_JSON BASELINE_JSON CONTRACTS_DIR
Exit 0 when every medium/high finding is justified, 1 otherwise, 2 when slither itself failed.
"""

import collections
import json
import pathlib
import re
import sys

GATED = {"High", "Medium"}
# `(contracts/X.sol#12-34)` and `(contracts/X.sol#12)`: positions move with every edit.
POSITION = re.compile(r"\s*\([^()\s]+#\d+(?:-\d+)?\)")
DISABLE = re.compile(r"//\s*slither-disable-next-line\s*([A-Za-z0-9_,-]*)(.*)$")


def normalise(description: str) -> str:
    return " ".join(POSITION.sub("", description).split())


def key(detector: str, description: str) -> tuple[str, str]:
    return (detector, normalise(description))


def unjustified_comments(contracts: pathlib.Path) -> list[str]:
    """Every disable comment must name its detectors and say why after a colon."""
    problems = []
    for path in sorted(contracts.rglob("*.sol")):
        for number, line in enumerate(path.read_text(encoding="utf8").splitlines(), 1):
            match = DISABLE.search(line)
            if not match:
                continue
            detectors, rest = match.group(1), match.group(2).strip()
            if not detectors or not rest.startswith(":") or not rest[1:].strip():
                problems.append(
                    f"{path}:{number}: write `// slither-disable-next-line <detector>: <why>` "
                    f"(a detector and a reason after the colon): {line.strip()}"
                )
    return problems


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    report = json.loads(pathlib.Path(sys.argv[1]).read_text(encoding="utf8"))
    baseline = json.loads(pathlib.Path(sys.argv[2]).read_text(encoding="utf8"))
    contracts = pathlib.Path(sys.argv[3])

    if not report.get("success"):
        print(f"slither failed: {report.get('error')}", file=sys.stderr)
        return 2

    findings = [
        r for r in report.get("results", {}).get("detectors", []) if r.get("impact") in GATED
    ]
    accepted = collections.Counter(key(e["detector"], e["description"]) for e in baseline["accepted"])
    for entry in baseline["accepted"]:
        if not entry.get("why", "").strip():
            print(f"baseline entry without a reason: {entry['detector']}: {entry['description']}", file=sys.stderr)
            return 1

    unjustified = []
    for finding in findings:
        k = key(finding["check"], finding["description"])
        if accepted[k] > 0:
            accepted[k] -= 1
        else:
            unjustified.append(finding)

    stale = [k for k, n in accepted.items() for _ in range(n)]
    comments = unjustified_comments(contracts)

    for finding in unjustified:
        print(
            f"unjustified {finding['impact'].lower()} finding ({finding['check']}):\n"
            f"  {finding['description'].strip()}\n"
            f"  fix it, or justify it on the line before: "
            f"// slither-disable-next-line {finding['check']}: <why>",
            file=sys.stderr,
        )
    for detector, description in stale:
        print(
            f"baseline entry matches no finding any more ({detector}): {description}\n"
            f"  remove it from {sys.argv[2]}",
            file=sys.stderr,
        )
    for problem in comments:
        print(problem, file=sys.stderr)

    baselined = len(findings) - len(unjustified)
    print(
        f"slither: {len(findings)} medium/high findings not disabled in place; {baselined} in the baseline, "
        f"{len(unjustified)} unjustified; {len(stale)} stale baseline entries; "
        f"{len(comments)} disable comments without a reason"
    )
    return 1 if unjustified or stale or comments else 0


if __name__ == "__main__":
    sys.exit(main())
