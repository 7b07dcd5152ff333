"""Company settings API and admin page (/admin/company), thin over kht.org.company."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, JSONBody
from litestar.response import Redirect, Template

from kht.context import Ctx, RequestCtx
from kht.errors import KhtError, NotFound, ValidationError
from kht.org import company
from kht.org.models import CompanySettings
from kht.org.schemas import CompanyIn, CompanyOut
from kht.web.i18n import N_
from kht.web.pages import render

PAGE = "/admin/company"
# Room above the logo cap for the multipart framing (and the form's text fields).
REQUEST_LIMIT = company.LOGO_MAX_BYTES + 1024 * 1024
Multipart = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]
# Service messages the page can show, so the catalogue translates them.
MESSAGES = (
    N_("choose an image file for the logo"),
    N_("the logo may be at most 2 MB"),
    N_("the logo file is not a readable image"),
    N_("the logo image is too large"),
    N_("the logo must be a PNG, JPEG, GIF or WebP image"),
    N_("the company settings were changed by someone else; reload them"),
    N_("The changes have been saved."),
)


def company_out(settings: CompanySettings) -> CompanyOut:
    logo_url = "/api/v1/company/logo" if settings.logo else None
    return CompanyOut(version=settings.version, logo_url=logo_url, **company.as_dict(settings))


def logo_bytes(upload: Any) -> bytes:
    """The bytes of an uploaded logo, one past the cap at most (then a clear 422)."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise ValidationError("choose an image file for the logo", "logo")
    return upload.file.read(company.LOGO_MAX_BYTES + 1)


def _png(settings: CompanySettings) -> Response[bytes]:
    if not settings.logo:
        raise NotFound("there is no logo", "logo")
    headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-cache"}
    return Response(content=settings.logo, media_type="image/png", headers=headers)


class CompanyController(Controller):
    path = "/api/v1/company"
    tags = ["organisation"]

    @get("/", sync_to_thread=True)
    def get_company(self, ctx: RequestCtx) -> CompanyOut:
        """The company settings printed on quotes (administrators)."""
        return company_out(company.get_settings(ctx))

    @put("/", sync_to_thread=True)
    def put_company(self, ctx: RequestCtx, data: JSONBody[CompanyIn]) -> CompanyOut:
        """Replace the text settings (audited); 409 when `version` is stale."""
        return company_out(company.update_settings(ctx, data))

    @get("/logo", sync_to_thread=True)
    def get_logo(self, ctx: RequestCtx) -> Response[bytes]:
        """The logo as stored (PNG, scaled down); 404 when there is none."""
        return _png(company.get_settings(ctx))

    @put("/logo", sync_to_thread=True, request_max_body_size=REQUEST_LIMIT)
    def put_logo(self, ctx: RequestCtx, data: Multipart) -> CompanyOut:
        """Upload a logo (multipart field `logo`: PNG, JPEG, GIF or WebP up to 2 MB); 422
        naming `logo` when it is not a readable image."""
        return company_out(company.set_logo(ctx, logo_bytes(data.get("logo"))))

    @delete("/logo", sync_to_thread=True, status_code=200)
    def delete_logo(self, ctx: RequestCtx) -> CompanyOut:
        """Take the logo off printed quotes."""
        return company_out(company.remove_logo(ctx))


def _page(request: Request, ctx: Ctx, **values: Any) -> Template:
    settings = company.get_settings(ctx)
    values.setdefault("form", company.as_dict(settings))
    return render(
        request,
        ctx,
        "org/company.html",
        settings=settings,
        logo=company.logo_data_uri(settings),
        saved=request.query_params.get("done") == "saved",
        **values,
    )


@get(PAGE, sync_to_thread=True, include_in_schema=False)
def company_page(request: Request, ctx: RequestCtx) -> Template:
    """The company's legal details and logo, as printed on quotes."""
    return _page(request, ctx)


def _save_form(ctx: Ctx, data: dict[str, Any]) -> None:
    values = {key: str(data.get(key) or "") for key in company.FIELDS}
    version = str(data.get("version") or "0")
    if not version.isdigit():
        raise ValidationError("version must be a number", "version")
    company.update_settings(ctx, CompanyIn(version=int(version), **values))
    upload = data.get("logo")
    if isinstance(upload, UploadFile) and upload.filename:
        company.set_logo(ctx, logo_bytes(upload))
    elif data.get("remove_logo"):
        company.remove_logo(ctx)


@post(PAGE, sync_to_thread=True, include_in_schema=False, request_max_body_size=REQUEST_LIMIT)
def company_submit(request: Request, ctx: RequestCtx, data: Multipart) -> Template | Redirect:
    """Save the form (and the logo, if one was chosen); a refusal keeps what was typed."""
    try:
        _save_form(ctx, data)
    except KhtError as exc:  # nothing is kept: show the form again with the problem
        ctx.session.rollback()
        form = {key: str(data.get(key) or "") for key in company.FIELDS}
        return _page(request, ctx, status_code=exc.status, error=exc.message, form=form)
    return Redirect(f"{PAGE}?done=saved", status_code=303)


ROUTES = [CompanyController, company_page, company_submit]
