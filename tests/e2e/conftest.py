"""The `slmo` command line in tests: in process for speed (the same entry point as the
console script), or as a real process where the process itself matters."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from slmo.cli.main import execute
from tests.conftest import ROOT

SLMO = [sys.executable, "-m", "slmo"]
Env = dict[str, str]


@dataclass
class Done:
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Cli:
    """Runs `slmo` command lines against one database, in process or as a real process."""

    capsys: pytest.CaptureFixture[str]
    monkeypatch: pytest.MonkeyPatch
    env: Env

    def __call__(self, *args: str, code: int = 0) -> Done:
        with self.monkeypatch.context() as patch:
            for key, value in self.env.items():
                patch.setenv(key, value)
            self.capsys.readouterr()
            returncode = execute(list(args))
            out, err = self.capsys.readouterr()
        assert returncode == code, f"exit {returncode}\nstdout:\n{out}\nstderr:\n{err}"
        return Done(returncode, out, err)

    def process(self, *args: str, code: int = 0) -> Done:
        done = subprocess.run(
            [*SLMO, *args],
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
            timeout=120,
        )
        assert done.returncode == code, f"exit {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
        return Done(done.returncode, done.stdout, done.stderr)

    def on(self, database: Path) -> Cli:
        return Cli(self.capsys, self.monkeypatch, {**self.env, "SLMO_DATABASE_URL": f"sqlite:///{database}"})


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    env = {
        "SLMO_DATABASE_URL": f"sqlite:///{tmp_path / 'slmo.db'}",
        "SLMO_LANG": "en",
        "COLUMNS": "200",
        "NO_COLOR": "1",
    }
    return Cli(capsys, monkeypatch, env)
