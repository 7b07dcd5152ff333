"""The authorisation matrix, generated from the app's route table at test time.

Every API and UI route with an id path parameter is called as three outsiders of the team
that owns the records (another team's rep and manager, and a role without any module),
once with the owners' real ids and once with ids nobody has. The real id must never
succeed (no 2xx, no redirect), must answer 404 (out of scope) or 403 (permitted to see,
not to do), and must answer exactly as the missing id does: out of scope looks like
missing. Every GET route without an id, asked with a search word and every sample's id as
query parameters, must not show a record of the other team. The samples and the few
parameters that name no owned record are declared in `tests/security/matrix.py`; a route
added tomorrow is probed tomorrow, and one with an undeclared id parameter fails here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import msgspec
import pytest
from litestar.enums import RequestEncodingType
from litestar.routes import HTTPRoute
from litestar.testing import TestClient

from kht.records import record_kinds
from kht.testing import runtime_of
from tests.security.matrix import (
    KINDS,
    LEAK,
    MISSING,
    NOT_RECORD_SCOPED,
    OTHERS,
    PERSONAS,
    WORD,
    WORDS,
    Victims,
    add_outsiders,
    build_victims,
    ui_client,
)
from tests.team import build_team

PLUGINS = ("standard_product", "membership", "promotion", "project_sales", "key_account")
_PARAM = re.compile(r"\{(\w+):\w+\}")
# Catalogue parameters whose sample is a built record (the other settings' are stored by name).
CATALOGUE = {
    "product_id": "product",
    "list_id": "price_list",
    "item_id": "item",
    "group_id": "group",
    "article_id": "article",
    "competitor_id": "competitor",
    "project_sales_criterion_id": "project_sales_criterion",
}
# The form a UI post sends: the fields most forms check before they read the record.
FORM = {"version": "1", "reason": "x", "stage_id": "1", "name": "x"}


@dataclass(frozen=True)
class Probe:
    method: str
    path: str  # as the route table spells it: /api/v1/orders/{order_id:int}
    handler: Any

    @property
    def params(self) -> list[str]:
        return _PARAM.findall(self.path)

    @property
    def ids(self) -> list[str]:
        """The id parameters (others name a kind, a unit type, a file)."""
        return [p for p in self.params if p.endswith("_id")]

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def routes(app: Any) -> list[Probe]:
    """Every (method, path) of the app, from litestar's route table."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                found.append(Probe(method, route.path, handler))
    return found


def _sample_of(param: str, kinds: set[str]) -> str | None:
    """The sample filling `param`: a record kind's (`<kind>_id`) or a declared one."""
    if param.endswith("_id") and param[:-3] in kinds:
        return param[:-3]
    return OTHERS.get(param)


def fill(probe: Probe, victims: Victims, kinds: set[str], missing: bool) -> str:
    """The probe's path with the victims' ids (or, for owned records, ids nobody has)."""

    def value(match: re.Match[str]) -> str:
        param = match.group(1)
        if param in WORDS:
            return WORDS[param]
        if param in NOT_RECORD_SCOPED:
            return str(victims.ids[CATALOGUE.get(param, param)])
        sample = _sample_of(param, kinds)
        assert sample is not None, f"{probe}: declare {param} in tests/security/matrix.py"
        return str(MISSING if missing else victims.ids[sample])

    return _PARAM.sub(value, probe.path)


def scoped(probe: Probe) -> bool:
    """Whether the probe names an owned record (else only shared settings or no id)."""
    return any(p not in NOT_RECORD_SCOPED for p in probe.params)


# ---- request bodies ----------------------------------------------------------------------------


class _Missing(dict):
    """Ids of nobody, whatever the sample."""

    def __missing__(self, key: str) -> int:
        return MISSING


