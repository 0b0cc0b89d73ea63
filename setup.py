"""Compile the engine's text hot path to C with mypyc; everything else stays Python.

`pyproject.toml` holds the metadata; this file exists only to add the extension
modules. The list of modules lives in `[tool.saveroute] compiled` so the Makefile
and the tests read the same list. mypyc compiles ordinary type-annotated Python:
the sources stay the reference, run as they are when SAVEROUTE_PURE_PYTHON=1 is set
(or under any interpreter mypyc does not build for), and a test holds the compiled
and the pure build to byte-identical decisions.
"""

import os
import tomllib

from setuptools import setup

with open("pyproject.toml", "rb") as handle:
    COMPILED = tomllib.load(handle)["tool"]["saveroute"]["compiled"]

ext_modules = []
if not os.environ.get("SAVEROUTE_PURE_PYTHON"):
    from mypyc.build import mypycify

    # The compiled modules import pydantic and the rest of the package; the build
    # environment need not have them, and they are type-checked where they are run.
    ext_modules = mypycify(["--ignore-missing-imports", "--follow-imports=silent", *COMPILED], opt_level="3")

setup(ext_modules=ext_modules)
