"""Workflow actions a job runner executes: ``run_commands`` for the six triggers, and
``schedule_nodes`` (Slurm allocations, see :mod:`torc.slurm.schedule`) where sbatch is.

Actions are claimed on the server first, so a one-shot action runs on exactly one runner;
persistent ones (the worker triggers by default) run once on every runner. Commands run
in order in the output directory; a failing command ends that action (logged), never the
workflow. A runner without sbatch leaves schedule_nodes actions unclaimed, for a runner
or a ``torc workflows submit`` that can submit them.
"""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path
from typing import Any

import torc_models as m
from torc.api import ApiError, TorcApi
from torc.runner.process import SHELL
from torc.slurm import schedule
from torc.slurm.submit import SubmitError, can_submit

logger = logging.getLogger(__name__)


class ActionRunner:
    def __init__(
        self,
        api: TorcApi,
        workflow_id: int,
        compute_node_id: int,
        output_dir: Path,
        poll_interval: float = 60.0,
    ) -> None:
        self.api = api
        self.workflow_id = workflow_id
        self.compute_node_id = compute_node_id
        self.output_dir = output_dir
        self.allocations = schedule.Options(output_dir=output_dir, poll_interval=poll_interval)
        self.done: set[int] = set()
        self.unsubmittable: set[int] = set()
        self.enabled = bool(api.get_workflow_actions(workflow_id))

    def run_pending(self, *triggers: str) -> int:
        """Run the pending actions of these triggers; return how many ran."""
        if not self.enabled:
            return 0
        pending = self.api.get_pending_actions(self.workflow_id, trigger_type=list(triggers))
        ran = 0
        for action in pending:
            if action.id is None or action.id in self.done:
                continue
            if action.action_type == schedule.SCHEDULE_NODES:
                ran += self._schedule(action.id, action)
                continue
            self.done.add(action.id)
            claim = self.api.claim_action(
                self.workflow_id,
                action.id,
                m.ClaimActionRequest(compute_node_id=self.compute_node_id),
            )
            if not claim.success:
                continue
            ran += 1
            self._execute(action)
        return ran

    def _schedule(self, action_id: int, action: m.WorkflowActionModel) -> int:
        """Claim and submit a schedule_nodes action; without sbatch, leave it pending."""
        if not can_submit():
            if action_id not in self.unsubmittable:
                self.unsubmittable.add(action_id)
                logger.warning(
                    "cannot submit schedule_nodes action %d: sbatch not found; run "
                    "`torc workflows submit` where Slurm is installed",
                    action_id,
                )
            return 0
        self.done.add(action_id)
        try:
            submission = schedule.schedule_action(
                self.api,
                self.workflow_id,
                action,
                options=self.allocations,
                compute_node_id=self.compute_node_id,
            )
        except (schedule.ScheduleError, SubmitError) as exc:
            logger.error("workflow_id=%d action %d: %s", self.workflow_id, action_id, exc)
            return 0
        return 0 if submission is None else 1

    def _execute(self, action: m.WorkflowActionModel) -> None:
        config: dict[str, Any] = (
            action.action_config if isinstance(action.action_config, dict) else {}
        )
        if action.action_type != "run_commands":
            logger.warning(
                "workflow_id=%d action %s: unknown action type %r; skipped",
                self.workflow_id,
                action.id,
                action.action_type,
            )
            return
        for command in config.get("commands") or []:
            logger.info(
                "workflow_id=%d action %s (%s): %s",
                self.workflow_id,
                action.id,
                action.trigger_type,
                command,
            )
            completed = subprocess.run(
                [SHELL, "-c", command],
                cwd=self.output_dir,
                capture_output=True,
                text=True,
                check=False,
            )
            if completed.returncode != 0:
                logger.error(
                    "workflow_id=%d action %s: command %r exited %d: %s",
                    self.workflow_id,
                    action.id,
                    command,
                    completed.returncode,
                    completed.stderr.strip()[-500:],
                )
                return


def safe(call: Any, *args: Any) -> Any:
    """Actions must never stop the runner: report and carry on."""
    try:
        return call(*args)
    except ApiError as exc:
        logger.error("workflow action failed: %s", exc)
        return 0
