#!/usr/bin/env python3
"""Run every benchmark under bench/ in turn, each printing its figures and its ratio against a
reference measured in the same run. The slo-generator cross-check has its own environment:
`python3 bench/slo_generator/run.py`.

    .venv/bin/python bench/run.py            # all
    .venv/bin/python bench/run.py clock      # those whose file name contains "clock"
"""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    wanted = sys.argv[1:]
    print(f"machine: {platform.platform()}, {platform.machine()}, python {platform.python_version()}", flush=True)
    failed = 0
    for script in sorted(HERE.glob("bench_*.py")):
        if wanted and not any(w in script.stem for w in wanted):
            continue
        print(f"\n== {script.name}", flush=True)
        # As modules from the project root, so that one benchmark may reuse another's setup.
        run = [sys.executable, "-m", f"bench.{script.stem}"]
        failed += subprocess.run(run, cwd=HERE.parent, check=False).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
