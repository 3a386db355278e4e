"""User text never acts as Markdown on Check a claim, Make the deal, the saved-work sidebar and banner,
and History; and never becomes a formula in the claim's or the deal's workbook.

Each place is fed the hostile text of test_markdown_escaping (an outside image, a link, HTML, a colour
directive and an autolink) through the way a user would bring it: a shared link, an uploaded file,
a typed value, or a saved document. Every element Streamlit renders as Markdown is then read: bodies
(title, headers, markdown, caption, alerts), and the labels, help texts and option texts Streamlit
also renders as Markdown (widgets, expanders, tabs, popovers, metrics, radio and pill options).
Tables, data frames, code and select-box options are shown as text by Streamlit and are not read.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import openpyxl
import pytest
import yaml
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import element_tree as tree

import roi
from roi.analysis import claims, deal
from roi.inputs import share
from roi.inputs.schema import ClaimSpec
from roi.outputs import claim_report, export
from store import LOCAL_WORKSPACE, Store
from tests.conftest import workbook_texts
from ui.text import md

from .test_markdown_escaping import APP, EVIL, RAW, hostile_spec

TIMEOUT = 90
CLAIM_PAGE = "pages/5_Check_a_claim.py"
DEAL_PAGE = "pages/7_Make_the_deal.py"
HISTORY_PAGE = "pages/8_History.py"
FORMULA = '=HYPERLINK("https://evil.example","click")'
EMAIL = "![p](https://evil.example/p.png)<b>x</b>:red[r]@evil.example"  # passes the store's email check


def markdown_texts(at: AppTest) -> Iterator[str]:
    """Every string on the page (main area and sidebar) that Streamlit renders as Markdown."""
    for node in at._tree:
        if isinstance(node, (tree.Markdown, tree.HeadingBase, tree.AlertBase, tree.Toast)):
            yield str(node.value)
        if isinstance(node, tree.Block):  # expanders, tabs and statuses have a label; a popover's is in its proto
            texts = [node.proto.popover.label if node.type == "popover" else getattr(node, "label", None)]
        else:
            texts = [getattr(node, "label", None), getattr(node, "help", None)]
        if isinstance(node, (tree.Radio, tree.ButtonGroup)):
            texts += list(node.options)
        yield from (t for t in texts if isinstance(t, str))


def assert_nothing_raw(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    for text in markdown_texts(at):
        for raw in RAW:
            assert raw not in text, (raw, text)


def shown(at: AppTest, text: str) -> bool:
    """True when ``text`` is on the page, escaped: the hostile text did reach it (so the test means something)."""
    return any(md(text) in t for t in markdown_texts(at))


def test_the_walker_reads_widget_labels_options_and_help():
    at = AppTest.from_string(
        "import streamlit as st\n"
        "st.radio('r', ['a', 'b'], format_func=lambda o: o + '!', help='h')\n"
        "with st.expander('e'):\n"
        "    st.number_input('n', help='nh')\n"
        "with st.popover('p'):\n"
        "    st.button('b')\n"
        "st.tabs(['t1'])\n"
        "st.metric('m', 1, help='mh')\n"
        "st.selectbox('s', ['opt'])\n"
        "st.caption('c')\n"
    ).run()
    found = set(markdown_texts(at))
    assert {"r", "a!", "b!", "h", "e", "n", "nh", "p", "b", "t1", "m", "mh", "s", "c"} <= found
    assert "opt" not in found  # select-box options are shown as text


# -- Check a claim ---------------------------------------------------------------------------------


def hostile_claim() -> ClaimSpec:
    """EVIL in every free-text field a claim has, shaped so that the flags quote the line names and schemes."""
    return claims.parse(
        yaml.safe_dump(
            {
                "claim": EVIL,
                "claimed_saving": 900_000,
                "period_weeks": 26,
                "price_year": 2023,
                "ratio_per_pound": 40,
                "ratio_kind": EVIL,
                "note": EVIL,
                "savings": [
                    {
                        "label": f"{EVIL} one",
                        "unit_cost": "bed_day",
                        "quantity": 700,
                        "value": 900,
                        "partner": "county_asc",
                        "value_type": "fiscal_cashable",
                        "intervention": f"{EVIL} scheme",
                        "cost_basis": "own",
                        "own_value": 350,
                        "own_value_note": EVIL,
                    },
                    {"label": f"{EVIL} two", "unit_cost": "bed_day", "quantity": 100, "intervention": f"{EVIL} other"},
                    {
                        "label": f"{EVIL} three",
                        "quantity": 1,
                        "value": 53_476,
                        "partner": "nhs_acute",
                        "value_type": "fiscal_cashable",
                    },
                ],
            }
        ),
        "hostile-claim.yaml",
    )


def on_claim_page(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    at.run()
    at.switch_page(CLAIM_PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="module")
def linked_claim() -> AppTest:
    return on_claim_page({claims.LINK_PARAM: claims.to_link(hostile_claim())})


def test_a_linked_hostile_claim_shows_its_names_flags_and_lines_as_text(linked_claim):
    at = linked_claim
    assert at.session_state["claim"] == hostile_claim()
    flags = [w.value for w in at.warning]
    assert any(md(f"{EVIL} one") in f for f in flags), flags  # a line name, quoted by its flags
    assert any(md(f"{EVIL} scheme") in f for f in flags), flags  # the schemes of a double count
    assert_nothing_raw(at)


def test_an_uploaded_hostile_claim_shows_as_text(linked_claim):
    at = on_claim_page()
    text = roi.dump_spec(hostile_claim())
    at.file_uploader(key="claim-upload").upload("hostile.yaml", text.encode(), "application/x-yaml").run()
    assert at.session_state["claim"] == hostile_claim()
    assert shown(at, f"{EVIL} three")
    assert_nothing_raw(at)


def test_a_rejected_upload_and_link_echo_the_value_and_file_name_as_text():
    data = hostile_claim().model_dump(mode="json", exclude_none=True)
    data["savings"][0]["partner"] = "[x](https://evil.example)"
    at = on_claim_page({claims.LINK_PARAM: claims.to_link(ClaimSpec.model_validate(data))})
    assert any("blank claim is shown instead" in e.value for e in at.error), [e.value for e in at.error]
    assert shown(at, "[x](https://evil.example)")
    assert_nothing_raw(at)
    at.file_uploader(key="claim-upload").upload(
        "![x](https:evil.example).yaml", yaml.safe_dump(data).encode(), "application/x-yaml"
    ).run()
    assert any("unchanged" in e.value for e in at.error), [e.value for e in at.error]
    assert shown(at, "[x](https://evil.example)") and shown(at, "![x](https:evil.example).yaml")
    assert_nothing_raw(at)


def test_a_typed_line_name_and_title_show_as_text(linked_claim):
    at = on_claim_page()
    generation = at.session_state["claim_generation"]
    at.text_input(key=f"claim{generation}-title").input(EVIL).run()
    at.text_input(key=f"claim{generation}-l0-label").input(EVIL).run()
    assert at.session_state["claim"].savings[0].label == EVIL
    assert_nothing_raw(at)


def test_the_claim_workbook_writes_hostile_text_as_text_never_formulas():
    data = hostile_claim().model_dump(mode="json", exclude_none=True)
    data["claim"] = FORMULA
    for line, label in zip(data["savings"], ("+1+cmd|' /C calc'!A0", "@SUM(1,1)", "-2+3"), strict=True):
        line["label"] = label
    data["savings"][0]["intervention"] = "=1+1"
    check = claims.check_claim(claims.validate_claim(data, "hostile.yaml"))
    book = openpyxl.load_workbook(io.BytesIO(claim_report.workbook(check)))
    seen = workbook_texts(book)
    assert "'+1+cmd|' /C calc'!A0" in seen and "'@SUM(1,1)" in seen and "'-2+3" in seen
    assert book["Claim as stated"]["A1"].value.startswith("'" + FORMULA)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(claim_report.pdf(check))).pages)
    assert "HYPERLINK" in text and "@SUM(1,1)" in text  # the report prints the names as written


# -- Make the deal ---------------------------------------------------------------------------------


def dealt_spec(label: str = EVIL):
    spec = hostile_spec()
    agreed = deal.propose(roi.run(roi.resolve(spec)), "cash_break_even")
    dealt = deal.apply_deal(spec, agreed)
    return dealt.model_copy(update={"deal": dealt.deal.model_copy(update={"label": label})})


def on_deal_page(spec) -> AppTest:  # noqa: ANN001
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["s"] = share.encode(spec)
    at.run()
    assert_nothing_raw(at)  # the Overview's deal sentence too
    at.switch_page(DEAL_PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="module")
def deal_page() -> AppTest:
    return on_deal_page(dealt_spec())


def test_a_linked_deal_shows_its_label_and_the_scenarios_labels_as_text(deal_page):
    assert any(f"**{md(EVIL)}**" in s.value for s in deal_page.success)
    assert_nothing_raw(deal_page)


@pytest.mark.parametrize("rule", ["custom", "gain_share", "proportional", "equal_return"])
def test_every_rule_shows_hostile_labels_as_text(deal_page, rule):
    deal_page.segmented_control(key="deal-rule").set_value(rule).run()
    if rule == "gain_share":
        assert shown(deal_page, EVIL)  # the outcome paid on is a hostile unit-cost label
    if rule == "custom":  # shares that do not sum to 100 are refused, with the partners named
        deal_page.number_input(key=deal_page.number_input[0].key).set_value(99.0).run()
        assert deal_page.error
    assert_nothing_raw(deal_page)


def test_a_deal_that_no_longer_applies_shows_its_label_as_text():
    spec = dealt_spec()
    first = spec.interventions[0].model_copy(update={"funded_by": {"district": 1.0}})
    at = on_deal_page(spec.model_copy(update={"interventions": (first, *spec.interventions[1:])}))
    assert any(md(EVIL) in w.value and "no longer applies" in w.value for w in at.warning)
    assert_nothing_raw(at)


def test_the_deal_workbook_writes_the_deal_label_as_text_never_a_formula():
    spec = dealt_spec(FORMULA)
    result = roi.run(roi.resolve(spec.model_copy(update={"name": "@" + FORMULA[1:]})))
    book = openpyxl.load_workbook(io.BytesIO(export.workbook(result)))
    assert "Heads of terms" in book.sheetnames
    workbook_texts(book)  # asserts no formula anywhere
    terms = book["Heads of terms"]["A1"]  # the label is quoted in the terms, written as text
    assert terms.data_type == "s" and f"'{FORMULA}'" in terms.value
    assert book["Headline"]["A1"].value.startswith("'@HYPERLINK")  # the scenario's name, neutralised


# -- Saved work: sidebar, banner and History -------------------------------------------------------


@pytest.fixture(scope="module")
def saved_work(tmp_path_factory) -> Iterator[dict[str, str]]:
    """A database with a hostile workspace, document (name, description, message) and member."""
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile-store')}/app.sqlite"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ROI_DATABASE_URL", url)
        local = Store(url).local()
        local.create_workspace(LOCAL_WORKSPACE)
        workspace = local.create_workspace(EVIL)
        version = local.create(
            workspace.id, "scenario", EVIL, roi.dump_spec(hostile_spec()), f"{EVIL} first", description=EVIL
        )
        local.create(workspace.id, "scenario", f"{EVIL} taken", roi.dump_spec(hostile_spec()), EVIL)
        local.set_member(workspace.id, EMAIL, "editor")
        local.share(version.document_id)
        yield {"url": url, "doc": version.document_id}


def open_saved(saved_work: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["doc"] = saved_work["doc"]
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["doc"].name == EVIL
    return at


def test_the_sidebar_shows_a_hostile_document_and_workspace_as_text(saved_work):
    at = open_saved(saved_work)
    assert shown(at, EVIL)  # the workspace, in the sidebar's version line
    assert_nothing_raw(at)


def test_saving_with_a_hostile_message_and_name_shows_them_as_text(saved_work):
    at = open_saved(saved_work)
    at.text_input(key="save-message").set_value(f"{EVIL} second")
    at.button(key="save-button").click().run()
    assert any(md(EVIL) in s.value for s in at.success), [s.value for s in at.success]
    assert_nothing_raw(at)
    at.text_input(key="save-as-name").set_value(EVIL)  # already used: refused, naming it
    at.text_input(key="save-as-message").set_value(EVIL)
    at.button(key="save-as-button").click().run()
    assert any("already used" in e.value for e in at.error), [e.value for e in at.error]
    assert_nothing_raw(at)
    at.text_input(key="save-as-name").set_value(f"{EVIL} copy")
    at.button(key="save-as-button").click().run()
    assert any(md(f"{EVIL} copy") in s.value for s in at.success), [s.value for s in at.success]
    assert_nothing_raw(at)


def test_a_save_that_meets_a_newer_version_names_the_document_as_text(saved_work):
    mine, theirs = open_saved(saved_work), open_saved(saved_work)
    theirs.text_input(key="save-message").set_value("theirs")
    theirs.button(key="save-button").click().run()
    mine.text_input(key="save-message").set_value("mine")
    mine.button(key="save-button").click().run()
    assert any("newer version" in w.value for w in mine.warning), [w.value for w in mine.warning]
    assert_nothing_raw(mine)


def test_the_history_page_shows_hostile_names_messages_and_members_as_text(saved_work):
    at = open_saved(saved_work)
    at.text_input(key="save-message").set_value(f"{EVIL} for the history")
    at.button(key="save-button").click().run()
    at.switch_page(HISTORY_PAGE).run()
    assert shown(at, EVIL)  # the workspace, in the document's line
    assert_nothing_raw(at)
    at.text_input(key="member-email").set_value(EMAIL)
    at.selectbox(key="member-role").select("viewer")
    at.button(key="member-set").click().run()
    assert any(md(EMAIL) in s.value for s in at.success), [s.value for s in at.success]
    assert_nothing_raw(at)
    at.text_input(key="history-name").set_value(f"{EVIL} taken")  # refused, quoting the name
    at.button(key="history-rename").click().run()
    assert any(md(f"{EVIL} taken") in e.value for e in at.error), [e.value for e in at.error]
    assert_nothing_raw(at)
    doc = at.session_state["doc"].id
    at.selectbox(key=f"history-pick-{doc}").set_value(1).run()
    at.button(key="history-restore").click().run()
    assert any("restored" in s.value for s in at.success), [s.value for s in at.success]
    assert_nothing_raw(at)
