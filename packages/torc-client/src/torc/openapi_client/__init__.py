"""The original torc Python client's API, as its manual uses it, over :class:`torc.api.TorcApi`.

The original shipped an OpenAPI-generator client under ``torc.openapi_client``; scripts
written for it run here unchanged::

    from torc.openapi_client import ApiClient, Configuration, DefaultApi, WorkflowModel

    api = DefaultApi(ApiClient(Configuration(host="http://localhost:8080/torc-service/v1")))
    workflow = api.create_workflow(WorkflowModel(name="w", user="me"))

:class:`DefaultApi` *is* a :class:`~torc.api.TorcApi` (the operations have the same names,
generated from the same contract), and the models are the ``torc_models`` classes, so
objects pass freely between this layer and the rest of torc. Only what the generated
client's users touch is here: no ``*_with_http_info`` variants, no ``rest`` module.
"""

from torc.api import ApiError
from torc.openapi_client.api_client import ApiClient as ApiClient
from torc.openapi_client.configuration import Configuration as Configuration
from torc.openapi_client.default_api import DefaultApi as DefaultApi
from torc_models import *  # noqa: F403  # every model of the contract, as the generated client has

ApiException = ApiError
"""The generated client's name for the error an operation raises when the server refuses."""
