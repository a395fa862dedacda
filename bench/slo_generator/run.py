"""Cross-check slmo against slo-generator: one command, ``python3 bench/slo_generator/run.py``.

Standard library only. Creates ``bench/slo_generator/.venv`` (again whenever
``requirements.txt``, the project's ``pyproject.toml`` or the Python version change) with the
pinned slo-generator stack and slmo installed from this repository in editable mode, then runs
``crosscheck.py`` in it with the same arguments and returns its exit code: 0 when every
compared figure agrees, 1 on a disagreement, 2 when the check could not run.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
VENV = HERE / ".venv"
STAMP = VENV / "crosscheck.stamp"
REQUIREMENTS = HERE / "requirements.txt"


def _python() -> Path:
    return VENV / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def _wanted() -> str:
    digest = hashlib.sha256(sys.version.encode())
    for path in (REQUIREMENTS, REPO / "pyproject.toml"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_environment() -> Path:
    wanted = _wanted()
    if STAMP.is_file() and STAMP.read_text(encoding="utf-8") == wanted and _python().is_file():
        return _python()
    print(f"creating {VENV.relative_to(REPO)} (slo-generator and slmo)", file=sys.stderr)
    venv.EnvBuilder(clear=True, with_pip=True).create(VENV)
    # One resolver call for both, so that slo-generator's dependencies also satisfy slmo's ranges.
    subprocess.run(
        [_python(), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", REQUIREMENTS, "-e", REPO],
        check=True,
    )
    STAMP.write_text(wanted, encoding="utf-8")
    return _python()


def main() -> int:
    python = ensure_environment()
    return subprocess.run([python, HERE / "crosscheck.py", *sys.argv[1:]], check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
