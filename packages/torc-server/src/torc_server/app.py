"""Builds the FastAPI application: routers under ``/torc-service/v1`` and error handling."""

from __future__ import annotations

from fastapi import FastAPI

from torc_server.errors import install_error_handlers
from torc_server.routers import system

BASE_PATH = "/torc-service/v1"


def create_app() -> FastAPI:
    app = FastAPI(
        title="torc",
        docs_url=f"{BASE_PATH}/docs",
        openapi_url=f"{BASE_PATH}/openapi.json",
        redoc_url=None,
    )
    install_error_handlers(app)
    app.include_router(system.router, prefix=BASE_PATH)
    return app
