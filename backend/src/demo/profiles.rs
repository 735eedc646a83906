//! Demo social enterprises: invented but believable organisations (Danish,
//! one from Schleswig-Holstein and one from Skåne) with real CPV codes and regions, in
//! every moderation state. Their CVR
//! numbers are generated to pass the modulus-11 check (from seeds in one
//! range), never copied from real companies.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::accounts::model;
use crate::app::AppState;
use crate::db::DbConn;
use crate::db::ids::{OrganisationId, UserId};
use crate::db::schema::{organisation_members, organisations, profile_flags, users};
use crate::db::write_transaction;
use crate::demo::people::{ADMIN_EMAIL, ENTREPRENEURS};
use crate::error::AppError;
use crate::profiles::model::ProfileInput;
use crate::profiles::service::{ReviewState, write_index};

/// A valid CVR number from a seed: the 8th digit completes the modulus-11
/// check; seeds whose check digit would be 10 are skipped.
pub fn generated_cvr(seed: u32) -> String {
    const WEIGHTS: [u32; 7] = [2, 7, 6, 5, 4, 3, 2];
    (seed..)
        .find_map(|s| {
            let digits = format!("{:07}", 4_180_000 + s % 100_000);
            let sum: u32 = digits
                .chars()
                .zip(WEIGHTS)
                .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
                .sum();
            let check = (11 - sum % 11) % 11;
            (check < 10).then(|| format!("{digits}{check}"))
        })
        .unwrap_or_default()
}

/// The state each demo profile is brought to.
#[derive(Clone, Copy)]
enum Demo {
    Approved,
    Pending,
    Rejected,
    ChangesRequested,
    Suspended,
    /// Approved, with a change of name waiting for review.
    ChangePending,
    /// Approved, and flagged by someone.
    Flagged,
}

struct Enterprise {
    name: &'static str,
    legal_form: &'static str,
    cpv: &'static [&'static str],
    nuts: &'static [&'static str],
    objectives: &'static [&'static str],
    mission: &'static str,
    employees: i32,
    target: i32,
    rsv: bool,
    art20: bool,
    art77: bool,
    demo: Demo,
}

macro_rules! enterprise {
    ($name:literal, $form:literal, [$($cpv:literal),*], [$($nuts:literal),*], [$($obj:literal),*], $mission:literal, $emp:literal / $target:literal, rsv=$rsv:literal, art20=$a20:literal, art77=$a77:literal, $demo:ident) => {
        Enterprise {
            name: $name, legal_form: $form, cpv: &[$($cpv),*], nuts: &[$($nuts),*],
            objectives: &[$($obj),*], mission: $mission, employees: $emp, target: $target,
            rsv: $rsv, art20: $a20, art77: $a77, demo: Demo::$demo,
        }
    };
}

