"""Writes workforce.csv: 300 workers across the demo's three sites, for the workforce import
(payroll/workforce_import.py). Deterministic: run it again and the file is the same.

    .venv/bin/python docs/samples/make_workforce_sample.py

The sites, teams and pay schemes are the demo's, so the file imports cleanly into `make run`'s
database; its emails (example.net) and employee numbers (WF-...) are not the demo's own.
"""

import csv
import random
from datetime import date, timedelta
from pathlib import Path

COLUMNS = [
    "employee_number",
    "first_name",
    "last_name",
    "email",
    "site",
    "team",
    "rung",
    "paid_as",
    "contract",
    "hired_on",
    "hours_per_week",
    "probation_ends_on",
    "fixed_term_ends_on",
    "pay_scheme",
    "language",
    "domain",
    "bank_account_holder",
    "bank_account_number",
    "bank_code",
]
# site: (code, how many, language, teams with their domain, given and family names)
SITES = {
    "Shanghai": (
        "SH",
        120,
        "zh-hans",
        [("Shanghai Legal", "law"), ("Shanghai Medical", "medicine"), ("", "music")],
        ["Wei", "Fang", "Jing", "Lei", "Min", "Hui", "Yan", "Tao", "Xin", "Yu", "Jun", "Ling"],
        ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu"],
    ),
    "Lisbon": (
        "LX",
        90,
        "fr",
        [("Lisbon Legal", "law"), ("Lisbon Music", "music")],
        ["Ana", "Joao", "Maria", "Pedro", "Ines", "Rui", "Sofia", "Tiago", "Marta", "Diogo"],
        ["Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Martins"],
    ),
    "New York": (
        "NY",
        90,
        "en",
        [("New York Medical", "medicine"), ("New York Music", "music")],
        ["James", "Mary", "Robert", "Linda", "David", "Sarah", "Daniel", "Emily", "Kevin", "Grace"],
        ["Smith", "Johnson", "Brown", "Davis", "Miller", "Wilson", "Moore", "Taylor", "Clark"],
    ),
}
# (site, paid_as) -> the scheme for annotators, for inspectors and trainers, for leads
SCHEMES = {
    ("Shanghai", "salaried"): (
        "Shanghai annotator package",
        "Shanghai specialist package",
        "Shanghai lead package",
    ),
    ("Shanghai", "piece_rate"): ("Music ratings (piece rate)",) * 3,
    ("Lisbon", "salaried"): (
        "Lisbon annotator package",
        "Lisbon specialist package",
        "Lisbon lead package",
    ),
    ("Lisbon", "hourly"): ("Lisbon domain experts (hourly)",) * 3,
    ("New York", "salaried"): ("New York staff package",) * 3,
    ("New York", "hourly"): (
        "US domain experts (hourly)",
        "US senior reviewers (hourly)",
        "US senior reviewers (hourly)",
    ),
}
RUNGS = (
    [("annotator", 0)] * 16 + [("quality_inspector", 1)] * 2 + [("trainer", 1), ("supervisor", 2)]
)


def rows() -> list[dict]:
    rng = random.Random("workforce sample")
    out = []
    for site, (code, count, language, teams, given, family) in SITES.items():
        for n in range(1, count + 1):
            team, domain = rng.choice(teams)
            rung, band = rng.choice(RUNGS)
            # Leads and specialists are salaried; Shanghai's music raters are paid per rating,
            # and about half of the other sites' annotators are hourly contractors.
            if rung != "annotator":
                paid_as = "salaried"
            elif site == "Shanghai":
                paid_as = "piece_rate" if domain == "music" else "salaried"
            else:
                paid_as = rng.choice(["salaried", "hourly"])
            hired_on = date(2024, 1, 8) + timedelta(days=rng.randrange(0, 900))
            first, last = rng.choice(given), rng.choice(family)
            contractor = paid_as != "salaried"
            fixed = contractor and rng.random() < 0.3
            out.append(
                {
                    "employee_number": f"WF-{code}-{n:04d}",
                    "first_name": first,
                    "last_name": last,
                    "email": f"{first}.{last}.{code}{n:04d}@example.net".lower(),
                    "site": site,
                    "team": team,
                    "rung": rung,
                    "paid_as": paid_as,
                    "contract": "contractor" if contractor else "employee",
                    "hired_on": hired_on.isoformat(),
                    "hours_per_week": rng.choice(["40", "40", "40", "30", "20"]),
                    "probation_ends_on": (hired_on + timedelta(days=90)).isoformat(),
                    "fixed_term_ends_on": (hired_on + timedelta(days=730)).isoformat()
                    if fixed
                    else "",
                    "pay_scheme": SCHEMES[(site, paid_as)][band],
                    "language": language,
                    "domain": domain,
                    "bank_account_holder": f"{first} {last}",
                    "bank_account_number": f"{code}{rng.randrange(10**15, 10**16)}",
                    "bank_code": f"{code}BANK{rng.randrange(100, 999)}",
                }
            )
    return out


def main() -> None:
    target = Path(__file__).with_name("workforce.csv")
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows())
    print(f"Wrote {target}")


if __name__ == "__main__":
    main()
