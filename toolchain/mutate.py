"""Mutation campaign driver for `make mutate`: slither-mutate's mutant generators, one build per mutant.

Run ONLY in a throwaway copy of the tree (the Makefile makes one): slither-mutate writes each mutant into the
source file and restores it afterwards.

Why a wrapper and not the plain `slither-mutate` command: slither-mutate checks that a mutant compiles with a
separate crytic-compile run (a targeted `forge build` of the mutated file) before running the test command, which
compiles the tree a second time; a build is ~20-40 s here, so that would double the cost of every mutant. This
wrapper replaces only that step (`test_patch`): the test command alone builds and tests, and a mutant whose build
fails ("Compiler run failed") counts as a compile failure, exactly as slither-mutate's own check would. Mutant
generation, the order of the mutators (RR and CR first) and the skipping of further mutants on a line whose RR or CR
mutant survived are slither-mutate's own. Every mutant's outcome is appended to a JSON-lines file, and the summary
(per contract: mutants, killed, survived, failed to compile, kill rate = killed / (killed + survived)) is written as
Markdown.

Usage (from the copy's root, FOUNDRY_PROFILE=mutate in the environment):
  python toolchain/mutate.py --files contracts/safe/SafeProposals.sol,... --mutators CR,ROR,LOR \
      --test-cmd "forge test ..." --timeout 240 --results DIR
  python toolchain/mutate.py --summary DIR      (re-print the summary of DIR/mutants.jsonl)

Narrowing a campaign (both apply to every file of --files, and combine):
  --functions _chargeCaps,freeze   only mutants inside functions or modifiers of these names (any visibility;
                                   slither-mutate's own --target-functions takes selectors, so external ones only)
  --lines 126-302                  only mutants whose first line is in this range (resume a stopped campaign)
"""

import argparse
import importlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

RESULTS: Path | None = None
LINES: tuple[int, int] | None = None  # --lines, also checked here for mutators that do not go node by node


def _record(file: str, patch: dict, mutator: str, status: str, seconds: float) -> None:
    assert RESULTS is not None
    root = Path.cwd().resolve()
    try:
        rel = str(Path(file).resolve().relative_to(root))
    except ValueError:
        rel = file
    line = patch["line_number"]
    entry = {
        "file": rel,
        "line": line[0] if isinstance(line, list) else line,
        "mutator": mutator,
        "old": patch["old_string"],
        "new": patch["new_string"],
        "status": status,
        "seconds": round(seconds, 1),
    }
    with (RESULTS / "mutants.jsonl").open("a", encoding="utf8") as out:
        out.write(json.dumps(entry) + "\n")
    print(f"[{mutator}] {rel}:{entry['line']} {status.upper()} ({seconds:.0f} s): "
          f"{entry['old'].strip()!r} ==> {entry['new'].strip()!r}", flush=True)


def test_patch(output_folder, file, patch, command, generator_name, timeout, mappings, verbose):
    """slither-mutate's test_patch without the separate crytic-compile build: 0 survived, 1 killed, 2 no build."""
    # pylint: disable=unused-argument,too-many-arguments
    from slither.tools.mutator.utils.file_handling import create_mutant_file

    line = patch["line_number"]
    line = line[0] if isinstance(line, list) else line
    if LINES is not None and not LINES[0] <= line <= LINES[1]:
        return 2  # outside the range asked for: neither built nor recorded
    start = time.time()
    content = Path(file).read_bytes()
    # slither's patch offsets are byte offsets from solc
    Path(file).write_bytes(content[: patch["start"]] + patch["new_string"].encode("utf8") + content[patch["end"]:])
    try:
        result = subprocess.run(command, shell=True, capture_output=True, timeout=timeout, check=False)
        output = result.stdout.decode("utf8", "replace") + result.stderr.decode("utf8", "replace")
        if result.returncode != 0 and "Compiler run failed" in output:
            status = "failed to compile"
        elif result.returncode == 0:
            status = "survived"
        else:
            status = "killed"
    except subprocess.TimeoutExpired:
        status = "killed"  # slither-mutate's rule too: a mutant that hangs the suite is caught (as a timeout)
    if status == "survived":
        create_mutant_file(output_folder, file, generator_name)  # keeps a copy of the surviving mutant
    # Restored from the bytes read above, not from slither-mutate's backup file (reset_file): that backup lives
    # under the output directory, named by a hash of the source's relative path, so two campaigns sharing a results
    # directory shared it too, and the first to finish deleted it under the other, which then left its mutants in
    # place and stacked the next ones on them.
    Path(file).write_bytes(content)
    _record(file, patch, generator_name, status, time.time() - start)
    return {"survived": 0, "killed": 1, "failed to compile": 2}[status]


