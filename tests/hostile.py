"""The hostile corpus: every input class of issue 15, as files, paths, options and links.

Each case is (name, content) with content bytes; `write_cases` puts them in a folder. Scenario and
claim cases are kept apart because they reach different verbs and loaders.
"""

from __future__ import annotations

import base64
import json
import os
import zlib
from pathlib import Path

ONE = "interventions: [{id: dfg_adaptation}]\n"


def _merge_bomb(levels: int, tail: str) -> str:
    lines = ["m0: &m0 {x: 1, y: 2}"]
    lines += [f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}], k{i}: {i}}}" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n" + tail


def _laughs() -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    return "\n".join(lines) + "\n" + ONE


def _cases(value: str) -> str:
    return f"name: x\ninterventions: [{{id: dfg_adaptation, cases_per_year: {value}}}]\n"


def _many_ranges() -> str:
    outcome = "{{unit_cost: cost_{k}, quantity_per_case: 1, ranges: {{quantity_per_case: [0, 2], deadweight: [0, 1]}}}}"
    outcomes = ", ".join(outcome.format(k=k) for k in range(30))
    choices = ", ".join(f"{{id: custom_{i}, outcomes: [{outcomes}]}}" for i in range(20))
    return f"name: heavy\ninterventions: [{choices}]\n"


SCENARIOS: dict[str, bytes] = {
    name: text if isinstance(text, bytes) else text.encode("utf-8")
    for name, text in {
        "list_200001": "[" + ",".join(["0"] * 200_001) + "]\n",
        "block_list_200001": "interventions:\n" + "- 0\n" * 200_001,
        "merge_bomb_22": _merge_bomb(22, "name: x\n" + ONE),
        "alias_bomb": _laughs(),
        "self_alias": "name: &a [*a]\n" + ONE,
        "deep_nesting": "name: " + "[" * 5_000 + "]" * 5_000 + "\n" + ONE,
        "tag_bool_on_text": "name: !!bool text\n" + ONE,
        "tag_python": "name: !!python/object/apply:os.system ['echo owned']\n" + ONE,
        "tag_custom": "name: !custom x\n" + ONE,
        "tag_yaml11_timestamp": "name: !!timestamp 2024-01-01\n" + ONE,
        "hex_number": _cases("0xFFFFFFFFFF"),
        "long_hex": _cases("0x" + "F" * 5_000),
        "long_binary": _cases("0b" + "1" * 5_000),
        "long_octal": _cases("0o" + "7" * 5_000),
        "sexagesimal": _cases(":".join(["59"] * 3_000)),
        "sexagesimal_float": _cases(":".join(["59"] * 3_000) + ".5"),
        "long_decimal": _cases("1" * 5_000),
        "huge_exponent": _cases("1e999"),
        "infinity": _cases(".inf"),
        "not_a_number": _cases(".nan"),
        "negative": _cases("-5"),
        "duplicate_key": "name: a\nname: b\n" + ONE,
        "not_utf8": b"name: \xff\xfe\n" + ONE.encode(),
        "binary_noise": bytes(range(256)) * 4,
        "over_1_mb": b"#" * 1_000_001,
        "empty": b"",
        "top_level_list": "- a\n- b\n",
        "many_ranged_parameters": _many_ranges(),
        "text_too_long": "name: x\ndescription: " + "y" * 5_000 + "\n" + ONE,
        "unknown_field": "name: x\ncolour: red\n" + ONE,
        "ansi_in_value": 'name: "\\e[31mred\\e[0m"\ninterventions: [{id: "\\e[2J"}]\n',
        # Long non-decimal numbers in other fields, and as a key: read as text, so refused by the field.
        "long_binary_horizon": "name: x\nsettings: {horizon_years: 0b" + "1" * 5_000 + "}\n" + ONE,
        "sexagesimal_price_year": "name: x\nsettings: {price_year: " + ":".join(["59"] * 3_000) + "}\n" + ONE,
        "long_hex_unit_cost": "name: x\nunit_costs: {bed_day: {value: 0x" + "F" * 5_000 + "}}\n" + ONE,
        "long_hex_in_range": "name: x\ninterventions: [{id: dfg_adaptation, ranges: {cases_per_year: [0x"
        + "F" * 5_000
        + ", 1]}}]\n",
        "long_hex_name": "name: 0x" + "F" * 5_000 + "\n" + ONE,
        "long_hex_key": "name: x\n0x" + "F" * 5_000 + ": 1\n" + ONE,
        "tag_bool_on_key": "name: x\n!!bool yes: 1\n" + ONE,
        "tag_verbatim": "name: !<tag:yaml.org,2002:bool> yes\n" + ONE,
    }.items()
}

