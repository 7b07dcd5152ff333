"""A project's document folder: documents (the proposal, the tender, the contract ...), each
with its versions. A version is a core attachment of the opportunity (kht.files: size
limits, downloads, the opportunity's history shows the upload); uploading a new version
keeps every older one, with who uploaded it and when."""

from __future__ import annotations

from sqlalchemy import func, select

import kht.files.service as files
import kht.sales.opportunities.service as opportunities
from kht.plugin_api import Ctx, NotFound, ValidationError
from plugins.project_sales import access
from plugins.project_sales.models import Document, DocumentVersion

DOC_TYPES = ("proposal", "tender", "technical", "contract", "presentation", "other")


def folder(ctx: Ctx, opportunity_id: int) -> list[tuple[Document, list[DocumentVersion]]]:
    """The documents of a project in scope, each with its versions newest first."""
    opportunities.get_opportunity(ctx, opportunity_id)
    documents = list(
        ctx.session.scalars(
            select(Document).where(Document.opportunity_id == opportunity_id).order_by(Document.id)
        )
    )
    versions: dict[int, list[DocumentVersion]] = {d.id: [] for d in documents}
    if documents:
        query = (
            select(DocumentVersion)
            .where(DocumentVersion.document_id.in_(versions))
            .order_by(DocumentVersion.number.desc())
        )
        for version in ctx.session.scalars(query):
            versions[version.document_id].append(version)
    return [(d, versions[d.id]) for d in documents]


def upload(
    ctx: Ctx,
    opportunity_id: int,
    filename: str,
    data: bytes,
    *,
    document_id: int | None = None,
    title: str = "",
    doc_type: str = "other",
    note: str = "",
) -> DocumentVersion:
    """A new version of a document (`document_id`), or the first of a new one (`title`,
    `doc_type`). The user must be able to edit the project; the file's limits are the
    core's (empty: 422, over 10 MB: 413)."""
    opportunity = opportunities.get_opportunity(ctx, opportunity_id)
    access.require_edit(ctx, opportunity)
    document = _document_for(ctx, opportunity_id, document_id, title, doc_type)
    attachment = files.upload(ctx, "opportunity", opportunity_id, filename, data)
    number = (
        ctx.session.scalar(
            select(func.max(DocumentVersion.number)).where(
                DocumentVersion.document_id == document.id
            )
        )
        or 0
    ) + 1
    version = DocumentVersion(
        document_id=document.id,
        number=number,
        attachment_id=attachment.id,
        filename=attachment.filename,
        size=attachment.size,
        note=note.strip()[:500],
        uploaded_by_id=ctx.user_id,
        uploaded_at=ctx.now(),
    )
    ctx.session.add(version)
    ctx.session.flush()
    return version


def _document_for(
    ctx: Ctx, opportunity_id: int, document_id: int | None, title: str, doc_type: str
) -> Document:
    if document_id is not None:
        document = ctx.session.get(Document, document_id)
        if document is None or document.opportunity_id != opportunity_id:
            raise NotFound(f"document {document_id} not found")
        return document
    if not title.strip():
        raise ValidationError("a new document needs a title", "title")
    if doc_type not in DOC_TYPES:
        raise ValidationError(f"doc_type must be one of {', '.join(DOC_TYPES)}", "doc_type")
    document = Document(
        opportunity_id=opportunity_id,
        title=title.strip()[:200],
        doc_type=doc_type,
        created_at=ctx.now(),
    )
    ctx.session.add(document)
    ctx.session.flush()
    return document


def has_document(ctx: Ctx, opportunity_id: int, doc_type: str) -> bool:
    """Whether a document of that type has at least one version (for the gates)."""
    query = (
        select(DocumentVersion.id)
        .join(Document, Document.id == DocumentVersion.document_id)
        .where(Document.opportunity_id == opportunity_id, Document.doc_type == doc_type)
    )
    return ctx.session.scalar(query.limit(1)) is not None
