"""The hostile corpus (tests/hostile.py) against the Python API and the command line.

Every hostile case must end in an InputError naming the file (and the field or line where one
exists) on the API, and on the command line in exit code 2 with exactly one line on stderr naming
the file: no traceback, no other exception, no escape code reaching the terminal. Every accepted
case must succeed on both. Each case has its own bounds, enforced here:

- the API: each call runs in a forked child, killed after API_SECONDS of wall clock, and must use
  less than API_CPU_SECONDS of CPU;
- the command line, every verb that reads the case: ``roi.cli.main`` (what ``python -m roi`` runs)
  in a forked child writing to its own stdout and stderr files, killed after CLI_SECONDS, within
  CLI_CPU_SECONDS of CPU. A fork starts warm, so that is the answer's own time, not Python's;
- the entry point itself: a set of real ``python -m roi`` processes, one per verb and kind of case,
  each killed after ENTRY_SECONDS and within ENTRY_CPU_SECONDS of CPU (about 0.6 s of which is
  Python and pandas starting).
"""

from __future__ import annotations

import copy
import io
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import roi
import roi.analysis.deal
import roi.cli.verbs  # noqa: F401 - the verbs, registered before any fork
import roi.outputs.claim_report
import roi.outputs.export
from roi.analysis import claims
from roi.cli import main as cli_main
from roi.inputs import share
from roi.inputs.errors import printable
from roi.inputs.library import dump_spec
from tests import hostile

ROOT = Path(__file__).resolve().parents[1]
# A refusal takes well under 1 s of CPU on a quiet machine; the bounds leave room for a loaded one (the
# largest case measured 1.02 s amid the whole suite) and still catch a refusal that runs away.
API_SECONDS = 5
API_CPU_SECONDS = 2.0
CLI_SECONDS = 5
CLI_CPU_SECONDS = 2.0
ENTRY_SECONDS = 5
ENTRY_CPU_SECONDS = 2.5
FORK = multiprocessing.get_context("fork")

# Where each refusal points, beyond the file name: the field, or the line of the YAML.
WHERE = {
    "list_200001": "line 1, column",
    "block_list_200001": "line 49",
    "merge_bomb_22": "line 14",
    "alias_bomb": "line 5",
    "self_alias": "line 1, column 7",
    "deep_nesting": "line 1, column",
    "tag_bool_on_text": "line 1, column 7",
    "tag_python": "line 1, column 7",
    "tag_custom": "line 1, column 7",
    "tag_yaml11_timestamp": "line 1, column 7",
    "hex_number": "interventions[0].cases_per_year",
    "long_hex": "interventions[0].cases_per_year",
    "long_binary": "interventions[0].cases_per_year",
    "long_octal": "interventions[0].cases_per_year",
    "sexagesimal": "interventions[0].cases_per_year",
    "sexagesimal_float": "interventions[0].cases_per_year",
    "long_decimal": "interventions[0].cases_per_year",
    "huge_exponent": "interventions[0].cases_per_year",
    "infinity": "interventions[0].cases_per_year",
    "not_a_number": "interventions[0].cases_per_year",
    "negative": "interventions[0].cases_per_year",
    "duplicate_key": "line 2, column 1",
    "not_utf8": "byte 6",
    "binary_noise": "byte 128",
    "over_1_mb": "1 MB",
    "empty": "found nothing",
    "top_level_list": "found list",
    "many_ranged_parameters": "ranges",
    "text_too_long": "description",
    "unknown_field": "colour",
    "ansi_in_value": "interventions[0].id",
    "long_binary_horizon": "settings.horizon_years",
    "sexagesimal_price_year": "settings.price_year",
    "long_hex_unit_cost": "unit_costs.bed_day.value",
    "long_hex_in_range": "interventions[0].ranges.cases_per_year[0]",
    "long_hex_name": "name",
    "long_hex_key": "line 2",
    "tag_bool_on_key": "line 2, column 1",
    "tag_verbatim": "line 1, column 7",
    "merge_bomb_21": "line 14",
    "period_1e-320": "period_weeks",
    "period_1e-305": "period_weeks",
    "period_tiniest": "period_weeks",
    "hex_saving": "claimed_saving",
    "long_hex_quantity": "savings[0].quantity",
    "tag_bool_claim": "line 1, column 8",
    "sexagesimal_quantity": "savings[0].quantity",
    "hex_period": "period_weeks",
    "sexagesimal_period": "period_weeks",
    "long_binary_saving": "claimed_saving",
    "list_200001_claim": "line 4, column",
    "block_list_200001_claim": "line 49",
    "alias_bomb_claim": "line 5",
    "tag_python_claim": "line 1, column 8",
    "over_1_mb_claim": "1 MB",
}


