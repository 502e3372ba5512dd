"""Guarantor's JSON layout: the same data as `json`, nested objects indented, records one per line."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guarantor import jsonlayout
from guarantor.atomic import write_json

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
KEYS = st.text(max_size=8) | st.integers(-5, 5) | st.booleans() | st.none() | st.floats(-2, 2)
TREES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=6) | st.tuples(inner, inner) | st.dictionaries(KEYS, inner, max_size=6)
    ),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(TREES)
def test_the_same_data_as_json_writes(value: Any) -> None:
    text = jsonlayout.dumps(value)
    assert json.loads(text) == json.loads(json.dumps(value, ensure_ascii=False))
    assert text.endswith("\n") and not text.endswith("\n\n")


@settings(max_examples=100, deadline=None)
@given(TREES)
def test_streamed_in_blocks_as_written_whole(value: Any) -> None:
    handle = io.StringIO()
    jsonlayout.dump(value, handle, block=7)  # a write after almost every piece
    assert handle.getvalue() == jsonlayout.dumps(value)


def test_records_on_one_line_nested_objects_indented() -> None:
    data = {
        "name": "baseline",
        "periods": ["y1", "y2"],
        "constraints": [{"name": "need", "slack": 0.5, "binding": False}, {"name": "cap", "slack": 0}],
        "nested": [[1, [2]], {"a": {"b": 1}}],
        "wide": {f"k{i}": i * 1000 for i in range(12)},
        "empty": {"list": [], "dict": {}},
        "text": 'é "quoted"\n',
        "special": [math.nan, math.inf],
        "other": object(),
    }
    text = jsonlayout.dumps(data)
    other = text.split('"other": ')[1].split("\n")[0]
    assert other.startswith('"<object object at ')  # anything else as its str, as `default=str` does
    assert text == (
        "{\n"
        '  "name": "baseline",\n'
        '  "periods": ["y1", "y2"],\n'
        '  "constraints": [\n'
        '    {"name": "need", "slack": 0.5, "binding": false},\n'
        '    {"name": "cap", "slack": 0}\n'
        "  ],\n"
        '  "nested": [\n'
        "    [\n"
        "      1,\n"
        "      [2]\n"
        "    ],\n"
        "    {\n"
        '      "a": {"b": 1}\n'
        "    }\n"
        "  ],\n"
        '  "wide": {\n' + ",\n".join(f'    "k{i}": {i * 1000}' for i in range(12)) + "\n  },\n"
        '  "empty": {\n'
        '    "list": [],\n'
        '    "dict": {}\n'
        "  },\n"
        '  "text": "é \\"quoted\\"\\n",\n'
        '  "special": [NaN, Infinity],\n'
        f'  "other": {other}\n'
        "}\n"
    )


def test_keys_json_cannot_write_are_refused_as_json_refuses_them() -> None:
    with pytest.raises(TypeError):
        json.dumps({(1, 2): [1, [2]]})
    with pytest.raises(TypeError):
        jsonlayout.dumps({(1, 2): [1, [2]]})


def test_write_json_replaces_the_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "out" / "results.json"
    write_json(target, {"rows": [{"a": 1}] * 3})
    assert json.loads(target.read_text(encoding="utf-8")) == {"rows": [{"a": 1}] * 3}
    with pytest.raises(TypeError):
        write_json(target, {(1, 2): {"x": [1]}})
    assert json.loads(target.read_text(encoding="utf-8")) == {"rows": [{"a": 1}] * 3}  # the old file stays
    assert [p.name for p in target.parent.iterdir()] == ["results.json"]  # no temporary file is left
