//! Demo tenders: a few dozen believable tenders from the demo
//! municipalities, across real CPV codes and regions, some reserved (Article
//! 20 and Article 77), some with lots, some amended, one cancelled, a draft
//! per municipality, and questions answered; and one near the German border,
//! in German and euro, with places in Germany. Made through the tender
//! service, so every rule holds; a tender whose title its authority already
//! has is skipped, so running the demo again adds nothing.

use chrono::Duration;
use diesel::prelude::*;
use socialbid_frontend::Lang;

use crate::accounts::model;
use crate::app::AppState;
use crate::auth::{AuthUser, Role};
use crate::db::ids::{AuthorityId, SessionId};
use crate::db::schema::tenders;
use crate::demo::people::{ENTREPRENEURS, MUNICIPALITIES};
use crate::error::AppError;
use crate::tenders::model::{Content, Criterion, CriterionKind, Lot};
use crate::tenders::money::Amount;
use crate::tenders::service;

/// One demo tender, before the municipality's name is put in.
pub struct Spec {
    pub lang: &'static str,
    /// `{town}` is replaced by the municipality's town.
    pub title: &'static str,
    pub description: &'static str,
    pub nature: &'static str,
    pub procedure: &'static str,
    pub cpv: &'static str,
    pub additional: &'static [&'static str],
    /// Whole units of `currency`.
    pub value: i64,
    pub currency: &'static str,
    pub days: i64,
    /// eForms BT-71 codes.
    pub reserved: &'static [&'static str],
    /// Places of performance besides the municipality's own.
    pub places: &'static [&'static str],
    /// Published only by a municipality in this NUTS region.
    pub only_in: Option<&'static str>,
    /// (name, kind, weight, objectives)
    pub criteria: &'static [(&'static str, &'static str, i32, &'static [&'static str])],
    /// (title, cpv, value)
    pub lots: &'static [(&'static str, &'static str, i64)],
    /// (question, answer)
    pub question: Option<(&'static str, &'static str)>,
}

pub(super) const PRICE_QUALITY_SOCIAL: &[(&str, &str, i32, &[&str])] = &[
    ("Pris", "price", 50, &[]),
    ("Kvalitet og organisering", "quality", 25, &[]),
    (
        "Job til ledige og personer med handicap",
        "social",
        25,
        &["opp"],
    ),
];

const SOCIAL_HEAVY: &[(&str, &str, i32, &[&str])] = &[
    ("Pris", "price", 30, &[]),
    ("Faglig kvalitet", "quality", 30, &[]),
    ("Social inklusion", "social", 40, &["opp", "acc-all"]),
];

const FAIR_WORK: &[(&str, &str, i32, &[&str])] = &[
    ("Pris", "price", 40, &[]),
    ("Kvalitet i leverancen", "quality", 35, &[]),
    (
        "Ordentlige arbejdsvilkår",
        "social",
        25,
        &["work-cond", "gen-eq"],
    ),
];

