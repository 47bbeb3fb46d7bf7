"""Command-line tools: ``flask --app wsgi <command>``."""

from __future__ import annotations

import json
import secrets
import sys
import tomllib
from pathlib import Path

import click
from flask import Flask, current_app

from .accounts import services as accounts
from .accounts.models import Role
from .coalitions import services as coalitions
from .database import unit_of_work
from .errors import FabriqueError
from .extensions import db
from .formats import FormatError, load_formats
from .privacy import services as privacy
from .shipped import shipped

RESET_REGISTRY = Path(__file__).parent / "coalitions" / "reset_2020.toml"


def register(app: Flask) -> None:
    app.cli.add_command(create_account)
    app.cli.add_command(reset_password)
    app.cli.add_command(ensure_admin)
    app.cli.add_command(check_formats)
    app.cli.add_command(load_reset_coalitions)
    app.cli.add_command(purge)
    app.cli.add_command(delete_workshop)
    app.cli.add_command(member_data)
    app.cli.add_command(forget_member)


@click.command("create-account")
@click.option("--email", prompt=True)
@click.option("--name", default="")
@click.option("--role", type=click.Choice([role.value for role in Role]), default="facilitator")
@click.password_option()
def create_account(email: str, name: str, role: str, password: str) -> None:
    """Create a staff account (admin, facilitator or coordinator)."""
    try:
        user = accounts.create_user(email, name, password, role)
        db.session.commit()
    except FabriqueError as error:
        raise click.ClickException(f"{error.message} {error.details or ''}".strip()) from error
    click.echo(f"Created {user.role} account {user.email}.")


@click.command("reset-password")
@click.argument("email")
@click.option("--prompt", is_flag=True, help="Type the new password instead of generating one.")
def reset_password(email: str, prompt: bool) -> None:
    """Give an account a new password and sign it out of every browser."""
    if prompt:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    else:
        password = secrets.token_urlsafe(12)
    try:
        with unit_of_work():
            user = accounts.reset_password(email, password)
    except FabriqueError as error:
        raise click.ClickException(f"{error.message} {error.details or ''}".strip()) from error
    click.echo(f"New password for {user.email}; every session of the account has ended.")
    if not prompt:
        click.echo(f"    password: {password}")
        click.echo("(shown once; they can change it on the Password page once signed in)")


@click.command("ensure-admin")
def ensure_admin() -> None:
    """On a new instance, create a first admin account and print how to sign in."""
    if accounts.has_accounts():
        click.echo("Sign in with your account, or add one: make account")
        return
    password = secrets.token_urlsafe(12)
    user = accounts.create_user("admin@fabrique.local", "Admin", password, Role.ADMIN)
    db.session.commit()
    click.echo("A first admin account was created. Sign in with:")
    click.echo(f"    e-mail:   {user.email}")
    click.echo(f"    password: {password}")
    click.echo("(shown once; add your own account with: make account)")


@click.command("check-formats")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def check_formats(directory: Path | None) -> None:
    """Check every workshop format file; exit 1 naming the file and field of the first error."""
    folder = directory or shipped("workshops")
    try:
        registry = load_formats(folder)
    except FormatError as error:
        click.echo(f"Invalid format: {error}", err=True)
        sys.exit(1)
    for key, fmt in registry.items():
        click.echo(f"ok  {key}: {len(fmt.areas)} areas, {len(fmt.phases)} phases")


@click.command("load-reset-coalitions")
@click.option("--as", "email", required=True, help="The account recorded as their author.")
def load_reset_coalitions(email: str) -> None:
    """Load the sixteen first #Reset coalitions as a starting registry (idempotent)."""
    user = accounts.find_by_email(email)
    if user is None:
        raise click.ClickException(f"No account {email}.")
    registry = tomllib.loads(RESET_REGISTRY.read_text(encoding="utf-8"))
    with unit_of_work():
        added = coalitions.load_registry(user, registry)
    click.echo(f"{len(added)} coalitions added ({len(registry['coalitions'])} in the registry).")


def _export_folder() -> Path:
    return Path(current_app.config["EXPORT_CACHE_DIR"])


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="List what would be deleted; delete nothing.")
def purge(dry_run: bool) -> None:
    """Delete the workshops over for longer than RETENTION_DAYS, with everything their
    participants gave, the exports kept on disk of deleted workshops, and archives an
    interrupted import left behind."""
    days = current_app.config["RETENTION_DAYS"]
    if days <= 0:
        click.echo("RETENTION_DAYS is 0: workshops are kept until an admin deletes them.")
        return
    if dry_run:
        for workshop in privacy.over_since(days):
            goes = privacy.what_goes(workshop.id)
            over = workshop.ended_at.date().isoformat() if workshop.ended_at else "never ended"
            click.echo(
                f"would delete workshop {workshop.id} ({workshop.code}, {over}): "
                f"{goes.participants} participants, {goes.notes} notes, {goes.votes} votes, "
                f"{goes.pledges} pledges, {goes.members} coalition members"
            )
    uploads = Path(current_app.instance_path) / "imports"
    done = privacy.purge(days, _export_folder(), dry_run, uploads)
    verb = "would be deleted" if dry_run else "deleted"
    click.echo(
        f"{len(done.workshops)} workshops over for more than {days} days {verb}: "
        f"{done.participants} participants, {done.notes} notes, {done.votes} votes, "
        f"{done.pledges} pledges, {done.members} coalition members; "
        f"{done.files} export and upload files removed."
    )


@click.command("delete-workshop")
@click.argument("workshop_id", type=int)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete_workshop(workshop_id: int, yes: bool) -> None:
    """Delete a workshop now, with its participants, notes, votes, pledges and exports."""
    try:
        goes = privacy.what_goes(privacy.get_workshop(workshop_id).id)
    except FabriqueError as error:
        raise click.ClickException(f"No workshop {workshop_id}.") from error
    summary = (
        f"{goes.participants} participants, {goes.notes} notes, {goes.votes} votes, "
        f"{goes.pledges} pledges, {goes.members} coalition members"
    )
    if not yes:
        click.confirm(f"Delete workshop {workshop_id} and {summary}?", abort=True)
    with unit_of_work(*privacy.turns_for_deletion(workshop_id)):
        privacy.delete_workshop(workshop_id, _export_folder())
    click.echo(f"Workshop {workshop_id} deleted, with {summary}.")


def _member(email: str) -> int:
    try:
        return privacy.member_by_email(email).id
    except FabriqueError as error:
        raise click.ClickException(f"No coalition member gave {email}.") from error


@click.command("member-data")
@click.argument("email")
def member_data(email: str) -> None:
    """Print, as JSON, everything stored that the coalition member with this e-mail gave."""
    record = privacy.member_record(privacy.get_member(_member(email)))
    click.echo(json.dumps(record, ensure_ascii=False, indent=2))


@click.command("forget-member")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def forget_member(email: str, yes: bool) -> None:
    """Delete the coalition memberships given with this e-mail (or by the same participant)
    and the names of their pledges."""
    member_id = _member(email)
    count = len(privacy.memberships(privacy.get_member(member_id)))
    if not yes:
        click.confirm(f"Delete {count} memberships and the names of their pledges?", abort=True)
    with unit_of_work(*privacy.workshops_of_member(member_id)):
        privacy.forget_member(member_id, _export_folder())
    click.echo(f"{count} memberships deleted.")