def test_every_case_says_where():
    assert set(WHERE) == set(hostile.SCENARIOS) | set(hostile.CLAIMS)


# -- Bounds ------------------------------------------------------------------------------------------


def _wait(pid: int, seconds: float, what: str) -> tuple[int, float]:
    """Wait for a child; kill it and fail past ``seconds``. Returns its exit code and CPU seconds."""
    deadline = time.monotonic() + seconds
    while True:  # wait4, not wait: it also gives the child's CPU time
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.wait4(pid, 0)
            pytest.fail(f"{what} still running after {seconds} s", pytrace=False)
        time.sleep(0.005)


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
    """Run ``call(*args)`` in a forked child; fail past API_SECONDS or API_CPU_SECONDS of CPU."""
    parent, child = FORK.Pipe(duplex=False)
    process = FORK.Process(target=_child, args=(child, call, args))
    process.start()
    child.close()
    name = getattr(call, "__name__", call)
    if not parent.poll(API_SECONDS):
        process.kill()
        process.join()
        pytest.fail(f"{name} still running after {API_SECONDS} s", pytrace=False)
    kind, message, cpu = parent.recv()
    process.join()
    assert cpu < API_CPU_SECONDS, f"{name} took {cpu:.2f} s of CPU"
    return kind, message


def assert_input_error(outcome: tuple[str, str], shown_name: str, where: str = "") -> None:
    kind, message = outcome
    assert kind == "InputError", message
    assert "\n" not in message and "\x1b" not in message, message
    assert shown_name in message, (shown_name, message)
    assert where in message, (where, message)


def _cli_child(args: tuple[str, ...], out: int, err: int) -> None:
    """In the forked child: `python -m roi ARGS` without the start-up, then exit with its code."""
    code = 70
    try:
        os.dup2(out, 1)
        os.dup2(err, 2)
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", write_through=True)
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8", write_through=True)
        code = cli_main(list(args))
    except SystemExit as stop:  # argparse's own exits
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:  # noqa: BLE001 - what `python -m roi` would print: a traceback
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def cli(*args: str, seconds: float = CLI_SECONDS, cpu: float = CLI_CPU_SECONDS) -> subprocess.CompletedProcess:
    """The command line's answer to ``python -m roi ARGS``, within ``seconds`` and ``cpu``."""
    shown_args = " ".join(map(printable, args))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            _cli_child(args, out.fileno(), err.fileno())
        code, used = _wait(pid, seconds, f"python -m roi {shown_args}")
        assert used < cpu, f"python -m roi {shown_args} took {used:.2f} s of CPU"
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(
            args, code, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
        )


def command(*args: str) -> subprocess.CompletedProcess:
    """A real ``python -m roi ARGS`` process, within ENTRY_SECONDS and ENTRY_CPU_SECONDS."""
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
    try:
        code, used = _wait(process.pid, ENTRY_SECONDS, f"python -m roi {shown_args}")
        process.returncode = code  # reaped here, so Popen does not wait again
    finally:
        for reader in readers:
            reader.join()
    assert used < ENTRY_CPU_SECONDS, f"python -m roi {shown_args} took {used:.2f} s of CPU"
    return subprocess.CompletedProcess(
        process.args, code, streams["out"].decode("utf-8", "replace"), streams["err"].decode("utf-8", "replace")
    )


def assert_one_line_error(done: subprocess.CompletedProcess, names: tuple[str, ...], where: str = "") -> None:
    err = done.stderr
    assert done.returncode == 2, (done.args, done.returncode, err[-500:])
    assert "Traceback" not in err and "\x1b" not in err, err[-500:]
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("error: "), err
    assert any(name in err for name in names), (names, err)
    assert where in err, (where, err)
    assert "\x1b" not in done.stdout


def assert_succeeded(done: subprocess.CompletedProcess) -> None:
    assert done.returncode == 0, (done.args, done.returncode, done.stderr[-500:])
    assert "Traceback" not in done.stderr and "\x1b" not in done.stdout + done.stderr
    assert "\x85" not in done.stdout and "\u2028" not in done.stdout


def shown(path: str | Path) -> tuple[str, ...]:
    """How a file may be named in a message: its name, or the path as given, made printable."""
    return (printable(Path(path).name)[:30], printable(str(path))[:30])


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    roi.load_library()  # cached before any fork, as in a command's own process after its first file
    return tmp_path_factory.mktemp("hostile")


@pytest.fixture(scope="module")
def scenario_files(folder) -> dict[str, Path]:
    return hostile.write_cases(folder / "scenarios", hostile.SCENARIOS)


