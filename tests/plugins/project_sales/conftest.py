"""A systems integrator's sales team with the project-sales pack enabled: a customer of
rep1 with contacts, a project in the pack's process, and helpers."""

from __future__ import annotations

from typing import Any

import pytest

from kht.contacts.schemas import ContactCreate
from kht.contacts.service import create_contact
from kht.sales.opportunities.schemas import OpportunityCreate
from kht.sales.opportunities.service import create_opportunity
from kht.sales.processes.service import list_processes
from plugins.project_sales.defs import PROCESS_KEY
from tests.team import Team, build_team


class Sales(Team):
    customer_id: int = 0
    contacts: dict[str, int]

    def project(self, name: str = "市医院信息化集成", login: str = "rep1", **values: Any) -> int:
        with self.ctx(login) as ctx:
            process = next(p for p in list_processes(ctx) if p.key == PROCESS_KEY)
            data = OpportunityCreate(
                name=name, customer_id=self.customer_id, process_id=process.id, **values
            )
            return create_opportunity(ctx, data).id

    def stages(self) -> dict[str, int]:
        with self.ctx("admin") as ctx:
            process = next(p for p in list_processes(ctx) if p.key == PROCESS_KEY)
            return {s.key: s.id for s in process.stages}

    def version(self, project: int, login: str = "rep1") -> int:
        with self.client(login) as client:
            return client.get(f"/api/v1/opportunities/{project}").json()["version"]

    def move(self, project: int, stage: str, login: str = "rep1") -> Any:
        body = {"stage_id": self.stages()[stage], "version": self.version(project, login)}
        with self.client(login) as client:
            return client.post(f"/api/v1/opportunities/{project}/stage", json=body)

    def upload(self, login: str, project: int, *, data: dict, files: dict) -> Any:
        """A document version uploaded through the API (multipart, naming the project)."""
        with self.client(login) as client:
            form = {**data, "opportunity_id": str(project)}
            return client.post("/api/v1/project_sales/documents", data=form, files=files)

    def api(self, login: str, method: str, path: str, **kwargs: Any) -> Any:
        with self.client(login) as client:
            return client.request(method, f"/api/v1/project_sales/projects/{path}", **kwargs)


@pytest.fixture
def sales(kht_app) -> Sales:
    app = kht_app(plugins=["project_sales"])
    base = build_team(lambda **_: app)
    team = Sales(app=base.app, runtime=base.runtime, users=base.users)
    team.customer_id = team.customer("市第一人民医院", "rep1")
    team.contacts = {}
    with team.ctx("rep1") as ctx:
        for name in ("王院长", "李主任", "张工程师", "赵采购"):
            contact = create_contact(ctx, ContactCreate(name=name, customer_id=team.customer_id))
            team.contacts[name] = contact.id
    return team
