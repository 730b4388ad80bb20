"""`flask` commands: create-user, seed-demo, checklist import/export, worker (DESIGN §11)."""

import json
import sys

import click
from flask import Flask, current_app
from sqlalchemy import select

from auditor.checklists import versions
from auditor.core import strict_json
from auditor.core.errors import DomainError
from auditor.core.extensions import db
from auditor.demo import dataset
from auditor.models import ROLES, Location, Region
from auditor.notify import events
from auditor.people import accounts
from auditor.people.passwords import PasswordHashing


def _fail(error: DomainError) -> None:
    db.session.rollback()
    details = "".join(
        f"\n  {field}: {'; '.join(messages)}" for field, messages in (error.errors or {}).items()
    )
    raise click.ClickException(f"{error.detail}{details}")


@click.command("create-user")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--password", required=True)
@click.option("--region", "regions", multiple=True, help="Region name (managers; repeatable).")
@click.option("--location", "location_code", help="Home location code (staff).")
@click.option("--lead", is_flag=True, help="The store's lead (staff: sees and disputes audits).")
def create_user(email, name, role, password, regions, location_code, lead):
    """Create a user account."""
    region_ids = []
    for region_name in regions:
        region = db.session.scalar(select(Region).where(Region.name == region_name))
        if region is None:
            raise click.ClickException(f"No region named {region_name!r}.")
        region_ids.append(region.id)
    location_id = None
    if location_code:
        location = db.session.scalar(select(Location).where(Location.code == location_code))
        if location is None:
            raise click.ClickException(f"No location with the code {location_code!r}.")
        location_id = location.id
    try:
        user = accounts.create_user(
            db.session,
            None,
            email=email,
            name=name,
            role=role,
            password=password,
            region_ids=region_ids,
            location_id=location_id,
            lead=lead,
            hashing=PasswordHashing.from_config(current_app.config),
        )
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


def _print_logins(logins) -> None:
    if not logins:
        click.echo("There are no demo logins in this database.")
        return
    click.echo(f"Demo logins (password for all: {dataset.DEMO_PASSWORD}):")
    for login in logins:
        click.echo(f"  {login.role:<8} {login.email:<40} {login.name}")


@click.command("seed-demo")
@click.option("--seed", default=1, show_default=True, help="Random seed: same seed, same data.")
@click.option("--if-empty", is_flag=True, help="Do nothing (but print the logins) if data exists.")
@click.option(
    "--audits",
    "audit_count",
    type=click.IntRange(min=0),
    default=None,
    help="Approved audits to create (default: DEMO_AUDITS, 300).",
)
def seed_demo(seed, if_empty, audit_count):
    """Load the demo data set into an empty database and print the demo logins."""
    if not dataset.is_empty(db.session):
        if if_empty:
            click.echo("The database has data already; demo not loaded.")
            _print_logins(dataset.demo_logins(db.session))
            return
        raise click.ClickException("The database is not empty; seed-demo needs an empty one.")
    if audit_count is None:
        audit_count = current_app.config["DEMO_AUDITS"]
    # made-up history: no alert mails, webhook deliveries or reminders about it
    with events.muted():
        logins = dataset.seed(
            db.session,
            seed,
            storage=current_app.extensions["media"],
            audit_count=audit_count,
            hashing=PasswordHashing.from_config(current_app.config),
        )
    db.session.commit()
    click.echo("Demo data loaded.")
    _print_logins(logins)


@click.group("checklist")
def checklist_group():
    """Import and export checklist definitions."""


@checklist_group.command("import")
# JSON is UTF-8 (RFC 8259); "-sig" also reads files an editor saved with a byte-order mark
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--publish", is_flag=True, help="Publish the version right away.")
def checklist_import(file, publish):
    """Save a definition from a JSON file as a draft version (or replace the latest draft)."""
    try:
        definition = versions.parse_definition(strict_json.loads(file.read()))
        checklist, created = versions.save_definition(db.session, None, definition)
        if publish:
            versions.publish(db.session, None, checklist)
    except (strict_json.UnreadableJson, UnicodeDecodeError) as error:
        raise click.ClickException(f"{file.name} is not JSON: {error}") from error
    except DomainError as error:
        _fail(error)
    db.session.commit()
    verb = "Created" if created else "Replaced draft"
    click.echo(f"{verb} {checklist.key} version {checklist.version} ({checklist.status}).")


@checklist_group.command("export")
@click.argument("key")
def checklist_export(key):
    """Print the latest version of a checklist as JSON."""
    try:
        definition = versions.export_definition(db.session, key)
    except DomainError as error:
        _fail(error)
    json.dump(definition, sys.stdout, indent=2, ensure_ascii=False)
    click.echo()


@click.command("worker")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1))
def worker(workers):
    """Run the job queue's worker in the foreground until SIGINT (graceful) or SIGTERM."""
    from auditor.notify import worker as job_worker

    try:
        job_worker.run(current_app._get_current_object(), workers=workers)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from error


def register(app: Flask) -> None:
    """Add the commands to the app's CLI."""
    for command in (create_user, seed_demo, checklist_group, worker):
        app.cli.add_command(command)
