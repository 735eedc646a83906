#!/usr/bin/env python3
"""Writes judged.json: the judged set for matching quality.

Twelve kinds of work a social enterprise does, each with a tender text in
Danish and in English and profile texts that say the same thing in other
words. Every tender and profile is built from a kind of work plus variants
(how precisely the CPV code is given, which language, where, which
reservation, what value or capacity). The grade of a (tender, profile) pair
is decided by the rules of the domain, from the kind of work, never from
the codes or words the ranker sees:

- 0 when the tender is reserved and the profile is eligible for none of its
  reservations (Article 20 `res-ws`, Article 77 `res-pub-ser`): a hard
  rule, such a profile must never be matched;
- 0 when both name places and none lies on the other's NUTS branch;
- 3 for the same kind of work, when the profile can take the value (or
  either side does not say); 2 when the value is above its capacity;
- 2 when the tender's kind of work is the profile's second line (1 when
  above its capacity);
- 1 for a neighbouring kind of work (the same family: food, facility,
  care, ...);
- 0 otherwise.

Run it again after editing; the output is deterministic.
"""

import json
import pathlib

NOW = 1_796_083_200  # 2026-12-01 00:00 UTC
DAY = 86_400

# kind: (family, exact code, group-level code, division code, neighbour code)
KINDS = {
    "canteen": ("food", "55512000", "55500000", "55000000", "55321000"),
    "bakery": ("food", "15810000", "15800000", "15000000", "15850000"),
    "cleaning": ("facility", "90919200", "90910000", "90000000", "90911200"),
    "laundry": ("facility", "98311000", "98310000", "98000000", "98312000"),
    "parks": ("green", "77310000", "77300000", "77000000", "77211000"),
    "residential": ("care", "85311000", "85310000", "85000000", "85311200"),
    "homecare": ("care", "85312400", "85312000", "85000000", "85311100"),
    "daycare": ("care", "85312110", "85312100", "85000000", "85312120"),
    "printing": ("business", "79810000", "79800000", "79000000", "79820000"),
    "moving": ("business", "98392000", "98390000", "98000000", "98393000"),
    "itrepair": ("business", "50320000", "50300000", "50000000", "50310000"),
    "training": ("learning", "80530000", "80500000", "80000000", "80510000"),
}

TENDER_TEXT = {
    "canteen": {
        "da": ("Kantinedrift på rådhuset", "Drift af kantinen med sunde frokostmåltider til medarbejderne, indkøb af råvarer og madlavning hver dag."),
        "en": ("Canteen operation at the town hall", "Running the staff canteen with healthy lunches, buying ingredients and cooking every weekday."),
    },
    "bakery": {
        "da": ("Levering af brød og kager", "Daglig levering af friskbagt rugbrød, boller og kager til kommunens plejecentre."),
        "en": ("Supply of bread and pastries", "Daily delivery of freshly baked rye bread, rolls and cakes to the municipal care homes."),
    },
    "cleaning": {
        "da": ("Rengøring af kontorer", "Daglig rengøring af kontorlokaler, mødelokaler og toiletter i kommunens administrationsbygninger."),
        "en": ("Office cleaning", "Daily cleaning of offices, meeting rooms and toilets in the municipal administration buildings."),
    },
    "laundry": {
        "da": ("Vask af linned og arbejdstøj", "Afhentning, vask, tørring og levering af sengelinned, håndklæder og arbejdstøj fra plejecentrene."),
        "en": ("Laundry of linen and workwear", "Collection, washing, drying and delivery of bed linen, towels and workwear from the care homes."),
    },
    "parks": {
        "da": ("Pleje af parker og grønne områder", "Græsslåning, beskæring af hække og buske og renholdelse af kommunens parker og legepladser."),
        "en": ("Maintenance of parks and green areas", "Mowing lawns, pruning hedges and shrubs and keeping the municipal parks and playgrounds tidy."),
    },
    "residential": {
        "da": ("Botilbud til unge med psykiske vanskeligheder", "Socialpædagogisk botilbud med døgnbemanding til unge voksne med psykiske vanskeligheder."),
        "en": ("Supported housing for young people", "Residential social care with staff day and night for young adults with mental health difficulties."),
    },
    "homecare": {
        "da": ("Hjemmepleje og praktisk hjælp til ældre", "Personlig pleje, praktisk hjælp og indkøb for ældre borgere i eget hjem."),
        "en": ("Home care for elderly citizens", "Personal care, practical help and shopping for elderly citizens living in their own homes."),
    },
    "daycare": {
        "da": ("Dagpasning af børn", "Drift af dagtilbud og vuggestue for børn fra et til seks år med pædagogisk personale."),
        "en": ("Childcare and nursery", "Running day care and a nursery for children aged one to six with trained pedagogical staff."),
    },
    "printing": {
        "da": ("Tryksager og trykning", "Trykning af foldere, plakater, visitkort og årsrapporter i små og store oplag."),
        "en": ("Printing services", "Printing of leaflets, posters, business cards and annual reports in small and large runs."),
    },
    "moving": {
        "da": ("Flytning af kontorer", "Flytteopgaver med nedpakning, transport og opstilling af møbler og arkiver ved flytning mellem kommunens bygninger."),
        "en": ("Office relocation", "Moving services with packing, transport and setting up of furniture and archives when offices relocate."),
    },
    "itrepair": {
        "da": ("Reparation og genbrug af computere", "Reparation, opgradering og sikker sletning af bærbare computere samt genbrug af kasseret it-udstyr."),
        "en": ("Computer repair and reuse", "Repair, upgrade and secure data wiping of laptops, and refurbishing of discarded IT equipment."),
    },
    "training": {
        "da": ("Jobtræning og opkvalificering", "Forløb med praktik, jobtræning og opkvalificering for ledige på vej mod job eller uddannelse."),
        "en": ("Vocational training for the unemployed", "Work placements, job training and upskilling courses for unemployed people on their way to a job."),
    },
}