CLAIM = "claim: x\nclaimed_saving: 1000\nsavings: [{unit_cost: bed_day, quantity: 1}]\n"
CLAIMS: dict[str, bytes] = {
    name: text.encode("utf-8")
    for name, text in {
        "merge_bomb_21": _merge_bomb(21, CLAIM),
        "period_1e-320": CLAIM + "period_weeks: 1e-320\n",
        "period_1e-305": CLAIM + "period_weeks: 1e-305\n",
        "hex_saving": "claim: x\nclaimed_saving: 0xFFFFFFFFFF\nsavings: [{unit_cost: bed_day, quantity: 1}]\n",
        "long_hex_quantity": "claim: x\nclaimed_saving: 1\nsavings: [{unit_cost: bed_day, quantity: 0x"
        + "F" * 5_000
        + "}]\n",
        "tag_bool_claim": "claim: !!bool yes\nclaimed_saving: 1\nsavings: [{unit_cost: bed_day, quantity: 1}]\n",
        "sexagesimal_quantity": "claim: x\nclaimed_saving: 1\nsavings: [{unit_cost: bed_day, quantity: "
        + ":".join(["59"] * 3_000)
        + "}]\n",
        "hex_period": CLAIM + "period_weeks: 0x" + "F" * 5_000 + "\n",
        "sexagesimal_period": CLAIM + "period_weeks: " + ":".join(["59"] * 3_000) + "\n",
        "long_binary_saving": "claim: x\nclaimed_saving: 0b"
        + "1" * 5_000
        + "\nsavings: [{unit_cost: bed_day, quantity: 1}]\n",
        "period_tiniest": CLAIM + "period_weeks: 4.9e-324\n",
        "list_200001_claim": CLAIM + "extra: [" + ",".join(["0"] * 200_001) + "]\n",
        "block_list_200001_claim": CLAIM + "extra:\n" + "- 0\n" * 200_001,
        "alias_bomb_claim": _laughs().replace(ONE, CLAIM),
        "tag_python_claim": "claim: !!python/name:os.system x\nclaimed_saving: 1\n"
        "savings: [{unit_cost: bed_day, quantity: 1}]\n",
        "over_1_mb_claim": CLAIM + "note: " + "n" * 1_000_001 + "\n",
    }.items()
}
# Accepted cleanly: hexadecimal-looking text is text, not a number to convert; a tiny but valid
# figure never overflows later (the claim is divided by the period, and shares of it by the claim).
CLAIMS_ACCEPTED: dict[str, bytes] = {
    name: text.encode("utf-8")
    for name, text in {
        "hex_in_note": CLAIM + "note: 0xFFFFFFFFFF\n",
        "long_hex_in_note": CLAIM + "note: 0x" + "F" * 1_500 + "\n",
        "hex_claim_name": "claim: 0xFFFFFFFFFF\nclaimed_saving: 1000\nsavings: [{unit_cost: bed_day, quantity: 1}]\n",
        "tiny_claimed_saving": "claim: x\nclaimed_saving: 1e-320\nsavings: [{unit_cost: bed_day, quantity: 1}]\n",
        "tiny_quantity": "claim: x\nclaimed_saving: 1000\nsavings: [{unit_cost: bed_day, quantity: 1e-320}]\n",
        "ansi_in_claim_name": 'claim: "red\\e[31mclaim"\nclaimed_saving: 1000\n'
        'savings: [{unit_cost: bed_day, quantity: 1, label: "\\e[2Jlabel"}]\n',
    }.items()
}
# Accepted cleanly too: text that looks like a number, tiny figures, and names with escape codes
# or line separators (shown as escapes on a terminal, kept exactly in files).
SCENARIOS_ACCEPTED: dict[str, bytes] = {
    name: text.encode("utf-8")
    for name, text in {
        "hex_in_description": "name: x\ndescription: 0x" + "F" * 1_500 + "\n" + ONE,
        "tiny_cases": _cases("1e-320"),
        "tiny_deadweight": "name: x\ninterventions: [{id: dfg_adaptation, outcomes: "
        "[{unit_cost: residential_care_week, deadweight: 1e-320}]}]\n",
        "ansi_and_nel_in_name": 'name: "red\\e[31m North\\NEast\\L\\P"\n' + ONE,
    }.items()
}


def write_cases(folder: Path, cases: dict[str, bytes]) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, content in cases.items():
        path = folder / f"{name}.yaml"
        path.write_bytes(content)
        paths[name] = path
    return paths


def special_paths(folder: Path) -> dict[str, str]:
    """Paths that are not files to read: a named pipe, a folder, a device, a name too long, control
    characters (a newline; an ANSI escape), a missing file."""
    fifo = folder / "pipe.yaml"
    if not fifo.exists():
        os.mkfifo(fifo)
    return {
        "fifo": str(fifo),
        "directory": str(folder),
        "device": "/dev/zero",
        "long_name": str(folder / ("a" * 300 + ".yaml")),
        "long_path": "/".join(["abcdefgh"] * 600) + ".yaml",
        "newline_in_path": str(folder / "two\nlines.yaml"),
        "ansi_in_path": str(folder / "red\x1b[31m.yaml"),
        "missing": str(folder / "missing.yaml"),
    }


def _link(raw: bytes) -> str:
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")


def links(valid: str) -> dict[str, str]:
    """Shared links: a valid one damaged in every way the issue found, and hostile payloads."""
    return {
        "missing_last_character": valid[:-1],
        "missing_two_characters": valid[:-2],
        "trailing_garbage": valid + "AAAA",
        "trailing_punctuation": valid + "!!",
        "duplicate_keys": _link(b'{"name":"a","name":"b","interventions":[{"id":"dfg_adaptation"}]}'),
        "nan": _link(b'{"name":"a","interventions":[{"id":"dfg_adaptation","cases_per_year":NaN}]}'),
        "long_integer": _link(b'{"name":"a","interventions":[{"id":"x","cases_per_year":' + b"9" * 5000 + b"}]}"),
        "deep_json": _link(b"[" * 100_000 + b"]" * 100_000),
        "zip_bomb": _link(b'{"name":"' + b"a" * 5_000_000 + b'"}'),
        "too_long": "A" * 16_001,
        "not_base64": "%%%%",
        "heavy": _link(
            json.dumps(
                {
                    "name": "heavy",
                    "interventions": [
                        {
                            "id": f"c{i}",
                            "outcomes": [{"unit_cost": f"u{k}", "ranges": {"deadweight": [0, 1]}} for k in range(30)],
                        }
                        for i in range(100)
                    ],
                }
            ).encode()
        ),
    }
