"""`slmo user create|list|disable|password` on a SQLite file: passwords from a hidden prompt
(twice) or standard input, refused under 12 characters, never printed or stored in clear."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES
from tests.e2e.conftest import Cli

PASSWORD = "correct horse battery staple"


def stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def prompts(monkeypatch: pytest.MonkeyPatch, *answers: str) -> list[str]:
    asked: list[str] = []
    given = iter(answers)

    def getpass(prompt: str = "") -> str:
        asked.append(prompt)
        return next(given)

    monkeypatch.setattr("getpass.getpass", getpass)
    return asked


def test_users_are_created_listed_disabled_and_given_new_passwords(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cli("apply", "-f", str(EXAMPLES / "parties.yaml"))
    stdin(monkeypatch, PASSWORD + "\n")
    made = cli("user", "create", "Nora", "--role", "customer", "--party", "ministry", "--password-stdin")
    assert "user nora (customer) created" in made.stdout
    asked = prompts(monkeypatch, "another long passphrase", "another long passphrase")
    cli("user", "create", "omar", "--role", "admin")
    assert asked == ["Password: ", "Password again: "]

    listed = cli("user", "list").stdout
    assert "nora" in listed and "customer" in listed and "ministry" in listed and "omar" in listed
    assert PASSWORD not in listed and "argon2" not in listed

    stdin(monkeypatch, "a third long passphrase\n")
    changed = cli("user", "password", "nora", "--password-stdin")
    assert "password of user nora changed; 0 session(s) ended" in changed.stdout
    assert "user nora disabled" in cli("user", "disable", "nora").stdout
    disabled_row = [line for line in cli("user", "list").stdout.splitlines() if "nora" in line]
    assert len(disabled_row) == 1 and disabled_row[0].count("20") >= 3  # created, changed, disabled

    with sqlite3.connect(tmp_path / "slmo.db") as db:
        hashes = [row[0] for row in db.execute("SELECT password_hash FROM users ORDER BY name")]
        trail = " ".join(str(row) for row in db.execute("SELECT * FROM audit_log"))
    assert all(h.startswith("$argon2id$") for h in hashes) and len(hashes) == 2
    for secret in (PASSWORD, "another long passphrase", "a third long passphrase"):
        assert all(secret not in h for h in hashes) and secret not in trail
    assert "argon2" not in trail
    assert trail.count("'User'") == 4  # two created, one new password, one disabled


def test_short_or_mismatched_passwords_and_unknown_users_are_refused(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    stdin(monkeypatch, "too short\n")
    short = cli("user", "create", "nora", "--role", "viewer", "--password-stdin", code=2)
    assert "password: a password needs at least 12 characters; this one has 9" in short.stderr
    prompts(monkeypatch, PASSWORD, PASSWORD + "!")
    differ = cli("user", "create", "nora", "--role", "viewer", code=2)
    assert "password: the two passwords differ" in differ.stderr
    assert cli("user", "list").stdout.count("nora") == 0
    missing = cli("user", "disable", "nobody", code=4)
    assert "no user 'nobody'" in missing.stderr
    asked = prompts(monkeypatch)
    cli("user", "password", "nobody", code=4)
    assert asked == []  # an unknown user is said before any password is asked
    stdin(monkeypatch, PASSWORD + "\n")
    party = cli("user", "create", "nora", "--role", "customer", "--password-stdin", code=2)
    assert "a customer user needs --party" in party.stderr


def test_messages_in_arabic(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    stdin(monkeypatch, "too short\n")
    short = cli("--lang", "ar", "user", "create", "nora", "--role", "viewer", "--password-stdin", code=2)
    assert "تحتاج كلمة المرور إلى 12 حرفًا على الأقل" in short.stderr
    stdin(monkeypatch, PASSWORD + "\n")
    made = cli("--lang", "ar", "user", "create", "nora", "--role", "viewer", "--password-stdin")
    assert "أُنشئ المستخدم nora" in made.stdout