@pytest.fixture(scope="module")
def claim_files(folder) -> dict[str, Path]:
    return hostile.write_cases(folder / "claims", hostile.CLAIMS)


def scenario_verbs(path: str, out: Path) -> list[tuple[str, ...]]:
    """Every command that reads a scenario file."""
    return [
        ("run", path),
        ("run", path, "--json"),
        ("simulate", path, "--draws", "1000"),
        ("sensitivity", path),
        ("export", path, "--csv", str(out)),
        ("deal", path, "--rule", "proportional"),
        ("check-claim", "district_direct", "--scenario", path),
    ]


def claim_verbs(path: str, out: Path) -> list[tuple[str, ...]]:
    """Every command that reads a claim file."""
    return [("check-claim", path), ("check-claim", path, "--json"), ("check-claim", path, "--pdf", str(out))]


# -- The Python API ----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(hostile.SCENARIOS))
def test_load_and_parse_scenario_refuse_each_case(case, scenario_files):
    path = scenario_files[case]
    assert_input_error(bounded(roi.load_scenario, path), path.name, WHERE[case])
    assert_input_error(bounded(roi.parse_scenario, hostile.SCENARIOS[case], "upload.yaml"), "upload.yaml", WHERE[case])


@pytest.mark.parametrize("case", list(hostile.CLAIMS))
def test_load_and_parse_claim_refuse_each_case(case, claim_files):
    path = claim_files[case]
    assert_input_error(bounded(roi.load_claim, path), path.name, WHERE[case])
    assert_input_error(bounded(roi.parse_claim, hostile.CLAIMS[case], "claim.yaml"), "claim.yaml", WHERE[case])


def test_text_that_looks_like_a_number_and_tiny_figures_are_accepted(folder):
    for case, text in hostile.CLAIMS_ACCEPTED.items():
        assert bounded(roi.parse_claim, text, "claim.yaml") == ("ok", ""), case
        path = hostile.write_cases(folder / "accepted", {case: text})[case]
        assert bounded(roi.load_claim, path) == ("ok", ""), case
    for case, text in hostile.SCENARIOS_ACCEPTED.items():
        assert bounded(roi.parse_scenario, text, "upload.yaml") == ("ok", ""), case
    assert roi.parse_claim(hostile.CLAIMS_ACCEPTED["hex_in_note"], "claim.yaml").note == "0xFFFFFFFFFF"
    assert roi.parse_claim(hostile.CLAIMS_ACCEPTED["hex_claim_name"], "claim.yaml").claim == "0xFFFFFFFFFF"


@pytest.mark.parametrize(
    "case", ["fifo", "directory", "device", "long_name", "long_path", "newline_in_path", "ansi_in_path", "missing"]
)
def test_paths_that_are_not_readable_files_are_refused_at_once(case, folder):
    path = hostile.special_paths(folder)[case]
    for load in (roi.load_scenario, roi.load_claim):
        kind, message = bounded(load, path)
        assert kind == "InputError", message
        assert "\n" not in message and "\x1b" not in message and len(message) < 400, message
        assert any(name in message for name in shown(path)), message


def test_a_path_with_a_null_byte_is_refused():
    assert_input_error(bounded(roi.load_scenario, "a\x00b.yaml"), "a\\x00b.yaml")


LINKS = hostile.links(share.encode(roi.load_scenario("district_offer").spec))


@pytest.mark.parametrize("case", list(LINKS))
def test_damaged_and_hostile_shared_links_are_refused(case):
    assert_input_error(bounded(share.decode, LINKS[case]), share.SOURCE)
    assert_input_error(bounded(claims.from_link, LINKS[case]), share.SOURCE)


def test_a_link_to_a_scenario_too_big_to_download_and_upload_again_is_refused():
    """What the app writes it must read back: a link whose scenario would be more than 1 MB of YAML
    (an upload's limit) is refused when opened, so it can never be downloaded and then refused."""
    text = "\x7f" * roi.inputs.limits.MAX_TEXT_CHARS  # one byte in JSON, four ("\x7F") in YAML
    data = roi.load_scenario("district_offer").spec.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    data["unit_costs"] = {f"cost_{i}": {"label": text, "unit": text, "note": text} for i in range(100)}
    raw = json.dumps(data, ensure_ascii=False).encode()
    assert len(raw) < roi.inputs.limits.MAX_FILE_BYTES
    link = hostile._link(raw)
    assert len(link) < share.MAX_LINK_CHARS
    kind, message = bounded(share.decode, link)
    assert kind == "InputError" and "as YAML; the limit is 1,000,000" in message, message


