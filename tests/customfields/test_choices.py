"""Choices are stored as keys and shown as labels: `Choice` on a field definition, plain text
choices of administrators' fields, and the built-in choice columns of lists."""

from __future__ import annotations

import re

import pytest

from kht.contacts.schemas import ContactCreate
from kht.contacts.service import create_contact
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.db.custom_fields import FieldDef, validate_ext
from kht.errors import ValidationError
from kht.plugin_api import Choice
from kht.testing import add_user, page_client, runtime_of

SIZE = FieldDef(
    name="size",
    type="single_choice",
    label_zh="规模",
    label_en="Size",
    namespace="pack",
    choices=(
        Choice(key="small", label_zh="小型", label_en="Small"),
        Choice(key="large", label_zh="大型", label_en="Large"),
    ),
)
AREAS = FieldDef(
    name="areas",
    type="multi_choice",
    label_zh="领域",
    label_en="Areas",
    namespace="pack",
    choices=(Choice(key="power", label_zh="电力", label_en="Power"), "医疗"),
)


def test_a_field_knows_the_keys_and_the_labels_of_its_choices():
    assert SIZE.choice_keys == ("small", "large")
    assert AREAS.choice_keys == ("power", "医疗")  # a plain text choice is its own key
    assert SIZE.choice_label("large", "zh_CN") == "大型"
    assert SIZE.choice_label("large", "en") == "Large"
    assert SIZE.choice_label("gone", "en") == "gone"  # an unknown value shows as it is
    assert AREAS.shown(["power", "医疗"], "en") == ["Power", "医疗"]


def test_validation_takes_keys_and_refuses_labels_naming_the_field():
    ext = validate_ext([SIZE, AREAS], {}, {"pack": {"size": "small", "areas": ["power", "医疗"]}})
    assert ext == {"pack": {"size": "small", "areas": ["power", "医疗"]}}
    for changes, field in (
        ({"size": "小型"}, "ext.pack.size"),
        ({"size": "Small"}, "ext.pack.size"),
        ({"areas": ["Power"]}, "ext.pack.areas"),
        ({"size": ["small"]}, "ext.pack.size"),
    ):
        with pytest.raises(ValidationError) as refused:
            validate_ext([SIZE, AREAS], {}, {"pack": changes})
        assert refused.value.field == field
        assert "small, large" in refused.value.message or "power, 医疗" in refused.value.message


def test_a_contact_list_shows_role_and_attitude_labels_not_keys(kht_app):
    app = kht_app()
    runtime = runtime_of(app)
    add_user(runtime, "rep", "sales_rep")
    from kht.auth.principal import load_principal
    from kht.auth.service import find_user

    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "rep").id)
        customer = create_customer(ctx, CustomerCreate(name="同方威视"))
        create_contact(ctx, ContactCreate(customer_id=customer.id, name="李四"))
    with page_client(app, "rep") as client:
        page = client.get("/contacts", params={"c": "name,role,attitude"}).text
    found = re.findall(r'data-col="(role|attitude)"[^>]*><span class="kht-value">([^<]*)<', page)
    assert {key: text.strip() for key, text in found} == {"role": "其他", "attitude": "未知"}
