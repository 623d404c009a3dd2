"""Textual SQL statements, built once per distinct text.

SQLAlchemy caches compiled statements by a key it computes from the statement object; a
``text()`` rebuilt on every call pays for that key each time, reusing the object does not.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import TextClause, bindparam, text


@cache
def sql(statement: str, *expanding: str) -> TextClause:
    """The statement as a reusable clause; ``expanding`` names list parameters (``IN :ids``)."""
    clause = text(statement)
    if expanding:
        clause = clause.bindparams(*(bindparam(name, expanding=True) for name in expanding))
    return clause
