"""Run one mapped function call for a torc job (see :mod:`torc.workflows.mapping`).

Reads the input parameters (or, for a postprocess job, every result) from user data,
imports and calls the function, and stores its return value. An exception in the user's
function makes the job fail with a non-zero exit code and the traceback on stderr.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Any

import torc_models as m
from torc.api import TorcApi


def _store(api: TorcApi, record_id: int, value: Any) -> None:
    record = api.get_user_data(record_id)
    api.update_user_data(record_id, m.UserDataModel(**{**record.model_dump(), "data": value}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("TORC_API_URL"))
    parser.add_argument("--module", required=True)
    parser.add_argument("--function", required=True)
    parser.add_argument("--module-directory")
    parser.add_argument("--input-user-data-id", type=int)
    parser.add_argument("--collect-user-data-ids")
    parser.add_argument("--output-user-data-id", type=int, required=True)
    args = parser.parse_args(argv)
    if args.module_directory:
        sys.path.insert(0, os.path.abspath(args.module_directory))
    func = getattr(importlib.import_module(args.module), args.function)
    api = TorcApi(args.url)
    if args.collect_user_data_ids:
        ids = [int(i) for i in args.collect_user_data_ids.split(",") if i]
        result = func([api.get_user_data(i).data for i in ids])
    else:
        job_name = os.environ.get("TORC_JOB_NAME", args.function)
        result = func(job_name, api.get_user_data(args.input_user_data_id).data)
    _store(api, args.output_user_data_id, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
