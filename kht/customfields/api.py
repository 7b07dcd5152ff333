"""Custom-field definitions JSON API (administrators)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody

from kht.context import RequestCtx
from kht.customfields import service
from kht.db.custom_fields import CustomField, FieldDef, FieldType
from kht.types import Id

Label = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class FieldIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    kind: str
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=63)]
    type: FieldType
    label_zh: Label
    label_en: Label
    required: bool = False
    choices: list[Annotated[str, msgspec.Meta(min_length=1, max_length=100)]] = []
    help: Annotated[str, msgspec.Meta(max_length=500)] = ""


class FieldChange(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    label_zh: Label | None = None
    label_en: Label | None = None
    required: bool | None = None
    choices: list[str] | None = None
    help: Annotated[str, msgspec.Meta(max_length=500)] | None = None


class Order(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    kind: str
    field_ids: list[Id]


def field_out(field: CustomField) -> dict[str, Any]:
    return {
        "id": field.id,
        "kind": field.kind,
        "name": field.name,
        "key": f"ext.custom.{field.name}",
        "type": field.type,
        "label_zh": field.label_zh,
        "label_en": field.label_en,
        "required": field.required,
        "choices": field.choices,
        "help": field.help,
        "position": field.position,
        "active": field.active,
    }


class CustomFieldController(Controller):
    path = "/api/v1/custom-fields"
    tags = ["custom fields"]

    @get("/", sync_to_thread=True)
    def list_fields(
        self, ctx: RequestCtx, kind: FromQuery[str] = "customer"
    ) -> list[dict[str, Any]]:
        return [field_out(f) for f in service.list_fields(ctx, kind)]

    @post("/", sync_to_thread=True)
    def add_field(self, ctx: RequestCtx, data: JSONBody[FieldIn]) -> dict[str, Any]:
        definition = FieldDef(
            name=data.name,
            type=data.type,
            label_zh=data.label_zh,
            label_en=data.label_en,
            required=data.required,
            choices=tuple(data.choices),
            help=data.help,
        )
        return field_out(service.add_field(ctx, data.kind, definition))

    @patch("/{field_id:int}", sync_to_thread=True)
    def update_field(
        self, ctx: RequestCtx, field_id: FromPath[int], data: JSONBody[FieldChange]
    ) -> dict[str, Any]:
        return field_out(service.update_field(ctx, field_id, **msgspec.structs.asdict(data)))

    @post("/{field_id:int}/retire", sync_to_thread=True)
    def retire(self, ctx: RequestCtx, field_id: FromPath[int]) -> dict[str, Any]:
        return field_out(service.set_retired(ctx, field_id, True))

    @post("/{field_id:int}/restore", sync_to_thread=True)
    def restore(self, ctx: RequestCtx, field_id: FromPath[int]) -> dict[str, Any]:
        return field_out(service.set_retired(ctx, field_id, False))

    @post("/order", sync_to_thread=True)
    def reorder(self, ctx: RequestCtx, data: JSONBody[Order]) -> list[dict[str, Any]]:
        return [field_out(f) for f in service.reorder(ctx, data.kind, data.field_ids)]
