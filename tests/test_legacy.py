"""Importing legacy hand-written comparison pages, on the real torch and MegEngine.

The fixtures under tests/data/legacy/ are our own short pages in the legacy
layout. The real legacy pages (MegEngine's documentation, CC BY-SA) live
beside the repository in ../shared when it is there; those tests skip without it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from sphinx_apidiff.authoring import yamltext
from sphinx_apidiff.authoring.draft import draft_pair
from sphinx_apidiff.authoring.legacy import NotAComparisonPage, import_legacy, parse_legacy
from sphinx_apidiff.execution.engine import Engine
from sphinx_apidiff.model import spec
from sphinx_apidiff.model.schema import SCHEMA_ID

from .conftest import SHARED, needs_shared

DATA = Path(__file__).parent / "data" / "legacy"


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    cache = tmp_path_factory.mktemp("legacy-cache")
    with Engine(
        pythons={"megengine": os.environ["APIDIFF_PYTHON_MEGENGINE"]}, cache_path=cache
    ) as eng:
        yield eng


def load(yaml_text: str) -> spec.PairSpec:
    pair, diags = spec.parse_pair(yaml_text, "x.yaml")
    assert diags == []
    assert pair is not None
    return pair


def assert_rows_are_real(pair: spec.PairSpec, engine: Engine) -> None:
    """Every parameter name in the rows is in the real signature of its API."""
    sigs = engine.signatures(pair.apis.items())
    for row in pair.params:
        for fw, name in row.names.items():
            sig = sigs[(fw, pair.apis[fw])].signature
            assert sig is not None and name in sig.names(), (fw, name)


def rows(pair: spec.PairSpec) -> list[dict[str, str]]:
    return [row.names for row in pair.params]


def read(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


# -- what the page says ------------------------------------------------------------------------


def test_parse_reads_the_page_as_written():
    page = parse_legacy(read("avg_pool_zh.rst"))
    assert page.title == "AvgPool" and page.id == "avg-pool"
    assert page.language == "zh_CN"
    assert [p.api for p in page.panels] == ["torch.nn.AvgPool", "megengine.module.AvgPool2d"]
    assert page.panels[0].signature.startswith("torch.nn.MaxPool2d(")
    assert page.panels[0].line == 9
    assert [(p.name, p.line) for p in page.params] == [("ceil_mode", 49), ("padding_mode", 53)]
    # the rename paragraph sits in the padding_mode subsection but is not about it
    assert page.params[1].note == "MegEngine 中没有 ``padding_mode`` 参数。"
    assert page.renames == [("count_include_pad", "mode")]
    assert page.usage.startswith("两者都做二维平均池化")
    assert len(page.code_blocks) == 1 and "megengine.module.avg_pool(2)" in page.code_blocks[0]
    assert page.code_meta[0][1] == "示例："


def test_parse_english_page():
    page = parse_legacy(read("dropout_en.rst"))
    assert page.title == "Dropout" and page.language == "en"
    assert page.summary == "Both zero each element with a given probability."
    assert [p.name for p in page.params] == ["inplace"]
    assert page.renames == [("p", "drop_prob")]
    assert ".. rubric:: Behaviour in evaluation mode" in page.usage
    assert any("Other notes" in item for item in page.unmapped)
    # a stray line at column 0 does not end the panels (docutils would end them)
    assert [p.api for p in page.panels] == ["torch.nn.Dropout", "megengine.module.Dropout"]
    assert "stray line ':' inside the panels (line 20)" in page.unmapped
    # ``.. code-block::: python`` (three colons) is still a code block
    assert page.code_blocks == ["import torch\ny = torch.nn.Dropout(0.2)(torch.ones(3))"]


def test_not_a_comparison_page(engine):
    with pytest.raises(NotAComparisonPage):
        parse_legacy(read("overview.rst"))
    with pytest.raises(NotAComparisonPage):
        import_legacy(read("overview.rst"), engine)
    one_framework = read("dropout_en.rst").replace("megengine.module.Dropout", "torch.nn.Dropout")
    with pytest.raises(NotAComparisonPage, match="one framework"):
        parse_legacy(one_framework)
    assert issubclass(NotAComparisonPage, ValueError)


# -- checked against the real libraries ----------------------------------------------------


@pytest.mark.megengine
def test_import_corrects_and_reports(engine):
    result = import_legacy(read("avg_pool_zh.rst"), engine, source="avg_pool_zh.rst")
    text = result.yaml_text
    assert text.splitlines()[0] == f"# yaml-language-server: $schema={SCHEMA_ID}"
    pair = load(text)
    # the class name that does not exist is corrected from the name the example uses
    assert pair.apis == {"torch": "torch.nn.AvgPool2d", "megengine": "megengine.module.AvgPool2d"}
    assert any(
        c.startswith("torch.nn.AvgPool does not exist; using torch.nn.AvgPool2d")
        for c in result.corrections
    )
    notes = "\n".join(result.notes)
    assert "shows torch.nn.MaxPool2d(...), not torch.nn.AvgPool" in notes  # code-block API
    assert "gives 'stride' no default (real: None)" in notes  # missing default
    assert "mode='average' (real: mode='average_count_exclude_padding')" in notes
    assert "'padding_mode'" in notes  # a subsection naming no real parameter
    # one row per subsection that names a real parameter, plus the rename
    assert rows(pair) == [
        {"torch": "ceil_mode"},
        {"torch": "count_include_pad", "megengine": "mode"},
    ]
    assert pair.params[0].note == {
        "zh_CN": "PyTorch 用 ``ceil_mode`` 选择输出尺寸向上取整，MegEngine 总是向下取整。"
    }
    assert_rows_are_real(pair, engine)
    assert pair.usage == {
        "zh_CN": "两者都做二维平均池化。边界窗口含有填充值时，两者的默认除数不同。"
    }
    # the example is a comment, not an example
    assert pair.examples == []
    assert "# Legacy example, kept for review (it was never run):" in text
    assert "# m_pool = megengine.module.avg_pool(2)" in text
    assert "never run" in notes
    # keys in order, Chinese readable
    assert list(yaml.safe_load(text)) == ["id", "title", "apis", "usage", "params"]
    assert "两者都做二维平均池化" in text


@pytest.mark.megengine
def test_import_english_page(engine):
    result = import_legacy(read("dropout_en.rst"), engine)
    pair = load(result.yaml_text)
    assert pair.id == "dropout-en" and pair.title == "Dropout"
    assert pair.summary == {"en": "Both zero each element with a given probability."}
    assert set(pair.usage) == {"en"}
    assert rows(pair) == [{"torch": "inplace"}, {"torch": "p", "megengine": "drop_prob"}]
    assert pair.params[1].note == {
        "en": "``p`` in PyTorch corresponds to ``drop_prob`` in MegEngine."
    }
    assert_rows_are_real(pair, engine)
    assert result.corrections == []
    assert any("drop_prob=0.5 (real: drop_prob=0.0)" in n for n in result.notes)
    assert any(n.startswith("not mapped: section 'Other notes'") for n in result.notes)
    assert "# y = torch.nn.Dropout(0.2)(torch.ones(3))" in result.yaml_text


@pytest.mark.megengine
def test_page_without_panels(engine):
    """No panels: the APIs the page names most that match its title (conv.rst is like this)."""
    page = parse_legacy(read("flatten_no_panels_zh.rst"))
    assert [(p.api, p.inferred) for p in page.panels] == [
        ("torch.flatten", True),
        ("megengine.functional.flatten", True),
    ]
    result = import_legacy(read("flatten_no_panels_zh.rst"), engine)
    pair = load(result.yaml_text)
    assert pair.apis == {"torch": "torch.flatten", "megengine": "megengine.functional.flatten"}
    assert any(n.startswith("the page has no panels") for n in result.notes)
    assert "not mapped: admonition '参数名不同' (line 7)" in result.notes


def test_variants_told_apart_by_parameters_then_2d(engine):
    page = read("dropout_en.rst").replace("torch.nn.Dropout", "torch.nn.InstanceNorm")
    page = page.replace("p=0.5,\n        inplace=False", "num_features")
    result = import_legacy(page, engine)
    assert load(result.yaml_text).apis["torch"] == "torch.nn.InstanceNorm2d"
    assert "chose the 2-D one" in result.corrections[0]


@pytest.mark.megengine
def test_renames_never_name_what_does_not_exist(engine):
    page = read("dropout_en.rst").replace(
        "corresponds to ``drop_prob``", "corresponds to ``keep_prob``"
    )
    page = page.replace("drop_prob=0.5", "keep_prob=0.5")
    result = import_legacy(page, engine)
    pair = load(result.yaml_text)
    assert rows(pair) == [{"torch": "inplace"}]
    assert any("has no parameter 'keep_prob'" in n for n in result.notes)


# -- the real legacy pages -------------------------------------------------------------------


@pytest.mark.megengine
@needs_shared("seed", "instance_norm_legacy.rst")
def test_seed_page(engine):
    result = import_legacy(
        (SHARED / "seed" / "instance_norm_legacy.rst").read_text("utf-8"), engine
    )
    pair = load(result.yaml_text)
    assert pair.apis["torch"] == "torch.nn.InstanceNorm2d"
    assert any("using torch.nn.InstanceNorm2d" in c for c in result.corrections)
    assert any("torch.nn.Dropout" in n for n in result.notes)
    assert {"torch": "num_features", "megengine": "num_channels"} in rows(pair)
    assert {"torch": "track_running_stats"} in rows(pair)
    assert_rows_are_real(pair, engine)
    assert "# Legacy example, kept for review (it was never run):" in result.yaml_text


@pytest.mark.megengine
@needs_shared("legacy")
def test_every_legacy_page(engine):
    pages = sorted((SHARED / "legacy").glob("*.rst"))
    assert len(pages) == 24
    refused = []
    for path in pages:
        try:
            result = import_legacy(path.read_text("utf-8"), engine, source=str(path))
        except NotAComparisonPage:
            refused.append(path.name)
            continue
        pair = load(result.yaml_text)
        assert_rows_are_real(pair, engine)
    assert refused == ["_index_comparison.rst"]


@pytest.mark.megengine
def test_draft_and_import_write_through_one_yaml_writer(engine, monkeypatch):
    """`new` and `import` both write their YAML with yamltext: an id that YAML would read as
    a boolean ('yes', from a file pairs/yes.yaml or a label comparison-yes) is quoted the
    same way by both, and both documents are the writer's."""
    written: list[str] = []
    document = yamltext.Mapping.document

    def spy(self: yamltext.Mapping) -> str:
        written.append(document(self))
        return written[-1]

    monkeypatch.setattr(yamltext.Mapping, "document", spy)
    drafted, _ = draft_pair(
        {"torch": "torch.nn.ReLU", "megengine": "megengine.module.ReLU"}, engine, "yes"
    )
    page = read("dropout_en.rst").replace(".. _comparison-dropout-en:", ".. _comparison-yes:")
    imported = import_legacy(page, engine).yaml_text
    assert written == [drafted, imported]
    line = f"id: {yamltext.scalar('yes')}"
    assert line == 'id: "yes"'
    for text in (drafted, imported):
        assert line in text.splitlines()
        assert load(text).id == "yes"
