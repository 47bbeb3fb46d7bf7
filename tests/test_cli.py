"""The command line: accounts, the first admin, checking formats."""

from __future__ import annotations

import shutil

from facilitation import ROOT
from facilitation.accounts import services as accounts
from facilitation.accounts.models import User
from facilitation.extensions import db

from .conftest import PASSWORD
from .security.conftest import FreshClient
from .sockets import login


def test_create_account_makes_a_facilitator(app):
    result = app.test_cli_runner().invoke(
        args=["create-account", "--email", "Ana@Example.org", "--name", "Ana"],
        input="a-long-password\na-long-password\n",
    )
    assert result.exit_code == 0, result.output
    assert db.session.query(User).one().email == "ana@example.org"


def test_create_account_refuses_a_short_password_with_a_clear_error(app):
    result = app.test_cli_runner().invoke(
        args=["create-account", "--email", "ana@example.org", "--password", "short"]
    )
    assert result.exit_code != 0
    assert "Au moins 10 caractères" in result.output  # the instance's default language
    assert db.session.query(User).count() == 0


def test_ensure_admin_creates_one_admin_and_prints_how_to_sign_in(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["ensure-admin"])
    second = runner.invoke(args=["ensure-admin"])
    assert "admin@fabrique.local" in first.output
    assert "password:" in first.output
    assert "password:" not in second.output
    assert [user.role for user in db.session.query(User)] == ["admin"]


def test_reset_password_prints_a_new_password_that_signs_in(app, facilitator):
    result = app.test_cli_runner().invoke(args=["reset-password", facilitator.email.upper()])
    assert result.exit_code == 0, result.output
    password = result.output.split("password: ")[1].split()[0]
    assert accounts.authenticate(facilitator.email, password) == facilitator
    assert accounts.authenticate(facilitator.email, PASSWORD) is None


def test_reset_password_takes_a_typed_password_twice(app, facilitator):
    result = app.test_cli_runner().invoke(
        args=["reset-password", facilitator.email, "--prompt"],
        input="a-long-typed-password\na-long-typed-password\n",
    )
    assert result.exit_code == 0, result.output
    assert accounts.authenticate(facilitator.email, "a-long-typed-password") == facilitator


def test_reset_password_ends_every_session_of_the_account(app, facilitator):
    app.test_client_class = FreshClient  # each request loads its user afresh
    browser = app.test_client()
    login(browser, facilitator)
    assert browser.get("/workshops/").status_code == 200
    app.test_cli_runner().invoke(args=["reset-password", facilitator.email])
    assert browser.get("/workshops/").status_code == 302


def test_reset_password_keeps_the_rules_of_account_creation(app, facilitator):
    result = app.test_cli_runner().invoke(
        args=["reset-password", facilitator.email, "--prompt"], input="short\nshort\n"
    )
    assert result.exit_code != 0
    assert "Au moins 10 caractères" in result.output
    assert accounts.authenticate(facilitator.email, PASSWORD) == facilitator


def test_reset_password_of_an_unknown_address_says_so(app):
    result = app.test_cli_runner().invoke(args=["reset-password", "nobody@example.org"])
    assert result.exit_code != 0
    assert "Aucun compte" in result.output


def test_check_formats_lists_the_shipped_formats(app):
    result = app.test_cli_runner().invoke(args=["check-formats"])
    assert result.exit_code == 0
    assert "ok  brainstorm" in result.output


def test_check_formats_names_the_file_and_field_of_an_error(app, tmp_path):
    shutil.copy(ROOT / "workshops" / "swot.toml", tmp_path / "swot.toml")
    text = (tmp_path / "swot.toml").read_text().replace('color = "#7bd389"', 'color = "green"')
    (tmp_path / "swot.toml").write_text(text)
    result = app.test_cli_runner().invoke(args=["check-formats", str(tmp_path)])
    assert result.exit_code == 1
    assert "swot.toml: areas[0].color: Use a #rrggbb colour." in result.output
