"""Places the API is given: a US postal code or ``lat,lon`` (points and distances from
``matcher.geo``: offline zip coordinates, great-circle km)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from matcher.geo import haversine_km, site_point
from matcher.geo import zip_point as _zip_point
from rules.trial import Site, Trial

_LATLON = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")
_ZIP = re.compile(r"^\s*(\d{5})(?:-\d{4})?\s*$")


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float


class PlaceError(ValueError):
    """A place that is neither a US postal code nor ``lat,lon``."""


def zip_point(code: str) -> Point | None:
    """Coordinates of a US postal code ("10016" or "10016-1234"), or None when unknown.

    >>> zip_point("10016")
    Point(lat=40.7443, lon=-73.9781)
    """
    found = _zip_point(code) if _ZIP.match(code or "") else None
    return Point(*found) if found else None


def parse_place(text: str) -> Point:
    """A US postal code ("10016") or "lat,lon" ("40.74,-73.98") as a point."""
    m = _LATLON.match(text)
    if m:
        lat, lon = float(m.group(1)), float(m.group(2))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise PlaceError(
                f"{text!r}: latitude must be in [-90, 90] and longitude in [-180, 180]"
            )
        return Point(lat, lon)
    if _ZIP.match(text):
        point = zip_point(text)
        if point is None:
            raise PlaceError(f"{text!r} is not a known US postal code")
        return point
    raise PlaceError(
        f"{text!r} is not a place: give a US postal code (10016) or lat,lon (40.74,-73.98)"
    )


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance in km (``matcher.geo.haversine_km``).

    >>> round(distance_km(Point(40.7443, -73.9781), Point(41.85, -87.65)))
    1148
    """
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


def nearest_site(trial: Trial, origin: Point) -> tuple[Site, float] | None:
    """The trial's site closest to ``origin`` (any status) with its distance, or None when
    none is located (a site's geo point, else its US zip code: ``matcher.geo.site_point``)."""
    best: tuple[Site, float] | None = None
    for site in trial.sites:
        point = site_point(site)
        if point is None:
            continue
        d = distance_km(origin, Point(*point))
        if best is None or d < best[1]:
            best = (site, d)
    return best
