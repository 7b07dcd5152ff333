"""Mail templates with merge fields, rendered in Jinja2's SandboxedEnvironment.

A template sees plain data only: `record` (and the same under the record's kind, e.g.
`customer`) with the kind's built-in fields as text and its custom fields under
`record.custom`, `sender` (the writing user's name and email) and `unsubscribe_url` (a mass
mail recipient's signed link, empty elsewhere). Nothing else is offered:
no objects, no settings, no functions. The sandbox refuses underscore attributes and
unsafe calls (the classic server-side template injection payloads), and this environment
also refuses `*`/`**` that would build huge strings or numbers; a refused template is a 422
naming the field. Values are inserted as text and never rendered again, so a customer
named `{{ 7*7 }}` stays `{{ 7*7 }}`.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from kht import record_service as records
from kht.auth.models import User
from kht.context import Ctx
from kht.errors import ValidationError
from kht.mail.accounts import MODULE
from kht.mail.archive import LINKED
from kht.mail.models import MailTemplate
from kht.mail.schemas import Rendered
from kht.named_templates import NamedTemplates
from kht.records import record_kind

MAX_OUTPUT = 200_000
MAX_REPEAT = 1000


class MergeEnvironment(SandboxedEnvironment):
    """The sandbox, also bounding `*` and `**` (a template cannot exhaust memory or CPU)."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and (not isinstance(right, int) or abs(right) > 64):
            raise SecurityError("exponent too large")
        if operator == "*":
            sized = [v for v in (left, right) if isinstance(v, str | list | tuple)]
            count = right if sized and sized[0] is left else left
            if sized and (not isinstance(count, int) or count * len(sized[0]) > MAX_REPEAT):
                raise SecurityError("repetition too large")
        return super().call_binop(context, operator, left, right)


_ENV = MergeEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


@lru_cache(maxsize=256)
def _compiled(source: str) -> Template:
    # Compiling costs milliseconds; a mass send fills the same template thousands of times.
    return _ENV.from_string(source)


def render_text(source: str, values: dict[str, Any], field: str) -> str:
    """`source` rendered with `values`; a 422 naming `field` for a syntax error, an unknown
    merge field or anything the sandbox refuses."""
    try:
        output = _compiled(source).render(values)
    except TemplateSyntaxError as exc:
        raise ValidationError(
            f"{field}: template syntax error on line {exc.lineno}", field
        ) from None
    except SecurityError:
        raise ValidationError(f"{field}: the template uses something it may not", field) from None
    except UndefinedError:
        raise ValidationError(
            f"{field}: the template names an unknown merge field", field
        ) from None
    except (TemplateError, TypeError, ValueError, ArithmeticError, OverflowError):
        raise ValidationError(f"{field}: the template cannot be rendered", field) from None
    if len(output) > MAX_OUTPUT:
        raise ValidationError(f"{field}: the rendered text is too long", field)
    return output


def check_syntax(source: str, field: str) -> None:
    """Refuse merge text that does not compile (a 422 naming `field`); what the sandbox
    refuses shows when it is rendered, once the record's values are known."""
    try:
        _ENV.parse(source)
    except TemplateSyntaxError as exc:
        raise ValidationError(
            f"{field}: template syntax error on line {exc.lineno}", field
        ) from None


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value if isinstance(value, int | float | bool) else str(value)


def merge_values(ctx: Ctx, kind: str | None, record_id: int | None) -> dict[str, Any]:
    """The merge fields for one record the caller can see (NotFound otherwise) and the
    sender; plain strings, numbers and dicts only."""
    user = ctx.session.get(User, ctx.user_id) if ctx.user_id else None
    values: dict[str, Any] = {
        "sender": {"name": user.name if user else "", "email": user.email if user else ""},
        # Mass mail fills in the recipient's own link; elsewhere there is no list to leave.
        "unsubscribe_url": "",
    }
    if kind is None:
        return values
    if kind not in LINKED:
        raise ValidationError(f"kind must be one of: {', '.join(LINKED)}", "kind")
    if record_id is None:
        raise ValidationError("record_id is required", "record_id")
    spec = record_kind(ctx, kind)
    record = records.get_record(ctx, spec, record_id)
    fields = {f.name: _plain(getattr(record, f.name, "")) for f in spec.fields if f.name}
    fields["id"] = record.id
    fields["custom"] = _plain((record.ext or {}).get("custom", {}))
    values["record"] = values[kind] = fields
    return values


# ---------------------------------------------------------------- stored templates


def _check(ctx: Ctx, template: MailTemplate) -> None:
    """Refuse a template that does not compile (422 naming the field); what the sandbox
    refuses shows at rendering, when the record's fields are known."""
    for field in ("subject", "body"):
        check_syntax(getattr(template, field), field)


TEMPLATES = NamedTemplates(MailTemplate, MODULE, "mail template", _check)
list_templates = TEMPLATES.list
get_template = TEMPLATES.get
create_template = TEMPLATES.create  # templates are shared: the mail `admin` operation
update_template = TEMPLATES.update
delete_template = TEMPLATES.delete


def render(ctx: Ctx, template_id: int, kind: str | None, record_id: int | None) -> Rendered:
    """The template filled in for one record the caller can see (a preview, or the text of
    a mail about to be written)."""
    template = get_template(ctx, template_id)
    values = merge_values(ctx, kind, record_id)
    return Rendered(
        subject=render_text(template.subject, values, "subject").replace("\n", " ")[:300],
        body=render_text(template.body, values, "body"),
    )
