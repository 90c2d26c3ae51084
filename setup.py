"""The one part of the build that pyproject.toml cannot say without an experimental table:
the tracer's per-stop loop in C (aiotrace/_core/_cloop/_accel*.c, _accel.h). It is plain C, loaded with
ctypes, so it needs a compiler but no Python headers. It is optional: where it cannot be
built, aiotrace runs its Python loop (Tracer.accelerated tells which)."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "aiotrace._core._cloop._accel_c",
            [
                f"aiotrace/_core/_cloop/_accel_{part}.c"
                for part in ("slots", "holds", "rules", "stops", "paths", "loop", "spawn")
            ],
            depends=["aiotrace/_core/_cloop/_accel.h"],
            optional=True,
            extra_compile_args=["-O2", "-Wall", "-Wextra"],
        )
    ]
)