# -- The command line, every verb on every case ------------------------------------------------------


@pytest.mark.parametrize("case", list(hostile.SCENARIOS))
def test_every_verb_refuses_each_scenario_case_with_one_line(case, scenario_files, tmp_path):
    path = str(scenario_files[case])
    for args in scenario_verbs(path, tmp_path / "out.csv"):
        assert_one_line_error(cli(*args), shown(path), WHERE[case])
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("case", list(hostile.CLAIMS))
def test_every_verb_refuses_each_claim_case_with_one_line(case, claim_files, tmp_path):
    path = str(claim_files[case])
    for args in claim_verbs(path, tmp_path / "out.pdf"):
        assert_one_line_error(cli(*args), shown(path), WHERE[case])
    assert not (tmp_path / "out.pdf").exists()


@pytest.mark.parametrize(
    "case", ["fifo", "directory", "device", "long_name", "long_path", "newline_in_path", "ansi_in_path", "missing"]
)
def test_every_verb_refuses_each_path_with_one_line(case, folder, tmp_path):
    path = hostile.special_paths(folder)[case]
    for args in scenario_verbs(path, tmp_path / "out.csv") + claim_verbs(path, tmp_path / "out.pdf"):
        assert_one_line_error(cli(*args), shown(path))


@pytest.mark.parametrize("case", ["fifo", "directory", "long_name", "long_path", "newline_in_path", "ansi_in_path"])
def test_a_file_to_write_that_cannot_be_is_one_line_and_nothing_is_half_written(case, folder, tmp_path):
    """An output path gets the same checks as an input: a named pipe nothing reads is refused at
    once (it used to wait for a reader for ever), control characters and over-long names are refused,
    and a bad name anywhere in the command means no file is written at all."""
    path = hostile.special_paths(folder)[case]
    good = tmp_path / "good.csv"
    for args in (
        ("export", "district_offer", "--csv", str(good), "--yaml", path),
        ("check-claim", "district_direct", "--xlsx", str(good), "--pdf", path),
    ):
        assert_one_line_error(cli(*args, cpu=5.0), shown(path))
    if case not in ("fifo", "directory"):  # checked before anything is written
        assert not good.exists()


def test_bad_options_give_one_line_and_exit_2():
    for args, name in [
        (("simulate", "district_offer", "--seed", "-1"), "--seed"),
        (("simulate", "district_offer", "--seed", "1.5"), "--seed"),
        (("simulate", "district_offer", "--seed", str(2**40)), "--seed"),
        (("simulate", "district_offer", "--draws", "x"), "--draws"),
        (("simulate", "district_offer", "--draws", "0"), "--draws"),
        (("simulate", "district_offer", "--draws", "-5"), "--draws"),
        (("simulate", "district_offer", "--draws", "1e9"), "--draws"),
        (("simulate", "district_offer", "--draws", str(10**30)), "--draws"),
        (("simulate", "district_offer", "--distribution", "normal"), "--distribution"),
        (("deal", "district_offer", "--rule", "proportional", "--seed", "-1"), "--seed"),
        (("deal", "district_offer", "--rule", "proportional", "--draws", "x"), "--draws"),
        (("deal", "district_offer", "--rule", "proportional", "--draws", "-1"), "--draws"),
        (("deal", "district_offer", "--rule", "nobody"), "--rule"),
        (("sensitivity", "district_offer", "--max-seconds", "nan"), "--max-seconds"),
        (("sensitivity", "district_offer", "--max-seconds", "-1"), "--max-seconds"),
        (("run", "district_offer", "--colour"), "--colour"),
        (("no-such-verb",), "no-such-verb"),
    ]:
        done = cli(*args)
        assert_one_line_error(done, (name,))
        assert "usage:" not in done.stderr and done.stdout == ""


def test_accepted_cases_succeed_on_every_verb_without_escape_codes(folder, tmp_path):
    for case, path in hostile.write_cases(folder / "accepted", hostile.CLAIMS_ACCEPTED).items():
        for args in claim_verbs(str(path), tmp_path / "out.pdf"):
            assert_succeeded(cli(*args, cpu=10.0))
        assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF"), case
    for path in hostile.write_cases(folder / "accepted", hostile.SCENARIOS_ACCEPTED).values():
        for args in scenario_verbs(str(path), tmp_path / "out.csv"):
            if args[0] == "deal" and path.name == "tiny_cases.yaml":
                continue  # a cost of 1e-320 pounds has nothing to share: refused with one line below
            assert_succeeded(cli(*args, cpu=10.0))
    done = cli("deal", str(folder / "accepted" / "tiny_cases.yaml"), "--rule", "proportional")
    assert_one_line_error(done, ("tiny_cases.yaml",), "no cost to share")


