"""``vesalius serve``: run the clinic's web app and JSON API."""

from __future__ import annotations

import click


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--database", "url", metavar="URL",
              help="Database URL (default: VESALIUS_DATABASE_URL, else ./vesalius.sqlite3).")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="gunicorn worker processes (default: 2 per CPU, 2 to 8).")
@click.option("--threads", type=click.IntRange(1, 64), default=None,
              help="Threads per worker (1: one request at a time per process; default: 1 "
                   "on SQLite, whose threads in one process slow each other, else 4).")
@click.option("--access-log", is_flag=True, help="Log every request to stderr.")
def command(host: str, port: int, url: str | None, workers: int | None, threads: int | None,
            access_log: bool) -> None:
    """Serve the web pages and the API with gunicorn (the database is upgraded first when
    it is behind)."""
    from ..web.server import default_workers, serve

    click.echo(f"Vesalius on http://{host}:{port}/ (API at /api/v1, "
               f"OpenAPI at /api/v1/openapi.json)")
    serve(url, host, port, workers or default_workers(), threads=threads,
          access_log=access_log)
