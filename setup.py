"""Build of the C engine tortoise_pathway._engine.

One Extension with every engine .c file. PATHWAY_DEBUG=1 builds with -O0 -g;
PATHWAY_SANITIZE=1 adds -fsanitize=address,undefined.
"""

import os
from glob import glob

from setuptools import Extension, setup

ENGINE = "src/tortoise_pathway/_engine"
sources = sorted(glob(f"{ENGINE}/core/*.c")) + [f"{ENGINE}/module.c", f"{ENGINE}/convert.c"]

compile_args = ["-std=c11", "-Wall", "-Wextra", "-Wconversion", "-Wswitch-enum",
                "-Werror=implicit-function-declaration"]
if os.environ.get("PATHWAY_STRICT"):
    compile_args.append("-Werror")
link_args: list[str] = []
if os.environ.get("PATHWAY_DEBUG") or os.environ.get("PATHWAY_SANITIZE"):
    compile_args += ["-O0", "-g", "-UNDEBUG", "-DPW_DEBUG=1"]
else:
    compile_args += ["-O2"]
if os.environ.get("PATHWAY_SANITIZE"):
    san = ["-fsanitize=address,undefined", "-fno-omit-frame-pointer"]
    compile_args += san
    link_args += san

setup(
    ext_modules=[
        Extension(
            "tortoise_pathway._engine",
            sources=sources,
            include_dirs=[f"{ENGINE}/core"],
            extra_compile_args=compile_args,
            extra_link_args=link_args,
        )
    ]
)