CAPABILITIES = {
    "canteen": {
        "da": "Vi driver kantiner og laver frokost og måltider med økologiske råvarer",
        "en": "We run canteens and cook lunches and meals from organic ingredients",
    },
    "bakery": {
        "da": "Vores bageri bager rugbrød, boller og kager hver morgen",
        "en": "Our bakery bakes rye bread, rolls and cakes every morning",
    },
    "cleaning": {
        "da": "Rengøring af kontorer, skoler og mødelokaler",
        "en": "Cleaning of offices, schools and meeting rooms",
    },
    "laundry": {
        "da": "Vaskeri med vask og strygning af linned, håndklæder og arbejdstøj",
        "en": "Laundry washing and ironing linen, towels and workwear",
    },
    "parks": {
        "da": "Grøn pleje: græsslåning, hækklipning og pleje af parker",
        "en": "Green maintenance: lawn mowing, hedge cutting and park care",
    },
    "residential": {
        "da": "Botilbud og socialpædagogisk støtte døgnet rundt til unge voksne",
        "en": "Supported housing and residential care around the clock for young adults",
    },
    "homecare": {
        "da": "Hjemmehjælp, personlig pleje og praktisk hjælp til ældre",
        "en": "Home help, personal care and practical help for the elderly",
    },
    "daycare": {
        "da": "Vuggestue og børnehave med pædagoger til børn fra et til seks år",
        "en": "Nursery and kindergarten with pedagogues for children aged one to six",
    },
    "printing": {
        "da": "Trykkeri der trykker foldere, plakater og rapporter",
        "en": "Print shop printing leaflets, posters and reports",
    },
    "moving": {
        "da": "Flytteforretning: nedpakning, flytning og transport af møbler",
        "en": "Removals: packing, moving and transport of furniture",
    },
    "itrepair": {
        "da": "Reparation af computere, sletning af data og genbrug af it-udstyr",
        "en": "Computer repair, data wiping and refurbishing of IT equipment",
    },
    "training": {
        "da": "Jobtræning, praktikforløb og opkvalificering af ledige",
        "en": "Job training, work placements and upskilling of unemployed people",
    },
}

MISSION = {
    "da": [
        "Vi skaber arbejdspladser for mennesker på kanten af arbejdsmarkedet",
        "Socialøkonomisk virksomhed der giver ledige en vej tilbage til job",
        "Vi ansætter mennesker med handicap og investerer overskuddet socialt",
    ],
    "en": [
        "We create jobs for people on the edge of the labour market",
        "A social enterprise giving unemployed people a way back to work",
        "We employ people with disabilities and reinvest our profits socially",
    ],
}

WS, PS = "res-ws", "res-pub-ser"

# Profile variants: (language(s), code level, regions, eligible, capacity,
# second line?)
PROFILE_VARIANTS = [
    (["da"], "exact", ["DK01"], [WS], 5_000_000, False),
    (["en"], "group", ["DK"], [WS], None, False),
    (["da"], "division", ["DK04"], [], 1_000_000, False),
    (["en"], "none", ["DK011"], [], None, False),
    (["da"], "exact", ["DE"], [WS], 3_000_000, False),
    (["en"], "exact", ["FR"], [], 3_000_000, False),
    (["da"], "neighbour", ["DK01"], [PS], None, False),
    (["da", "en"], "exact", ["DK011"], [WS, PS], 20_000_000, False),
    (["da"], "exact", [], [], 300_000, False),
    (["en"], "group", ["DK02"], [WS], None, False),
    (["da"], "division", ["DK01"], [], 2_000_000, True),
    (["en"], "exact", ["DK03"], [PS], None, False),
    (["da"], "group", ["DK05"], [WS], 500_000, False),
    # Perfect for the reserved tenders in DK04 and Schleswig-Holstein, but
    # eligible for no reservation: must never be matched to them.
    (["en"], "exact", ["DK04"], [], 5_000_000, False),
    (["en", "da"], "exact", ["DEF"], [], None, False),
]

