"""The patient side: profiles, their loaders and validation."""

from profiles.errors import format_errors
from profiles.loaders import iter_profiles, load_profile
from profiles.model import Biomarker, Diagnosis, Lab, Location, PatientProfile, Therapy
from profiles.record import ProfileRecord
from profiles.text import ExtractedProfile, extract_profile

__all__ = [
    "Biomarker",
    "Diagnosis",
    "ExtractedProfile",
    "Lab",
    "Location",
    "PatientProfile",
    "ProfileRecord",
    "Therapy",
    "extract_profile",
    "format_errors",
    "iter_profiles",
    "load_profile",
]
