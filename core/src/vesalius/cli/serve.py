"""``vesalius serve``: run the clinic's web app and JSON API."""

from __future__ import annotations

import click


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--database", "url", metavar="URL",
              help="Database URL (default: VESALIUS_DATABASE_URL, else ./vesalius.sqlite3).")
def command(host: str, port: int, url: str | None) -> None:
    """Serve the app (the database is upgraded first when it is behind)."""
    from ..app import create_app

    app = create_app(url)
    click.echo(f"Vesalius on http://{host}:{port}/ (API at /api/v1, "
               f"OpenAPI at /api/v1/openapi.json)")
    app.run(host=host, port=port, threaded=True, use_reloader=False)
