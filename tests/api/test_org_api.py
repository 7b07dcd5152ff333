"""Organisation API: the department tree, branches and business lines."""

from __future__ import annotations

import pytest

from kht.testing import add_user, bearer


def department(client, name: str, parent_id: int | None = None) -> dict:
    created = client.post("/api/v1/departments", json={"name": name, "parent_id": parent_id})
    assert created.status_code == 201, created.text
    return created.json()


def paths(client) -> dict[str, str]:
    return {d["name"]: d["path"] for d in client.get("/api/v1/departments").json()["items"]}


def test_departments_form_a_tree_listed_parents_first(admin):
    sales = department(admin, "Sales")
    east = department(admin, "East", sales["id"])
    shanghai = department(admin, "Shanghai", east["id"])
    page = admin.get("/api/v1/departments").json()
    assert page["total"] == 3 and page["page"] == 1
    assert [d["name"] for d in page["items"]] == ["Sales", "East", "Shanghai"]
    assert shanghai["path"] == f"/{sales['id']}/{east['id']}/{shanghai['id']}/"


def test_renaming_keeps_the_place_and_moving_takes_the_subtree_along(admin):
    sales, service = department(admin, "Sales"), department(admin, "Service")
    east = department(admin, "East", sales["id"])
    child = department(admin, "Shanghai", east["id"])
    renamed = admin.patch(f"/api/v1/departments/{east['id']}", json={"name": "East China"})
    assert renamed.status_code == 200
    assert (renamed.json()["name"], renamed.json()["parent_id"]) == ("East China", sales["id"])
    moved = admin.patch(f"/api/v1/departments/{east['id']}", json={"parent_id": service["id"]})
    assert moved.json()["path"] == f"/{service['id']}/{east['id']}/"
    assert paths(admin)["Shanghai"] == f"/{service['id']}/{east['id']}/{child['id']}/"
    to_root = admin.patch(f"/api/v1/departments/{east['id']}", json={"parent_id": None})
    assert to_root.json()["path"] == f"/{east['id']}/" and to_root.json()["name"] == "East China"


def test_a_department_cannot_move_under_itself(admin):
    sales = department(admin, "Sales")
    east = department(admin, "East", sales["id"])
    refused = admin.patch(f"/api/v1/departments/{sales['id']}", json={"parent_id": east["id"]})
    assert refused.status_code == 422 and refused.json()["field"] == "parent_id"
    assert paths(admin) == {"Sales": sales["path"], "East": east["path"]}


def test_deleting_a_department_with_users_or_children_is_a_409(admin, runtime):
    user_id = add_user(runtime, "li", department="Sales")
    sales = next(d for d in admin.get("/api/v1/departments").json()["items"])
    with_users = admin.delete(f"/api/v1/departments/{sales['id']}")
    assert with_users.status_code == 409
    assert with_users.json()["message"] == "the department has users; move them first"
    admin.patch(f"/api/v1/users/{user_id}", json={"department_id": None})
    child = department(admin, "East", sales["id"])
    with_children = admin.delete(f"/api/v1/departments/{sales['id']}")
    assert with_children.status_code == 409 and "sub-departments" in with_children.json()["message"]
    assert admin.delete(f"/api/v1/departments/{child['id']}").status_code == 204
    assert admin.delete(f"/api/v1/departments/{sales['id']}").status_code == 204
    assert admin.get("/api/v1/departments").json()["total"] == 0


@pytest.mark.parametrize(("method", "body"), [("PATCH", {"name": "x"}), ("DELETE", None)])
def test_an_unknown_department_is_404(admin, method, body):
    missing = admin.request(method, "/api/v1/departments/999", json=body)
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("path", "label"), [("/api/v1/branches", "branch"), ("/api/v1/business-lines", "business line")]
)
def test_branches_and_business_lines_crud_with_unique_names(admin, path, label):
    shanghai = admin.post(path, json={"name": "上海", "code": "SH"})
    assert shanghai.status_code == 201
    unit_id = shanghai.json()["id"]
    assert admin.post(path, json={"name": "上海"}).status_code == 409
    beijing = admin.post(path, json={"name": "北京"}).json()
    recoded = admin.patch(f"{path}/{unit_id}", json={"code": "SHA"})
    assert recoded.status_code == 200 and recoded.json() == {
        "id": unit_id,
        "name": "上海",
        "code": "SHA",
    }
    clash = admin.patch(f"{path}/{beijing['id']}", json={"name": "上海"})
    assert clash.status_code == 409 and clash.json()["field"] == "name"
    listed = admin.get(path).json()
    assert listed["total"] == 2 and {u["name"] for u in listed["items"]} == {"上海", "北京"}
    assert admin.delete(f"{path}/{beijing['id']}").status_code == 204
    missing = admin.patch(f"{path}/{beijing['id']}", json={"code": "X"})
    assert (
        missing.status_code == 404
        and missing.json()["message"] == f"{label} {beijing['id']} not found"
    )


@pytest.mark.parametrize(
    ("path", "member"),
    [
        ("/api/v1/branches", {"branch": "上海"}),
        ("/api/v1/business-lines", {"business_lines": ("上海",)}),
    ],
)
def test_a_branch_or_business_line_with_users_cannot_be_deleted(admin, runtime, path, member):
    add_user(runtime, "li", **member)
    unit = admin.get(path).json()["items"][0]
    refused = admin.delete(f"{path}/{unit['id']}")
    assert refused.status_code == 409 and "move them first" in refused.json()["message"]
    assert admin.get(path).json()["total"] == 1


def test_organisation_is_readable_and_writable_only_with_user_rights(admin, runtime):
    sales = department(admin, "Sales")
    add_user(runtime, "rep")
    rep = bearer(runtime, "rep")
    assert admin.get("/api/v1/branches", headers=rep).status_code == 403
    assert (
        admin.patch(
            f"/api/v1/departments/{sales['id']}", json={"name": "Mine"}, headers=rep
        ).status_code
        == 403
    )
    assert admin.delete(f"/api/v1/departments/{sales['id']}", headers=rep).status_code == 403
    assert paths(admin) == {"Sales": sales["path"]}
