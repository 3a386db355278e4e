"""The hostile corpus (tests/hostile.py) against the Python API and the command line.

Every case must end in an InputError (API) or exit code 2 with one line on stderr naming the file
(command line): no traceback, no other exception, no escape code reaching the terminal. Each case
has two bounds enforced here: a wall-clock one that catches a hang (each API case runs in a forked
child killed after API_SECONDS; each command is killed after CLI_SECONDS, start-up included), and
a CPU-time one that catches slow refusals even on a machine busy with other work (an API case
within API_CPU_SECONDS; a command within CLI_CPU_SECONDS, about 0.6 s of it Python's start-up).
"""

from __future__ import annotations

import copy
import multiprocessing
import os
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import roi
from roi import share
from roi.errors import printable
from tests import hostile

ROOT = Path(__file__).resolve().parents[1]
API_SECONDS = 10
CLI_SECONDS = 30
API_CPU_SECONDS = 1.0
CLI_CPU_SECONDS = 2.5
FORK = multiprocessing.get_context("fork")


def _child(connection: Any, call: Callable[..., Any], args: tuple[Any, ...]) -> None:
    start = time.process_time()
    try:
        call(*args)
        outcome = ("ok", "")
    except roi.InputError as error:
        outcome = ("InputError", str(error))
    except BaseException as error:  # noqa: BLE001 - reported to the parent as a failure
        outcome = (type(error).__name__, traceback.format_exc())
    connection.send((*outcome, time.process_time() - start))


def bounded(call: Callable[..., Any], *args: Any) -> tuple[str, str]:
    """Run ``call(*args)`` in a forked child; fail if it takes longer than API_SECONDS."""
    parent, child = FORK.Pipe(duplex=False)
    process = FORK.Process(target=_child, args=(child, call, args))
    process.start()
    child.close()
    ready = parent.poll(API_SECONDS)
    if not ready:
        process.kill()
        process.join()
        pytest.fail(f"{getattr(call, '__name__', call)} still running after {API_SECONDS} s", pytrace=False)
    kind, message, cpu = parent.recv()
    process.join()
    assert cpu < API_CPU_SECONDS, f"{getattr(call, '__name__', call)} took {cpu:.2f} s of CPU"
    return kind, message


def assert_input_error(outcome: tuple[str, str], shown_name: str) -> None:
    kind, message = outcome
    assert kind == "InputError", message
    assert "\n" not in message and "\x1b" not in message, message
    assert shown_name in message, (shown_name, message)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@pytest.fixture(scope="module")
def scenario_files(folder) -> dict[str, Path]:
    return hostile.write_cases(folder / "scenarios", hostile.SCENARIOS)


@pytest.fixture(scope="module")
def claim_files(folder) -> dict[str, Path]:
    return hostile.write_cases(folder / "claims", hostile.CLAIMS)


# -- The Python API ----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(hostile.SCENARIOS))
def test_load_and_parse_scenario_refuse_each_case(case, scenario_files):
    path = scenario_files[case]
    assert_input_error(bounded(roi.load_scenario, path), path.name)
    assert_input_error(bounded(roi.parse_scenario, hostile.SCENARIOS[case], "upload.yaml"), "upload.yaml")


@pytest.mark.parametrize("case", list(hostile.CLAIMS))
def test_load_and_parse_claim_refuse_each_case(case, claim_files):
    path = claim_files[case]
    assert_input_error(bounded(roi.load_claim, path), path.name)
    assert_input_error(bounded(roi.parse_claim, hostile.CLAIMS[case], "claim.yaml"), "claim.yaml")


def test_a_hexadecimal_note_is_read_as_text():
    claim = roi.parse_claim(hostile.CLAIMS_ACCEPTED["hex_in_note"], "claim.yaml")
    assert claim.note == "0xFFFFFFFFFF"


@pytest.mark.parametrize(
    "case", ["fifo", "directory", "device", "long_name", "long_path", "newline_in_path", "ansi_in_path", "missing"]
)
def test_paths_that_are_not_readable_files_are_refused_at_once(case, folder):
    path = hostile.special_paths(folder)[case]
    for load in (roi.load_scenario, roi.load_claim):
        kind, message = bounded(load, path)
        assert kind == "InputError", message
        assert "\n" not in message and "\x1b" not in message and len(message) < 400, message


def test_a_path_with_a_null_byte_is_refused():
    assert_input_error(bounded(roi.load_scenario, "a\x00b.yaml"), "a\\x00b.yaml")


@pytest.mark.parametrize("case", list(hostile.links(share.encode(roi.load_scenario("district_offer").spec))))
def test_damaged_and_hostile_shared_links_are_refused(case):
    text = hostile.links(share.encode(roi.load_scenario("district_offer").spec))[case]
    assert_input_error(bounded(share.decode, text), share.SOURCE)


# -- The command line --------------------------------------------------------------------------------


