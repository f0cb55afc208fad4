"""How to get the same result: an example's recipe, its status and its run."""

from __future__ import annotations

from docutils import nodes

from sphinx_apidiff.analysis.verdicts import UNJUDGED, DtypeBadge
from sphinx_apidiff.model.example import ExampleSpec
from sphinx_apidiff.model.spec import prose_text
from sphinx_apidiff.model.vocabulary import Status, TagKind
from sphinx_apidiff.sphinx_ext.i18n import _, status_label
from sphinx_apidiff.sphinx_ext.render.base import BadgeKind, badge, container, para
from sphinx_apidiff.sphinx_ext.render.runs import RunParts, runs_badge


class RecipeBox(RunParts):
    """Builds an example's recipe: how to get the same result."""

    def box(self, example: ExampleSpec) -> nodes.container:
        """How to get the same result: the recipe's code and what running it measured,
        or why no code does."""
        assert example.recipe is not None
        index = self.index
        box = container("recipe")
        title = _("How to get the same result")
        box += nodes.rubric(title, title, classes=["apidiff-recipe-title"])
        reason = prose_text(example.recipe.reason, self.language)
        if reason is not None:
            text = _("No equivalent: {reason}").format(reason=reason)
            box += para(nodes.emphasis(text, text), classes=["apidiff-recipe-none"])
            return box
        run = self.analysis.recipes.get(index)
        judged = self.analysis.recipe_judgements.get(index, UNJUDGED)
        status = judged.status
        line = para(nodes.strong("", _("Status:")), " ", classes=["apidiff-status"])
        failed = status in (Status.DIFFER, Status.UNSTABLE)  # a recipe must get the same result
        line += badge(status_label(status), BadgeKind.FAILED if failed else status)
        if judged.dtypes is DtypeBadge.FINDING:  # as in a sweep's cell: 'dtype' is the example's
            line += nodes.Text(" ")
            line += badge(_("dtypes differ"), TagKind.DTYPE)
        repeated = runs_badge(run)
        if repeated is not None:
            line += nodes.Text(" ")
            line += repeated
        if run is not None and run.stale:
            line += nodes.Text(" ")
            line += badge(_("stale result"), BadgeKind.STALE)
        box += line
        changed = ", ".join(self.labels[fw] for fw in example.recipe.code)
        text = _("The code of {frameworks} changes; the inputs and the rest stay.").format(
            frameworks=changed
        )
        box += para(text)
        run_code = example.with_code(example.recipe.code).code
        example_judged = self.judgement(index) or UNJUDGED
        shown = list(example.recipe.code)
        for node in self.runs(example, run_code, run, example_judged, shown=shown):
            box += node
        return box
