"""``DefaultApi``: every operation of the REST API, by the generated client's name for it."""

from __future__ import annotations

from torc.api import TorcApi
from torc.openapi_client.api_client import ApiClient


class DefaultApi(TorcApi):
    """:class:`torc.api.TorcApi` made from an :class:`ApiClient`, as the generated client's
    ``DefaultApi(api_client)`` was; the operations and their names are TorcApi's, which come
    from the same contract (``api/openapi.yaml``)."""

    def __init__(self, api_client: ApiClient | None = None) -> None:
        self.api_client = api_client if api_client is not None else ApiClient()
        config = self.api_client.configuration
        super().__init__(config.host, config.username, config.password)
        self.api_client.register(self)
