"""Import API types: what a client sends to map and run an import, and what it gets back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import msgspec
from litestar.datastructures import UploadFile


@dataclass
class ImportUpload:
    """The multipart upload: the file (.csv or .xlsx) and the kind of records it holds."""

    file: UploadFile
    kind: str = "customer"


class TargetOut(msgspec.Struct, kw_only=True):
    """A field a column can be mapped to."""

    key: str
    label: str
    type: str
    required: bool
    choices: list[str]


class ImportOut(msgspec.Struct, kw_only=True):
    """An import: its file's headers, the (proposed or confirmed) mapping, and its last result.

    `remembered` says the mapping was the one last used for files with these headers.
    """

    id: int
    kind: str
    status: str
    filename: str
    rows: int
    headers: list[str]
    mapping: dict[str, str]
    remembered: bool
    warnings: list[str]
    targets: list[TargetOut]
    result: dict[str, Any]
    job_url: str


class MappingIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Header -> field key; null or "" leaves a column out."""

    mapping: dict[str, str | None]


class RunIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """How to run: dedupe policy, dry run, keep valid rows (default all-or-nothing), worker."""

    dedupe: Literal["skip", "update", "create"] = "skip"
    dry_run: bool = False
    commit_valid: bool = False
    background: bool = False


class PreviewRowOut(msgspec.Struct, kw_only=True):
    row: int
    values: dict[str, str]
    action: str
    errors: list[dict[str, Any]]
    matched: dict[str, Any] | None = None


class PreviewOut(msgspec.Struct, kw_only=True):
    """The first rows mapped and checked (nothing written), and the columns left out."""

    rows: list[PreviewRowOut]
    warnings: list[str]