pub const SPECS: &[Spec] = &[
    Spec {
        lang: "da",
        title: "Rengøring af daginstitutioner i {town}",
        description: "Daglig rengøring af kommunens daginstitutioner.\n\n- Rengøring efter kommunens kvalitetsstandard\n- Miljømærkede rengøringsmidler\n- Mindst to medarbejdere i fleksjob eller løntilskud",
        nature: "services",
        procedure: "open",
        cpv: "90911200",
        additional: &["90919200"],
        value: 4_800_000,
        days: 45,
        currency: "DKK",
        reserved: &[],
        places: &[],
        only_in: None,
        criteria: PRICE_QUALITY_SOCIAL,
        lots: &[
            ("Institutioner nord", "90911200", 2_400_000),
            ("Institutioner syd", "90911200", 2_400_000),
        ],
        question: Some((
            "Kan man byde på én delaftale alene?",
            "Ja. Hver delaftale tildeles for sig, og man kan byde på én eller begge.",
        )),
    },
    Spec {
        lang: "da",
        title: "Kantinedrift på rådhuset i {town}",
        description: "Drift af rådhusets kantine med cirka 300 daglige kuverter.\n\nKantinen skal være et lærested for unge uden uddannelse.",
        nature: "services",
        procedure: "open",
        cpv: "55512000",
        additional: &["55520000"],
        value: 3_200_000,
        days: 40,
        currency: "DKK",
        reserved: &[],
        places: &[],
        only_in: None,
        criteria: SOCIAL_HEAVY,
        lots: &[],
        question: Some((
            "Hvor stor en andel økologi forventes?",
            "Mindst 60 procent målt i kroner, som i kommunens madpolitik.",
        )),
    },
    Spec {
        lang: "da",
        title: "Bostøtte til unge med psykiske vanskeligheder i {town}",
        description: "Socialpædagogisk støtte i eget hjem efter servicelovens § 85.\n\nForbeholdt organisationer efter udbudsdirektivets artikel 77.",
        nature: "services",
        procedure: "oth-single",
        cpv: "85312000",
        additional: &["85312300"],
        value: 6_500_000,
        days: 35,
        currency: "DKK",
        reserved: &["res-pub-ser"],
        places: &[],
        only_in: None,
        criteria: SOCIAL_HEAVY,
        lots: &[],
        question: None,
    },
    Spec {
        lang: "da",
        title: "Pleje af grønne områder i {town}",
        description: "Græsslåning, beskæring og renhold af parker og legepladser.\n\n- Sæson fra marts til november\n- Udstyr stilles af leverandøren",
        nature: "services",
        procedure: "open",
        cpv: "77310000",
        additional: &["77311000"],
        value: 2_100_000,
        days: 50,
        currency: "DKK",
        reserved: &["res-ws"],
        places: &[],
        only_in: None,
        criteria: PRICE_QUALITY_SOCIAL,
        lots: &[],
        question: Some((
            "Skal leverandøren selv bortskaffe haveaffald?",
            "Ja, haveaffald afleveres på kommunens genbrugsplads uden betaling.",
        )),
    },
    Spec {
        lang: "da",
        title: "Reparation og genbrug af skolemøbler i {town}",
        description: "Istandsættelse af borde og stole fra kommunens skoler, så de kan bruges igen.",
        nature: "services",
        procedure: "open",
        cpv: "50850000",
        additional: &[],
        value: 900_000,
        days: 30,
        currency: "DKK",
        reserved: &["res-ws"],
        places: &[],
        only_in: None,
        criteria: PRICE_QUALITY_SOCIAL,
        lots: &[],
        question: None,
    },
    Spec {
        lang: "da",
        title: "Skolemad til kommunens folkeskoler i {town}",
        description: "Levering af sund frokost til elever i 0.–6. klasse.\n\n- Mindst 75 procent økologi\n- Lokale råvarer, hvor det er muligt",
        nature: "services",
        procedure: "open",
        cpv: "55523100",
        additional: &["55321000"],
        value: 7_400_000,
        days: 55,
        currency: "DKK",
        reserved: &[],
        places: &[],
        only_in: None,
        criteria: SOCIAL_HEAVY,
        lots: &[
            ("Skoler i midtbyen", "55523100", 3_700_000),
            ("Skoler i oplandet", "55523100", 3_700_000),
        ],
        question: None,
    },
    Spec {
        lang: "da",
        title: "Tolkning og oversættelse for flygtninge i {town}",
        description: "Tolkning ved kommunens møder med borgere og oversættelse af breve til arabisk, tigrinya, dari og ukrainsk.",
        nature: "services",
        procedure: "open",
        cpv: "79530000",
        additional: &[],
        value: 1_500_000,
        days: 38,
        currency: "DKK",
        reserved: &[],
        places: &[],
        only_in: None,
        criteria: FAIR_WORK,
        lots: &[],
        question: Some((
            "Kan tolkningen foregå over video?",
            "Ja, ved møder under en time, når borgeren siger ja til det.",
        )),
    },
    Spec {
        lang: "da",
        title: "Aktivitetstilbud på bibliotekerne i {town}",
        description: "Læsecafeer og lektiehjælp for børn og voksne på kommunens biblioteker.",
        nature: "services",
        procedure: "oth-single",
        cpv: "92500000",
        additional: &[],
        value: 600_000,
        days: 42,
        currency: "DKK",
        reserved: &["res-pub-ser"],
        places: &[],
        only_in: None,
        criteria: SOCIAL_HEAVY,
        lots: &[],
        question: None,
    },
    Spec {
        lang: "da",
        title: "Kørsel til daghjem i {town}",
        description: "Daglig kørsel af ældre borgere til og fra kommunens daghjem i biler med plads til kørestol.",
        nature: "services",
        procedure: "open",
        cpv: "60130000",
        additional: &[],
        value: 5_200_000,
        days: 48,
        currency: "DKK",
        reserved: &[],
        places: &[],
        only_in: None,
        criteria: FAIR_WORK,
        lots: &[
            ("Ruter i den nordlige del", "60130000", 2_600_000),
            ("Ruter i den sydlige del", "60130000", 2_600_000),
        ],
        question: None,
    },
    Spec {
        lang: "da",
        title: "Renovering af kommunale køkkener i {town}",
        description: "Ombygning af tre produktionskøkkener med lærlinge og praktikanter på pladsen.",
        nature: "works",
        procedure: "restricted",
        cpv: "45453000",
        additional: &["45421000"],
        value: 12_000_000,
        days: 60,
        currency: "DKK",
        reserved: &[],
        places: &[],
        only_in: None,
        criteria: PRICE_QUALITY_SOCIAL,
        lots: &[],
        question: None,
    },
    // Near the German border: a joint Danish-German employment project,
    // written in German, valued in euro, with places on both sides
    // (Sydjylland; Flensburg and Schleswig-Flensburg), reserved under
    // Article 20 and Article 77 at once.
    Spec {
        lang: "de",
        title: "Grenzüberschreitende Beschäftigungsbegleitung Sønderjylland–Schleswig",
        description: "Begleitung von Menschen mit Behinderungen und Langzeitarbeitslosen in Arbeit auf beiden Seiten der deutsch-dänischen Grenze.\n\n- Beratung und Begleitung am Arbeitsplatz\n- Zweisprachige Betreuung auf Deutsch und Dänisch\n- Zusammenarbeit mit Jobcentern und Jobcentre",
        nature: "services",
        procedure: "open",
        cpv: "85312000",
        additional: &["85312300"],
        value: 640_000,
        currency: "EUR",
        days: 50,
        reserved: &["res-ws", "res-pub-ser"],
        places: &["DK032", "DEF01", "DEF0C"],
        only_in: Some("DK03"),
        criteria: &[
            ("Preis", "price", 30, &[]),
            ("Qualität der Begleitung", "quality", 30, &[]),
            (
                "Beschäftigung von Menschen mit Behinderungen",
                "social",
                40,
                &["opp", "acc-all"],
            ),
        ],
        lots: &[],
        question: None,
    },
];

