"""Generate a plausible synthetic oncology cohort (seeded), as JSONL, CSV or Parquet.

    .venv/bin/python benchmarks/synth_cohort.py --patients 10000 --seed 7 --out /tmp/cohort.jsonl

Nobody real is in it. The shares are approximations of public figures, rounded:

* cancer type: estimated new US cases 2024 (American Cancer Society, *Cancer Facts & Figures
  2024*, table 1): breast ~310k, prostate ~299k, lung ~235k, colorectal ~153k, melanoma ~100k,
  bladder ~83k, kidney ~82k, non-Hodgkin lymphoma ~80k, uterine ~67k, pancreas ~66k,
  leukemia ~63k, oral/head and neck ~58k, thyroid ~44k, liver ~41k, myeloma ~36k, stomach
  ~27k, brain ~25k, ovary ~20k;
* age: normal around the median age at diagnosis of each type (SEER Cancer Stat Facts),
  standard deviation 11 years, clipped to 18-95; sex from the type (breast 1% male);
* extent: the SEER localized / regional / distant split of each type, shifted towards
  advanced disease (people looking for trials are more often advanced);
* biomarkers: NSCLC EGFR ~15%, ALK ~5%, KRAS G12C ~13%, PD-L1 TPS >= 50% ~30%; breast HR+
  ~70%, HER2+ ~15%; colorectal MSI-H ~5% of advanced, KRAS ~40%, BRAF V600E ~8%; melanoma
  BRAF V600 ~45%; pancreas KRAS ~90%; ovary BRCA1/2 ~15%; prostate BRCA2 ~8%
  (published series, e.g. AACR Project GENIE, rounded);
* ECOG: 0 40%, 1 40%, 2 13%, 3 5%, 4 2%; each optional fact missing for 5-20% of patients.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

# type: (US share in thousands, median age, male share, (localized, regional, distant),
#        condition text, histology)
TYPES: dict[str, tuple[int, int, float, tuple[float, float, float], str, str | None]] = {
    "breast": (310, 62, 0.01, (0.64, 0.27, 0.06), "breast cancer", "invasive ductal carcinoma"),
    "prostate": (299, 67, 1.0, (0.70, 0.13, 0.08), "prostate cancer", "adenocarcinoma"),
    "lung": (235, 71, 0.5, (0.27, 0.22, 0.47), "non-small cell lung cancer", "adenocarcinoma"),
    "colorectal": (153, 66, 0.53, (0.36, 0.36, 0.22), "colorectal cancer", "adenocarcinoma"),
    "melanoma": (100, 66, 0.58, (0.74, 0.09, 0.05), "melanoma", None),
    "bladder": (83, 73, 0.76, (0.50, 0.07, 0.05), "bladder cancer", "urothelial carcinoma"),
    "kidney": (82, 65, 0.64, (0.67, 0.16, 0.15), "renal cell carcinoma", "clear cell"),
    "nhl": (80, 68, 0.55, (0.28, 0.14, 0.53), "diffuse large B-cell lymphoma", None),
    "uterine": (67, 63, 0.0, (0.67, 0.20, 0.09), "endometrial cancer", "endometrioid"),
    "pancreas": (
        66,
        70,
        0.52,
        (0.13, 0.29, 0.51),
        "pancreatic ductal adenocarcinoma",
        "adenocarcinoma",
    ),
    "leukemia": (63, 69, 0.58, (0.0, 0.0, 1.0), "acute myeloid leukemia", None),
    "head_neck": (
        58,
        64,
        0.72,
        (0.28, 0.47, 0.18),
        "head and neck squamous cell carcinoma",
        "squamous cell carcinoma",
    ),
    "thyroid": (44, 51, 0.27, (0.65, 0.29, 0.04), "thyroid cancer", "papillary"),
    "liver": (41, 66, 0.68, (0.44, 0.27, 0.19), "hepatocellular carcinoma", None),
    "myeloma": (36, 69, 0.56, (0.0, 0.0, 1.0), "multiple myeloma", None),
    "stomach": (27, 68, 0.6, (0.38, 0.22, 0.35), "gastric cancer", "adenocarcinoma"),
    "brain": (25, 60, 0.56, (0.76, 0.19, 0.02), "glioblastoma", None),
    "ovary": (20, 63, 0.0, (0.19, 0.20, 0.57), "ovarian cancer", "high-grade serous"),
}
REGIMENS: dict[str, list[tuple[str, list[str], str]]] = {
    "breast": [
        ("AC-T", ["doxorubicin", "cyclophosphamide", "paclitaxel"], "chemotherapy"),
        ("letrozole + palbociclib", ["letrozole", "palbociclib"], "hormone therapy"),
        ("trastuzumab deruxtecan", ["trastuzumab deruxtecan"], "targeted therapy"),
    ],
    "prostate": [
        ("enzalutamide", ["enzalutamide"], "hormone therapy"),
        ("docetaxel", ["docetaxel"], "chemotherapy"),
    ],
    "lung": [
        (
            "carboplatin + pemetrexed + pembrolizumab",
            ["carboplatin", "pemetrexed", "pembrolizumab"],
            "chemotherapy",
        ),
        ("osimertinib", ["osimertinib"], "targeted therapy"),
        ("docetaxel", ["docetaxel"], "chemotherapy"),
    ],
    "colorectal": [
        ("FOLFOX", ["fluorouracil", "leucovorin", "oxaliplatin"], "chemotherapy"),
        (
            "FOLFIRI + bevacizumab",
            ["fluorouracil", "leucovorin", "irinotecan", "bevacizumab"],
            "chemotherapy",
        ),
    ],
    "melanoma": [
        ("nivolumab + ipilimumab", ["nivolumab", "ipilimumab"], "immunotherapy"),
        ("dabrafenib + trametinib", ["dabrafenib", "trametinib"], "targeted therapy"),
    ],
    "pancreas": [
        ("FOLFIRINOX", ["fluorouracil", "leucovorin", "irinotecan", "oxaliplatin"], "chemotherapy"),
        ("gemcitabine + nab-paclitaxel", ["gemcitabine", "nab-paclitaxel"], "chemotherapy"),
    ],
    "nhl": [
        (
            "R-CHOP",
            ["rituximab", "cyclophosphamide", "doxorubicin", "vincristine", "prednisone"],
            "chemotherapy",
        )
    ],
    "myeloma": [("VRd", ["bortezomib", "lenalidomide", "dexamethasone"], "chemotherapy")],
    "leukemia": [("7+3", ["cytarabine", "daunorubicin"], "chemotherapy")],
}
DEFAULT_REGIMEN = [("carboplatin + paclitaxel", ["carboplatin", "paclitaxel"], "chemotherapy")]
COMORBIDITIES = [
    "hypertension",
    "type 2 diabetes",
    "coronary artery disease",
    "COPD",
    "chronic kidney disease",
    "hypothyroidism",
    "atrial fibrillation",
]
ECOG = ([0, 1, 2, 3, 4], [40, 40, 13, 5, 2])
STATES = ["NY", "CA", "TX", "FL", "IL", "PA", "OH", "MA", "WA", "GA"]


def _biomarkers(kind: str, rng: random.Random) -> list[dict[str, Any]]:
    def pos(p: float) -> str:
        return "positive" if rng.random() < p else "negative"

    if kind == "lung":
        out = [{"name": "EGFR", "result": pos(0.15)}, {"name": "ALK", "result": pos(0.05)}]
        if out[0]["result"] == "positive":
            out[0]["detail"] = rng.choice(["L858R", "exon 19 deletion"])
        kras = rng.random() < 0.13
        out.append(
            {
                "name": "KRAS",
                "result": "positive" if kras else "negative",
                **({"detail": "G12C"} if kras else {}),
            }
        )
        tps = rng.choice([0, 5, 20, 40, 60, 80]) if rng.random() > 0.3 else rng.choice([50, 70, 90])
        out.append(
            {
                "name": "PD-L1",
                "result": "positive" if tps >= 1 else "negative",
                "value": tps,
                "scoring": "TPS",
            }
        )
        return out
    if kind == "breast":
        return [
            {"name": "ER", "result": pos(0.7)},
            {"name": "PR", "result": pos(0.6)},
            {"name": "HER2", "result": pos(0.15)},
        ]
    if kind == "colorectal":
        braf = rng.random() < 0.08
        return [
            {"name": "MSI", "result": "MSI-H" if rng.random() < 0.05 else "MSS"},
            {"name": "KRAS", "result": pos(0.4)},
            {
                "name": "BRAF",
                "result": "positive" if braf else "negative",
                **({"detail": "V600E"} if braf else {}),
            },
        ]
    if kind == "melanoma":
        return [{"name": "BRAF", "result": pos(0.45), "detail": "V600E"}]
    if kind == "pancreas":
        return [{"name": "KRAS", "result": pos(0.9)}]
    if kind == "ovary":
        return [{"name": "BRCA1", "result": pos(0.09)}, {"name": "BRCA2", "result": pos(0.06)}]
    if kind == "prostate":
        return [{"name": "BRCA2", "result": pos(0.08)}]
    return []


def _stage(extent: str, rng: random.Random) -> str:
    return {
        "localized": rng.choice(["I", "II"]),
        "regional": rng.choice(["II", "III"]),
        "distant": "IV",
    }[extent]


def patient(i: int, rng: random.Random, *, as_of: date) -> dict[str, Any]:
    """One synthetic profile (profile JSON contract, examples/profile.example.json)."""
    kinds = list(TYPES)
    kind = rng.choices(kinds, weights=[TYPES[k][0] for k in kinds])[0]
    _, median_age, male, split, condition, histology = TYPES[kind]
    age = max(18, min(95, round(rng.gauss(median_age, 11))))
    sex = "male" if rng.random() < male else "female"
    loc, reg, dist = split
    # people who look for trials are more often advanced: double the distant share
    extent = rng.choices(["localized", "regional", "distant"], weights=[loc, reg, 2 * dist + 0.2])[
        0
    ]
    diagnosed = as_of - timedelta(days=rng.randint(30, 5 * 365))
    metastatic = extent == "distant"
    dx: dict[str, Any] = {
        "condition": condition,
        "histology": histology,
        "histologically_confirmed": True,
        "extent": {
            "localized": "localized",
            "regional": "locally advanced",
            "distant": "metastatic",
        }[extent],
        "metastatic_sites": rng.sample(
            ["liver", "lung", "bone", "brain", "lymph node"], rng.randint(1, 2)
        )
        if metastatic
        else [],
        "diagnosed_on": diagnosed.isoformat(),
    }
    if kind not in ("leukemia", "myeloma", "nhl", "brain"):
        dx["stage"] = _stage(extent, rng)
    lines = (
        rng.choices([0, 1, 2, 3], weights=[35, 35, 20, 10])[0]
        if metastatic
        else rng.choices([0, 1], weights=[70, 30])[0]
    )
    therapies, start = [], diagnosed + timedelta(days=21)
    for line in range(1, lines + 1):
        name, drugs, tkind = rng.choice(REGIMENS.get(kind, DEFAULT_REGIMEN))
        end = min(as_of - timedelta(days=14), start + timedelta(days=rng.randint(60, 300)))
        if end <= start:
            break
        therapies.append(
            {
                "name": name,
                "drugs": drugs,
                "kind": tkind,
                "line": line,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "stop_reason": "progression",
            }
        )
        start = end + timedelta(days=14)
    profile: dict[str, Any] = {
        "id": f"SYN{i:06d}",
        "age": age,
        "sex": sex,
        "diagnoses": [dx],
        "biomarkers": _biomarkers(kind, rng) or None,
        "ecog": rng.choices(*ECOG)[0] if rng.random() > 0.1 else None,
        "therapies": therapies,
        "labs": [
            {
                "name": "absolute neutrophil count",
                "value": round(rng.gauss(4, 1.5), 1) or 0.5,
                "unit": "10^9/L",
                "date": (as_of - timedelta(days=7)).isoformat(),
            },
            {
                "name": "platelets",
                "value": max(20, round(rng.gauss(230, 70))),
                "unit": "10^9/L",
                "date": (as_of - timedelta(days=7)).isoformat(),
            },
            {
                "name": "total bilirubin",
                "value": round(abs(rng.gauss(0.8, 0.4)), 1),
                "unit": "mg/dL",
            },
        ]
        if rng.random() > 0.2
        else None,
        "conditions": rng.sample(COMORBIDITIES, rng.choices([0, 1, 2], [50, 35, 15])[0]),
        "measurable_disease": (rng.random() < 0.8) if metastatic else None,
        "pregnant": False if sex == "female" and age < 55 and rng.random() > 0.3 else None,
        "location": {"state": rng.choice(STATES), "country": "United States"},
    }
    return {k: v for k, v in profile.items() if v is not None}


def generate(n: int, *, seed: int, as_of: date) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [patient(i, rng, as_of=as_of) for i in range(1, n + 1)]


def write(profiles: list[dict[str, Any]], out: Path) -> None:
    """JSONL (one profile per line), or CSV/Parquet with ``patient_id`` and ``profile_json``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".jsonl":
        out.write_text("".join(json.dumps(p) + "\n" for p in profiles), encoding="utf-8")
        return
    import polars as pl

    frame = pl.DataFrame(
        {
            "patient_id": [p["id"] for p in profiles],
            "profile_json": [json.dumps(p) for p in profiles],
        }
    )
    if out.suffix == ".parquet":
        frame.write_parquet(out)
    elif out.suffix == ".csv":
        frame.write_csv(out)
    else:
        raise SystemExit(f"cannot write {out.name}: use .jsonl, .csv or .parquet")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--patients", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 20))
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    write(generate(args.patients, seed=args.seed, as_of=args.as_of), args.out)
    print(f"wrote {args.patients} synthetic patients to {args.out}")


if __name__ == "__main__":
    main()
