"""Custom-field values are validated against their definitions, naming the field."""

from __future__ import annotations

import pytest

from kht.db.custom_fields import FieldDef, check_definition, validate_ext
from kht.errors import ValidationError

LEVEL = FieldDef(
    name="level",
    type="single_choice",
    label_zh="等级",
    label_en="Level",
    choices=("a", "b"),
    required=True,
)
BUDGET = FieldDef(name="budget", type="money", label_zh="预算", label_en="Budget")
SINCE = FieldDef(name="since", type="date", label_zh="起始", label_en="Since")
TAGS = FieldDef(
    name="tags", type="multi_choice", label_zh="标签", label_en="Tags", choices=("x", "y")
)
SITE = FieldDef(name="site", type="url", label_zh="网站", label_en="Site", namespace="pack")
FIELDS = [LEVEL, BUDGET, SINCE, TAGS, SITE]


def test_valid_values_are_normalised_and_stored_by_namespace():
    stored = validate_ext(
        FIELDS,
        {},
        {
            "custom": {"level": "a", "budget": "12.5", "since": "2026-01-02", "tags": ["x", "x"]},
            "pack": {"site": " https://example.com "},
        },
    )
    assert stored == {
        "custom": {"level": "a", "budget": "12.50", "since": "2026-01-02", "tags": ["x"]},
        "pack": {"site": "https://example.com"},
    }


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"custom": {"level": "c"}}, "ext.custom.level", "must be one of: a, b"),
        ({"custom": {"level": "a", "budget": "1.234"}}, "ext.custom.budget", "two decimals"),
        ({"custom": {"level": "a", "budget": 1.5}}, "ext.custom.budget", "amount"),
        ({"custom": {"level": "a", "since": "02/01/2026"}}, "ext.custom.since", "date"),
        ({"custom": {"level": "a", "tags": ["z"]}}, "ext.custom.tags", "list of: x, y"),
        ({"custom": {"level": "a"}, "pack": {"site": "ftp://x"}}, "ext.pack.site", "URL"),
        ({"custom": {"level": "a", "nope": 1}}, "ext.custom.nope", "not a known field"),
        ({"custom": {}}, "ext.custom.level", "is required"),
        ({"custom": "a"}, "ext.custom", "must be an object"),
    ],
)
def test_bad_values_raise_an_error_naming_the_field(changes, field, words):
    with pytest.raises(ValidationError) as error:
        validate_ext(FIELDS, {}, changes)
    assert error.value.field == field
    assert words in error.value.message


def test_a_partial_change_keeps_other_values_and_empty_clears_one():
    current = {"custom": {"level": "a", "budget": "1.00"}}
    assert validate_ext(FIELDS, current, {"custom": {"budget": None}}) == {"custom": {"level": "a"}}


def test_values_of_fields_no_longer_defined_are_kept():
    current = {"custom": {"level": "a"}, "gone_plugin": {"x": 1}}
    assert validate_ext(FIELDS, current, {})["gone_plugin"] == {"x": 1}


def test_definitions_need_a_clean_name_and_choices_for_choice_fields():
    with pytest.raises(ValidationError, match="name must start"):
        check_definition(FieldDef(name="1 bad", type="text", label_zh="x", label_en="x"))
    with pytest.raises(ValidationError, match="at least one choice"):
        check_definition(FieldDef(name="ok", type="single_choice", label_zh="x", label_en="x"))
