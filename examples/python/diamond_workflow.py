"""The diamond workflow built with the Python API instead of a spec file.

preprocess -> (work1, work2) -> postprocess, with the dependencies inferred from the files
each job reads and writes. Run it from the repository root against a server:

    TORC_API_URL=http://localhost:8080/torc-service/v1 python examples/python/diamond_workflow.py
    torc workflows run <printed id>
"""

from __future__ import annotations

import getpass

import torc_models as m
from torc import make_api, setup_logging

INPUT = "examples/data/diamond_input.txt"
OUT = "torc_output/diamond_py"


def create_diamond() -> int:
    api = make_api()
    workflow = api.create_workflow(
        m.WorkflowModel(
            user=getpass.getuser(),
            name="diamond_python",
            description="Diamond workflow built with the Python API",
        )
    )
    assert workflow.id is not None
    try:
        paths = {
            "input": INPUT,
            "left": f"{OUT}/left.txt",
            "right": f"{OUT}/right.txt",
            "left_sorted": f"{OUT}/left_sorted.txt",
            "right_sorted": f"{OUT}/right_sorted.txt",
            "output": f"{OUT}/output.txt",
        }
        files = api.create_files(
            m.FilesModel(
                files=[
                    m.FileModel(workflow_id=workflow.id, name=n, path=p) for n, p in paths.items()
                ]
            )
        ).files
        ids = {f.name: f.id for f in files}
        specs = [
            (
                "preprocess",
                f"mkdir -p {OUT} && cut -d' ' -f1 {INPUT} > {paths['left']} && "
                f"cut -d' ' -f2 {INPUT} > {paths['right']}",
                ["input"],
                ["left", "right"],
            ),
            ("work1", f"sort {paths['left']} > {paths['left_sorted']}", ["left"], ["left_sorted"]),
            (
                "work2",
                f"sort {paths['right']} > {paths['right_sorted']}",
                ["right"],
                ["right_sorted"],
            ),
            (
                "postprocess",
                f"paste {paths['left_sorted']} {paths['right_sorted']} > {paths['output']}",
                ["left_sorted", "right_sorted"],
                ["output"],
            ),
        ]
        api.create_jobs(
            m.JobsModel(
                jobs=[
                    m.JobModel(
                        workflow_id=workflow.id,
                        name=name,
                        command=command,
                        input_file_ids=[ids[i] for i in inputs],
                        output_file_ids=[ids[o] for o in outputs],
                    )
                    for name, command, inputs, outputs in specs
                ]
            )
        )
    except Exception:
        api.delete_workflow(workflow.id)  # all or nothing
        raise
    return workflow.id


if __name__ == "__main__":
    setup_logging()
    print(f"Created workflow {create_diamond()} with 4 jobs")