const ENTERPRISES: [Enterprise; 34] = [
    enterprise!(
        "Café Lyst ApS",
        "aps",
        ["55300000", "55520000"],
        ["DK011", "DK012"],
        ["opp"],
        "Vi træner unge uden uddannelse til job i køkken og café, og 8 ud af 10 går videre til job eller uddannelse.",
        18 / 11,
        rsv = true,
        art20 = true,
        art77 = false,
        Approved
    ),
    enterprise!(
        "Grøn Omstilling ApS",
        "aps",
        ["77310000", "77311000"],
        ["DK04"],
        ["opp", "work-cond"],
        "Grøn pleje af parker og kirkegårde med medarbejdere, der har været langtidsledige.",
        24 / 15,
        rsv = true,
        art20 = true,
        art77 = false,
        Pending
    ),
    enterprise!(
        "Rengøring med Mening ApS",
        "aps",
        ["90910000", "90911200"],
        ["DK01"],
        ["opp", "et-eq"],
        "Erhvervsrengøring, hvor halvdelen af medarbejderne er flygtninge eller indvandrere i deres første job i Danmark.",
        42 / 21,
        rsv = false,
        art20 = true,
        art77 = false,
        Rejected
    ),
    enterprise!(
        "Møbelværkstedet Genbrug",
        "forening",
        ["50850000", "39100000"],
        ["DK03"],
        ["opp"],
        "Vi reparerer og genbruger kommunale møbler med medarbejdere i fleksjob og på særlige vilkår.",
        14 / 10,
        rsv = true,
        art20 = true,
        art77 = false,
        ChangePending
    ),
    enterprise!(
        "Bageriet Brødbrødre ApS",
        "aps",
        ["15810000"],
        ["DK031", "DK032"],
        ["opp"],
        "Et bageri, der ansætter unge med autisme og giver dem en håndværksuddannelse.",
        9 / 6,
        rsv = true,
        art20 = true,
        art77 = false,
        Approved
    ),
    enterprise!(
        "Vaskeriet Ren Besked",
        "forening",
        ["98310000", "98311000"],
        ["DK042"],
        ["opp", "acc-all"],
        "Vask af linned for plejecentre og institutioner, drevet af personer med psykiske handicap.",
        21 / 16,
        rsv = true,
        art20 = true,
        art77 = true,
        Approved
    ),
    enterprise!(
        "Kystens Cykler ApS",
        "aps",
        ["50110000", "34430000"],
        ["DK050"],
        ["opp"],
        "Vi reparerer og udlejer cykler og uddanner tidligere kriminelle til cykelmekanikere.",
        7 / 4,
        rsv = false,
        art20 = false,
        art77 = false,
        Approved
    ),
    enterprise!(
        "Socialt Hus Nord",
        "fond",
        ["85311000", "85312000"],
        ["DK05"],
        ["opp", "acc-all"],
        "Botilbud og dagtilbud for hjemløse, hvor overskuddet går tilbage til arbejdet.",
        56 / 8,
        rsv = true,
        art20 = false,
        art77 = true,
        Approved
    ),
    enterprise!(
        "Trykkeriet Sammen ApS",
        "aps",
        ["79810000", "79800000"],
        ["DK01", "DK02"],
        ["opp", "work-cond"],
        "Tryk af tryksager for offentlige kunder, udført af medarbejdere med handicap.",
        16 / 11,
        rsv = true,
        art20 = true,
        art77 = false,
        Approved
    ),
    enterprise!(
        "Grønne Hænder Fyn",
        "forening",
        ["77310000", "03221000"],
        ["DK031"],
        ["opp"],
        "Økologisk grøntsagsdyrkning og grøn pleje med unge på kanten af arbejdsmarkedet.",
        12 / 8,
        rsv = true,
        art20 = true,
        art77 = false,
        Approved
    ),
    enterprise!(
        "Madhuset på Hjørnet",
        "amba",
        ["55520000", "55500000"],
        ["DK042", "DK041"],
        ["opp", "gen-eq"],
        "Kantine og catering med kvinder, der har været længe uden for arbejdsmarkedet.",
        27 / 17,
        rsv = true,
        art20 = true,
        art77 = false,
        Approved
    ),
    enterprise!(
        "IT-Holdet ApS",
        "aps",
        ["72500000"],
        ["DK"],
        ["opp", "acc-all"],
        "Test af it-systemer og tilgængelighed, udført af specialister med autisme.",
        31 / 22,
        rsv = true,
        art20 = true,
        art77 = false,
        Approved
    ),
    enterprise!(
        "Kurerkompagniet",
        "aps",
        ["64120000"],
        ["DK011", "DK012", "DK013"],
        ["opp"],
        "Cykelbud i hovedstaden med medarbejdere i fleksjob.",
        19 / 12,
        rsv = false,
        art20 = true,
        art77 = false,
        Approved
    ),
    enterprise!(
        "Lageret Jylland ApS",
        "aps",
        ["63120000"],
        ["DK04", "DK05"],
        ["opp", "work-cond"],
        "Lager og pakning for offentlige kunder; mange medarbejdere har været i ressourceforløb.",
        33 / 14,
        rsv = true,
        art20 = true,
        art77 = false,
        Approved
    ),
    enterprise!(
        "Maler og Mening ApS",
        "aps",
        ["45442100"],
        ["DK02"],
        ["opp"],
        "Malerarbejde på skoler og institutioner med lærlinge, der har en plettet straffeattest.",
        11 / 5,
        rsv = false,
        art20 = false,
        art77 = false,
        Approved
    ),
    enterprise!(
        "Genbrugsbutikken Fællesskab",
        "forening",
        ["90511000", "90700000"],
        ["DK013", "DK014"],
        ["opp", "other"],
        "Indsamling og genbrug af møbler og tøj, drevet af frivillige og ansatte i løntilskud.",
        23 / 15,
        rsv = true,
        art20 = true,
        art77 = false,
        Approved
    ),
    enterprise!(
        "Viceværterne ApS",
        "aps",
        ["98341140"],
        ["DK022"],
        ["opp"],
        "Viceværtservice for boligforeninger med medarbejdere med fysiske handicap.",
        13 / 9,
        rsv = true,
        art20 = true,
        art77 = false,
        Approved
    ),
    enterprise!(
        "Kulturstedet Værket",
        "fond",
        ["92500000", "92600000"],
        ["DK032"],
        ["acc-all", "opp"],
        "Kulturhus og museumsdrift, der gør kultur tilgængelig for mennesker med handicap.",
        15 / 5,
        rsv = true,
        art20 = false,
        art77 = true,
        Approved
    ),
    enterprise!(
        "Støttecentret Ankeret",
        "fond",
        ["85312300", "85312400"],
        ["DK021"],
        ["opp", "other"],
        "Rådgivning og støtte til udsatte familier; overskuddet geninvesteres i arbejdet.",
        38 / 6,
        rsv = true,
        art20 = false,
        art77 = true,
        Approved
    ),
    enterprise!(
        "Uddannelseshuset Broen",
        "forening",
        ["80530000", "80500000"],
        ["DK01"],
        ["opp", "et-eq"],
        "Erhvervsrettede kurser for nydanskere, med praktik hos lokale virksomheder.",
        22 / 7,
        rsv = true,
        art20 = false,
        art77 = true,
        Approved
    ),
    enterprise!(
        "Jobværkstedet Vest ApS",
        "aps",
        ["79620000"],
        ["DK041"],
        ["opp"],
        "Vikarer fra målgrupperne til rengøring, køkken og lager.",
        48 / 30,
        rsv = true,
        art20 = true,
        art77 = false,
        Pending
    ),
    enterprise!(
        "Tekstilværkstedet Nål og Tråd",
        "forening",
        ["18200000"],
        ["DK03"],
        ["opp", "gen-eq"],
        "Syning af arbejdstøj med kvinder, der lærer dansk på jobbet.",
        10 / 8,
        rsv = false,
        art20 = true,
        art77 = false,
        Pending
    ),
    enterprise!(
        "Transportlauget ApS",
        "aps",
        ["60100000"],
        ["DK050"],
        ["opp"],
        "Kørsel af skoleelever og ældre med chauffører, der har været langtidsledige.",
        26 / 10,
        rsv = false,
        art20 = false,
        art77 = false,
        Pending
    ),
    enterprise!(
        "Havefolket Sjælland",
        "amba",
        ["77311000"],
        ["DK021", "DK022"],
        ["opp"],
        "Havepleje for ældre og institutioner udført af unge i kommunale forløb.",
        17 / 12,
        rsv = true,
        art20 = true,
        art77 = false,
        ChangesRequested
    ),
    enterprise!(
        "Kantinen Fællesbordet",
        "aps",
        ["55500000"],
        ["DK014"],
        ["opp"],
        "Kantinedrift på rådhuse med medarbejdere i fleksjob.",
        20 / 13,
        rsv = true,
        art20 = true,
        art77 = false,
        ChangesRequested
    ),
    enterprise!(
        "Affaldsholdet ApS",
        "aps",
        ["90500000"],
        ["DK04"],
        ["opp", "work-cond"],
        "Affaldssortering og genanvendelse med tidligere misbrugere.",
        29 / 18,
        rsv = false,
        art20 = true,
        art77 = false,
        Rejected
    ),
    enterprise!(
        "Byens Bude ApS",
        "aps",
        ["64120000"],
        ["DK012"],
        ["opp"],
        "Budservice med unge hjemløse.",
        8 / 6,
        rsv = false,
        art20 = false,
        art77 = false,
        Suspended
    ),
    enterprise!(
        "Plejehjælperne Syd",
        "forening",
        ["85320000"],
        ["DK032"],
        ["opp", "gen-eq"],
        "Praktisk hjælp i hjemmet for ældre, udført af kvinder med anden etnisk baggrund.",
        44 / 25,
        rsv = true,
        art20 = false,
        art77 = true,
        Suspended
    ),
    enterprise!(
        "Rengøringskollektivet Nord",
        "amba",
        ["90910000"],
        ["DK050"],
        ["opp", "work-cond"],
        "Rengøring af skoler og børnehaver med medarbejdere i fleksjob.",
        35 / 22,
        rsv = true,
        art20 = true,
        art77 = false,
        Flagged
    ),
    enterprise!(
        "Kaffebaren Anden Chance",
        "aps",
        ["55300000"],
        ["DK042"],
        ["opp"],
        "Kaffebarer i kommunale bygninger, bemandet af tidligere indsatte.",
        12 / 9,
        rsv = true,
        art20 = true,
        art77 = false,
        Approved
    ),
    enterprise!(
        "Tolkeservice Bro",
        "aps",
        ["79342000"],
        ["DK"],
        ["et-eq", "acc-all"],
        "Tolkning og tegnsprogstolkning; halvdelen af tolkene er døve eller hørehæmmede.",
        25 / 12,
        rsv = true,
        art20 = true,
        art77 = false,
        Approved
    ),
    enterprise!(
        "Fritidshuset Sammen",
        "forening",
        ["92600000", "85312000"],
        ["DK013"],
        ["acc-all", "opp"],
        "Sport og fritid for børn og unge med handicap; overskud går til aktiviteterne.",
        18 / 4,
        rsv = true,
        art20 = false,
        art77 = true,
        Approved
    ),
    enterprise!(
        "Nordlicht Werkstätten",
        "other",
        ["85312000", "77310000", "39100000"],
        ["DEF", "DK032"],
        ["opp", "acc-all"],
        "Eine Werkstatt in Flensburg, in der Menschen mit Behinderungen Möbel bauen und Grünanlagen pflegen, auf beiden Seiten der Grenze.",
        46 / 31,
        rsv = false,
        art20 = true,
        art77 = false,
        Approved
    ),
    enterprise!(
        "Malmö Omsorgskooperativ",
        "cooperative",
        ["85312000", "85311200"],
        ["SE224", "DK01"],
        ["acc-all", "opp"],
        "Ett kooperativ i Malmö där personer med funktionsnedsättning ger daglig verksamhet och stöd i hemmet, också över Öresund.",
        28 / 17,
        rsv = false,
        art20 = false,
        art77 = true,
        Approved
    ),
];

