"""Builds the FastAPI application from the contract, with storage and background work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from torc_server import routers
from torc_server.body_limit import DEFAULT_LIMIT, BodySizeLimit, bulk_limits
from torc_server.context import ServerContext, Settings
from torc_server.db import migrate
from torc_server.db.engine import Database
from torc_server.dispatch import BASE_PATH, contract, install_routes
from torc_server.errors import install_error_handlers
from torc_server.lifecycle.unblock import process_pending
from torc_server.snapshot import Snapshotter
from torc_server.unblocker import Unblocker


def open_context(settings: Settings) -> ServerContext:
    db = Database(settings.database, pool_size=settings.threads)
    migrate.upgrade(db.engine)
    unblocker = Unblocker(
        db,
        settings.completion_check_interval_secs,
        process_pending,
        runner_timeout=settings.runner_timeout_secs,
    )
    return ServerContext(settings, db, unblocker)


def create_app(settings: Settings) -> FastAPI:
    spec = contract()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ctx = open_context(settings)
        app.state.ctx = ctx
        app.state.executor = ThreadPoolExecutor(settings.threads * 4, "torc-request")
        ctx.unblocker.start()
        ctx.unblocker.wake()  # finish completions a previous process acknowledged
        snapshots = Snapshotter(ctx.db, settings.snapshot)
        snapshots.start()
        try:
            yield
        finally:
            snapshots.stop()
            app.state.executor.shutdown()
            ctx.unblocker.stop()
            ctx.db.dispose()

    app = FastAPI(
        title="torc",
        lifespan=lifespan,
        docs_url=f"{BASE_PATH}/docs",
        openapi_url=f"{BASE_PATH}/openapi.json",
        redoc_url=None,
    )

    def openapi() -> dict[str, Any]:
        return spec

    app.openapi = openapi  # type: ignore[method-assign]
    install_error_handlers(app)
    app.add_middleware(
        BodySizeLimit, default=DEFAULT_LIMIT, limits=bulk_limits(settings.max_request_body_mb)
    )
    routers.load_all()
    install_routes(app, spec)
    return app