KIND_NAMES = list(KINDS)


def second_line(kind):
    """The next kind of work in the same family, else the next kind."""
    family = KINDS[kind][0]
    same = [k for k in KIND_NAMES if KINDS[k][0] == family and k != kind]
    if same:
        return same[0]
    return KIND_NAMES[(KIND_NAMES.index(kind) + 1) % len(KIND_NAMES)]


def code_for(kind, level):
    _, exact, group, division, neighbour = KINDS[kind]
    return {"exact": [exact], "group": [group], "division": [division],
            "neighbour": [neighbour], "none": []}[level]


def on_branch(a, b):
    return a.startswith(b) or b.startswith(a)


def regions_compatible(places, served):
    if not places or not served:
        return True
    return any(on_branch(p, s) for p in places for s in served)


def grade(tender, profile):
    if tender["reserved"] and not set(tender["reserved"]) & set(profile["eligible"]):
        return 0
    if not regions_compatible(tender["nuts"], profile["nuts"]):
        return 0
    value, capacity = tender["value_dkk"], profile["capacity_dkk"]
    fits = value is None or capacity is None or capacity >= value
    if tender["kind"] == profile["kind"]:
        return 3 if fits else 2
    if tender["kind"] == profile["second"]:
        return 2 if fits else 1
    if KINDS[tender["kind"]][0] == KINDS[profile["kind"]][0]:
        return 1
    return 0


def tenders():
    out = []
    next_id = 1
    for n, kind in enumerate(KIND_NAMES):
        _, exact, _, division, _ = KINDS[kind]
        care = KINDS[kind][0] == "care"
        variants = [
            # Danish only, precisely coded, in Copenhagen.
            ("da", [exact], ["DK011"], [], 2_000_000),
            # English only, coded at division level only (text decides),
            # reserved for sheltered workshops, across the border half the
            # time.
            ("en", [division], ["DK04"] if n % 2 == 0 else ["DEF"], [WS], None),
            # Danish only, division level, the whole country; Article 77
            # for care, both reservations for training.
            ("da", [division], ["DK"],
             [PS] if care else ([WS, PS] if kind == "training" else []), 800_000),
        ]
        for lang, cpv, nuts, reserved, value in variants:
            title, description = TENDER_TEXT[kind][lang]
            out.append({
                "id": next_id,
                "authority_id": 100 + n,
                "texts": [{"lang": lang, "title": title, "description": description}],
                "cpv": cpv,
                "nuts": nuts,
                "objectives": ["opp"] if next_id % 2 else ["opp", "acc-all"],
                "reserved": reserved,
                "status": "published",
                "deadline": NOW + (10 + next_id) * DAY,
                "published": NOW - next_id * DAY,
                "value_dkk": value,
                "procedure": "open",
                "kind": kind,
            })
            next_id += 1
    return out


def profiles():
    out = []
    next_id = 1
    for n, kind in enumerate(KIND_NAMES):
        for v, (langs, level, nuts, eligible, capacity, has_second) in enumerate(PROFILE_VARIANTS):
            second = second_line(kind) if has_second else None
            texts = []
            for lang in langs:
                capabilities = CAPABILITIES[kind][lang]
                if second:
                    capabilities += ". " + CAPABILITIES[second][lang]
                texts.append({
                    "lang": lang,
                    "mission": MISSION[lang][(n + v) % len(MISSION[lang])],
                    "capabilities": capabilities,
                })
            cpv = code_for(kind, level) + (code_for(second, "group") if second else [])
            out.append({
                "id": next_id,
                "organisation_id": 1000 + next_id,
                "name": f"{kind.capitalize()} {v + 1}",
                "texts": texts,
                "cpv": cpv,
                "nuts": nuts,
                "objectives": ["opp"] if v % 3 else ["opp", "work-cond"],
                "eligible": eligible,
                "capacity_dkk": capacity,
                "rsv": v % 2 == 0,
                "kind": kind,
                "second": second,
            })
            next_id += 1
    return out


def main():
    ts, ps = tenders(), profiles()
    judgements = []
    for t in ts:
        for p in ps:
            g = grade(t, p)
            if g > 0:
                judgements.append({"tender": t["id"], "profile": p["id"], "grade": g})
    for t in ts:
        del t["kind"]
    for p in ps:
        del p["kind"], p["second"]
    data = {"now": NOW, "tenders": ts, "profiles": ps, "judgements": judgements}
    path = pathlib.Path(__file__).with_name("judged.json")
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(ts)} tenders, {len(ps)} profiles, {len(judgements)} judgements -> {path}")


if __name__ == "__main__":
    main()
