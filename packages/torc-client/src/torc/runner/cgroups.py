"""Per-job memory cgroups (``torc run --job-cgroups``): each job runs in its own cgroup
limited to its memory requirement, so the kernel's OOM killer stops the job that is
over its limit, not a neighbour, and its ``oom_kill`` counter says it did.

Under cgroup v1 the ``memory`` controller's hierarchy is used (``memory.limit_in_bytes``,
``memory.oom_control``); under cgroup v2 the unified one, where the memory controller
must be delegated to the runner's cgroup (``memory.max``, ``memory.events``). The
runner's cgroups go under its own: ``torc_runner_<pid>/job_<id>_a<attempt>``.

The job's shell joins its cgroup (writes its PID to ``cgroup.procs``) before it runs the
job's command, so nothing of the job runs outside it (``posix_spawn`` has no pre-exec
hook). Where no cgroup can be made, :meth:`JobCgroups.create` says why and returns
None: jobs then run as without the option.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shlex
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

MOUNTINFO = Path("/proc/self/mountinfo")
OWN_CGROUPS = Path("/proc/self/cgroup")


class CgroupUnavailable(Exception):
    """Why the runner cannot make job cgroups here."""


@dataclass(frozen=True)
class Hierarchy:
    version: int
    root: Path
    """Where the runner's own cgroup is in the mounted file system."""


def _mounts() -> list[tuple[str, Path, str, str]]:
    """(root within the hierarchy, mount point, fs type, super options) of cgroup mounts."""
    mounts = []
    for line in MOUNTINFO.read_text().splitlines():
        before, _, after = line.partition(" - ")
        fields, tail = before.split(), after.split()
        if len(fields) >= 5 and len(tail) >= 3 and tail[0] in ("cgroup", "cgroup2"):
            mounts.append((fields[3], Path(fields[4]), tail[0], tail[2]))
    return mounts


def _own_paths() -> dict[str, str]:
    """This process's cgroup per controller list ("" is the v2 hierarchy)."""
    paths = {}
    for line in OWN_CGROUPS.read_text().splitlines():
        parts = line.split(":", 2)
        if len(parts) == 3:
            paths[parts[1]] = parts[2]
    return paths


def _inside(mount_root: str, mount_point: Path, own: str) -> Path:
    """The process's cgroup directory, or the mount point when it is not visible there."""
    relative = own[len(mount_root) :] if own.startswith(mount_root) else own
    candidate = mount_point / relative.lstrip("/")
    return candidate if candidate.is_dir() else mount_point


def find_hierarchy() -> Hierarchy:
    """The memory cgroup hierarchy the runner may create cgroups in."""
    try:
        mounts, own = _mounts(), _own_paths()
    except OSError as exc:
        raise CgroupUnavailable(f"cannot read this process's cgroups: {exc}") from None
    for mount_root, point, kind, options in mounts:
        if kind == "cgroup" and "memory" in options.split(","):
            path = next((p for c, p in own.items() if "memory" in c.split(",")), "/")
            return Hierarchy(1, _inside(mount_root, point, path))
    for mount_root, point, kind, _ in mounts:
        if kind == "cgroup2":
            root = _inside(mount_root, point, own.get("", "/"))
            with contextlib.suppress(OSError):
                if "memory" in (root / "cgroup.subtree_control").read_text().split():
                    return Hierarchy(2, root)
            raise CgroupUnavailable(f"the memory controller is not delegated to {root}")
    raise CgroupUnavailable("no cgroup memory controller is mounted")


def _write(path: Path, value: str) -> None:
    path.write_text(value)


class JobCgroups:
    """The runner's job cgroups: made per job, read and removed when it ends."""

    def __init__(self, hierarchy: Hierarchy, base: Path) -> None:
        self.hierarchy = hierarchy
        self.base = base

    @classmethod
    def create(cls) -> JobCgroups | None:
        """The runner's cgroup directory, made now; None (logged once) where it cannot be."""
        try:
            hierarchy = find_hierarchy()
            base = hierarchy.root / f"torc_runner_{os.getpid()}"
            base.mkdir(exist_ok=True)
            if hierarchy.version == 2:
                _write(base / "cgroup.subtree_control", "+memory")
        except (CgroupUnavailable, OSError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            logger.warning("--job-cgroups: cannot create cgroups (%s); jobs run without", reason)
            return None
        logger.info("job memory cgroups under %s (cgroup v%d)", base, hierarchy.version)
        return cls(hierarchy, base)

    def make(self, job_id: int, attempt: int, memory_bytes: int) -> Path | None:
        """A cgroup limited to ``memory_bytes`` for one job; None (logged) if it fails."""
        path = self.base / f"job_{job_id}_a{attempt}"
        try:
            path.mkdir(exist_ok=True)
            if self.hierarchy.version == 1:
                _write(path / "memory.limit_in_bytes", str(memory_bytes))
                memsw = path / "memory.memsw.limit_in_bytes"  # no swapping past the limit
                if memsw.exists():
                    _write(memsw, str(memory_bytes))
            else:
                _write(path / "memory.max", str(memory_bytes))
                with contextlib.suppress(OSError):
                    _write(path / "memory.swap.max", "0")
        except OSError as exc:
            logger.warning("job_id=%d: cannot set up cgroup %s: %s", job_id, path, exc)
            self._remove(path)
            return None
        return path

    def oom_kills(self, path: Path) -> int | None:
        """The cgroup's ``oom_kill`` count; None where the kernel does not report it."""
        name = "memory.oom_control" if self.hierarchy.version == 1 else "memory.events"
        try:
            lines = (path / name).read_text().splitlines()
        except OSError:
            return None
        for line in lines:
            key, _, value = line.partition(" ")
            if key == "oom_kill":
                return int(value)
        return None

    def finish(self, path: Path) -> bool | None:
        """Whether the OOM killer struck in the job's cgroup; removes the cgroup."""
        kills = self.oom_kills(path)
        self._remove(path)
        return None if kills is None else kills > 0

    def _remove(self, path: Path) -> None:
        try:
            path.rmdir()
        except OSError as exc:  # a process of the job still in it: left for close()
            logger.debug("cannot remove cgroup %s yet: %s", path, exc)

    def close(self) -> None:
        """Remove the runner's cgroups (those still holding processes stay)."""
        with contextlib.suppress(OSError):
            for path in self.base.iterdir():
                if path.is_dir():
                    self._remove(path)
        self._remove(self.base)


def join_command(path: Path, command: str) -> str:
    """``command`` preceded by its shell moving itself into the cgroup at ``path``."""
    procs = shlex.quote(str(path / "cgroup.procs"))
    return f"echo $$ > {procs} || exit 125\n{command}"
