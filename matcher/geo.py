"""Distances to trial sites, offline: site geo points, else the site's US zip code.

Coordinates of US postal codes come from the ``zipcodes`` package (bundled data, no
network). Distances are great-circle (haversine) in kilometres.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np
import zipcodes

from profiles.model import Location
from rules.trial import Site, Trial

EARTH_RADIUS_KM = 6371.0088
RECRUITING_SITE = frozenset({"RECRUITING", "NOT_YET_RECRUITING"})


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km.

    >>> round(haversine_km(40.7443, -73.9781, 42.3601, -71.0589))  # New York to Boston
    302
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


@cache
def zip_point(code: str) -> tuple[float, float] | None:
    """Latitude and longitude of a US zip code (first five digits), None when unknown.

    >>> zip_point("10016")
    (40.7443, -73.9781)
    >>> zip_point("not a zip") is None
    True
    """
    five = code.strip()[:5]
    if len(five) != 5 or not five.isdigit():
        return None
    try:
        found = zipcodes.matching(five)
    except (ValueError, TypeError):
        return None
    if not found:
        return None
    return float(found[0]["lat"]), float(found[0]["long"])


def location_point(location: Location) -> tuple[float, float] | None:
    """The profile location's coordinates: its lat/lon, else its US zip code."""
    if location.lat is not None and location.lon is not None:
        return location.lat, location.lon
    if location.postal_code:
        return zip_point(location.postal_code)
    return None


def site_point(site: Site) -> tuple[float, float] | None:
    """A site's coordinates: its geo point, else its zip code when the site is in the US."""
    if site.lat is not None and site.lon is not None:
        return site.lat, site.lon
    if site.zip and (site.country or "United States") in ("United States", "USA", "US"):
        return zip_point(site.zip)
    return None


@dataclass(frozen=True)
class NearestSite:
    """The closest recruiting site of a trial and its distance in km."""

    facility: str | None
    city: str | None
    state: str | None
    country: str | None
    distance_km: float


def _recruiting_points(trial: Trial) -> list[tuple[Site, tuple[float, float]]]:
    """The trial's recruiting sites (see :func:`nearest_recruiting_site`) with coordinates."""
    trial_recruiting = (trial.overall_status or "") in RECRUITING_SITE
    found = []
    for site in trial.sites:
        status = (site.status or "").upper()
        if status not in RECRUITING_SITE and not (status == "" and trial_recruiting):
            continue
        where = site_point(site)
        if where is not None:
            found.append((site, where))
    return found


def nearest_recruiting_site(trial: Trial, point: tuple[float, float]) -> NearestSite | None:
    """The nearest site whose status is recruiting (or not yet recruiting), with coordinates.

    Sites without a status count as recruiting when the trial itself is recruiting, since
    many records give the status only at the study level.

    >>> t = Trial(nct_id="NCT00000001", overall_status="RECRUITING",
    ...           sites=[Site(city="Boston", zip="02114", country="United States")])
    >>> s = nearest_recruiting_site(t, (40.7443, -73.9781))
    >>> s.city, 250 < s.distance_km < 350
    ('Boston', True)
    """
    best: tuple[float, Site] | None = None
    for site, where in _recruiting_points(trial):
        d = haversine_km(point[0], point[1], where[0], where[1])
        if best is None or d < best[0]:  # unrounded: the first of equally near sites wins
            best = (d, site)
    if best is None:
        return None
    d, site = best
    return NearestSite(site.facility, site.city, site.state, site.country, round(d, 1))


@dataclass(frozen=True)
class SiteIndex:
    """Every recruiting site of a set of trials as arrays: nearest sites of all trials at once.

    Built once for a corpus (a service's, a batch run's); :meth:`nearest` then answers in one
    vectorized pass what :func:`nearest_recruiting_site` answers trial by trial, with the same
    sites, the same first-wins ties and the same rounded distances.

    >>> t = Trial(nct_id="NCT00000001", overall_status="RECRUITING",
    ...           sites=[Site(city="Boston", zip="02114", country="United States")])
    >>> idx = SiteIndex.build([t, Trial(nct_id="NCT00000002")])
    >>> found = idx.nearest((40.7443, -73.9781))
    >>> found["NCT00000001"] == nearest_recruiting_site(t, (40.7443, -73.9781)), found["NCT00000002"]
    (True, None)
    """

    nct_ids: tuple[str, ...]
    owner: np.ndarray  # int, trial position of each site
    lat: np.ndarray  # radians
    lon: np.ndarray  # radians
    points: tuple[tuple[float, float], ...]  # degrees, as site_point gives them
    sites: tuple[Site, ...]

    @cached_property
    def _position(self) -> dict[str, int]:
        return {n: i for i, n in enumerate(self.nct_ids)}

    @classmethod
    def build(cls, trials: list[Trial]) -> SiteIndex:
        owner: list[int] = []
        points: list[tuple[float, float]] = []
        sites: list[Site] = []
        for i, trial in enumerate(trials):
            for site, where in _recruiting_points(trial):
                owner.append(i)
                points.append(where)
                sites.append(site)
        deg = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        return cls(
            nct_ids=tuple(t.nct_id for t in trials),
            owner=np.asarray(owner, dtype=np.int64),
            lat=np.radians(deg[:, 0]),
            lon=np.radians(deg[:, 1]),
            points=tuple(points),
            sites=tuple(sites),
        )

    def nearest(
        self, point: tuple[float, float], *, among: Sequence[str] | None = None
    ) -> dict[str, NearestSite | None]:
        """Each trial's nearest recruiting site from ``point`` (None: no located site); only
        the trials ``among`` when given (NCT ids of indexed trials)."""
        if among is None:
            out: dict[str, NearestSite | None] = dict.fromkeys(self.nct_ids)
            rows = np.arange(len(self.owner))
        else:
            out = dict.fromkeys(among)
            want = np.zeros(len(self.nct_ids), dtype=bool)
            want[[self._position[n] for n in among]] = True
            rows = np.flatnonzero(want[self.owner])
        if not len(rows):
            return out
        owner, lat, lon = self.owner[rows], self.lat[rows], self.lon[rows]
        p1, l1 = math.radians(point[0]), math.radians(point[1])
        a = np.sin((lat - p1) / 2) ** 2 + math.cos(p1) * np.cos(lat) * np.sin((lon - l1) / 2) ** 2
        d = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(1.0, a)))
        # sites are grouped by trial in order: the first site of the smallest distance wins
        order = np.lexsort((np.arange(len(d)), d, owner))
        first = rows[order[np.r_[True, owner[order][1:] != owner[order][:-1]]]]
        for j in first.tolist():
            site, where = self.sites[j], self.points[j]
            exact = haversine_km(point[0], point[1], where[0], where[1])  # the scalar formula
            out[self.nct_ids[self.owner[j]]] = NearestSite(
                site.facility, site.city, site.state, site.country, round(exact, 1)
            )
        return out
