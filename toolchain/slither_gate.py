#!/usr/bin/env python3
"""slither gate: fail on any medium- or high-impact finding that is not justified at its spot.

slither runs with --show-ignored-findings, so its JSON report holds every finding, disabled or not, and this
gate decides alone what counts as justified:

- a finding is justified only by a one-line comment on the line right before its *spot*:
      // slither-disable-next-line <detector>[,<detector>…]: <why it is safe>
  naming the finding's detector and giving a reason after the colon. The spot is the first source line of
  the finding's first flagged statement (an element of type "node": the comparison, the call, the write),
  or, for a finding without one (uninitialized-local), of its first element (the variable's declaration).
  slither itself is laxer: it accepts the comment before *any* element of a finding, e.g. before the
  enclosing function's header or a state variable's declaration, which would silence every finding of that
  detector in the whole function; this gate does not;
- every disable comment in CONTRACTS_DIR must carry a reason and must justify a current medium/high finding
  at the line after it: a comment left over after the code changed fails the gate (no stale justifications).

There is no baseline: a finding is fixed or justified at its spot.

Usage: slither_gate.py SLITHER_JSON CONTRACTS_DIR
Exit 0 when every medium/high finding is justified and every comment is used, 1 otherwise, 2 when slither
itself failed.
"""

import json
import pathlib
import re
import sys

GATED = {"High", "Medium"}
DISABLE = re.compile(r"^\s*//\s*slither-disable-next-line\b(.*)$")
# `<detectors>: <reason>`; detectors as slither reads them (letters, digits, `_`, `-`, commas).
JUSTIFIED = re.compile(r"^\s+([A-Za-z0-9_,-]+)\s*:\s*(\S.*)$")


def spot(finding: dict) -> tuple[str, int] | None:
    """(file relative to the project, first line) of the finding's flagged statement."""
    elements = [e for e in finding.get("elements", []) if e.get("source_mapping", {}).get("lines")]
    if not elements:
        return None
    nodes = [e for e in elements if e.get("type") == "node"]
    element = nodes[0] if nodes else elements[0]
    mapping = element["source_mapping"]
    return (mapping["filename_relative"], min(mapping["lines"]))


def comments(contracts: pathlib.Path) -> dict[tuple[str, int], tuple[list[str], str, str]]:
    """Every disable comment under CONTRACTS_DIR: (file, line of the code it covers) -> (detectors, reason, text)."""
    found = {}
    for path in sorted(contracts.rglob("*.sol")):
        for number, line in enumerate(path.read_text(encoding="utf8").splitlines(), 1):
            match = DISABLE.match(line)
            if not match:
                continue
            justified = JUSTIFIED.match(match.group(1))
            detectors = [d for d in justified.group(1).split(",") if d] if justified else []
            reason = justified.group(2).strip() if justified else ""
            found[(path.as_posix(), number + 1)] = (detectors, reason, f"{path}:{number}: {line.strip()}")
    return found


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    report = json.loads(pathlib.Path(sys.argv[1]).read_text(encoding="utf8"))
    contracts = pathlib.Path(sys.argv[2])

    if not report.get("success"):
        print(f"slither failed: {report.get('error')}", file=sys.stderr)
        return 2

    findings = [
        r for r in report.get("results", {}).get("detectors", []) if r.get("impact") in GATED
    ]
    disables = comments(contracts)
    used: set[tuple[tuple[str, int], str]] = set()
    unjustified = []
    for finding in findings:
        where = spot(finding)
        detectors, reason, _ = disables.get(where, ([], "", "")) if where else ([], "", "")
        if finding["check"] in detectors and reason:
            used.add((where, finding["check"]))
        else:
            unjustified.append((finding, where))

    problems = []
    for where, (detectors, reason, text) in sorted(disables.items()):
        if not detectors or not reason:
            problems.append(
                f"{text}\n  write `// slither-disable-next-line <detector>: <why>` (a detector, a colon, a reason)"
            )
            continue
        for detector in detectors:
            if (where, detector) not in used:
                problems.append(
                    f"{text}\n  justifies no medium/high `{detector}` finding on the next line: "
                    f"remove it, or move it to the line before the flagged statement"
                )

    for finding, where in unjustified:
        at = f"{where[0]}:{where[1]}" if where else "?"
        print(
            f"unjustified {finding['impact'].lower()} finding ({finding['check']}) at {at}:\n"
            f"  {' '.join(finding['description'].split())}\n"
            f"  fix it, or justify it on the line right before {at}: "
            f"// slither-disable-next-line {finding['check']}: <why>",
            file=sys.stderr,
        )
    for problem in problems:
        print(problem, file=sys.stderr)

    print(
        f"slither: {len(findings)} medium/high findings, {len(findings) - len(unjustified)} justified at their spot, "
        f"{len(unjustified)} unjustified; {len(problems)} disable comments without a reason or a finding"
    )
    return 1 if unjustified or problems else 0


if __name__ == "__main__":
    sys.exit(main())
