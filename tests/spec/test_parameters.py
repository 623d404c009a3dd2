"""Parameter formats, format specs, combination order, zip mode, shared parameters,
fan-in jobs and parameterized files and user data (seed: Job Parameterization)."""

from __future__ import annotations

import pytest

from tests.spec.helpers import by_name, expand, names
from torc.spec import SpecError
from torc.spec.parameters import Value, parse_values


def values(raw: str | int | float | list[str | int | float]) -> list[int | float | str]:
    return [v.value for v in parse_values("p", raw)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1:5", [1, 2, 3, 4, 5]),
        ("0:10:2", [0, 2, 4, 6, 8, 10]),
        ("0:100:10", list(range(0, 101, 10))),
        ("5:1:-2", [5, 3, 1]),
        ("0.0:1.0:0.25", [0.0, 0.25, 0.5, 0.75, 1.0]),
        ("0.0:1.0:0.1", [round(0.1 * k, 1) for k in range(11)]),
        ("[1,5,10,100]", [1, 5, 10, 100]),
        ("[0.1, 0.5, 0.9]", [0.1, 0.5, 0.9]),
        ("['adam','sgd','rmsprop']", ["adam", "sgd", "rmsprop"]),
        ("['cifar10', 'mnist', 'imagenet']", ["cifar10", "mnist", "imagenet"]),
        ("[train, test, validation]", ["train", "test", "validation"]),
        ('["a, b", c]', ["a, b", "c"]),
        ("[1, 2, 3,]", [1, 2, 3]),
        ("7", [7]),
        ([1, "x", 2.5], [1, "x", 2.5]),
        (3, [3]),
    ],
)
def test_value_formats(raw: str | int | list[str | int | float], expected: list[object]) -> None:
    assert values(raw) == expected


def test_float_range_with_format_has_every_value() -> None:
    """The seed: "0.1:1.0:0.1" with {threshold:.2f} gives result_0.10 ... result_1.00."""
    listed = names(
        """
        name: w
        jobs:
          - name: result_{threshold:.2f}
            command: echo
            parameters: {threshold: "0.1:1.0:0.1"}
        """
    )
    assert listed == [f"result_{k / 10:.2f}" for k in range(1, 11)]


def test_unformatted_values_print_as_written() -> None:
    assert [v.text for v in parse_values("lr", "[0.00001, 1e-3, 0.10]")] == [
        "0.00001",
        "1e-3",
        "0.10",
    ]
    assert [v.text for v in parse_values("x", "0.0:0.3:0.1")] == ["0.0", "0.1", "0.2", "0.3"]


def test_format_specs() -> None:
    listed = names(
        """
        name: w
        jobs:
          - name: job_{i:03d}_lr{lr:.4f}_e{lr:.2e}
            command: echo {i} {lr}
            parameters:
              i: "[5, 42]"
              lr: "[0.001]"
        """
    )
    assert listed == ["job_005_lr0.0010_e1.00e-03", "job_042_lr0.0010_e1.00e-03"]


def test_product_order_has_the_first_parameter_outermost() -> None:
    listed = names(
        """
        name: w
        jobs:
          - name: job_{a}_{b}
            command: echo {a} {b}
            parameters:
              a: "[1, 2, 3]"
              b: "['x', 'y', 'z']"
        """
    )
    assert listed == [f"job_{a}_{b}" for a in (1, 2, 3) for b in "xyz"]


def test_zip_mode_pairs_values() -> None:
    expanded = expand(
        """
        name: w
        jobs:
          - name: train_{dataset}_{model}
            command: python train.py --dataset={dataset} --model={model}
            parameter_mode: zip
            parameters:
              dataset: "['cifar10', 'mnist', 'imagenet']"
              model: "['resnet', 'cnn', 'transformer']"
        """
    )
    assert [job.name for job in expanded.jobs] == [
        "train_cifar10_resnet",
        "train_mnist_cnn",
        "train_imagenet_transformer",
    ]
    assert expanded.jobs[1].command == "python train.py --dataset=mnist --model=cnn"


def test_zip_mode_length_mismatch_uses_the_seed_text() -> None:
    with pytest.raises(SpecError) as caught:
        expand(
            """
            name: w
            jobs:
              - name: t_{dataset}_{model}
                command: echo
                parameter_mode: zip
                parameters:
                  dataset: "['a', 'b', 'c']"
                  model: "['x', 'y']"
            """
        )
    assert caught.value.message == (
        "All parameters must have the same number of values when using 'zip' mode.\n"
        "Parameter 'dataset' has 3 values, but 'model' has 2 values."
    )


SHARED = """
name: w
parameters:
  lr: "[0.0001, 0.001, 0.01]"
  batch_size: "[16, 32, 64]"
  dataset: "['train', 'validation']"
jobs:
  - name: train_lr{lr:.4f}_bs{batch_size}
    command: python train.py --lr={lr} --batch-size={batch_size}
    use_parameters: [lr, batch_size]
  - name: prepare_{dataset}
    command: python prepare.py --dataset={dataset}
    use_parameters: [dataset]
  - name: special_lr{lr:.4f}
    command: python special.py --lr={lr}
    parameters:
      lr: "[0.01, 0.1]"
  - name: mixed_lr{lr:.4f}_s{seed}
    command: echo
    use_parameters: [lr]
    parameters:
      lr: "[0.5]"
      seed: "1:2"
"""