/// The demo enterprises registered outside Denmark: (name, country,
/// national business identifier, VAT number, legal form in words). The
/// numbers are invented in the countries' formats.
const ABROAD: [(&str, &str, &str, &str, &str); 2] = [
    (
        "Nordlicht Werkstätten",
        "DE",
        "HRB 4711 FL",
        "DE 298 765 431",
        "gGmbH",
    ),
    (
        "Malmö Omsorgskooperativ",
        "SE",
        "769612-3456",
        "SE769612345601",
        "",
    ),
];

fn abroad(
    e: &Enterprise,
) -> Option<&'static (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
)> {
    ABROAD.iter().find(|a| a.0 == e.name)
}

/// What makes a demo enterprise one of a kind: its CVR number, or its
/// country and national identifier abroad.
fn registry_key(e: &Enterprise, cvr: &str) -> String {
    match abroad(e) {
        Some((_, country, id, _, _)) => crate::profiles::model::registry_key(country, "", id),
        None => cvr.to_owned(),
    }
}

fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'æ' => out.push_str("ae"),
            'ø' => out.push_str("oe"),
            'å' => out.push_str("aa"),
            'é' => out.push('e'),
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            _ if !out.ends_with('-') => out.push('-'),
            _ => {}
        }
    }
    out.trim_matches('-').to_owned()
}

