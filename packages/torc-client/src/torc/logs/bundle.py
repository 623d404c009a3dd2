"""Which files in an output directory are a workflow's logs, and ``wf<id>.tar.gz`` bundles.

Torc names every log after its workflow (``job_wf<W>_j<J>_r<R>_a<A>.o``,
``job_runner_<host>_<W>_<R>.log``, ``slurm_output_wf<W>_sl<S>.e`` ...), so one output
directory can hold the logs of many workflows and the name alone says whose a file is.
:func:`workflow_of` reads that from a name; the bundle and the analyzer
(:mod:`torc.logs.analysis`) both select files with it, so they always agree on what
belongs to a workflow.

A bundle is a gzipped tarball whose members sit under ``wf<id>/`` (so ``tar -xzf``
yields one directory) with the output directory's layout kept, plus
``wf<id>/bundle_metadata.json``: the workflow record, when and where the logs were
collected, and the file list. It is what one attaches to a support request.
"""

from __future__ import annotations

import io
import json
import os
import re
import socket
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import torc

METADATA_NAME = "bundle_metadata.json"
STDIO_DIR = "job_stdio"
LOG_NAMES = (
    re.compile(r"job_wf(?P<wf>\d+)_j\d+_r\d+(?:_a\d+)?\.[oe]"),
    re.compile(r"job_runner_slurm_wf(?P<wf>\d+)_sl\d+.*\.log"),
    re.compile(r"job_runner_.+_(?P<wf>\d+)_\d+\.log"),  # job_runner_<host>_<wf>_<run>.log
    re.compile(r"slurm_output_wf(?P<wf>\d+)_sl\d+\.[oe]"),
    re.compile(r"slurm_env_wf(?P<wf>\d+)_sl\d+.*\.log"),
    re.compile(r"dmesg_slurm_wf(?P<wf>\d+)_sl\d+.*\.log"),
)
ENV_LOG = re.compile(r"slurm_env_.*\.log")
"""Environment dumps: configuration, not errors; the analyzer skips them."""


class BundleError(Exception):
    """The output directory is missing or the bundle cannot be written."""


def workflow_of(name: str) -> int | None:
    """The workflow a torc log file belongs to, from its base name; None for other files."""
    for pattern in LOG_NAMES:
        if match := pattern.fullmatch(name):
            return int(match.group("wf"))
    return None


def log_files(output_dir: Path) -> Iterator[Path]:
    """Torc's log files in ``output_dir`` and its ``job_stdio``, sorted by path.

    Only those two levels: an output directory also holds whatever the jobs wrote, and
    walking a tree of job results to find a few hundred logs would be slow.
    """
    found: list[Path] = []
    for directory in (output_dir, output_dir / STDIO_DIR):
        try:
            entries = list(os.scandir(directory))
        except (FileNotFoundError, NotADirectoryError):
            continue
        found.extend(
            Path(e.path) for e in entries if e.is_file() and workflow_of(e.name) is not None
        )
    return iter(sorted(found))


@dataclass
class BundledFile:
    path: str
    """Relative to the output directory (and to ``wf<id>/`` inside the tarball)."""
    size_bytes: int


@dataclass
class Bundle:
    path: Path
    workflow_id: int
    files: list[BundledFile]
    metadata: dict[str, Any]

    @property
    def total_size_bytes(self) -> int:
        return sum(f.size_bytes for f in self.files)


def create_bundle(
    workflow: dict[str, Any], output_dir: Path, bundle_dir: Path = Path(".")
) -> Bundle:
    """Write ``<bundle_dir>/wf<id>.tar.gz`` with every log of ``workflow`` in ``output_dir``.

    ``workflow`` is the workflow record as JSON (from the API), stored in the metadata so
    whoever receives the bundle knows what ran without access to the server. The tarball
    is written under a temporary name and renamed, so an interrupted run never leaves a
    truncated ``wf<id>.tar.gz`` that looks complete.
    """
    workflow_id = int(workflow["id"])
    if not output_dir.is_dir():
        raise BundleError(f"output directory {output_dir} does not exist")
    top = f"wf{workflow_id}"
    sources = [p for p in log_files(output_dir) if workflow_of(p.name) == workflow_id]
    files = [BundledFile(p.relative_to(output_dir).as_posix(), p.stat().st_size) for p in sources]
    metadata = {
        "workflow_id": workflow_id,
        "workflow": workflow,
        "collected_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "hostname": socket.gethostname(),
        "output_dir": str(output_dir.resolve()),
        "torc_version": torc.__version__,
        "files": [{"path": f.path, "size_bytes": f.size_bytes} for f in files],
    }
    path = bundle_dir / f"{top}.tar.gz"
    partial = bundle_dir / f".{top}.tar.gz.partial"
    try:
        bundle_dir.mkdir(parents=True, exist_ok=True)
        with tarfile.open(partial, "w:gz") as tar:
            for source, bundled in zip(sources, files, strict=True):
                tar.add(source, arcname=f"{top}/{bundled.path}", recursive=False)
            data = json.dumps(metadata, indent=2).encode()
            info = tarfile.TarInfo(f"{top}/{METADATA_NAME}")
            info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
            tar.addfile(info, io.BytesIO(data))
        partial.replace(path)
    except (OSError, tarfile.TarError) as exc:
        partial.unlink(missing_ok=True)
        raise BundleError(f"cannot write {path}: {exc}") from None
    return Bundle(path, workflow_id, files, metadata)