/// The town a municipality is named after: "Aarhus Kommune" → "Aarhus";
/// Copenhagen's municipality carries the genitive ("Københavns Kommune"),
/// the town does not ("i København").
pub(super) fn town(municipality: &str) -> &str {
    match municipality {
        "Københavns Kommune" => "København",
        other => other.trim_end_matches(" Kommune"),
    }
}

pub fn content_of(spec: &Spec, town: &str, nuts: &str, now: chrono::NaiveDateTime) -> Content {
    let deadline = (now + Duration::days(spec.days))
        .date()
        .and_hms_opt(11, 0, 0)
        .unwrap_or(now + Duration::days(spec.days));
    Content {
        title: spec.title.replace("{town}", town),
        description: spec.description.to_owned(),
        language: spec.lang.to_owned(),
        contract_nature: Some(spec.nature.to_owned()),
        procedure_type: Some(spec.procedure.to_owned()),
        main_cpv: Some(spec.cpv.to_owned()),
        additional_cpv: spec.additional.iter().map(|c| (*c).to_owned()).collect(),
        nuts_codes: std::iter::once(nuts)
            .chain(spec.places.iter().copied())
            .map(str::to_owned)
            .collect(),
        estimated_value: Some(Amount(spec.value * 100)),
        currency: spec.currency.to_owned(),
        submission_deadline: Some(deadline),
        question_deadline: Some(deadline - Duration::days(10)),
        reserved: spec.reserved.iter().map(|c| (*c).to_owned()).collect(),
        strategic: vec!["soc-obj".to_owned()],
        lots: spec
            .lots
            .iter()
            .map(|(title, cpv, value)| Lot {
                title: (*title).to_owned(),
                description: String::new(),
                cpv_codes: vec![(*cpv).to_owned()],
                estimated_value: Some(Amount(*value * 100)),
                reserved: Vec::new(),
            })
            .collect(),
        criteria: spec
            .criteria
            .iter()
            .map(|(name, kind, weight, objectives)| Criterion {
                name: (*name).to_owned(),
                kind: CriterionKind::parse(kind).unwrap_or(CriterionKind::Quality),
                weight: *weight,
                social_objectives: objectives.iter().map(|o| (*o).to_owned()).collect(),
                description: String::new(),
            })
            .collect(),
    }
}

