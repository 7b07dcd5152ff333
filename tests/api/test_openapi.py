"""Every users, roles, tokens and organisation endpoint is described in the OpenAPI document."""

from __future__ import annotations

from collections import Counter

ENDPOINTS = {
    "/api/v1/me": {"get"},
    "/api/v1/tokens": {"get", "post"},
    "/api/v1/tokens/{token_id}": {"delete"},
    "/api/v1/users": {"get", "post"},
    "/api/v1/users/{user_id}": {"get", "patch"},
    "/api/v1/users/{user_id}/password-reset": {"post"},
    "/api/v1/users/{user_id}/deactivate": {"post"},
    "/api/v1/users/{user_id}/activate": {"post"},
    "/api/v1/users/{user_id}/hand-over": {"post"},
    "/api/v1/users/{user_id}/owned": {"get"},
    "/api/v1/roles": {"get"},
    "/api/v1/roles/{role_id}": {"patch"},
    "/api/v1/departments": {"get", "post"},
    "/api/v1/departments/{department_id}": {"patch", "delete"},
    "/api/v1/branches": {"get", "post"},
    "/api/v1/branches/{unit_id}": {"patch", "delete"},
    "/api/v1/business-lines": {"get", "post"},
    "/api/v1/business-lines/{unit_id}": {"patch", "delete"},
}


def test_every_endpoint_is_in_the_openapi_document_with_a_unique_operation_id(admin):
    admin.headers.pop("Authorization")  # the document is public
    document = admin.get("/api/schema/openapi.json").json()
    paths = document["paths"]
    for path, methods in ENDPOINTS.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))
    ids = Counter(
        op["operationId"]
        for item in paths.values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    )
    assert [name for name, count in ids.items() if count > 1] == []


def test_request_bodies_are_described_by_their_types(admin):
    document = admin.get("/api/schema/openapi.json").json()
    schemas = document["components"]["schemas"]
    body = document["paths"]["/api/v1/users"]["post"]["requestBody"]["content"]
    assert body["application/json"]["schema"]["$ref"].endswith("/UserCreate")
    assert "is_admin" not in schemas["UserCreate"]["properties"]
    assert set(schemas["TokenCreate"]["properties"]) == {"name", "expires_at"}
    assert "token" not in schemas["TokenOut"]["properties"]
