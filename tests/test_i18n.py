"""``-D language=zh_CN``: every text the extension writes, and the YAML prose, in Chinese."""

from __future__ import annotations

import pytest
from docutils import nodes

from .conftest import build_root, warnings_of


@pytest.mark.megengine
def test_chinese_page(rootdir, tmp_path):
    app = build_root(rootdir, "basic", tmp_path, confoverrides={"language": "zh_CN"})
    try:
        assert warnings_of(app) == []
        doctree = app.env.get_doctree("instance_norm")
        titles = [t.astext() for t in doctree.findall(nodes.title)]
        assert titles[:3] == ["InstanceNorm 差异对比", "使用差异", "参数差异"]
        assert "示例" in titles and "四维输入" in titles  # example title from the YAML
        html = (app.outdir / "instance_norm.html").read_text(encoding="utf-8")
        assert "PyTorch 参数更多" in html  # the category, PaddlePaddle's taxonomy
        assert "两者都对每个样本的每个通道做归一化" in html  # summary: zh_CN from the YAML
        assert "PyTorch 默认" in html  # a note in Chinese
        # the docs link follows the language
        assert "megengine.org.cn/doc/stable/zh/reference/api/megengine.module.InstanceNorm" in html
        for english in ("Usage differences", "Parameter differences", "More parameters in"):
            assert english not in html
    finally:
        app.cleanup()


def test_english_is_the_default_and_the_fallback(rootdir, tmp_path):
    app = build_root(rootdir, "basic", tmp_path, confoverrides={"language": "fr"})
    try:
        html = (app.outdir / "instance_norm.html").read_text(encoding="utf-8")
        assert "InstanceNorm differences" in html and "4-D input" in html
    finally:
        app.cleanup()


def test_chinese_names_each_difference_once():
    """One word for "renamed" wherever a page says it, and a missing API is not called a
    missing parameter."""
    import gettext

    from sphinx_apidiff.sphinx_ext.i18n import CATALOG, LOCALE_DIR

    zh = gettext.translation(CATALOG, LOCALE_DIR, languages=["zh_CN"]).gettext
    renamed = zh("renamed")
    assert renamed != "renamed"
    assert zh("parameters renamed") == renamed  # the badge of a pair
    assert renamed in zh("Only parameter names differ")  # the category
    api, parameter = zh("no such API"), zh("no counterpart")
    assert api != "no such API" and "API" in api and "参数" not in api
    assert parameter != api
