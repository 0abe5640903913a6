"""Field shorthand that practitioners type and small embedders do not know.

Officials write "THN + SBIRT in PHC" or "tx for ATS use d/o"; the catalogue spells these out. The
query keeps its own words and gains the spelled-out forms, so BM25 and the embedders both see
them. The list is the common shorthand of drug policy, public health, customs and justice work,
not the wording of any one query; ambiguous short forms are matched case-sensitively.
"""

from __future__ import annotations

import re
from functools import lru_cache

# shorthand -> spelled out. Keys in upper case are matched case-sensitively as whole tokens.
ABBREVIATIONS: dict[str, str] = {
    # health and treatment
    "SUD": "substance use disorder",
    "SUDs": "substance use disorders",
    "OUD": "opioid use disorder",
    "AUD": "alcohol use disorder",
    "DUD": "drug use disorder",
    "tx": "treatment",
    "Tx": "treatment",
    "dx": "diagnosis",
    "d/o": "disorder",
    "dual dx": "co-occurring mental health disorders comorbidity",
    "CM": "contingency management",
    "CBT": "cognitive behavioural therapy",
    "MI": "motivational interviewing",
    "MAT": "medication-assisted treatment",
    "MOUD": "medication for opioid use disorder",
    "OST": "opioid substitution therapy",
    "OAT": "opioid agonist treatment",
    "THN": "take-home naloxone overdose",
    "SBIRT": "screening brief intervention and referral to treatment",
    "SBI": "screening and brief intervention",
    "BI": "brief intervention",
    "PHC": "primary health care",
    "ED": "emergency department",
    "ER": "emergency room",
    "EMS": "express mail service",
    "tox": "toxicology intoxication",
    "ATS": "amphetamine-type stimulants methamphetamine",
    "meth": "methamphetamine",
    "NPS": "new psychoactive substances",
    "HR": "harm reduction",
    "NSP": "needle and syringe programme",
    "PWUD": "people who use drugs",
    "PWID": "people who inject drugs",
    "HIV": "HIV",
    "HCV": "hepatitis C",
    "TB": "tuberculosis",
    "MH": "mental health",
    "MHPSS": "mental health and psychosocial support",
    "rehab": "rehabilitation",
    "QA": "quality assurance",
    "ToT": "training of trainers",
    "CPD": "continuing professional development",
    "SCI-SUD": "service capacity index for substance use disorders",
    "TDI": "treatment demand indicator",
    # data and monitoring
    "EWS": "early warning system",
    "ARQ": "annual report questionnaire",
    "WDR": "world drug report",
    "WWA": "wastewater analysis",
    "M&E": "monitoring and evaluation",
    "KAP": "knowledge attitudes practices survey",
    "DIS": "drug information system",
    # enforcement, customs, post
    "CNA": "competent national authority",
    "PPP": "public-private partnership",
    "K9": "canine detector dogs",
    "K-9": "canine detector dogs",
    "IMPC": "international mail processing centre postal",
    "UPU": "universal postal union postal mail",
    "DGST": "postal customs targeting",
    "LEA": "law enforcement agencies",
    "LE": "law enforcement",
    "OCG": "organised crime groups",
    "OCGs": "organised crime groups",
    "TOC": "transnational organized crime",
    "FIU": "financial intelligence unit",
    "AML": "anti-money laundering illicit financial flows",
    "CSI": "crime scene investigation",
    "clan lab": "clandestine laboratory",
    "clan labs": "clandestine laboratories",
    "chem": "chemical",
    "chems": "chemicals",
    "w/": "with",
    "mgmt": "management",
    "govt": "government",
    "intel": "intelligence",
    "JAITF": "joint airport interdiction task force",
    "PCU": "port control unit",
    "ATI": "alternatives to incarceration",
    "DTC": "drug treatment court",
    "RNR": "risk needs responsivity assessment",
    "CSO": "civil society organisation",
    "CSOs": "civil society organisations",
    "MoH": "ministry of health",
    "MOH": "ministry of health",
    "MoJ": "ministry of justice",
}


@lru_cache(maxsize=1)
def _pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    keys = sorted(ABBREVIATIONS, key=len, reverse=True)
    alternatives = []
    for key in keys:
        body = re.escape(key)
        # lower-case shorthand ("tx", "meth") is matched in any case; capitals only as written
        alternatives.append(f"(?i:{body})" if key.islower() else body)
    return re.compile(r"(?<![\w/&-])(" + "|".join(alternatives) + r")(?![\w/&-])"), {
        k.lower(): v for k, v in ABBREVIATIONS.items() if k.islower()
    } | {k: v for k, v in ABBREVIATIONS.items() if not k.islower()}


def expand_abbreviations(text: str) -> str:
    """The text followed by the spelled-out forms of the shorthand it uses (unchanged if none)."""
    pattern, table = _pattern()
    found: dict[str, None] = {}
    for match in pattern.finditer(text):
        token = match.group(1)
        expansion = table.get(token) or table.get(token.lower())
        if expansion and expansion.lower() not in text.lower():
            found.setdefault(expansion, None)
    if not found:
        return text
    return f"{text} ({'; '.join(found)})"
