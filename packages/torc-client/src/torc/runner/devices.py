"""Which GPUs each running job holds, so jobs packed onto one node do not share a device.

The runner claims work by GPU count; this pool turns the count into devices. A job that
needs n GPUs takes n device ids when it launches and gives them back when it ends (however
it ends), and its environment names them: ``CUDA_VISIBLE_DEVICES`` on NVIDIA nodes,
``ROCR_VISIBLE_DEVICES`` (with ``HIP_VISIBLE_DEVICES``/``CUDA_VISIBLE_DEVICES`` counting
from 0 inside it) on AMD nodes. Jobs that ask for no GPUs are left alone: their
environment is the runner's, so a job that never declared its GPU still finds it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from torc.runner.resources import device_ids, gpu_devices

logger = logging.getLogger("torc.runner")


class DevicePool:
    def __init__(self, vendor: str, ids: list[str]) -> None:
        self.vendor = vendor
        self.ids = ids
        self._users = dict.fromkeys(ids, 0)
        """How many running jobs hold each device."""
        self._held: dict[int, list[str]] = {}

    @classmethod
    def detect(cls, num_gpus: int | None, environ: Mapping[str, str]) -> DevicePool:
        """The devices found (see :func:`gpu_devices`), at most ``num_gpus`` of them."""
        vendor, ids = gpu_devices(environ)
        if num_gpus is None or num_gpus <= len(ids):
            return cls(vendor, ids[:num_gpus])
        if not ids:
            # No vendor tool answered, yet the user (or Slurm's SLURM_GPUS_ON_NODE) says
            # the GPUs are there: they are the ones the scheduler made visible, else
            # numbered as CUDA (and HIP, which reads CUDA_VISIBLE_DEVICES too) does.
            visible = device_ids(environ.get("CUDA_VISIBLE_DEVICES", ""))
            if len(visible) >= num_gpus:
                return cls("", visible[:num_gpus])
            return cls("", [str(i) for i in range(num_gpus)])
        logger.warning(
            "--num-gpus %d but only %d GPU devices (%s) found: jobs will share them",
            num_gpus,
            len(ids),
            ",".join(ids),
        )
        return cls(vendor, ids)

    def __bool__(self) -> bool:
        return bool(self.ids)

    def take(self, holder: int, count: int) -> list[str]:
        """``count`` devices for job ``holder``: the least used, in device order on ties.

        When resources are tracked the runner only launches a job that fits, so these are
        free devices. In queue mode (``--max-parallel-jobs``, nothing tracked), or when
        ``--num-gpus`` exceeds the devices found, jobs spread evenly over the devices
        instead of waiting for one.
        """
        chosen = sorted(self.ids, key=self._users.__getitem__)[:count]
        for device in chosen:
            self._users[device] += 1
        self._held[holder] = chosen
        return chosen

    def give_back(self, holder: int) -> None:
        for device in self._held.pop(holder, ()):
            self._users[device] -= 1

    def environment(self, ids: list[str]) -> dict[str, str]:
        """The variables that show a job exactly these devices."""
        if self.vendor != "amd":
            return {"CUDA_VISIBLE_DEVICES": ",".join(ids)}
        # ROCr filters first and renumbers what it keeps from 0; HIP's filters index that
        # list, so they must count from 0 (the runner's own values would point elsewhere).
        local = ",".join(str(i) for i in range(len(ids)))
        return {
            "ROCR_VISIBLE_DEVICES": ",".join(ids),
            "HIP_VISIBLE_DEVICES": local,
            "CUDA_VISIBLE_DEVICES": local,
        }
