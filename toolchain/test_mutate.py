"""Tests of toolchain/mutate.py: the repaired ROR generator on a compiled fixture, and the pure helpers.

Run: .venv/bin/python -m unittest discover -s toolchain -p 'test_*.py' (make test does, after the slither gate
has made .venv). Needs forge on PATH and the project's solc shim: the fixture is a tiny foundry project that
slither compiles through forge, as `make mutate` does.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "toolchain"))

import mutate  # noqa: E402

FIXTURE = """// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

contract R {
    function whole(uint256 a, uint256 b) external pure returns (bool) {
        if (a < b) return true;
        return false;
    }

    function inReturn(uint256 a, uint256 b) external pure returns (bool) {
        return a <= b;
    }

    function compound(uint256 a, uint256 b, address x) external pure returns (bool) {
        return a == 0 && b > a && x != address(0);
    }

    function ternary(uint256 a, uint256 b) external pure returns (uint256) {
        return a >= b ? a : b;
    }

    function addresses(address x, address y) external pure returns (bool) {
        return x == y;
    }
}
"""

OPS = {"<", ">", "<=", ">=", "==", "!="}


def ror_patches(project: Path) -> list[dict]:
    """The ROR patches of contract R, from mutate.py's repaired generator."""
    from slither import Slither
    from slither.tools.mutator.mutators.ROR import ROR

    mutate.fix_ror()
    slither = Slither(str(project))
    (contract,) = [c for c in slither.contracts if c.name == "R"]
    mutator = ROR(contract.compilation_unit, 60, "true", str(project), contract, None, False,
                  project / "mutants", [])
    cwd = os.getcwd()
    os.chdir(project)  # the generator names files relative to the working directory, as `make mutate` runs it
    try:
        result = mutator._mutate()
    finally:
        os.chdir(cwd)
    return [p for patches in result.get("patches", {}).values() for p in patches]


@unittest.skipUnless(shutil.which("forge"), "forge is not on PATH (make test puts the pinned one there)")
class RepairedRor(unittest.TestCase):
    """Each ROR mutant replaces exactly one comparison operator and nothing else."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        project = Path(cls.dir.name)
        (project / "src").mkdir()
        (project / "src" / "R.sol").write_text(FIXTURE)
        (project / "foundry.toml").write_text(
            "[profile.default]\nsrc = 'src'\nout = 'out'\nlibs = []\noffline = true\n"
            f"solc = '{ROOT / 'toolchain' / 'solc'}'\nevm_version = 'prague'\n"
        )
        env_profile = os.environ.pop("FOUNDRY_PROFILE", None)
        try:
            cls.patches = ror_patches(project)
        finally:
            if env_profile is not None:
                os.environ["FOUNDRY_PROFILE"] = env_profile
        cls.source = FIXTURE.encode()

    def mutants_of(self, old: str) -> set[str]:
        return {p["new_string"] for p in self.patches if p["old_string"] == old}

    def test_every_mutant_is_the_comparison_with_one_operator_replaced(self):
        self.assertTrue(self.patches)
        for p in self.patches:
            # The span is exactly the comparison's text ...
            self.assertEqual(self.source[p["start"]:p["end"]].decode(), p["old_string"], p)
            # ... and the mutant is that text with its operator, and only it, replaced.
            old_left, old_op, old_right = p["old_string"].split(" ", 2)
            new_left, new_op, new_right = p["new_string"].split(" ", 2)
            self.assertEqual((new_left, new_right), (old_left, old_right), p)
            self.assertIn(new_op, OPS - {old_op}, p)

    def test_a_comparison_inside_a_return_a_condition_or_a_ternary_gets_all_five_mutants(self):
        # slither-mutate 0.11.6's own ROR wrote the whole statement over these spans ("return return a > b").
        for old in ("a < b", "a <= b", "a == 0", "b > a", "a >= b"):
            old_op = old.split(" ")[1]
            left, right = old.split(f" {old_op} ")
            expected = {f"{left} {op} {right}" for op in OPS - {old_op}}
            self.assertEqual(self.mutants_of(old), expected, old)

    def test_comparisons_of_addresses_are_left_alone(self):
        self.assertEqual(self.mutants_of("x == y"), set())
        self.assertEqual(self.mutants_of("x != address(0)"), set())

    def test_each_mutant_is_recorded_once(self):
        keys = [(p["start"], p["new_string"]) for p in self.patches]
        self.assertEqual(len(keys), len(set(keys)))
        self.assertEqual(len(self.patches), 5 * 5)

    def test_every_mutant_compiles(self):
        # A garbled mutant would fail to compile and be counted as such, never tested: the bug this repairs.
        project = Path(self.dir.name)
        source = project / "src" / "R.sol"
        for p in self.patches:
            with self.subTest(line=p["line_number"], mutant=p["new_string"]):
                mutated = self.source[:p["start"]] + p["new_string"].encode() + self.source[p["end"]:]
                source.write_bytes(mutated)
                try:
                    build = subprocess.run(["forge", "build", "--root", str(project), "--offline"],
                                           capture_output=True, text=True, check=False)
                finally:
                    source.write_bytes(self.source)
                self.assertEqual(build.returncode, 0, build.stdout + build.stderr)


class Helpers(unittest.TestCase):
    def test_parse_lines(self):
        self.assertEqual(mutate.parse_lines("126-302"), (126, 302))
        self.assertEqual(mutate.parse_lines("40-")[0], 40)
        self.assertGreater(mutate.parse_lines("40-")[1], 10**6)

    def test_known_matches_an_earlier_run_of_the_same_mutant(self):
        mutate.KNOWN[:] = [
            # slither's own ROR recorded the whole statement where its patch was right.
            {"file": "contracts/A.sol", "line": 7, "mutator": "ROR", "status": "killed",
             "old": "if (a < b)", "new": "if (a <= b)"},
            {"file": "contracts/A.sol", "line": 9, "mutator": "ROR", "status": "failed to compile",
             "old": "return a < b", "new": "return return a <= b"},
        ]
        try:
            self.assertTrue(mutate._known("contracts/A.sol", 7, "a < b", "a <= b"))
            self.assertFalse(mutate._known("contracts/A.sol", 7, "a < b", "a > b"))
            self.assertFalse(mutate._known("contracts/A.sol", 8, "a < b", "a <= b"))
            # A garbled "failed to compile" outcome was never tested: the repaired mutant must run.
            self.assertFalse(mutate._known("contracts/A.sol", 9, "a < b", "a <= b"))
        finally:
            mutate.KNOWN.clear()


if __name__ == "__main__":
    unittest.main()