def test_a_name_with_escape_codes_and_line_separators_is_shown_escaped_and_kept_exactly(folder, tmp_path):
    """ANSI codes and NEL (U+0085) in a name never reach the terminal raw, and survive a download."""
    path = hostile.write_cases(folder / "accepted", hostile.SCENARIOS_ACCEPTED)["ansi_and_nel_in_name"]
    name = roi.load_scenario(path).name
    assert "\x1b" in name and "\x85" in name and "\u2028" in name
    for verb in ("run", "simulate", "sensitivity"):
        done = cli(verb, str(path), cpu=10.0)
        assert_succeeded(done)
        if verb != "sensitivity":
            assert "red\\x1b[31m North\\x85East\\u2028\\u2029" in done.stdout
    written = tmp_path / "written.yaml"
    assert_succeeded(cli("export", str(path), "--yaml", str(written), cpu=10.0))
    assert roi.load_scenario(written).spec == roi.load_scenario(path).spec


def test_the_largest_scenario_the_app_accepts_is_written_and_read_back_by_the_command_line(tmp_path):
    """What the app (or `export --yaml`) writes, it reads back, however large the scenario is allowed
    to be: texts at their longest on every intervention and unit cost, up to the 1 MB upload limit."""
    text = "z" * roi.inputs.limits.MAX_TEXT_CHARS
    spec = roi.inputs.schema.ScenarioSpec.model_validate(
        {
            "name": "Largest allowed",
            "description": text,
            "unit_costs": {
                f"cost_{i}": {
                    "label": text,
                    "value": 10,
                    "unit": text[:500],
                    "partner": "district",
                    "value_type": "fiscal_cashable",
                    "price_year": 2024,
                }
                for i in range(200)
            },
            "interventions": [
                {
                    "id": f"custom_{i}",
                    "label": text,
                    "description": text,
                    "cases_per_year": 10,
                    "cost_per_case": 100,
                    "funded_by": {"district": 1.0},
                    "outcomes": [{"unit_cost": f"cost_{i}", "quantity_per_case": 1}],
                }
                for i in range(100)
            ],
        }
    )
    source = tmp_path / "largest.yaml"
    source.write_text(dump_spec(spec), encoding="utf-8")
    assert 900_000 < source.stat().st_size <= roi.inputs.limits.MAX_FILE_BYTES
    written = tmp_path / "written.yaml"
    assert_succeeded(cli("export", str(source), "--yaml", str(written), seconds=60, cpu=60))
    assert written.read_bytes() == source.read_bytes()
    assert_succeeded(cli("run", str(written), seconds=60, cpu=60))
    assert roi.load_scenario(written).spec == spec
    assert share.decode(share.encode(spec)) == spec


# -- The entry point itself: real processes, one per verb and kind of case ---------------------------


def test_python_m_roi_itself_answers_each_kind_of_case_with_one_line(scenario_files, claim_files, folder):
    paths = hostile.special_paths(folder)
    files = {**{k: str(v) for k, v in scenario_files.items()}, **{k: str(v) for k, v in claim_files.items()}}
    for verb, case, extra in [
        ("run", "merge_bomb_22", ()),
        ("simulate", "list_200001", ()),
        ("sensitivity", "tag_bool_on_text", ()),
        ("export", "long_hex", ("--csv", str(folder / "x.csv"))),
        ("deal", "sexagesimal", ("--rule", "proportional")),
        ("check-claim", "period_1e-320", ()),
    ]:
        assert_one_line_error(command(verb, files[case], *extra), shown(files[case]), WHERE[case])
    assert_one_line_error(command("run", paths["ansi_in_path"]), shown(paths["ansi_in_path"]))
    assert_one_line_error(command("simulate", "district_offer", "--seed", "-1"), ("--seed",))


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


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(PATHS), value=VALUES)
def test_mutated_scenarios_on_the_command_line_succeed_or_give_one_line(path, value, tmp_path):
    data = copy.deepcopy(RICH)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    file = tmp_path / "mutant.yaml"
    file.write_text(yaml.safe_dump(data), encoding="utf-8")
    done = cli("run", str(file), cpu=5.0)
    if done.returncode != 0:
        assert_one_line_error(done, ("mutant.yaml",))
    else:
        assert_succeeded(done)


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(blob=st.binary(min_size=1, max_size=400))
def test_arbitrary_bytes_on_the_command_line_give_one_line(blob, tmp_path):
    file = tmp_path / "noise.yaml"
    file.write_bytes(blob)
    assert_one_line_error(cli("run", str(file)), ("noise.yaml",))
