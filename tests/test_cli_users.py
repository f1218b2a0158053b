"""`cli.py users` and `cli.py audit`: managing who may sign in, and reading who did what."""

from __future__ import annotations

import io

import pytest

import cli
from data_access import identity, owner, reads
from data_access.db import open_database

PASSWORD = "correct horse battery"


@pytest.fixture
def url(databases):
    return databases.url("duckdb", migrated=True)


def run(*argv, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = cli.sys.stdin
    cli.sys.stdin = io.StringIO(stdin)
    try:
        code = cli.main(list(argv), out, err)
    finally:
        cli.sys.stdin = old
    return code, out.getvalue(), err.getvalue()


def signs_in(url, name, password=PASSWORD):
    with open_database(url).connect() as conn:
        return reads.access.verify_password.on(conn, name, password)


def test_users_are_added_changed_listed_and_removed_and_the_trail_names_who_did_it(url):
    assert run("users", "add", "ana", "--role", "analyst", "--region", "North", "--password-stdin",
               "--database-url", url, stdin=PASSWORD + "\n")[0] == 0
    assert signs_in(url, "ana").role == "analyst" and signs_in(url, "ana").scope.regions == ("North",)
    assert run("users", "set-role", "ana", "admin", "--database-url", url)[0] == 0
    assert run("users", "set-scope", "ana", "--tier", "Gold", "--database-url", url)[0] == 0
    assert run("users", "add", "bo@example.test", "--role", "viewer", "--provider", "--database-url", url)[0] == 0
    code, listed, _ = run("users", "list", "--database-url", url)
    assert code == 0 and "ana" in listed and "admin" in listed and "bo@example.test" in listed
    assert PASSWORD not in listed and "argon2" not in listed
    principal = signs_in(url, "ana")
    assert (principal.role, principal.scope.regions, principal.scope.tiers) == ("admin", (), ("Gold",))
    assert signs_in(url, "bo@example.test") is None  # no password: signs in through the provider only
    assert run("users", "remove", "ana", "--database-url", url)[0] == 0
    assert signs_in(url, "ana") is None
    code, trail, _ = run("audit", "--database-url", url)
    assert code == 0
    me = identity.os_user()
    lines = [line for line in trail.splitlines() if me in line]
    assert len(lines) == 5 and "removed ana" in lines[0] and "added ana as analyst" in lines[-1]
    code, csv_text, _ = run("audit", "--action", "role", "--format", "csv", "--database-url", url)
    assert code == 0 and csv_text.count("\n") == 3  # header and the two role changes


def test_mistakes_are_an_error_and_change_nothing(url, monkeypatch):
    code, _, err = run("users", "add", "ana", "--password-stdin", "--database-url", url, stdin=PASSWORD + "\n")
    assert code == 1 and "needs --role" in err
    code, _, err = run("users", "add", "ana", "--role", "analyst", "--password-stdin", "--database-url", url,
                       stdin="short\n")
    assert code == 1 and "at least 12 characters" in err
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr(cli.getpass, "getpass", lambda _prompt: next(answers))
    code, _, err = run("users", "add", "ana", "--role", "analyst", "--database-url", url)
    assert code == 1 and "the two passwords differ" in err
    code, _, err = run("users", "set-role", "nobody", "admin", "--database-url", url)
    assert code == 1 and "There is no user nobody" in err
    with open_database(url).connect() as conn:
        assert reads.access.user_count.on(conn) == 0


def test_only_the_hash_travels_to_a_running_app(url, monkeypatch):
    """With the app holding the file, the command runs in the app's process: the password never leaves here."""
    sent = {}

    def forward(_url, argv, out, err):
        sent["argv"] = argv
        return 0
    monkeypatch.setattr(owner, "forward_command", forward)
    assert run("users", "add", "ana", "--role", "analyst", "--password-stdin", "--database-url", url,
               stdin=PASSWORD + "\n")[0] == 0
    argv = sent["argv"]
    assert PASSWORD not in " ".join(argv)
    assert argv[argv.index("--password-hash") + 1].startswith("$argon2id$")