fn input(e: &Enterprise, cvr: &str) -> ProfileInput {
    let slug = slug(e.name);
    let (country, cvr, national_id, vat_number, legal_form_text) = match abroad(e) {
        Some((_, country, id, vat, form)) => (*country, "", *id, *vat, *form),
        None => ("DK", cvr, "", "", ""),
    };
    ProfileInput {
        organisation_name: e.name.into(),
        country: country.into(),
        cvr: cvr.into(),
        national_id: national_id.into(),
        vat_number: vat_number.into(),
        legal_form: e.legal_form.into(),
        legal_form_text: legal_form_text.into(),
        rsv_registered: e.rsv,
        rsv_registered_on: e.rsv.then(|| "2019-06-01".into()),
        founded_year: Some(2008 + (e.employees % 15)),
        employees: Some(e.employees),
        target_group_employees: Some(e.target),
        mission: e.mission.into(),
        capabilities: String::new(),
        cpv: e.cpv.iter().map(|c| (*c).into()).collect(),
        nuts: e.nuts.iter().map(|c| (*c).into()).collect(),
        social_objectives: e.objectives.iter().map(|c| (*c).into()).collect(),
        // Each in its own currency, about 150,000 kroner per employee.
        max_contract_value: Some(
            i64::from(e.employees)
                * match country {
                    "SE" => 200_000,
                    "DK" => 150_000,
                    _ => 20_000,
                },
        ),
        max_contract_currency: match country {
            "SE" => "SEK",
            "DK" => "DKK",
            _ => "EUR",
        }
        .into(),
        consortium: e.employees < 20,
        reserved_res_ws: e.art20,
        res_ws_justification: if e.art20 {
            "Over 30 % af medarbejderne har et handicap eller er dårligt stillede.".into()
        } else {
            String::new()
        },
        reserved_res_pub_ser: e.art77,
        res_pub_ser_justification: if e.art77 {
            "Vores formål er at løse en offentlig tjenesteydelsesopgave, og vi geninvesterer hele overskuddet.".into()
        } else {
            String::new()
        },
        references: vec![match 1 + e.employees % 4 {
            1 => "Leverandør til 1 kommune siden 2021".to_owned(),
            n => format!("Leverandør til {n} kommuner siden 2021"),
        }],
        website: format!("https://{slug}.example.{}", country.to_lowercase()),
        contact_email: format!("kontakt@{slug}.socialbid.demo"),
        contact_phone: String::new(),
    }
}