def parse_lines(spec: str) -> tuple[int, int]:
    """'126-302' -> (126, 302); '126-' -> (126, end of any file)."""
    low, sep, high = spec.partition("-")
    if not sep or not low.strip().isdigit() or (high.strip() and not high.strip().isdigit()):
        raise ValueError(f"--lines wants FROM-TO or FROM- (line numbers), not {spec!r}")
    first, last = int(low), int(high) if high.strip() else 10**9
    if first > last:
        raise ValueError(f"--lines {spec!r}: the first line is after the last")
    return first, last


def narrow(functions: set[str] | None, lines: tuple[int, int] | None) -> None:
    """Restrict every mutator to the named functions and/or a line range (slither-mutate's hooks)."""
    from slither.tools.mutator.mutators.abstract_mutator import AbstractMutator

    own_function, own_node = AbstractMutator.should_mutate_function, AbstractMutator.should_mutate_node

    def should_mutate_function(self, function) -> bool:
        if functions is not None and function.name not in functions:
            return False
        return own_function(self, function)

    def should_mutate_node(self, node) -> bool:
        if lines is not None and not lines[0] <= node.source_mapping.lines[0] <= lines[1]:
            return False
        if functions is not None and (node.function is None or node.function.name not in functions):
            return False
        return own_node(self, node)

    AbstractMutator.should_mutate_function = should_mutate_function
    AbstractMutator.should_mutate_node = should_mutate_node


KNOWN: list[dict] = []  # --ror-skip-known: outcomes of earlier campaigns (JSON lines), whose ROR mutants are not re-run


def _known(file: str, line: int, old: str, new: str) -> bool:
    """Whether an earlier campaign tested this ROR mutant. slither-mutate's own ROR recorded the whole statement as
    `old` where its patch was right (a plain condition), so the same mutant is `old` with the comparison replaced."""
    for e in KNOWN:
        if e["file"] != file or e["line"] != line or e["mutator"] != "ROR" or e["status"] == "failed to compile":
            continue
        if (e["old"], e["new"]) == (old, new) or (old in e["old"] and e["old"].replace(old, new, 1) == e["new"]):
            return True
    return False


