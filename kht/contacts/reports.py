"""The contacts module's reports: the people behind the customers, by role and attitude."""

from __future__ import annotations

from functools import partial

from kht.plugin_types import ReportMeasure, report

contacts = partial(report, "contact", "contacts")

REPORTS = [
    contacts("contacts.by_role", "联系人角色", "Contacts by role", "role", chart="pie"),
    contacts("contacts.by_influence", "联系人影响力", "Contacts by influence", "influence"),
    contacts("contacts.by_attitude", "联系人态度", "Contacts by attitude", "attitude", chart="pie"),
    contacts("contacts.by_owner", "各负责人联系人", "Contacts per owner", "owner_id"),
    contacts(
        "contacts.by_department", "各部门联系人", "Contacts per department", "owner_id:department"
    ),
    contacts(
        "contacts.by_customer_department",
        "联系人所在部门",
        "Contacts by their department",
        "department",
    ),
    contacts(
        "contacts.per_month",
        "每月新增联系人",
        "New contacts per month",
        "created_at:month",
        chart="line",
    ),
    contacts(
        "contacts.role_by_attitude",
        "角色 × 态度",
        "Role by attitude",
        "role",
        "attitude",
        chart="stacked",
    ),
    contacts(
        "contacts.influence_by_attitude",
        "影响力 × 态度",
        "Influence by attitude",
        "influence",
        "attitude",
        chart="stacked",
    ),
    contacts(
        "contacts.per_customer",
        "各客户联系人数",
        "Contacts per customer",
        "customer_id",
        measures=(ReportMeasure(key="count", label_zh="联系人", label_en="Contacts"),),
    ),
    contacts(
        "contacts.customers_covered",
        "各负责人覆盖的客户",
        "Customers covered per owner",
        "owner_id",
        measures=(
            ReportMeasure(key="count", label_zh="联系人", label_en="Contacts"),
            ReportMeasure(
                key="customers",
                label_zh="客户数",
                label_en="Customers",
                agg="distinct",
                field="customer_id",
            ),
        ),
    ),
]
