"""A copy of the package with some of its modules compiled by mypyc, to measure what
compiling them gains (docs/performance.md, "Compiling the hot modules"). Not part of the
install: the package itself stays pure Python (plus the C tracer loop).

    .venv/bin/python benchmarks/mypyc_tree.py DIR [MODULE ...]

copies ``aiotrace/`` of this working tree (with the C loop's library, if built) into
``DIR/aiotrace`` (DIR must not exist yet), compiles the MODULEs there with mypyc (default:
``MODULES`` below; mypyc comes with mypy, in the ``test`` extra), byte-compiles the rest,
and checks that each compiled module is the one Python imports. Then run the copy with the
same interpreter: ``PYTHONPATH=DIR .venv/bin/aiotrace run ...`` (``PYTHONPATH`` comes
before an editable install's finder; but ``python -m`` and ``python -c`` put the current
directory first, so from the repository's root they import its pure package). Compiling
the default list takes about a minute and a half of CPU.

What mypyc refuses or changes, found on the way (see docs/performance.md):
- a class that inherits from a built-in type (``str``, ``tuple``) in a compiled module
  (the decoder's are in ``_decode/_texts.py`` for this reason; ``_cli/_pairs.py``'s
  ``Paired`` keeps that module out of the list);
- module-level ``__annotations__`` are not kept, so the ``_xlat*`` modules' tables (read
  on first use through them) cannot be compiled, nor ``_tables.py`` with them;
- compiled code checks the declared types of arguments at run time: an annotation that
  does not say what really comes (a tuple declared where an ``Args`` arrives) is a
  ``TypeError``.
"""

from __future__ import annotations

import argparse
import compileall
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The modules of the measured build: the tracer's records made into events, the command's
# taking and laying out of lines, and the decoder's entry points with the printers most
# calls go through (the profile of `aiotrace run` on the getppid loop and on tar).
MODULES = (
    "aiotrace._core._handoff",
    "aiotrace._core._args",
    "aiotrace._cli._session",
    "aiotrace._cli._fastlines",
    "aiotrace._cli._decoder",
    "aiotrace._decode",
    "aiotrace._decode._ctx",
    "aiotrace._decode._structs",
    "aiotrace._decode._quote",
    "aiotrace._decode._kinds",
    "aiotrace._decode._files",
)


def source(dest: Path, module: str) -> Path:
    """The file of *module* in the copy at *dest* (a package's ``__init__.py``)."""
    base = dest.joinpath(*module.split("."))
    if base.is_dir():
        return base / "__init__.py"
    path = base.with_suffix(".py")
    if not path.is_file():
        raise SystemExit(f"mypyc_tree: no module {module} in {dest}")
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dest", type=Path, help="the directory to make (must not exist)")
    ap.add_argument("modules", nargs="*", help="dotted names (default: MODULES)")
    a = ap.parse_args()
    dest: Path = a.dest.resolve()
    if dest.exists():
        raise SystemExit(f"mypyc_tree: {dest} exists; give a new directory")
    modules = a.modules or list(MODULES)
    dest.mkdir(parents=True)
    # (only the package: no pyproject.toml, so that mypyc's build reads no project table)
    shutil.copytree(ROOT / "aiotrace", dest / "aiotrace",
                    ignore=shutil.ignore_patterns("__pycache__"))
    paths = [str(source(dest, m).relative_to(dest)) for m in modules]
    subprocess.run([sys.executable, "-m", "mypyc", *paths], cwd=dest, check=True,
                   stdout=subprocess.DEVNULL)
    shutil.rmtree(dest / "build", ignore_errors=True)
    compileall.compile_dir(str(dest / "aiotrace"), quiet=1)
    check = ("import importlib, sys\n"
             "for m in sys.argv[1:]:\n"
             "    f = importlib.import_module(m).__file__ or ''\n"
             "    assert f.endswith('.so'), (m, f)\n")
    subprocess.run([sys.executable, "-c", check, *modules], cwd=dest, check=True)
    print(f"{len(modules)} modules compiled; run with PYTHONPATH={dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