@dataclass
class Body:
    """A request body for a handler's `data` type: plausible values, and the ids of samples
    (or of nobody) wherever a field's name says which kind it holds."""

    probe: Probe
    ids: dict[str, int]
    kinds: set[str]
    used: set[str] = field(default_factory=set)

    def sample(self, name: str) -> str | None:
        if name in ("survivor_id", "merged_id", "ids"):  # the kind the path names
            return self.path_kind()
        return _sample_of(name, self.kinds) or _sample_of(name.removesuffix("s"), self.kinds)

    def path_kind(self) -> str | None:
        """The kind of `/api/v1/<plural>/...` (customers -> customer)."""
        plural = self.probe.path.split("/")[3]
        return next((k for k in self.kinds if plural in (f"{k}s", f"{k[:-1]}ies")), None)

    def value(self, info: Any, name: str) -> Any:
        sample = self.sample(name)
        kind = type(info).__name__
        if sample and kind in ("IntType", "ListType", "SetType"):
            self.used.add(sample)
            return self.ids[sample] if kind == "IntType" else [self.ids[sample]]
        if kind == "StrType":
            return "x" * max(1, info.min_length or 0)
        if kind == "LiteralType":
            return info.values[0]
        if kind == "UnionType":
            return self.value(info.types[0], name)
        if kind == "StructType":
            return self.struct(info)
        return PLAIN.get(kind)

    def struct(self, info: Any) -> dict[str, Any]:
        return {
            f.encode_name: self.value(f.type, f.name)
            for f in info.fields
            if f.required or f.name == "version" or self.sample(f.name)
        }


PLAIN = {
    "IntType": 1,
    "BoolType": False,
    "DecimalType": "1.00",
    "FloatType": 1.0,
    "DateType": date(2026, 1, 1).isoformat(),
    "DateTimeType": datetime(2026, 1, 1, tzinfo=UTC).isoformat(),
    "ListType": [],
    "DictType": {},
}


def _multipart(data: Any) -> bool:
    kwarg = getattr(data, "kwarg_definition", None)
    return getattr(kwarg, "media_type", None) == RequestEncodingType.MULTI_PART


def body(probe: Probe, ids: dict[str, int], kinds: set[str]) -> tuple[dict[str, Any], set[str]]:
    """Keyword arguments for the request (a JSON body built from the handler's `data` type,
    or a form for UI posts) and the samples the body names."""
    data = probe.handler.parsed_fn_signature.parameters.get("data")
    if data is None or probe.method == "GET":
        return {}, set()
    if _multipart(data):  # an upload: a file beside the form's fields
        return {"data": FORM, "files": {"file": ("x.txt", b"x", "text/plain")}}, set()
    if not probe.path.startswith("/api/"):
        return {"data": FORM}, set()
    info = msgspec.inspect.type_info(data.annotation)
    if type(info).__name__ != "StructType":
        return {"json": {}}, set()
    maker = Body(probe, ids, kinds)
    return {"json": maker.struct(info)}, maker.used


# ---- comparing answers -------------------------------------------------------------------------


def _shape(answer: Any) -> tuple[Any, ...]:
    """What a client learns from an error: the status and, for JSON, code, field and message
    with every id written as MISSING (a message may name the id it was asked for)."""
    if "json" not in answer.headers.get("content-type", ""):
        return (answer.status_code,)
    try:
        error = answer.json()
    except ValueError:
        return (answer.status_code, answer.text)
    if not isinstance(error, dict):
        return (answer.status_code, error)
    message = re.sub(r"\b\d+\b", "N", str(error.get("message", "")))
    return (answer.status_code, error.get("code"), error.get("field"), message)


@dataclass
class World:
    team: Any
    victims: Victims
    kinds: set[str]


@pytest.fixture
def app(kht_app) -> Any:
    """The app with every pack enabled: the route table the matrix walks."""
    return kht_app(plugins=PLUGINS)


def _kinds(app: Any) -> set[str]:
    with runtime_of(app).ctx() as ctx:
        return set(record_kinds(ctx))


@pytest.fixture
def world(kht_app) -> World:
    team = build_team(kht_app, plugins=PLUGINS)
    add_outsiders(team)
    return World(team=team, victims=build_victims(team), kinds=_kinds(team.app))


def _clients(world: World, login: str) -> tuple[TestClient, TestClient]:
    api = world.victims.api(login)
    api.__enter__()
    return api, ui_client(world.team, login)


def test_every_registered_kind_has_a_declared_sample(app):
    assert _kinds(app) <= set(KINDS), "declare a sample in tests/security/matrix.py KINDS"


def test_every_id_parameter_of_every_route_is_declared(app):
    kinds = _kinds(app)
    unknown = {
        f"{probe}: {param}"
        for probe in routes(app)
        for param in probe.params
        if param not in NOT_RECORD_SCOPED and _sample_of(param, kinds) is None
    }
    assert not unknown, "declare these in tests/security/matrix.py: " + ", ".join(sorted(unknown))


