"""What the widgets share: anywidget, imported with a one-line hint when it is missing,
and one self-contained HTML page that runs a widget's ES module without a kernel."""

from __future__ import annotations

import html
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
NEEDS = "viz.explore and viz.playground need anywidget: pip install chainrule[widgets]"


def anywidget_module():
    """The anywidget package, or ImportError naming the extra to install."""
    try:
        import anywidget
    except ImportError as e:
        raise ImportError(NEEDS) from e
    return anywidget


def _script_safe(text: str) -> str:
    """Text that cannot end the <script> element it sits in."""
    return text.replace("</", "<\\/")


def offline_page(esm: Path, data: dict, title: str, lang: str) -> str:
    """A whole HTML page that runs the ES module ``esm`` on ``data`` (the widget's
    traits, plus ``offline: true``) with a model that has no kernel behind it:
    ``get`` reads ``data``, ``send`` and ``save_changes`` do nothing."""
    module = esm.read_text(encoding="utf-8")
    payload = _script_safe(json.dumps({**data, "offline": True}, ensure_ascii=False))
    runner = """
const __data = JSON.parse(document.getElementById("chainrule-data").textContent);
const __model = { get: (k) => __data[k], set: (k, v) => { __data[k] = v; },
  save_changes() {}, send() {}, on() {}, off() {} };
render({ model: __model, el: document.getElementById("chainrule-widget") });
"""
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n"
        '<body style="margin:12px">\n<div id="chainrule-widget"></div>\n'
        f'<script type="application/json" id="chainrule-data">{payload}</script>\n'
        f'<script type="module">\n{_script_safe(module)}\n{runner}</script>\n'
        "</body></html>\n"
    )
