"""Error messages in the reader's language.

Services raise English messages (the API returns them as they are); a page shows them through
`translated`: a message in the catalogue is translated as it is, and the two shapes most
messages take ("customer 1 not found", "your role may not view users") are rebuilt from
translated parts.
"""

from __future__ import annotations

import re

from kht.web.i18n import N_, translations

NOT_FOUND = re.compile(r"^(?P<thing>[a-z][a-z ]*?) (?P<id>\d+) (?:not found|does not exist)$")
MAY_NOT = re.compile(r"^your role may not (?P<operation>[a-z_]+) (?P<module>[a-z_]+)$")
THINGS = {
    "customer": N_("Customer"),
    "contact": N_("Contact"),
    "lead": N_("Lead"),
    "opportunity": N_("Opportunity"),
    "quote": N_("Quote"),
    "quote template": N_("Quote template"),
    "order": N_("Order"),
    "payment": N_("Payment"),
    "payment plan": N_("Payment plan"),
    "product": N_("Product"),
    "product line": N_("Product line"),
    "process": N_("Process"),
    "stage": N_("Stage"),
    "quota": N_("Quota"),
    "department": N_("Department"),
    "user": N_("User"),
    "role": N_("Role"),
    "job": N_("Job"),
    "token": N_("Token"),
}
OPERATIONS = {
    "view": N_("view"),
    "create": N_("create"),
    "edit": N_("edit"),
    "delete": N_("delete"),
    "import": N_("import"),
    "export": N_("export"),
    "assign": N_("assign"),
    "admin": N_("administer"),
}
MODULES = {
    "customers": N_("Customers"),
    "contacts": N_("Contacts"),
    "leads": N_("Leads"),
    "opportunities": N_("Opportunities"),
    "quotes": N_("Quotes"),
    "orders": N_("Orders"),
    "products": N_("Products"),
    "quotas": N_("Quotas"),
    "actions": N_("Actions"),
    "mail": N_("Mail"),
    "users": N_("Users"),
    "roles": N_("Roles"),
}
# Other messages pages show often enough to be worth a translation of their own.
MESSAGES = (
    N_("log in first"),
    N_("not found"),
)


NOT_FOUND_TEXT = N_("%(thing)s %(id)s not found")
MAY_NOT_TEXT = N_("Your role may not %(operation)s %(module)s")


def translated(message: str, language: str) -> str:
    """`message` (English, as a service raised it) in `language`; as it is in English."""
    if not message.strip():  # gettext("") is the catalogue's header, not a message
        return message
    gettext = translations(language).gettext
    if gettext(message) != message:
        return gettext(message)
    if gettext(NOT_FOUND_TEXT) == NOT_FOUND_TEXT:  # a catalogue without them: the English
        return message
    if match := NOT_FOUND.match(message):
        thing = match["thing"]
        named = gettext(THINGS[thing]) if thing in THINGS else thing
        return gettext(NOT_FOUND_TEXT) % {"thing": named, "id": match["id"]}
    if match := MAY_NOT.match(message):
        operation, module = match["operation"], match["module"]
        return gettext(MAY_NOT_TEXT) % {
            "operation": gettext(OPERATIONS.get(operation, operation)),
            "module": gettext(MODULES.get(module, module)),
        }
    return message
