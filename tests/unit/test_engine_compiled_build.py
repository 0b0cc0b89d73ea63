"""The mypyc-compiled text modules: built, current, and deciding exactly as their source.

setup.py compiles the modules listed in pyproject.toml `[tool.saveroute] compiled`.
A compiled module is imported in preference to its `.py`, so a stale build would
silently run old code: these tests fail first, and name the command that rebuilds.
The Python source stays the reference; the last test runs `saveroute route` on
every labelled set through the pure source and through the installed build and
compares the bytes.
"""

import importlib
import importlib.machinery
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from saveroute.bench.engine import build_file

REPO = Path(__file__).resolve().parents[2]
LIBS = REPO / "libs"
COMPILED = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["saveroute"]["compiled"]
PURE = bool(os.environ.get("SAVEROUTE_PURE_PYTHON"))
REBUILD = "run `make setup` (or `pip install -e .`) to rebuild it"


def _module_name(path: str) -> str:
    return path.removeprefix("libs/").removesuffix(".py").replace("/", ".")


def _extension_files(source: Path) -> list[Path]:
    stem = source.with_suffix("")
    return [p for p in source.parent.iterdir()
            if p.name.startswith(stem.name + ".") and p.name.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))]


def test_the_compiled_list_names_real_modules():
    assert COMPILED, "pyproject.toml [tool.saveroute] compiled is empty"
    for path in COMPILED:
        assert (REPO / path).is_file(), f"{path} is listed as compiled but does not exist"


def test_no_compiled_module_outside_the_list_shadows_its_source():
    listed = {(REPO / p).resolve() for p in COMPILED}
    for ext in LIBS.rglob("*"):
        if ext.name.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
            source = ext.parent / (ext.name.split(".", 1)[0] + ".py")
            assert source.resolve() in listed, (
                f"{ext.relative_to(REPO)} is a compiled copy of a module no longer in the compiled list; delete it")


@pytest.mark.skipif(PURE, reason="SAVEROUTE_PURE_PYTHON is set: the modules were installed as plain Python")
def test_listed_modules_are_imported_compiled_and_newer_than_their_source():
    for path in COMPILED:
        source = REPO / path
        module = importlib.import_module(_module_name(path))
        assert not module.__file__.endswith(".py"), f"{path} is not compiled; {REBUILD}"
        for ext in _extension_files(source):
            assert ext.stat().st_mtime >= source.stat().st_mtime, (
                f"{ext.name} is older than {path}: it would run the old code; {REBUILD}")


def _labelled_input(tmp_path: Path) -> Path:
    rows: list[str] = []
    for name in sorted((REPO / "tests/data").rglob("*.jsonl")):
        rows += [line for line in name.read_text(encoding="utf-8").splitlines() if line.strip()]
    varied = tmp_path / "varied.jsonl"
    build_file(REPO, 2000, varied, seed=11)
    rows += varied.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


_RUN = """
import sys
source, compiled = sys.argv.pop(1), sys.argv.pop(1) == "compiled"
if source != "-":
    sys.path.insert(0, source)
import saveroute.engine.text.matcher as matcher
assert matcher.__file__.endswith(".py") != compiled, matcher.__file__
from saveroute.cli.main import cli
cli()
"""


@pytest.mark.skipif(PURE, reason="SAVEROUTE_PURE_PYTHON is set: there is no compiled build to compare")
def test_compiled_and_pure_builds_write_the_same_bytes(tmp_path):
    source_copy = tmp_path / "pure"
    shutil.copytree(LIBS / "saveroute", source_copy / "saveroute",
                    ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__"))
    scenarios = _labelled_input(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SAVEROUTE_POLICY")}
    outputs = {}
    for build, source in (("pure", str(source_copy)), ("compiled", "-")):
        outputs[build] = tmp_path / f"{build}.jsonl"
        subprocess.run([sys.executable, "-c", _RUN, source, build, "route", str(scenarios), "-o", str(outputs[build])],
                       check=True, env=env, cwd=tmp_path)
    assert sum(1 for _ in outputs["compiled"].open()) > 2000
    assert outputs["pure"].read_bytes() == outputs["compiled"].read_bytes()
