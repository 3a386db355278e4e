"""Code health: every value in assumptions/ has a unit, a price year and a source (or is a local example)."""

from __future__ import annotations

import ast
from pathlib import Path

import roi
from roi.library import ASSUMPTIONS_DIR, read_yaml

ROOT = Path(__file__).resolve().parents[1]


def test_every_unit_cost_has_unit_price_year_range_and_source(library):
    for cost in library.unit_costs.values():
        assert cost.unit.startswith("per "), cost.id
        assert 1990 <= cost.price_year <= 2024, cost.id
        assert cost.low is not None and cost.high is not None, f"{cost.id} has no range"
        assert cost.range_note, f"{cost.id}: say where its range comes from"
        source = cost.source
        documented = source.publication and source.publisher and source.quote and source.location
        assert source.local_example or documented, cost.id


def test_every_intervention_cost_volume_and_effect_is_sourced(library):
    for intervention in library.interventions.values():
        for source in (intervention.cost_source, intervention.volume_source):
            assert source.local_example or source.quote, intervention.id
        for outcome in intervention.outcomes:
            assert outcome.source.local_example or outcome.source.quote, intervention.id
            assert outcome.adjustments_source is not None, f"{intervention.id}: adjustments need a source"
        if intervention.ratio:
            assert intervention.ratio.source.quote and intervention.ratio.split_source, intervention.id


def test_the_falls_outlier_is_never_a_default(library):
    for intervention in library.interventions.values():
        if intervention.ratio:
            assert intervention.ratio.value_per_pound != 108.27
            assert intervention.ratio.value_per_pound <= library.ratio_benchmarks.plausible_max_per_pound
    assert any(b.outlier and b.value_per_pound == 108.27 for b in library.ratio_benchmarks.benchmarks)


def test_ratio_based_interventions_are_marked_in_outputs():
    library = roi.load_library()
    ratio_ids = {i.id for i in library.interventions.values() if i.ratio_based}
    assert {"handyperson", "adaptations_ratio", "falls_prevention"} <= ratio_ids


def test_optimism_bias_table_is_labelled_a_local_assumption(library):
    assert library.optimism_bias.source.local_example
    assert "LOCAL ASSUMPTION" in (ASSUMPTIONS_DIR / "appraisal" / "optimism_bias.yaml").read_text()


def test_every_appraisal_table_names_its_source(library):
    assert not library.deflator.source.local_example and library.deflator.source.quote
    for schedule in library.discount_schedules.values():
        assert schedule.source.quote


def test_uses_icb_not_ccg_or_stp_in_partner_labels():
    text = (ASSUMPTIONS_DIR / "partners.yaml").read_text()
    assert "CCG" not in text and "STP" not in text and "ICB" in text


def test_the_model_never_imports_streamlit():
    for path in (ROOT / "roi").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, (ast.Import, ast.ImportFrom)) else []
            module = node.module if isinstance(node, ast.ImportFrom) else ""
            assert "streamlit" not in (module or "") and not any(n.startswith("streamlit") for n in names), path


def test_every_shipped_yaml_loads_safely():
    for path in ASSUMPTIONS_DIR.rglob("*.yaml"):
        assert read_yaml(path) is not None, path


def test_docs_sources_is_in_step_with_the_library():
    import importlib.util

    spec = importlib.util.spec_from_file_location("write_sources_doc", ROOT / "scripts" / "write_sources_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    assert committed == module.render(), "docs/sources.md is out of date: run python scripts/write_sources_doc.py"