def command(*args: str) -> subprocess.CompletedProcess:
    """Run ``python -m roi ARGS``; fail past CLI_SECONDS of wall clock or CLI_CPU_SECONDS of CPU."""
    shown_args = " ".join(map(printable, args))
    process = subprocess.Popen(
        [sys.executable, "-m", "roi", *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    streams: dict[str, bytes] = {}
    readers = [
        threading.Thread(target=lambda n=n, s=s: streams.__setitem__(n, s.read()))
        for n, s in (("out", process.stdout), ("err", process.stderr))
    ]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + CLI_SECONDS
    while True:  # wait4, not wait: it also gives the child's CPU time
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            process.kill()
            os.wait4(process.pid, 0)
            process.returncode = -9
            pytest.fail(f"python -m roi {shown_args} still running after {CLI_SECONDS} s", pytrace=False)
        time.sleep(0.02)
    process.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join()
    cpu = usage.ru_utime + usage.ru_stime
    assert cpu < CLI_CPU_SECONDS, f"python -m roi {shown_args} took {cpu:.2f} s of CPU"
    return subprocess.CompletedProcess(
        process.args,
        process.returncode,
        streams["out"].decode("utf-8", "replace"),
        streams["err"].decode("utf-8", "replace"),
    )


def assert_one_line_error(done: subprocess.CompletedProcess, names: tuple[str, ...]) -> None:
    err = done.stderr
    assert done.returncode == 2, (done.returncode, err[-500:])
    assert "Traceback" not in err and "\x1b" not in err, err[-500:]
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("error: "), err
    assert any(name in err for name in names), (names, err)


def run_all(jobs: list[tuple[tuple[str, ...], tuple[str, ...]]]) -> None:
    """Run commands two at a time (the machine's two cores) and check each answer."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda job: (job, command(*job[0])), jobs))
    for (_args, names), done in results:
        assert_one_line_error(done, names)


def shown(path: str | Path) -> tuple[str, ...]:
    """How a file may be named in a message: its name, or the path as given, made printable."""
    return (printable(Path(path).name)[:30], printable(str(path))[:30])


def test_command_line_refuses_every_scenario_case_with_one_line(scenario_files):
    jobs = [(("run", str(path)), shown(path)) for path in scenario_files.values()]
    for case in ("merge_bomb_22", "long_hex", "many_ranged_parameters"):
        path = str(scenario_files[case])
        jobs += [(("simulate", path), shown(path)), (("sensitivity", path), shown(path))]
        jobs += [(("export", path, "--csv", str(Path(path).with_suffix(".csv"))), shown(path))]
    run_all(jobs)


def test_command_line_refuses_every_claim_case_and_path_with_one_line(claim_files, folder):
    jobs = [(("check-claim", str(path)), shown(path)) for path in claim_files.values()]
    for path in hostile.special_paths(folder).values():
        jobs.append((("run", path), shown(path)))
    for case in ("fifo", "device", "newline_in_path"):
        path = hostile.special_paths(folder)[case]
        jobs.append((("check-claim", path), shown(path)))
    run_all(jobs)


def test_bad_options_give_one_line_and_exit_2():
    jobs = [
        (("simulate", "district_offer", "--seed", "-1"), ("--seed",)),
        (("simulate", "district_offer", "--seed", "1.5"), ("--seed",)),
        (("simulate", "district_offer", "--seed", str(2**40)), ("--seed",)),
        (("simulate", "district_offer", "--draws", "x"), ("--draws",)),
        (("simulate", "district_offer", "--draws", "0"), ("--draws",)),
        (("simulate", "district_offer", "--draws", "1e9"), ("--draws",)),
        (("simulate", "district_offer", "--distribution", "normal"), ("--distribution",)),
    ]
    run_all(jobs)


# -- The existing fuzzers, through the command line --------------------------------------------------

RICH = {
    "name": "fuzz",
    "unit_costs": {"bed_day": {"value": 300, "low": 200, "high": 400}},
    "interventions": [
        {
            "id": "dfg_adaptation",
            "cases_per_year": 10,
            "outcomes": [
                {"unit_cost": "residential_care_year", "deadweight": 0.4, "ranges": {"deadweight": [0.1, 0.5]}}
            ],
        },
    ],
}
PATHS = [
    ("name",),
    ("unit_costs", "bed_day", "low"),
    ("interventions", 0, "cases_per_year"),
    ("interventions", 0, "outcomes", 0, "deadweight"),
    ("interventions", 0, "outcomes", 0, "ranges"),
]
VALUES = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12), st.integers(-(10**30), 10**30))


@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(PATHS), value=VALUES)
def test_mutated_scenarios_on_the_command_line_succeed_or_give_one_line(path, value, tmp_path):
    data = copy.deepcopy(RICH)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    file = tmp_path / "mutant.yaml"
    file.write_text(yaml.safe_dump(data), encoding="utf-8")
    done = command("run", str(file))
    if done.returncode != 0:
        assert_one_line_error(done, ("mutant.yaml",))


@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(blob=st.binary(min_size=1, max_size=400))
def test_arbitrary_bytes_on_the_command_line_give_one_line(blob, tmp_path):
    file = tmp_path / "noise.yaml"
    file.write_bytes(blob)
    assert_one_line_error(command("run", str(file)), ("noise.yaml",))