def test_shared_parameters_are_selective_and_local_ones_win() -> None:
    listed = names(SHARED)
    assert listed[:9] == [
        f"train_lr{lr:.4f}_bs{bs}" for lr in (0.0001, 0.001, 0.01) for bs in (16, 32, 64)
    ]
    assert listed[9:11] == ["prepare_train", "prepare_validation"]
    assert listed[11:13] == ["special_lr0.0100", "special_lr0.1000"]
    assert listed[13:] == ["mixed_lr0.5000_s1", "mixed_lr0.5000_s2"]


def test_fan_in_job_expands_its_lists_not_itself() -> None:
    expanded = expand(
        """
        name: w
        jobs:
          - name: process_{i}
            command: echo {i} > ${files.output.out_{i}}
            parameters: {i: "1:3"}
          - name: aggregate
            command: cat ${files.input.out_{i}} > /tmp/all.txt
            depends_on: ["process_{i}"]
            parameters: {i: "1:3"}
        files:
          - name: out_{i}
            path: /tmp/out_{i}.txt
            parameters: {i: "1:3"}
        """
    )
    jobs = by_name(expanded)
    assert list(jobs) == ["process_1", "process_2", "process_3", "aggregate"]
    aggregate = jobs["aggregate"]
    assert aggregate.depends_on == ["process_1", "process_2", "process_3"]
    assert aggregate.input_files == ["out_1", "out_2", "out_3"]
    assert aggregate.command == "cat /tmp/out_1.txt /tmp/out_2.txt /tmp/out_3.txt > /tmp/all.txt"
    assert expanded.parameterized_job_specs == 2


def test_fan_in_with_shared_parameters() -> None:
    expanded = expand(
        SHARED
        + """
  - name: aggregate_results
    command: python aggregate.py
    depends_on: ["train_lr{lr:.4f}_bs{batch_size}"]
    use_parameters: [lr, batch_size]
"""
    )
    aggregate = by_name(expanded)["aggregate_results"]
    assert len(aggregate.depends_on) == 9
    assert aggregate.depends_on[0] == "train_lr0.0001_bs16"


def test_parameterized_files_and_user_data() -> None:
    expanded = expand(
        """
        name: w
        files:
          - name: model_{run_id:03d}
            path: /models/run_{run_id:03d}.pt
            parameters: {run_id: "1:3"}
        user_data:
          - name: config_{experiment}
            data: {experiment: "{experiment}", learning_rate: 0.001, tags: ["{experiment}"]}
            parameters: {experiment: "['baseline', 'ablation', 'full']"}
        jobs:
          - name: a
            command: echo
        """
    )
    assert [(f.name, f.path) for f in expanded.files] == [
        (f"model_{i:03d}", f"/models/run_{i:03d}.pt") for i in (1, 2, 3)
    ]
    assert [(u.name, u.data) for u in expanded.user_data][1] == (
        "config_ablation",
        {"experiment": "ablation", "learning_rate": 0.001, "tags": ["ablation"]},
    )


def test_parameterized_dependencies_pair_one_to_one() -> None:
    expanded = expand(
        """
        name: w
        jobs:
          - name: generate_{config}
            command: python generate.py --config={config}
            output_files: ["data_{config}"]
            parameters: {config: "['A','B','C']"}
          - name: process_{config}
            command: python process.py --input=data_{config}.pkl
            input_files: ["data_{config}"]
            depends_on: ["generate_{config}"]
            parameters: {config: "['A','B','C']"}
        files:
          - name: data_{config}
            path: /tmp/data_{config}.pkl
            parameters: {config: "['A','B','C']"}
        """
    )
    jobs = by_name(expanded)
    assert len(jobs) == 6
    assert jobs["process_B"].depends_on == ["generate_B"]
    assert jobs["process_B"].input_files == ["data_B"]


def test_other_braces_are_left_alone() -> None:
    job = expand(
        """
        name: w
        jobs:
          - name: j_{i}
            command: awk '{print $1}' f && echo ${HOME} {{i}} {x} {i}
            parameters: {i: "[7]"}
        """
    ).jobs[0]
    assert job.command == "awk '{print $1}' f && echo ${HOME} {7} {x} 7"


def test_unquoted_yaml_range_is_a_string_not_a_base_60_number() -> None:
    """YAML 1.1 would read ``1:10`` as the integer 70."""
    assert (
        len(names("name: w\njobs:\n  - {name: 'j_{i}', command: x, parameters: {i: 1:10}}\n")) == 10
    )


def test_value_is_frozen() -> None:
    value = Value(1, "1")
    with pytest.raises(AttributeError):
        value.text = "2"  # type: ignore[misc]
