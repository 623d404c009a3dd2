"""Handlers, one module per resource of the contract (its OpenAPI tags)."""

from __future__ import annotations

import importlib
import pkgutil


def load_all() -> None:
    """Import every handler module so that its ``@operation`` registrations run."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
