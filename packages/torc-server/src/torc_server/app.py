"""Builds the web application from the contract, with storage and background work.

A plain Starlette application: every route is built from the contract by
:mod:`dispatch`, so FastAPI would only add its import time (a tenth of a second of the
server's start-up). Its Swagger UI page is still the one served at ``/docs``, loaded on the
first visit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from torc_server import routers
from torc_server.auth import admin_group
from torc_server.auth.access import Guard
from torc_server.auth.credentials import Authenticator
from torc_server.auth.middleware import AuthMiddleware
from torc_server.body_limit import DEFAULT_LIMIT, BodySizeLimit, bulk_limits
from torc_server.context import ServerContext
from torc_server.db import migrate
from torc_server.db.engine import Database
from torc_server.dispatch import BASE_PATH, contract, install_routes
from torc_server.errors import install_error_handlers
from torc_server.lifecycle.unblock import process_pending
from torc_server.settings import Settings
from torc_server.snapshot import Snapshotter
from torc_server.tasks import TaskRunner
from torc_server.unblocker import Unblocker

OPENAPI_URL = f"{BASE_PATH}/openapi.json"


def open_context(settings: Settings, authenticator: Authenticator | None = None) -> ServerContext:
    db = Database(settings.database, pool_size=settings.threads)
    migrate.prepare(db.engine)
    unblocker = Unblocker(
        db,
        settings.completion_check_interval_secs,
        process_pending,
        runner_timeout=settings.runner_timeout_secs,
    )
    guard = None
    if authenticator is not None or settings.enforce_access_control:
        with db.write() as conn:
            admin_group.sync(conn, settings.admin_users)
        guard = Guard(db, enforce=settings.enforce_access_control, admins=settings.admin_users)
    return ServerContext(settings, db, unblocker, TaskRunner(db), authenticator, guard)


def docs_routes(spec: dict[str, Any]) -> list[Route]:
    """The contract as JSON and its Swagger UI page."""
    document = orjson.dumps(spec)

    async def openapi(_: Request) -> Response:
        return Response(document, media_type="application/json")

    async def docs(_: Request) -> HTMLResponse:
        from fastapi.openapi.docs import get_swagger_ui_html  # only when someone looks

        return get_swagger_ui_html(openapi_url=OPENAPI_URL, title="torc - Swagger UI")

    return [
        Route(OPENAPI_URL, openapi, methods=["GET"]),
        Route(f"{BASE_PATH}/docs", docs, methods=["GET"]),
    ]


def create_app(settings: Settings) -> Starlette:
    spec = contract()

    authenticator = (
        Authenticator(settings.auth_file, settings.credential_cache_ttl_secs)
        if settings.auth_file is not None
        else None
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        ctx = open_context(settings, authenticator)
        app.state.ctx = ctx
        app.state.executor = ThreadPoolExecutor(settings.threads * 4, "torc-request")
        ctx.unblocker.start()
        ctx.unblocker.wake()  # finish completions a previous process acknowledged
        ctx.tasks.start(ctx)  # before any request: fails the tasks a killed server left
        snapshots = Snapshotter(ctx.db, settings.snapshot)
        snapshots.start()
        try:
            yield
        finally:
            snapshots.stop()
            app.state.executor.shutdown()
            ctx.tasks.stop()
            ctx.unblocker.stop()
            ctx.db.dispose()
            if authenticator is not None:
                authenticator.close()

    app = Starlette(routes=docs_routes(spec), lifespan=lifespan)
    install_error_handlers(app)
    app.add_middleware(
        BodySizeLimit, default=DEFAULT_LIMIT, limits=bulk_limits(settings.max_request_body_mb)
    )
    if authenticator is not None:  # outermost: nobody's body is read before they are known
        app.add_middleware(
            AuthMiddleware, authenticator=authenticator, required=settings.require_auth
        )
    routers.load_all()
    install_routes(app, spec)
    return app
