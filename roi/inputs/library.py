"""The assumption library: load, validate and cross-check its files; read and write YAML safely.

A scenario is resolved against the library in roi.inputs.scenario.

Every file a user gives passes through :func:`read_yaml` (size-limited, UTF-8, safe-loaded, no
duplicate keys, no alias bombs) and a pydantic model; any problem becomes an :class:`InputError`
naming the file, the field path and what is allowed. The documented library in ``assumptions/``
is never written to: a user's changes are overrides in a scenario.
"""

from __future__ import annotations

import functools
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError

from roi.inputs import limits
from roi.inputs.errors import InputError, from_validation_error, printable
from roi.inputs.schema import (
    FISCAL_VALUE_TYPES,
    Bearer,
    Deflator,
    DiscountSchedule,
    Intervention,
    JudgementConvention,
    OptimismBiasTable,
    Partner,
    PriceUplift,
    RatioBenchmarks,
    ScenarioSpec,
    UnitCost,
)

ASSUMPTIONS_DIR = Path(__file__).resolve().parents[2] / "assumptions"
SCENARIOS_DIR = ASSUMPTIONS_DIR / "scenarios"
CLAIMS_DIR = ASSUMPTIONS_DIR / "claims"
MAX_FILE_BYTES = limits.MAX_FILE_BYTES
MAX_ELEMENTS = limits.MAX_YAML_ELEMENTS
# A single price_uplift (per cent a year) extends the price index this many years past the table.
MAX_UPLIFT_YEARS = 20


# --------------------------------------------------------------------------------------------
# Reading YAML safely

try:  # libyaml parses; the composer below (Python) counts every node as it is built
    from yaml._yaml import CParser as _Parser

    def _parser_init(loader: Any, stream: str) -> None:
        _Parser.__init__(loader, stream)

except ImportError:  # pragma: no cover - PyYAML without libyaml: the pure-Python reader and parser

    class _Parser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):  # type: ignore[no-redef]
        pass

    def _parser_init(loader: Any, stream: str) -> None:
        yaml.reader.Reader.__init__(loader, stream)
        yaml.scanner.Scanner.__init__(loader)
        yaml.parser.Parser.__init__(loader)


class _Resolver(yaml.resolver.BaseResolver):
    """YAML 1.1's implicit types, but numbers only in decimal and of bounded length.

    Hexadecimal, octal, binary and sexagesimal (``1:20:30``) forms are read as text, so no number
    is converted at a cost that grows with its length; ``=`` is text too.
    """


for _first, _resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items():
    for _tag, _regexp in _resolvers:
        if _tag in (
            "tag:yaml.org,2002:bool",
            "tag:yaml.org,2002:null",
            "tag:yaml.org,2002:merge",
            "tag:yaml.org,2002:timestamp",
        ):
            _Resolver.add_implicit_resolver(_tag, _regexp, [_first])
