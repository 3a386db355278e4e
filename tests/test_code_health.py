"""Code health: every value in assumptions/ has a unit, a price year and a source (or is a local example)."""

from __future__ import annotations

import ast
from pathlib import Path

import roi
from roi.inputs.library import ASSUMPTIONS_DIR, read_yaml

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
    assert {"handyperson", "adaptations_ratio"} <= ratio_ids
    assert "falls_prevention" not in ratio_ids  # outcome-based from the Cochrane rate ratio


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


# -- Issue 10: every effect cites a publication or is a marked local judgement; volumes are rates ----------

from roi.analysis.evidence import load_convention  # noqa: E402
from roi.inputs.schema import GRADE_CONFIDENCE, Source  # noqa: E402

GRADE_ORDER = {"red": 0, "amber": 1, "green": 2}


def _documented_or_judgement(source: Source | None, what: str) -> None:
    assert source is not None, f"{what}: no source"
    if source.local_example:
        assert source.note and len(source.note) > 20, f"{what}: a local judgement must say what it stands for"
    else:
        assert source.publication and source.publisher and source.quote and source.location, what
    assert not source.user_figure, f"{what}: the library never ships a user's figure"


def _effect_sources(intervention):  # noqa: ANN001, ANN202
    for k, outcome in enumerate(intervention.outcomes):
        where = f"{intervention.id}.outcomes[{k}]"
        yield f"{where}.source", outcome.source
        yield f"{where}.adjustments_source", outcome.adjustments_source
        if outcome.rate_effect is not None:
            yield f"{where}.rate_effect.baseline_source", outcome.rate_effect.baseline_source
            if outcome.rate_effect.share_costed != 1:
                yield f"{where}.rate_effect.share_source", outcome.rate_effect.share_source
            if outcome.rate_effect.alternative is not None:
                yield f"{where}.rate_effect.alternative.source", outcome.rate_effect.alternative.source
        if outcome.duration_source is not None:
            yield f"{where}.duration_source", outcome.duration_source
    if intervention.ratio is not None:
        yield f"{intervention.id}.ratio.source", intervention.ratio.source
        yield f"{intervention.id}.ratio.split_source", intervention.ratio.split_source


def test_every_effect_parameter_cites_a_publication_or_is_a_marked_local_judgement(library):
    for intervention in library.interventions.values():
        for what, source in _effect_sources(intervention):
            _documented_or_judgement(source, what)


def test_every_effect_has_a_grade_and_the_intervention_confidence_follows_the_weakest(library):
    for intervention in library.interventions.values():
        effects = [o.source for o in intervention.outcomes]
        effects += [intervention.ratio.source] if intervention.ratio else []
        assert effects, intervention.id
        grades = [s.grade for s in effects]
        assert all(grades), f"{intervention.id}: every effect needs a red/amber/green grade"
        weakest = min(grades, key=GRADE_ORDER.__getitem__)
        assert intervention.confidence == GRADE_CONFIDENCE[weakest], intervention.id
        for source in effects:
            if source.grade != "red" or not source.local_example:
                assert source.design, f"{intervention.id}: say the study design behind the effect"


def test_every_shipped_volume_is_a_rate_per_100000_with_its_basis(library):
    for intervention in library.interventions.values():
        assert intervention.cases_per_100k is not None, f"{intervention.id}: give cases_per_100k"
        basis = intervention.volume_source
        _documented_or_judgement(basis, f"{intervention.id}.volume_source")
        if not basis.local_example:
            assert basis.derivation and "100,000" in basis.derivation, f"{intervention.id}: show the rate's derivation"


