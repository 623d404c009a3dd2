"""``torc plot-resources`` on the database the runner writes in time_series mode."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.cli.conftest import Torc
from tests.tools.conftest import offline, one_line_error, run_workflow
from torc.api import TorcApi

HOLD_MEMORY = (
    'python3 -c "import time; b = bytearray(100 * 1024 * 1024); '
    "b[::4096] = b'x' * len(b[::4096]); time.sleep(1.5)\""
)
BURN_CPU = 'python3 -c "import time; end = time.time() + 1.5\nwhile time.time() < end: pass"'


@pytest.fixture(scope="module")
def metrics(api: TorcApi, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """A real metrics database: two jobs sampled every 0.1 s."""
    output = tmp_path_factory.mktemp("run") / "output"
    config = {"enabled": True, "granularity": "time_series", "sample_interval_seconds": 0.1}
    _, job_ids = run_workflow(
        api,
        output,
        {"hold_memory": HOLD_MEMORY, "burn_cpu": BURN_CPU},
        resource_monitor_config=config,
    )
    (database,) = (output / "resource_utilization").glob("resource_metrics_*.db")
    return database, job_ids


def test_html_plots_are_self_contained(
    torc: Torc, metrics: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    database, job_ids = metrics
    listing = offline(torc, "plot-resources", str(database), "-o", str(tmp_path / "plots")).stdout
    names = [f"resource_plot_job_{job_ids[n]}.html" for n in ("hold_memory", "burn_cpu")]
    names += [f"resource_plot_{kind}.html" for kind in ("cpu_all_jobs", "memory_all_jobs")]
    names.append("resource_plot_summary.html")
    assert sorted(p.name for p in (tmp_path / "plots").iterdir()) == sorted(names)
    for name in names:
        assert name in listing
        html = (tmp_path / "plots" / name).read_text()
        assert "Plotly.newPlot" in html
        assert '<script src="http' not in html  # plotly.js is inline: works offline
    for job in ("hold_memory", "burn_cpu"):
        page = (tmp_path / "plots" / f"resource_plot_job_{job_ids[job]}.html").read_text()
        assert job in page
    summary = (tmp_path / "plots" / "resource_plot_summary.html").read_text()
    assert "hold_memory" in summary and "burn_cpu" in summary


def test_json_figures_for_chosen_jobs(
    torc: Torc, metrics: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    database, job_ids = metrics
    memory_job = job_ids["hold_memory"]
    listing = json.loads(
        offline(
            torc, "-f", "json", "plot-resources", str(database), "-o", str(tmp_path),
            "-j", str(memory_job), "-p", "wf", "-f", "json",
        ).stdout
    )  # fmt: skip
    files = [Path(entry["file"]) for entry in listing["files"]]
    assert [f.name for f in files] == [
        f"wf_job_{memory_job}.json",
        "wf_cpu_all_jobs.json",
        "wf_memory_all_jobs.json",
        "wf_summary.json",
    ]
    assert listing["files"][0]["job_id"] == memory_job
    figure = json.loads(files[0].read_text())
    assert "hold_memory" in figure["layout"]["title"]["text"]
    cpu, memory, processes = figure["data"]
    assert [t["type"] for t in figure["data"]] == ["scatter"] * 3
    assert len(memory["x"]) == len(memory["y"]) >= 5
    assert max(memory["y"]) == pytest.approx(100, rel=0.25)  # MiB: the 100 MiB it held
    assert min(processes["y"]) >= 1 and cpu["x"] == memory["x"]
    summary = json.loads(files[3].read_text())
    assert [t["type"] for t in summary["data"]] == ["bar"] * 4
    assert all(len(t["y"]) == 1 for t in summary["data"])  # only the chosen job


def test_databases_are_merged_by_job(
    torc: Torc, metrics: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    """Two databases (two hosts or runs) give one timeline per job, not two files."""
    database, job_ids = metrics
    copy = tmp_path / "other.db"
    copy.write_bytes(database.read_bytes())
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE job_resource_samples SET timestamp = timestamp + 60")
    offline(torc, "plot-resources", str(database), str(copy), "-o", str(tmp_path), "-f", "json")
    figure = json.loads((tmp_path / f"resource_plot_job_{job_ids['burn_cpu']}.json").read_text())
    with sqlite3.connect(database) as conn:
        (count,) = conn.execute(
            "SELECT COUNT(*) FROM job_resource_samples WHERE job_id = ?", (job_ids["burn_cpu"],)
        ).fetchone()
    times = figure["data"][0]["x"]
    assert len(times) == 2 * count and times == sorted(times) and times[-1] > 60


def test_bad_databases_are_one_line_errors(
    torc: Torc, metrics: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    database, _ = metrics
    missing = tmp_path / "missing.db"
    error = one_line_error(offline(torc, "plot-resources", str(missing), expect=1).stderr)
    assert error == f"Error: resource metrics database {missing} does not exist"
    assert not missing.exists()
    text = tmp_path / "notes.db"
    text.write_text("not a database\n" * 100)
    error = one_line_error(offline(torc, "plot-resources", str(text), expect=1).stderr)
    assert error.startswith(f"Error: {text} is not a resource metrics database")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    error = one_line_error(offline(torc, "plot-resources", str(other), expect=1).stderr)
    assert error == f"Error: {other} is not a resource metrics database (no job_resource_samples)"
    error = one_line_error(
        offline(torc, "plot-resources", str(database), "-j", "1,x", expect=1).stderr
    )
    assert "--job-ids must be comma-separated integers" in error
    error = one_line_error(
        offline(torc, "plot-resources", str(database), "-j", "99999", expect=1).stderr
    )
    assert error == f"Error: no resource samples for job(s) 99999 in {database}"
    assert list(tmp_path.glob("*.html")) == []


def test_own_format_after_root_options(
    torc: Torc, metrics: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    database, jobs = metrics
    torc("--log-level", "warn", "plot-resources", str(database), "-o", str(tmp_path), "-f", "json")
    assert len(list(tmp_path.glob("*.json"))) == len(jobs) + 3, "one per job and three overviews"