_DIGITS = limits.MAX_NUMBER_DIGITS
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(rf"^[-+]?(?:0|[1-9][0-9_]{{0,{_DIGITS}}})$"), list("-+0123456789")
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        rf"""^(?:[-+]?(?:[0-9][0-9_]{{0,{_DIGITS}}}(?:\.[0-9_]{{0,{_DIGITS}}})?|\.[0-9_]{{1,{_DIGITS}}})
        (?:[eE][-+]?[0-9]{{1,3}})?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        re.X,
    ),
    list("-+0123456789."),
)


class _StrictSafeLoader(_Parser, yaml.composer.Composer, yaml.constructor.SafeConstructor, _Resolver):
    """A safe loader that refuses what could stall or fool a reader.

    Refused: duplicate keys (PyYAML would keep the last), explicit tags (``!!bool``, ``!!python/...``,
    ``!custom``), nesting deeper than ``limits.MAX_YAML_DEPTH``, and more than
    ``limits.MAX_YAML_ELEMENTS`` nodes, counted while the document is composed (so a huge list
    stops early) and again with every alias and merge key expanded (so a "billion laughs" or a
    merge-key bomb stops before it is built).
    """

    def __init__(self, stream: str) -> None:
        _parser_init(self, stream)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        _Resolver.__init__(self)
        self._nodes = 0
        self._depth = 0

    # libyaml's parser also brings a composer in C; the Python one below counts nodes.
    get_single_node = yaml.composer.Composer.get_single_node
    compose_document = yaml.composer.Composer.compose_document

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if not isinstance(event, yaml.AliasEvent):
            self._nodes += 1
            if self._nodes > limits.MAX_YAML_ELEMENTS:
                raise yaml.composer.ComposerError(
                    None, None, f"more than {limits.MAX_YAML_ELEMENTS:,} elements", event.start_mark
                )
            tag = getattr(event, "tag", None)
            if tag not in (None, "!"):
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"tags such as {printable(tag.replace('tag:yaml.org,2002:', '!!'), 40)} are not allowed",
                    event.start_mark,
                )
        self._depth += 1
        try:
            if self._depth > limits.MAX_YAML_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {limits.MAX_YAML_DEPTH} levels deep", event.start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError as exc:  # an unhashable key such as a list
                raise yaml.constructor.ConstructorError(
                    None, None, "a key must be a plain value, not a list or mapping", key_node.start_mark
                ) from exc
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{printable(key, 40)}'", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _expanded_size(root: yaml.Node) -> int:
    """Nodes the document expands to, counting an aliased node (or a merged mapping) at every use;
    a ComposerError at the first part that passes ``limits.MAX_YAML_ELEMENTS``."""
    sizes: dict[int, int] = {}
    building: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in building:
            raise yaml.composer.ComposerError(None, None, "an alias refers to itself", node.start_mark)
        building.add(key)
        if isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(item) for item in node.value)
        else:
            total = 1
        building.discard(key)
        if total > limits.MAX_YAML_ELEMENTS:  # the first part to pass the limit: its line is shown
            raise yaml.composer.ComposerError(
                None,
                None,
                f"this part expands to {total:,} elements through aliases or merge keys; "
                f"the limit is {limits.MAX_YAML_ELEMENTS:,}",
                node.start_mark,
            )
        sizes[key] = total
        return total

    return size(root)


def _load(text: str) -> Any:
    loader = _StrictSafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node)  # refuses an alias or merge-key bomb, at the line where it passes the limit
        return loader.construct_document(node)
    finally:
        loader.dispose()


# JSON writes a character beyond U+FFFF as two escapes (a surrogate pair, "\ud83d\ude00"); YAML
# wants one ("\U0001F600"). An escape preceded by an even number of backslashes is a real escape.
_SURROGATE_PAIR = re.compile(r"(?<!\\)((?:\\\\)*)\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})", re.IGNORECASE)


def _joined_pair(match: re.Match[str]) -> str:
    high, low = int(match.group(2), 16), int(match.group(3), 16)
    return f"{match.group(1)}\\U{0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00):08X}"


def _load_allowing_surrogate_pairs(text: str) -> Any:
    """Parse; if the text uses JSON's surrogate-pair escapes YAML refuses, join each pair and retry."""
    try:
        return _load(text)
    except yaml.MarkedYAMLError as exc:
        if "escape" not in str(exc.problem or "") or not _SURROGATE_PAIR.search(text):
            raise
    return _load(_SURROGATE_PAIR.sub(_joined_pair, text))


def parse_yaml(text: str | bytes, file: str) -> Any:
    """Parse YAML text safely: size limit, UTF-8, bounded elements and nesting, decimal numbers,
    no tags, no duplicate keys. Any problem is an InputError naming the file and, where known, the line."""
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise InputError(file, "", f"file is {len(text):,} bytes; the limit is {MAX_FILE_BYTES:,} (1 MB)")
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(file, "", f"not UTF-8 text (byte {exc.start}); save the file as UTF-8") from exc
    if len(text) > MAX_FILE_BYTES:
        raise InputError(file, "", f"file is {len(text):,} characters; the limit is {MAX_FILE_BYTES:,} (1 MB)")
    try:
        return _load_allowing_surrogate_pairs(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "malformed YAML"
        raise InputError(file, where, f"not valid YAML: {problem}") from exc
    except RecursionError as exc:
        raise InputError(file, "", "nested too deeply to be an assumption file") from exc
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, KeyError, AttributeError) as exc:
        raise InputError(file, "", f"not valid YAML: {type(exc).__name__}") from exc