def test_judgements_at_the_convention_carry_exactly_the_conventions_values(library):
    convention = load_convention()
    for intervention in library.interventions.values():
        for k, outcome in enumerate(intervention.outcomes):
            source = outcome.adjustments_source
            if source is None or not source.convention:
                assert source is not None and not source.local_example, f"{intervention.id}.outcomes[{k}]"
                continue
            kind = convention.controlled if "control group or a stated" in source.note else convention.uncontrolled
            for name in ("deadweight", "displacement", "attribution"):
                value = kind[name]
                assert getattr(outcome, name) == value.central, (intervention.id, name)
                expected = (value.low, value.high) if value.low is not None else None
                assert outcome.ranges.get(name) == expected, (intervention.id, name)
            drop = kind.get("drop_off")
            if outcome.duration_source is not None:
                continue  # duration and drop-off with their own stated basis (a judgement), not the convention's
            if outcome.duration_years == 1 or kind is convention.controlled:
                assert outcome.drop_off == 0, (intervention.id, "no drop-off within one year")
            else:
                published = kind["drop_off_when_duration_published"].central
                assert outcome.drop_off in (drop.central, published), (intervention.id, "drop_off")


def test_user_facing_text_never_says_seed(library):
    texts = [i.model_dump_json() for i in library.interventions.values()]
    texts += [c.model_dump_json() for c in library.unit_costs.values()]
    assert not any("seed" in t.lower() for t in texts)


def test_the_flagged_1996_to_1997_deflator_step_reaches_no_shipped_figure(library):
    # The copy of the deflator we read rises only 0.04% from 1996 to 1997 (HM Treasury's own older
    # table: about 2.5-3.5% a year then). Until it is checked against the December 2025 table, no
    # shipped figure may need it.
    index = library.deflator.index
    assert index[1997] / index[1996] - 1 < 0.001 and "1996 to 1997" in library.deflator.source.note
    years = [c.price_year for c in library.unit_costs.values()] + [i.price_year for i in library.interventions.values()]
    assert min(years) >= 1998


# -- Issue 26 part 4: the licence and the read mark of every figure ------------------------------------------


def _count_script():  # noqa: ANN202
    import importlib.util

    spec = importlib.util.spec_from_file_location("count_figures", ROOT / "scripts" / "count_figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_source_in_assumptions_has_a_licence_and_a_read_mark():
    script = _count_script()
    paths = script.library_paths()
    assert {p.name for p in paths} >= {"unit_costs.yaml", "interventions.yaml", "claim_defaults.yaml"}
    missing = []
    for path in paths:
        for block in script.source_blocks(read_yaml(path)):
            if block.get("local_example") or block.get("user_figure"):
                assert block.get("note"), f"{path.name}: a local judgement needs a note"
                continue  # the project's own judgement: its mark is 'local judgement', no third-party licence
            where = f"{path.name}: {block.get('publication')}"
            assert block.get("read") in ("original", "secondary", "unverified"), f"{where}: no read mark"
            if not block.get("licence"):
                missing.append(where)
    assert not missing, f"sources without a licence: {missing}"


def test_every_ratio_benchmark_names_its_licence(library):
    for benchmark in library.ratio_benchmarks.benchmarks:
        assert benchmark.licence, benchmark.id


def test_nothing_forbidden_is_shipped():
    text = "\n".join(p.read_text(encoding="utf-8") for p in ASSUMPTIONS_DIR.rglob("*.yaml")).lower()
    assert "hact" not in text and "social value bank" not in text
    assert "nc-sa" not in text and "unit costs of health and social care 2024" not in text
    sources_doc = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    assert "PSSRU/CHE *Unit Costs of Health and Social Care 2024 Manual*" in sources_doc
    assert "HACT Social Value Bank values" in sources_doc


def test_the_page_counts_match_a_count_made_by_script_from_the_yaml(library):
    from roi.analysis.evidence import library_counts_text, library_figure_counts

    by_script = _count_script().count()
    by_model = library_figure_counts(library)
    assert by_model == by_script
    assert by_script["published"] + by_script["judgement"] == by_script["total"]
    assert by_script["verified"] + by_script["unverified"] == by_script["published"]
    # The figures that could not be read: the 69% homelessness share (a volume) and two range ends
    # (GP £35-£46 from a UCD comment; A&E £148 from the HFMA summary that also gave the dropped £313).
    assert by_script["unverified"] == 1 and by_script["unverified_ranges"] == 2
    assert f"{by_script['published']:,} published" in library_counts_text(by_model)
    page = (ROOT / "pages" / "2_Assumptions_and_evidence.py").read_text(encoding="utf-8")
    assert "library_figure_counts(scenario.library)" in page
