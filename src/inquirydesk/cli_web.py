"""The web desk's commands: ``serve`` and ``users add`` / ``users token`` / ``users list``."""

from __future__ import annotations

import typer

from inquirydesk import archive
from inquirydesk.settings import load_settings
from inquirydesk.store import desk

users_app = typer.Typer(help="People who use the web desk, and API tokens.",
                        no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.add_typer(users_app, name="users")


def serve(host: str = typer.Option("127.0.0.1", "--host"),
          port: int = typer.Option(8000, "--port")) -> None:
    """Open the web desk (and its JSON API under /api) on HOST:PORT."""
    import uvicorn

    from inquirydesk.web import create_app

    uvicorn.run(create_app(load_settings()), host=host, port=port)


@users_app.command("add")
def users_add(
    name: str = typer.Argument(..., help="the username to sign in with"),
    role: str = typer.Option("salesperson", "--role", help="admin, manager or salesperson"),
    display_name: str = typer.Option("", "--display-name"),
    language: str = typer.Option("zh", "--language", help="zh or en"),
    password: str = typer.Option(..., "--password", prompt=True, hide_input=True,
                                 confirmation_prompt=True),
) -> None:
    """Add a person who may sign in to the desk."""
    with archive.open_store(load_settings()) as store:
        try:
            user = desk.add_user(store, name, password, role=role, display_name=display_name,
                                 language=language)
        except desk.DeskError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
    typer.echo(f"added {user.username} ({user.role})")


@users_app.command("token")
def users_token(name: str = typer.Argument(...),
                label: str = typer.Option("", "--label")) -> None:
    """Make an API token for NAME (printed once; only its hash is kept)."""
    with archive.open_store(load_settings()) as store:
        try:
            typer.echo(desk.add_token(store, name, label))
        except desk.DeskError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None


@users_app.command("list")
def users_list() -> None:
    """Every user with role and language."""
    with archive.open_store(load_settings()) as store:
        for u in desk.users(store):
            typer.echo(f"{u.username}\t{u.role}\t{u.language}\t{u.display_name}")
