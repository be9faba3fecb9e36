"""The patient side: profiles, their loaders and validation."""

from profiles.errors import format_errors
from profiles.loaders import iter_profiles, load_profile
from profiles.model import Biomarker, Diagnosis, Lab, Location, PatientProfile, Therapy
from profiles.record import ProfileRecord

__all__ = [
    "Biomarker",
    "Diagnosis",
    "Lab",
    "Location",
    "PatientProfile",
    "ProfileRecord",
    "Therapy",
    "format_errors",
    "iter_profiles",
    "load_profile",
]