fn audit(
    conn: &mut DbConn,
    actor: &model::User,
    action: &str,
    org: i64,
    reason: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let actor = crate::audit::Actor {
        id: actor.id,
        email: &actor.email,
    };
    crate::audit::record(conn, actor, action, "organisation", org, reason, now).map(|_| ())
}

fn ensure_member(
    conn: &mut DbConn,
    email: &str,
    name: &str,
    hash: &str,
    now: NaiveDateTime,
) -> QueryResult<model::User> {
    if let Some(user) = model::find_by_email(conn, email)? {
        return Ok(user);
    }
    let id: UserId = diesel::insert_into(users::table)
        .values((
            users::email.eq(email),
            users::name.eq(name),
            users::password_hash.eq(hash),
            users::role.eq("entrepreneur"),
            users::locale.eq("da"),
            users::email_verified_at.eq(now),
            users::created_at.eq(now),
            users::updated_at.eq(now),
        ))
        .returning(users::id)
        .get_result(conn)?;
    model::find(conn, id)
}

/// Adds the demo enterprises that are missing (by CVR number); returns how
/// many there are in all.
pub async fn seed(app: &AppState) -> anyhow::Result<usize> {
    let hash = crate::auth::password::hash(crate::demo::DEMO_PASSWORD, app.config.password_cost)?;
    let now = app.clock.now();
    let today = now.date();
    app.db
        .run(move |conn| {
            write_transaction::<_, AppError, _>(conn, |conn| {
                let admin = model::find_by_email(conn, ADMIN_EMAIL)?.ok_or_else(AppError::not_found)?;
                for (i, e) in ENTERPRISES.iter().enumerate() {
                    let cvr = generated_cvr(i as u32 * 37);
                    let key = registry_key(e, &cvr);
                    let exists: i64 = organisations::table
                        .filter(organisations::registry_key.eq(&key))
                        .count()
                        .get_result(conn)?;
                    if exists > 0 {
                        continue;
                    }
                    let profile = input(e, &cvr).validate(today).map_err(|errors| {
                        AppError::internal(anyhow::anyhow!("demo profile {} is invalid: {errors:?}", e.name))
                    })?;
                    // The first four belong to the demo entrepreneurs people.rs creates.
                    let member = match ENTREPRENEURS.get(i) {
                        Some((name, email)) => ensure_member(conn, email, name, &hash, now)?,
                        None => {
                            let email = format!("kontakt@{}.socialbid.demo", slug(e.name));
                            ensure_member(conn, &email, "Demo Medlem", &hash, now)?
                        }
                    };
                    let draft = serde_json::to_string(&profile).map_err(AppError::internal)?;
                    let id: OrganisationId = diesel::insert_into(organisations::table)
                        .values((
                            organisations::registry_key.eq(&key),
                            organisations::draft.eq(&draft),
                            organisations::review_state.eq(ReviewState::Pending.as_str()),
                            organisations::submitted_at.eq(now),
                            organisations::created_at.eq(now),
                            organisations::updated_at.eq(now),
                        ))
                        .returning(organisations::id)
                        .get_result(conn)?;
                    diesel::insert_into(organisation_members::table)
                        .values((
                            organisation_members::organisation_id.eq(id),
                            organisation_members::user_id.eq(member.id),
                            organisation_members::created_at.eq(now),
                        ))
                        .execute(conn)?;
                    audit(conn, &member, "profile.submit", id.0, None, now)?;
                    let facts = profile.facts();
                    let approve = |conn: &mut DbConn| -> Result<(), AppError> {
                        diesel::update(organisations::table.find(id))
                            .set((
                                organisations::review_state.eq(ReviewState::Approved.as_str()),
                                organisations::approved_facts.eq(serde_json::to_string(&facts).map_err(AppError::internal)?),
                                organisations::reviewed_by.eq(admin.id),
                                organisations::reviewed_at.eq(now),
                            ))
                            .execute(conn)?;
                        audit(conn, &admin, "profile.approve", id.0, None, now)?;
                        crate::search::changes::record_organisation(conn, id, now)?;
                        crate::matching::organisation_changed(conn, id, now)?;
                        Ok(())
                    };
                    let mut draft_profile = profile.clone();
                    match e.demo {
                        Demo::Pending => {}
                        Demo::Approved => approve(conn)?,
                        Demo::Rejected | Demo::ChangesRequested => {
                            let (new_state, action, reason) = if matches!(e.demo, Demo::Rejected) {
                                (ReviewState::Rejected, "profile.reject", "CVR-nummeret hører til en anden virksomhed i CVR-registret.")
                            } else {
                                (ReviewState::ChangesRequested, "profile.request_changes", "Tilføj en begrundelse for, at over 30 % af medarbejderne er dårligt stillede.")
                            };
                            diesel::update(organisations::table.find(id))
                                .set((
                                    organisations::review_state.eq(new_state.as_str()),
                                    organisations::review_reason.eq(reason),
                                    organisations::reviewed_by.eq(admin.id),
                                    organisations::reviewed_at.eq(now),
                                ))
                                .execute(conn)?;
                            audit(conn, &admin, action, id.0, Some(reason), now)?;
                        }
                        Demo::Suspended => {
                            approve(conn)?;
                            let reason = "Flere klager over manglende lønudbetaling undersøges.";
                            diesel::update(organisations::table.find(id))
                                .set((organisations::suspended_at.eq(now), organisations::suspension_reason.eq(reason)))
                                .execute(conn)?;
                            audit(conn, &admin, "profile.suspend", id.0, Some(reason), now)?;
                        }
                        Demo::ChangePending => {
                            approve(conn)?;
                            draft_profile.organisation_name = format!("{} ApS", e.name);
                            diesel::update(organisations::table.find(id))
                                .set((
                                    organisations::review_state.eq(ReviewState::Pending.as_str()),
                                    organisations::draft.eq(serde_json::to_string(&draft_profile).map_err(AppError::internal)?),
                                ))
                                .execute(conn)?;
                            audit(conn, &member, "profile.submit", id.0, None, now)?;
                        }
                        Demo::Flagged => {
                            approve(conn)?;
                            let reporter = model::find_by_email(conn, "mette.kjaer@kk.socialbid.demo")?;
                            let reason = "Virksomheden skriver, at den er RSV-registreret, men jeg kan ikke finde den i registret.";
                            diesel::insert_into(profile_flags::table)
                                .values((
                                    profile_flags::organisation_id.eq(id),
                                    profile_flags::reporter_id.eq(reporter.as_ref().map(|r| r.id)),
                                    profile_flags::reason.eq(reason),
                                    profile_flags::created_at.eq(now),
                                ))
                                .execute(conn)?;
                            if let Some(reporter) = &reporter {
                                audit(conn, reporter, "profile.flag", id.0, Some(reason), now)?;
                            }
                        }
                    }
                    let approved = !matches!(e.demo, Demo::Pending | Demo::Rejected | Demo::ChangesRequested);
                    write_index(conn, id, &draft_profile, approved.then_some(&facts))?;
                }
                Ok(())
            })
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok(ENTERPRISES.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_profile_is_valid_with_its_own_cvr_number() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let mut seen = std::collections::HashSet::new();
        for (i, e) in ENTERPRISES.iter().enumerate() {
            let cvr = generated_cvr(i as u32 * 37);
            assert!(socialbid_codes::cvr::parse(&cvr).is_ok(), "{cvr}");
            assert!(seen.insert(cvr.clone()), "{cvr} twice");
            input(e, &cvr)
                .validate(today)
                .unwrap_or_else(|errors| panic!("{}: {errors:?}", e.name));
        }
        assert_eq!(slug("Café Lyst ApS"), "cafe-lyst-aps");
        assert_eq!(slug("Møbelværkstedet Genbrug"), "moebelvaerkstedet-genbrug");
    }
}
