"""The patient side: profiles, their loaders and validation."""

from profiles.model import Biomarker, Diagnosis, Lab, Location, PatientProfile, Therapy

__all__ = ["Biomarker", "Diagnosis", "Lab", "Location", "PatientProfile", "Therapy"]
