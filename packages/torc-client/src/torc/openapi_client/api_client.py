"""``ApiClient``: the generated client's holder of a configuration and its connections."""

from __future__ import annotations

import weakref

from torc.api.base import BaseApi
from torc.openapi_client.configuration import Configuration


class ApiClient:
    """Carries a :class:`Configuration` to the :class:`DefaultApi` objects made from it.

    Each ``DefaultApi`` keeps its own connection pool (it is a full
    :class:`torc.api.TorcApi`); closing the ``ApiClient``, or leaving its ``with`` block as
    the generated client's examples do, closes them all.
    """

    def __init__(self, configuration: Configuration | None = None) -> None:
        self.configuration = configuration if configuration is not None else Configuration()
        self._apis: weakref.WeakSet[BaseApi] = weakref.WeakSet()

    def register(self, api: BaseApi) -> None:
        """Remember ``api`` so that :meth:`close` closes it too."""
        self._apis.add(api)

    def close(self) -> None:
        for api in list(self._apis):
            api.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