def checked_path(path_or_name: str | Path) -> Path:
    """The path, if it is one a person could mean: no control characters, not longer than Linux allows."""
    text = str(path_or_name)
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise InputError(printable(text), "", "the file name contains control characters (a newline, tab or escape)")
    if len(text) > limits.MAX_PATH_CHARS or any(
        len(part.encode("utf-8", "surrogateescape")) > limits.MAX_PATH_PART_BYTES for part in Path(text).parts
    ):
        raise InputError(printable(text), "", "the path is too long")
    return Path(text)


def read_yaml(path: Path | str) -> Any:
    """Read a YAML file from disk with the same safety rules as an upload. Only a regular file is
    read: a named pipe, device or directory is refused without waiting on it."""
    path = checked_path(path)
    name = printable(path.name)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        raise InputError(name, "", f"cannot read the file: {exc.strerror or type(exc).__name__}") from exc
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise InputError(name, "", "not a regular file (a folder, device or named pipe); give a YAML file")
        if getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(descriptor, True)
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InputError(name, "", f"cannot read the file: {exc.strerror or type(exc).__name__}") from exc
    finally:
        os.close(descriptor)
    return parse_yaml(raw, name)


def validate(model: type[BaseModel], data: Any, file: str, prefix: str = "") -> Any:
    """Validate data against a model, raising InputError with the field path on failure."""
    if not isinstance(data, dict):
        found = "nothing" if data is None else type(data).__name__
        raise InputError(file, prefix, f"expected a mapping of fields, found {found}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc, file, prefix) from None
    except (RecursionError, OverflowError, TypeError) as exc:
        raise InputError(file, prefix, f"cannot be read: {type(exc).__name__}") from None


def _mapping(data: Any, file: str, key: str) -> Any:
    if not isinstance(data, dict) or key not in data:
        raise InputError(file, key, f"the file needs a top-level '{key}:'")
    return data[key]


def _sequence(data: Any, file: str, key: str) -> list[Any]:
    items = _mapping(data, file, key)
    if not isinstance(items, list):
        raise InputError(file, key, "expected a list")
    return items


# --------------------------------------------------------------------------------------------
# The library


class Library(BaseModel):
    """The documented assumption library: partners, unit costs, interventions, appraisal tables."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    partners: dict[str, Partner]
    unit_costs: dict[str, UnitCost]
    interventions: dict[str, Intervention]
    deflator: Deflator
    discount_schedules: dict[str, DiscountSchedule]
    optimism_bias: OptimismBiasTable
    ratio_benchmarks: RatioBenchmarks
    root: str
    convention: JudgementConvention | None = None  # appraisal/judgement_convention.yaml, if the library has one
    _price_index_cache: dict[str, dict[int, float]] = PrivateAttr(default_factory=dict)

    def deflator_factor(self, from_year: int, to_year: int, uplift: PriceUplift | None = None) -> float:
        """D[to_year] / D[from_year] on the price index (the table, then ``uplift`` or the library's proxy
        past it); raises KeyError if either year is outside it."""
        index = self.price_index(uplift)
        return index[to_year] / index[from_year]

    def deflator_years(self) -> tuple[int, int]:
        """First and last year of the GDP deflator table itself (outturn and any OBR forecast in it)."""
        years = sorted(self.deflator.index)
        return years[0], years[-1]

    def price_years(self, uplift: PriceUplift | None = None) -> tuple[int, int]:
        """First and last year a figure can be priced in: the table, then the years ``uplift`` (or the
        library's proxy) covers."""
        index = self.price_index(uplift)
        return min(index), max(index)

    def price_index(self, uplift: PriceUplift | None = None) -> dict[int, float]:
        """The GDP deflator table extended past its last year by ``uplift`` (your own judgement, per
        cent a year: one number for every year to MAX_UPLIFT_YEARS past the table, or one per year),
        else by the library's proxy rates."""
        key = repr(uplift)
        cache = self._price_index_cache
        if key in cache:
            return cache[key]
        index = dict(self.deflator.index)
        last = max(index)
        if uplift is None:
            rates = dict(self.deflator.proxy.rates) if self.deflator.proxy is not None else {}
        elif isinstance(uplift, dict):
            rates = dict(uplift)
        else:
            rates = {last + k: float(uplift) for k in range(1, MAX_UPLIFT_YEARS + 1)}
        year = last + 1
        while year in rates:
            index[year] = index[year - 1] * (1 + rates[year] / 100)
            year += 1
        cache[key] = index
        return index

    def year_status(self, year: int, uplift: PriceUplift | None = None) -> str:
        """'outturn', 'forecast' (an OBR forecast in the table), 'proxy' (the library's labelled proxy
        past the table) or 'judgement' (your own price_uplift)."""
        last = max(self.deflator.index)
        if year > last:
            return "proxy" if uplift is None else "judgement"
        if self.deflator.forecast_from is not None and year >= self.deflator.forecast_from:
            return "forecast"
        return "outturn"


def _by_id(items: list[Any], model: type[BaseModel], file: str, key: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i, item in enumerate(items):
        obj = validate(model, item, file, f"{key}[{i}]")
        if obj.id in out:
            raise InputError(file, f"{key}[{i}].id", f"duplicate id '{obj.id}'")
        out[obj.id] = obj
    return out


def check_partner(partners: dict[str, Partner], partner: str, file: str, field: str) -> None:
    if partner not in partners:
        raise InputError(file, field, f"unknown partner '{partner}'; known: {', '.join(partners)}")


def check_intervention_refs(
    intervention: Intervention,
    partners: dict[str, Partner],
    unit_costs: dict[str, UnitCost],
    file: str,
    prefix: str,
) -> None:
    for funder in intervention.funded_by:
        check_partner(partners, funder, file, f"{prefix}.funded_by.{funder}")
    for k, outcome in enumerate(intervention.outcomes):
        if outcome.unit_cost not in unit_costs:
            raise InputError(
                file,
                f"{prefix}.outcomes[{k}].unit_cost",
                f"unknown unit cost '{outcome.unit_cost}'; known: {', '.join(sorted(unit_costs))}",
            )
    if intervention.ratio is not None:
        for j, bearer in enumerate(intervention.ratio.benefit_split):
            check_partner(partners, bearer.partner, file, f"{prefix}.ratio.benefit_split[{j}].partner")
            check_fiscal(partners, bearer, file, f"{prefix}.ratio.benefit_split[{j}].value_type")


def check_fiscal(partners: dict[str, Partner], bearer: Bearer, file: str, field: str) -> None:
    """A fiscal saving can only go to a public body: refuse one booked to individuals or the economy."""
    if bearer.value_type in FISCAL_VALUE_TYPES and not partners[bearer.partner].fiscal:
        public = ", ".join(p.id for p in partners.values() if p.fiscal)
        raise InputError(
            file,
            field,
            f"'{bearer.value_type}' is a saving to a public body, but '{bearer.partner}' is not one; "
            f"use economic or social, or a public partner: {public}",
        )


@functools.lru_cache(maxsize=8)
def load_library(root: str | Path = ASSUMPTIONS_DIR) -> Library:
    """Load and cross-check the assumption library in ``root`` (default: the shipped one).

    The result is frozen and cached by path: it is shared by every caller and never changed.
    """
    root = Path(root)
    partners = _by_id(
        _sequence(read_yaml(root / "partners.yaml"), "partners.yaml", "partners"), Partner, "partners.yaml", "partners"
    )
    unit_costs = _by_id(
        _sequence(read_yaml(root / "unit_costs.yaml"), "unit_costs.yaml", "unit_costs"),
        UnitCost,
        "unit_costs.yaml",
        "unit_costs",
    )
    for i, cost in enumerate(unit_costs.values()):
        for j, bearer in enumerate(cost.bearers()):
            field = f"unit_costs[{i}].partner" if not cost.split else f"unit_costs[{i}].split[{j}].partner"
            check_partner(partners, bearer.partner, "unit_costs.yaml", field)
            check_fiscal(partners, bearer, "unit_costs.yaml", field.replace(".partner", ".value_type"))
    raw_interventions = _sequence(read_yaml(root / "interventions.yaml"), "interventions.yaml", "interventions")
    interventions = _by_id(raw_interventions, Intervention, "interventions.yaml", "interventions")
    for i, raw in enumerate(raw_interventions):
        # Every library cost carries its own grade (it sets optimism bias on costs); only a scenario's
        # own cost may fall back to 'low' (see _resolve_intervention).
        if "cost_confidence" not in raw:
            raise InputError(
                "interventions.yaml",
                f"interventions[{i}].cost_confidence",
                "missing: grade the cost figure high, medium or low (with cost_confidence_basis saying why)",
            )
    for i, intervention in enumerate(interventions.values()):
        check_intervention_refs(intervention, partners, unit_costs, "interventions.yaml", f"interventions[{i}]")
    appraisal = root / "appraisal"
    deflator = validate(Deflator, read_yaml(appraisal / "gdp_deflator.yaml"), "gdp_deflator.yaml")
    check_deflator(deflator, "gdp_deflator.yaml")
    schedules_raw = _mapping(read_yaml(appraisal / "discount_schedules.yaml"), "discount_schedules.yaml", "schedules")
    if not isinstance(schedules_raw, dict):
        raise InputError("discount_schedules.yaml", "schedules", "expected a mapping of schedules")
    schedules = {
        str(name): validate(DiscountSchedule, body, "discount_schedules.yaml", f"schedules.{name}")
        for name, body in schedules_raw.items()
    }
    optimism = validate(OptimismBiasTable, read_yaml(appraisal / "optimism_bias.yaml"), "optimism_bias.yaml")
    benchmarks = validate(RatioBenchmarks, read_yaml(root / "ratio_benchmarks.yaml"), "ratio_benchmarks.yaml")
    convention_file = appraisal / "judgement_convention.yaml"
    convention = (
        validate(JudgementConvention, read_yaml(convention_file), "judgement_convention.yaml")
        if convention_file.exists()
        else None
    )
    library = Library(
        partners=partners,
        unit_costs=unit_costs,
        interventions=interventions,
        deflator=deflator,
        discount_schedules=schedules,
        optimism_bias=optimism,
        ratio_benchmarks=benchmarks,
        root=str(root),
        convention=convention,
    )
    for i, cost in enumerate(unit_costs.values()):
        check_deflator_year(library, cost.price_year, "unit_costs.yaml", f"unit_costs[{i}].price_year")
    for i, intervention in enumerate(interventions.values()):
        check_deflator_year(library, intervention.price_year, "interventions.yaml", f"interventions[{i}].price_year")
    return library


# --------------------------------------------------------------------------------------------
# Scenarios


class Scenario(BaseModel):
    """A scenario resolved against the library: the spec as written plus every value it uses."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    spec: ScenarioSpec
    library: Library
    unit_costs: dict[str, UnitCost]
    interventions: tuple[Intervention, ...]
    # What the engine derives from the scenario alone (roi.engine.model.shared_judgements), kept with it: a
    # scenario never changes, and the tornado asks for it on every one of its many engine calls.
    _derived: dict[str, Any] = PrivateAttr(default_factory=dict)
    file: str = "scenario"

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> Scenario:
        """A copy, changed by ``update``, that derives its own figures: what was derived from this
        scenario may not hold for the copy (pydantic's copy would share the same cache)."""
        copy = super().model_copy(update=update, deep=deep)
        copy._derived = {}
        return copy

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def settings(self):  # noqa: ANN201 - Settings
        return self.spec.settings

    def uprating_factor(self, price_year: int) -> float:
        """Factor that takes pounds at ``price_year`` to the scenario's price year."""
        return self.library.deflator_factor(price_year, self.settings.price_year, self.settings.price_uplift)


def check_deflator(deflator: Deflator, file: str) -> None:
    """The table has every year from its first to its last; its base year is in it at 100; outturn comes
    before forecast (forecast_from follows at least one outturn year); the proxy starts where it ends."""
    years = sorted(deflator.index)
    missing = sorted(set(range(years[0], years[-1] + 1)) - set(years))
    if missing:
        listed = ", ".join(map(str, missing[:5])) + (" and more" if len(missing) > 5 else "")
        raise InputError(file, "index", f"a gap in years: {listed} missing; give every year {years[0]} to {years[-1]}")
    got = deflator.index.get(deflator.base_year)
    if got is None or abs(got - 100.0) > 1e-9:
        where = "missing from the index" if got is None else f"{got:g} in the index"
        raise InputError(file, "base_year", f"{deflator.base_year} is {where}; the base year's value must be 100")
    if deflator.forecast_from is not None and not years[0] < deflator.forecast_from <= years[-1] + 1:
        raise InputError(
            file,
            "forecast_from",
            f"{deflator.forecast_from} puts a forecast year before every outturn year; allowed: {years[0] + 1} to "
            f"{years[-1] + 1} (outturn first, then forecast)",
        )
    if deflator.proxy is not None and min(deflator.proxy.rates) != years[-1] + 1:
        raise InputError(file, "proxy.rates", f"starts at {min(deflator.proxy.rates)}; allowed: {years[-1] + 1}")


def outside_message(library: Library, year: int, uplift: PriceUplift | None = None) -> str:
    """'2031 is outside the prices the tool can uprate; allowed: 1990 to 2030 (...)', in one line."""
    low, high = library.price_years(uplift)
    table = library.deflator_years()[1]
    if high == table:
        why = "the GDP deflator table"
    elif uplift is None:
        why = f"the GDP deflator table to {table}, then {library.deflator.proxy.label} as a proxy"  # type: ignore[union-attr]
    else:
        why = f"the GDP deflator table to {table}, then your price_uplift"
    return f"{year} is outside the GDP deflator; allowed: {low} to {high} ({why})"


def check_deflator_year(library: Library, year: int, file: str, field: str, uplift: PriceUplift | None = None) -> None:
    if year not in library.price_index(uplift):
        raise InputError(file, field, outside_message(library, year, uplift))


def check_uplift(library: Library, uplift: PriceUplift | None, file: str, field: str) -> None:
    """A price_uplift by year must start the year after the table and leave no gap."""
    if not isinstance(uplift, dict) or not uplift:
        return
    first = library.deflator_years()[1] + 1
    years = sorted(uplift)
    if years[0] != first:
        raise InputError(file, f"{field}.{years[0]}", f"starts at {years[0]}; give every year from {first}")
    gaps = sorted(set(range(first, years[-1] + 1)) - set(years))
    if gaps:
        raise InputError(file, f"{field}.{gaps[0]}", f"missing: give every year from {first} to {years[-1]}")


def uprating_note(library: Library, years: Iterable[int], uplift: PriceUplift | None = None) -> str | None:
    """One sentence saying that uprating to or from ``years`` uses a forecast, a proxy or your own
    judgement (and which), or None if every year is outturn."""
    table = library.deflator_years()[1]
    status = {y: library.year_status(y, uplift) for y in sorted(set(years))}
    later = [y for y, s in status.items() if s != "outturn"]
    if not later:
        return None
    listed = ", ".join(str(y) for y in later)
    parts = []
    if any(s == "forecast" for s in status.values()):
        parts.append(f"the OBR's forecast in the GDP deflator table (outturn to {library.deflator.last_outturn})")
    if any(s == "proxy" for s in status.values()):
        proxy = library.deflator.proxy
        assert proxy is not None
        rates = "; ".join(f"{y}: {proxy.rates[y]:g}%" for y in range(table + 1, max(later) + 1))
        parts.append(
            f"{proxy.label}, used as a proxy for the GDP deflator past {table} ({rates}), not the deflator itself"
        )
    if any(s == "judgement" for s in status.values()):
        if isinstance(uplift, dict):
            rates = "; ".join(f"{y}: {uplift[y]:g}%" for y in range(table + 1, max(later) + 1))
        else:
            rates = f"{uplift:g}% a year"
        parts.append(f"your own judgement of price growth past {table} ({rates}), not a published figure")
    return f"Uprating with prices of {listed} uses a forecast: " + "; ".join(parts) + "."


def find_file(path_or_name: str | Path, folder: Path, kind: str) -> Path:
    path = checked_path(path_or_name)
    try:
        if path.exists():
            return path
        shipped = folder / f"{path_or_name}.yaml"
        if shipped.parent == folder and shipped.exists():
            return shipped
    except OSError as exc:
        raise InputError(
            printable(path_or_name), "", f"cannot read the file: {exc.strerror or type(exc).__name__}"
        ) from exc
    names = ", ".join(p.stem for p in sorted(folder.glob("*.yaml")))
    raise InputError(printable(path_or_name), "", f"no such file, nor a shipped {kind}; shipped: {names}")


class _SpecDumper(yaml.SafeDumper):
    """SafeDumper whose text keeps every character on a round trip: a string holding a line break
    YAML would fold (NEL U+0085, U+2028, U+2029), a carriage return or a byte-order mark is written
    double-quoted, where those are escaped."""


_READER_RESOLVER = _Resolver()


def _read_as_other_than_text(text: str) -> bool:
    """Whether this project's reader would take the unquoted text for a number, boolean, date or
    null (``1e3``, ``.5e3``, ``yes``, ``2025-04-01``): PyYAML's writer knows only its own YAML 1.1
    forms, which miss some of ours, so those would be written bare and read back as numbers."""
    return _READER_RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) != "tag:yaml.org,2002:str"


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    if any(c in "\x85\u2028\u2029\ufeff\r" for c in text):
        style = '"'
    elif _read_as_other_than_text(text):
        style = "'"
    else:
        style = None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_SpecDumper.add_representer(str, _represent_text)


def dump_spec(spec: BaseModel) -> str:
    """YAML text of a scenario or claim spec, without unset or default fields; reloads identically."""
    data = spec.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    return yaml.dump(data, Dumper=_SpecDumper, sort_keys=False, allow_unicode=True, width=100)


def _elements(data: Any) -> int:
    if isinstance(data, dict):
        return 1 + sum(1 + _elements(v) for v in data.values())
    if isinstance(data, list):
        return 1 + sum(_elements(v) for v in data)
    return 1


def _texts(data: Any, path: str = "") -> Iterable[tuple[str, str]]:
    """Every text in the data (keys included), with the path of the field that holds it."""
    if isinstance(data, dict):
        for key, value in data.items():
            inner = f"{path}.{key}" if path else str(key)
            yield inner, str(key)
            yield from _texts(value, inner)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _texts(value, f"{path}[{index}]")
    elif isinstance(data, str):
        yield path, data


def check_size(spec: ScenarioSpec, file: str) -> ScenarioSpec:
    """Refuse a scenario larger than the app can serve and write back (``roi.inputs.limits``): outcomes per
    intervention, unit-cost overrides, ranged parameters, the length of any text, and the YAML the
    app would write for it (under the upload limit, so what the app writes it can read back)."""
    for i, choice in enumerate(spec.interventions):
        if choice.outcomes is not None and len(choice.outcomes) > limits.MAX_OUTCOMES_PER_INTERVENTION:
            raise InputError(
                file,
                f"interventions[{i}].outcomes",
                f"{len(choice.outcomes):,} outcomes; at most {limits.MAX_OUTCOMES_PER_INTERVENTION} per intervention",
            )
    if len(spec.unit_costs) > limits.MAX_UNIT_COST_OVERRIDES:
        raise InputError(
            file, "unit_costs", f"{len(spec.unit_costs):,} unit costs; at most {limits.MAX_UNIT_COST_OVERRIDES}"
        )
    ranged = sum(1 for cost in spec.unit_costs.values() if cost.low is not None or cost.high is not None)
    for choice in spec.interventions:
        ranged += len(choice.ranges or {})
        ranged += sum(len(outcome.ranges or {}) for outcome in choice.outcomes or ())
    if ranged > limits.MAX_RANGED_PARAMETERS:
        raise InputError(
            file, "ranges", f"{ranged:,} ranged parameters; at most {limits.MAX_RANGED_PARAMETERS} in a scenario"
        )
    data = spec.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    where, longest = max(((path, len(text)) for path, text in _texts(data)), key=lambda t: t[1], default=("", 0))
    if longest > limits.MAX_TEXT_CHARS:
        raise InputError(file, where, f"a text of {longest:,} characters; at most {limits.MAX_TEXT_CHARS:,} in any one")
    elements = _elements(data)
    if elements > limits.MAX_YAML_ELEMENTS // 2:
        raise InputError(
            file, "", f"{elements:,} elements; a scenario may have at most {limits.MAX_YAML_ELEMENTS // 2:,}"
        )
    # Only a large scenario can come near the upload limit (YAML is at most a few times its compact
    # JSON, through indentation and quoting): measure what it writes then.
    if len(spec.model_dump_json(exclude_none=True, exclude_defaults=True)) > MAX_FILE_BYTES // 4:
        size = len(dump_spec(spec).encode("utf-8"))
        if size > MAX_FILE_BYTES:
            raise InputError(file, "", f"it would be {size:,} bytes as YAML; the limit is {MAX_FILE_BYTES:,} (1 MB)")
    return spec


def save_scenario(scenario: Scenario | ScenarioSpec, path: str | Path) -> Path:
    """Write a scenario's spec to YAML. Loading it again gives an identical scenario and result."""
    spec = scenario.spec if isinstance(scenario, Scenario) else scenario
    path = Path(path)
    path.write_text(dump_spec(spec), encoding="utf-8")
    return path
