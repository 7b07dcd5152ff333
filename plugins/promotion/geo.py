"""Distances on the earth (geodesics on the WGS84 ellipsoid, by geographiclib) and the two
checks a check-in gets: inside the outlet's radius, and a trip from the previous check-in
that no vehicle makes in the time between them."""

from __future__ import annotations

from datetime import datetime

from geographiclib.geodesic import Geodesic


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """The geodesic distance in metres between two points given in degrees."""
    return float(Geodesic.WGS84.Inverse(lat1, lng1, lat2, lng2)["s12"])


def within(distance: float, radius_m: int) -> bool:
    """Whether a fix `distance` metres from the outlet counts as at the outlet."""
    return distance <= radius_m


def speed_kmh(metres: float, since: datetime, until: datetime) -> float:
    """The speed a trip of `metres` between two times needs (infinite when no time passed
    and the rep moved more than a few metres: two places at once)."""
    seconds = (until - since).total_seconds()
    if seconds <= 0:
        return float("inf") if metres > 50 else 0.0
    return metres / seconds * 3.6


def impossible(metres: float, since: datetime, until: datetime, max_kmh: int) -> bool:
    """Whether a trip is faster than `max_kmh` (a forged or borrowed position). Short hops
    (under 1 km) never count: GPS noise between neighbouring shops is not travel."""
    return metres >= 1000 and speed_kmh(metres, since, until) > max_kmh