def _probe(world: World, client: TestClient, probe: Probe) -> list[str]:
    """The problems of one route as one outsider (empty when it holds)."""
    victims, kinds = world.victims, world.kinds
    kwargs, _ = body(probe, victims.ids, kinds)
    real = client.request(probe.method, fill(probe, victims, kinds, False), **kwargs)
    if not scoped(probe):
        # Shared settings: reading may be allowed; changing them never is.
        if real.status_code >= 500 or (probe.method != "GET" and real.status_code < 400):
            return [f"{probe}: {real.status_code} on a shared setting"]
        return []
    missing = client.request(probe.method, fill(probe, victims, kinds, True), **kwargs)
    problems = []
    if real.status_code not in (403, 404):
        problems.append(f"{probe}: {real.status_code} {real.text[:120]!r}")
    if _shape(real) != _shape(missing):
        problems.append(f"{probe}: {_shape(real)} but missing {_shape(missing)}")
    return problems


@pytest.mark.parametrize("login", PERSONAS)
def test_outsiders_get_404_or_403_on_every_id_route_exactly_as_for_a_missing_id(world, login):
    api, ui = _clients(world, login)
    problems = []
    for probe in routes(world.team.app):
        if probe.ids:
            client = api if probe.path.startswith("/api/") else ui
            problems += _probe(world, client, probe)
    assert not problems, f"{login}:\n" + "\n".join(problems)


SHARED_SAMPLES = {"product", "price_list", "item", "group", "competitor"}


def _body_problems(world: World, client: TestClient, probe: Probe) -> list[str]:
    """A write naming the other team's records in its body: refused, and as for nobody's."""
    kwargs, used = body(probe, world.victims.ids, world.kinds)
    if not used - SHARED_SAMPLES:
        return []
    real = client.request(probe.method, probe.path, **kwargs)
    missing = client.request(probe.method, probe.path, **body(probe, _Missing(), world.kinds)[0])
    if real.status_code < 400:
        return [f"{probe} {kwargs['json']}: {real.status_code} {real.text[:120]!r}"]
    if _shape(real) != _shape(missing):
        return [f"{probe} {kwargs['json']}: {_shape(real)} but missing {_shape(missing)}"]
    return []


@pytest.mark.parametrize("login", PERSONAS)
def test_writes_naming_the_other_teams_records_in_the_body_answer_as_for_missing_ones(world, login):
    api = world.victims.api(login)
    problems = []
    with api:
        for probe in routes(world.team.app):
            if probe.path.startswith("/api/") and not probe.params and probe.method != "GET":
                problems += _body_problems(world, api, probe)
    assert not problems, f"{login}:\n" + "\n".join(problems)


def _queries(world: World) -> dict[str, Any]:
    """Query parameters naming every sample: a search word and each `<name>_id`."""
    ids = {f"{name}_id": value for name, value in world.victims.ids.items() if name.isidentifier()}
    return {**ids, "q": WORD, "kind": "customer", "record_id": world.victims.ids["customer"]}


def _shown(world: World, login: str) -> set[str]:
    """The GET routes without an id that show `login` a sample, plain or asked for it."""
    api, ui = _clients(world, login)
    shown = set()
    for probe in routes(world.team.app):
        if probe.method != "GET" or probe.params:
            continue
        client = api if probe.path.startswith("/api/") else ui
        for params in ({}, _queries(world)):
            if LEAK in client.get(probe.path, params=params).text:
                shown.add(probe.path)
    return shown


@pytest.mark.parametrize("login", PERSONAS)
def test_no_list_search_export_or_form_shows_an_outsider_the_other_teams_records(world, login):
    shown = _shown(world, login)
    assert not shown, f"{login} sees the other team's records on:\n" + "\n".join(sorted(shown))


def test_the_owner_sees_the_samples_where_the_outsiders_looked(world):
    """The control: the same requests do reach the samples, for the one who may see them."""
    expected = {
        "/api/v1/customers",
        "/api/v1/contacts",
        "/api/v1/search",
        "/customers",
        "/quotes/new",
        "/opportunities/new",
        "/search",
    }
    assert expected <= _shown(world, "rep1")