pub(super) async fn person(app: &AppState, email: &str) -> anyhow::Result<AuthUser> {
    let email = email.to_owned();
    let user = app
        .db
        .run(move |conn| model::find_by_email(conn, &email)?.ok_or_else(AppError::not_found))
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok(AuthUser {
        id: user.id,
        session_id: SessionId(0),
        role: user.role,
        lang: user.lang(),
        email: user.email,
        name: user.name,
        authority_id: user.authority_id,
        approval_state: user.approval_state,
    })
}

/// Seeds the tenders that are missing; returns how many were added.
pub async fn seed(app: &AppState) -> anyhow::Result<usize> {
    let now = app.clock.now();
    let mut added = 0;
    let asker = person(app, ENTREPRENEURS[0].1).await?;
    let follower = person(app, ENTREPRENEURS[2].1).await?;
    for (m, (name, _, nuts, _, email)) in MUNICIPALITIES.iter().enumerate() {
        let officer = person(app, email).await?;
        debug_assert_eq!(officer.role, Role::Officer);
        let authority = officer.authority_id.unwrap_or(AuthorityId(0));
        // Each municipality publishes most of the specs, in its own order,
        // and keeps one as a draft.
        for (i, spec) in SPECS.iter().enumerate() {
            if spec.only_in.is_some_and(|region| !nuts.starts_with(region)) {
                continue;
            }
            if spec.only_in.is_none() && (i + m) % 5 == 4 {
                continue;
            }
            let content = content_of(spec, town(name), nuts, now);
            let title = content.title.clone();
            let exists: i64 = app
                .db
                .run(move |conn| {
                    Ok::<_, AppError>(
                        tenders::table
                            .filter(tenders::authority_id.eq(authority))
                            .filter(tenders::title.eq(title))
                            .count()
                            .get_result(conn)?,
                    )
                })
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            if exists > 0 {
                continue;
            }
            let id = service::create_draft(app, &officer, content.clone())
                .await
                .map_err(|e| anyhow::anyhow!("{}: {e:?}", content.title))?;
            added += 1;
            if spec.only_in.is_none() && i == (m + 1) % SPECS.len() {
                continue; // stays a draft
            }
            service::publish(app, &officer, id)
                .await
                .map_err(|e| anyhow::anyhow!("{}: {e:?}", content.title))?;
            if let Some((question, answer)) = spec.question {
                service::follow(app, &follower, id, true)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
                let qid = service::ask(app, &asker, id, question.to_owned())
                    .await
                    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
                service::answer(app, &officer, id, qid, answer.to_owned(), None)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            }
            if i % 4 == 1 {
                let mut longer = content.clone();
                longer.submission_deadline =
                    longer.submission_deadline.map(|d| d + Duration::days(7));
                let reason = match Lang::from_code(spec.lang) {
                    Some(Lang::En) => "More time to form consortia",
                    _ => "Mere tid til at danne konsortier",
                };
                service::amend(app, &officer, id, longer, reason.to_owned())
                    .await
                    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            }
            if m == 0 && i == 9 {
                service::cancel(
                    app,
                    &officer,
                    id,
                    "Projektet er udskudt til næste budgetår".to_owned(),
                )
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            }
        }
    }
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenders::rules::{self, Strictness};

    #[test]
    fn every_demo_tender_keeps_every_rule() {
        let now = chrono::Utc::now().naive_utc();
        for spec in SPECS {
            let mut content = content_of(spec, "Aarhus", "DK042", now);
            rules::normalise(&mut content);
            let problems = rules::check(&content, now, Strictness::Publish);
            assert!(problems.is_empty(), "{}: {problems:?}", content.title);
        }
    }
}