def fix_ror() -> None:
    """Replaces slither-mutate's ROR generator with one that patches the comparison it names.

    slither-mutate 0.11's ROR writes the mutated text of the whole statement (the node) over the span of the IR's
    expression, and builds that text by splitting the statement at the first occurrence of the operator and keeping
    only the first two pieces. Where the IR's expression is one comparison inside a larger statement (a
    `return a < b`, a condition `a == 0 && b == c`, a ternary) the mutant is garbled and reported as "failed to
    compile": it was never tested. Here each comparison of the IR's expression with the IR's operator is found in the
    expression tree and only its operator (the text between its two operands' source spans) is replaced, so every
    ROR mutant is the single change it claims to be. slither-mutate's filter is kept as far as the IRs allow: an IR
    comparing addresses gives no mutant, but where slither hands every IR of a condition the whole condition as its
    expression, an address comparison with the same operator as a non-address one in that condition is mutated too
    (identical patches from several IRs are recorded once, by create_patch_with_line).
    """
    from slither.core.expressions.binary_operation import BinaryOperation
    from slither.slithir.operations import Binary
    from slither.tools.mutator.utils.patch import create_patch_with_line

    ror_module = importlib.import_module("slither.tools.mutator.mutators.ROR")
    relational = ror_module.relational_operators

    def comparisons(expr, op: str):
        """Every `left op right` with this operator in the expression tree (depth first, any order)."""
        stack, seen = [expr], set()
        while stack:
            e = stack.pop()
            if e is None or id(e) in seen:
                continue
            seen.add(id(e))
            # The expression's operator type is not the IR's (BinaryOperationType, BinaryType): compare the text.
            if isinstance(e, BinaryOperation) and str(e.type) == op:
                yield e
            for name in ("expression_left", "expression_right", "expression", "if_expression",
                         "then_expression", "else_expression", "called"):
                stack.append(getattr(e, name, None))
            for name in ("expressions", "arguments"):
                stack.extend(getattr(e, name, None) or [])

    def _mutate(self) -> dict:
        result: dict = {}
        content = Path(self.in_file).read_bytes()
        try:
            rel = str(Path(self.in_file).resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            rel = self.in_file
        for function in self.contract.functions_and_modifiers_declared:
            if not self.should_mutate_function(function):
                continue
            for node in function.nodes:
                if not self.should_mutate_node(node):
                    continue
                for ir in node.irs:
                    if not (isinstance(ir, Binary) and ir.type in relational):
                        continue
                    # slither-mutate's own filter, kept: no comparisons of addresses.
                    if str(ir.variable_left.type) == "address" or str(ir.variable_right) == "address":
                        continue
                    old_op = ir.type.value
                    for expr in comparisons(ir.expression, old_op):
                        start = expr.source_mapping.start
                        stop = start + expr.source_mapping.length
                        left = expr.expression_left.source_mapping
                        left_end, right_start = left.start + left.length, expr.expression_right.source_mapping.start
                        gap = content[left_end:right_start].decode("utf8")
                        if not start <= left_end <= right_start <= stop or gap.strip() != old_op:
                            continue  # not a plain `left op right` span: leave it rather than guess
                        old_str = content[start:stop].decode("utf8")
                        for op in relational:
                            if op == ir.type:
                                continue
                            new_str = (content[start:left_end] + gap.replace(old_op, op.value).encode("utf8")
                                       + content[right_start:stop]).decode("utf8")
                            if _known(rel, node.source_mapping.lines[0], old_str, new_str):
                                continue  # an earlier campaign ran this very mutant (with slither's own ROR)
                            create_patch_with_line(result, self.in_file, start, stop, old_str, new_str,
                                                   node.source_mapping.lines[0])
        return result

    ror_module.ROR._mutate = _mutate


def summary(results: Path) -> str:
    rows: dict[str, dict[str, int]] = {}
    survivors = []
    seconds = []
    path = results / "mutants.jsonl"
    entries = [json.loads(l) for l in path.read_text(encoding="utf8").splitlines()] if path.exists() else []
    for e in entries:
        r = rows.setdefault(e["file"], {"mutants": 0, "killed": 0, "survived": 0, "failed to compile": 0})
        r["mutants"] += 1
        r[e["status"]] += 1
        if e["status"] == "survived":
            survivors.append(e)
        if e["status"] != "failed to compile":
            seconds.append(e["seconds"])
    out = ["| contract file | mutants | killed | survived | failed to compile | kill rate |",
           "|---|---:|---:|---:|---:|---:|"]
    for f, r in rows.items():
        tested = r["killed"] + r["survived"]
        rate = f"{100 * r['killed'] / tested:.1f} %" if tested else "-"
        out.append(f"| {f} | {r['mutants']} | {r['killed']} | {r['survived']} | {r['failed to compile']} | {rate} |")
    if seconds:
        out.append("")
        out.append(f"Per compiled mutant: {sum(seconds) / len(seconds):.0f} s on average (build + tests).")
    out.append("")
    out.append("Surviving mutants:")
    for e in survivors:
        out.append(f"- {e['file']}:{e['line']} [{e['mutator']}] `{e['old'].strip()}` ==> `{e['new'].strip()}`")
    if not survivors:
        out.append("- none")
    return "\n".join(out) + "\n"


def main() -> int:
    global RESULTS, LINES  # pylint: disable=global-statement
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", help="comma-separated .sol files to mutate, in order")
    parser.add_argument("--mutators", default="", help="comma-separated slither-mutate mutators (default: all)")
    parser.add_argument("--test-cmd")
    parser.add_argument("--timeout", default="240")
    parser.add_argument("--results", required=True, help="directory for mutants.jsonl, summary.md, survivors")
    parser.add_argument("--summary", action="store_true", help="only print the summary of --results")
    parser.add_argument("--functions", default="", help="comma-separated function/modifier names to mutate only")
    parser.add_argument("--lines", default="", help="FROM-TO or FROM-: mutate only mutants starting in this range")
    parser.add_argument("--ror-skip-known", default="", metavar="JSONL",
                        help="ROR: skip the mutants an earlier campaign tested (its mutants.jsonl), see fix_ror")
    args = parser.parse_args()
    try:
        lines = parse_lines(args.lines) if args.lines else None
    except ValueError as err:
        parser.error(str(err))
    LINES = lines
    functions = {f.strip() for f in args.functions.split(",") if f.strip()} or None
    RESULTS = Path(args.results).resolve()
    RESULTS.mkdir(parents=True, exist_ok=True)
    if not args.summary:
        if not args.files or not args.test_cmd:
            parser.error("--files and --test-cmd are required for a campaign")
        import slither.tools.mutator.mutators.abstract_mutator as abstract_mutator
        from slither.tools.mutator.__main__ import main as slither_mutate

        abstract_mutator.test_patch = test_patch
        if args.ror_skip_known:
            KNOWN.extend(json.loads(l) for l in Path(args.ror_skip_known).read_text(encoding="utf8").splitlines())
        fix_ror()
        if functions is not None or lines is not None:
            narrow(functions, lines)
        for file in args.files.split(","):
            # One directory per campaign (slither-mutate also keeps its backup of the source there).
            run = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
            argv = ["slither-mutate", file, "--test-cmd", args.test_cmd, "--timeout", args.timeout,
                    "--output-dir", str(RESULTS / "survivors" / run / Path(file).stem),
                    "--compile-force-framework", "foundry"]
            if args.mutators:
                argv += ["--mutators-to-run", args.mutators]
            sys.argv = argv
            slither_mutate()
    text = summary(RESULTS)
    (RESULTS / "summary.md").write_text(text, encoding="utf8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
