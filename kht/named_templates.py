"""Templates administrators keep by name for one module (mail templates, SMS templates):
listed and read under the module's `view` operation, written under its `admin` operation
(templates are shared), the name unique, the module's own check of the content before each
write (a 422 naming the field)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec
from sqlalchemy import select

from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import NotFound, ValidationError


class NamedTemplates:
    """The stored templates of `model` (columns `id`, `name`, `created_by_id`,
    `created_at`) guarded by the permission module `module`; `label` names one in a 404
    ("mail template 12 not found"); `check(ctx, template)` refuses bad content."""

    def __init__(
        self, model: Any, module: str, label: str, check: Callable[[Ctx, Any], None]
    ) -> None:
        self.model, self.module, self.label, self.check = model, module, label, check

    def list(self, ctx: Ctx) -> list[Any]:
        require(ctx.user, self.module, "view")
        return list(ctx.session.scalars(select(self.model).order_by(self.model.name)))

    def get(self, ctx: Ctx, template_id: int) -> Any:
        require(ctx.user, self.module, "view")
        template = ctx.session.get(self.model, template_id)
        if template is None:
            raise NotFound(f"{self.label} {template_id} not found")
        return template

    def _checked(self, ctx: Ctx, template: Any) -> None:
        self.check(ctx, template)
        model = self.model
        clash = ctx.session.scalar(
            select(model.id).where(model.name == template.name, model.id != (template.id or 0))
        )
        if clash is not None:
            raise ValidationError("a template of that name exists", "name")

    def create(self, ctx: Ctx, data: msgspec.Struct) -> Any:
        require(ctx.user, self.module, "admin")
        template = self.model(**msgspec.structs.asdict(data), created_by_id=ctx.user_id)
        template.created_at = ctx.now()
        self._checked(ctx, template)
        ctx.session.add(template)
        ctx.session.flush()
        return template

    def update(self, ctx: Ctx, template_id: int, data: msgspec.Struct) -> Any:
        """Change the fields `data` gives (the others are UNSET)."""
        require(ctx.user, self.module, "admin")
        template = self.get(ctx, template_id)
        for name, value in msgspec.structs.asdict(data).items():
            if value is not msgspec.UNSET:
                setattr(template, name, value)
        self._checked(ctx, template)
        ctx.session.flush()
        return template

    def delete(self, ctx: Ctx, template_id: int) -> None:
        require(ctx.user, self.module, "admin")
        ctx.session.delete(self.get(ctx, template_id))
        ctx.session.flush()
