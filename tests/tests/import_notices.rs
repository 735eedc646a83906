//! Reading notices, without a database: a handful field by field against
//! what a person reads in the XML, every real Danish TED notice against its
//! manifest, every eForms example either read or refused with its reason.

use chrono::{NaiveDate, NaiveDateTime};
use socialbid::import::notice::{self, Format, Money, Notice, Problem, Stage};
use socialbid_tests::workspace_root;

fn read(folder: &str, file: &str) -> Result<Notice, Problem> {
    let path = workspace_root()
        .join("reference/notices")
        .join(folder)
        .join(file);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    notice::parse_bytes(&bytes)
}

fn ted(file: &str) -> Notice {
    read("ted-denmark", file).unwrap_or_else(|p| panic!("{file}: {p}"))
}

fn eforms(file: &str) -> Notice {
    read("eforms-sdk-examples", file).unwrap_or_else(|p| panic!("{file}: {p}"))
}

fn utc(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect("time")
}

fn dkk(amount: i64) -> Option<Money> {
    Some(Money {
        amount,
        currency: "DKK".into(),
    })
}

#[test]
fn a_ted_f21_call_reserved_for_sheltered_workshops() {
    let n = ted("020052-2017.xml");
    assert_eq!(n.format, Format::Ted);
    assert_eq!(n.id, "020052-2017");
    assert_eq!(n.publication_number.as_deref(), Some("2017/S 013-020052"));
    assert_eq!(n.procedure, "2017/S 013-020052");
    assert_eq!(n.refers_to, None);
    assert_eq!(
        n.stage,
        Stage::Competition,
        "a PIN used as a call for competition"
    );
    assert_eq!(n.notice_type, "F21_2014");
    assert_eq!(
        n.link.as_deref(),
        Some("https://ted.europa.eu/en/notice/-/detail/020052-2017")
    );
    assert_eq!(
        n.issued,
        NaiveDate::from_ymd_opt(2017, 1, 19).expect("date")
    );
    assert_eq!(n.language, "da");
    assert_eq!(
        n.title,
        "Udbud af sygeplejefaglige og pædagogiske vikarer til Specialsektoren."
    );
    assert!(
        n.description
            .starts_with("Region Nordjylland ønsker i foråret 2017")
    );
    assert_eq!(n.buyer.name, "Region Nordjylland");
    assert_eq!(n.buyer.national_id.as_deref(), Some("29190941"));
    assert_eq!(n.buyer.country.as_deref(), Some("DK"));
    assert_eq!(n.buyer.nuts.as_deref(), Some("DK05"));
    assert_eq!(n.buyer.town.as_deref(), Some("Aalborg Øst"));
    assert_eq!(
        n.buyer.contact.point.as_deref(),
        Some("Malene Mølgaard Nielsen")
    );
    assert_eq!(n.buyer.contact.email.as_deref(), Some("mmn@rn.dk"));
    assert_eq!(n.buyer.contact.phone.as_deref(), Some("+45 22576837"));
    assert_eq!(n.buyer.contact.url.as_deref(), Some("www.rn.dk"));
    assert_eq!(n.contract_nature.as_deref(), Some("services"));
    assert_eq!(n.procedure_type, None, "PR_PROC 9: not applicable");
    assert_eq!(n.main_cpv.as_deref(), Some("79624000"));
    assert_eq!(n.additional_cpv, ["79625000"]);
    assert_eq!(n.nuts, ["DK05"]);
    // 31 January 2017 12:00 in Copenhagen (winter time, UTC+1).
    assert_eq!(n.submission_deadline, Some(utc("2017-01-31 11:00")));
    assert_eq!(n.estimated_value, dkk(12_000_000));
    assert!(n.lots.is_empty(), "NO_LOT_DIVISION");
    assert!(n.criteria.is_empty());
    assert_eq!(n.reserved, ["res-ws"]);
    assert_eq!(n.reservations(), ["res-ws"]);
    assert!(!n.reserved_execution);
    assert!(n.awards.is_empty());
}

#[test]
fn a_ted_f03_award_with_its_winner_and_weighted_criteria() {
    let n = ted("263406-2016.xml");
    assert_eq!(n.stage, Stage::Result);
    assert_eq!(n.notice_type, "F03_2014");
    assert_eq!(n.publication_number.as_deref(), Some("2016/S 146-263406"));
    assert_eq!(
        n.issued,
        NaiveDate::from_ymd_opt(2016, 7, 30).expect("date")
    );
    assert_eq!(n.title, "JaneLene T122.");
    assert_eq!(n.buyer.name, "Danmarks Tekniske Universitet, DTU");
    assert_eq!(n.buyer.national_id.as_deref(), Some("30060946"));
    assert_eq!(n.buyer.nuts.as_deref(), Some("DK012"));
    assert_eq!(n.contract_nature.as_deref(), Some("supplies"));
    assert_eq!(n.procedure_type.as_deref(), Some("neg-wo-call"));
    assert_eq!(n.main_cpv.as_deref(), Some("34513000"));
    assert!(n.additional_cpv.is_empty());
    assert_eq!(
        n.nuts,
        ["DK050"],
        "the place of performance, not the buyer's"
    );
    assert_eq!(n.submission_deadline, None);
    assert_eq!(n.estimated_value, None, "only the total awarded is given");
    let criteria: Vec<(&str, &str, Option<f64>)> = n
        .criteria
        .iter()
        .map(|c| (c.kind.as_str(), c.name.as_str(), c.weight))
        .collect();
    assert_eq!(
        criteria,
        [
            ("cost", "Pris", Some(35.0)),
            ("cost", "Kvalitet", Some(65.0))
        ]
    );
    assert_eq!(n.awards.len(), 1);
    let award = &n.awards[0];
    assert_eq!(award.winner, "Poul Støvlbæk T 122 JanaLene");
    assert_eq!(award.winner_national_id.as_deref(), Some("44666618"));
    assert_eq!(award.value, dkk(2_300_000));
    assert_eq!(award.lot, None);
}

#[test]
fn a_ted_f05_restricted_to_sheltered_employment_programmes() {
    let n = ted("025093-2020.xml");
    assert!(n.reserved_execution, "RESTRICTED_SHELTERED_PROGRAM");
    assert!(
        n.reserved.is_empty(),
        "participation itself is not reserved"
    );
    assert!(n.reservations().is_empty());
    assert_eq!(n.main_cpv.as_deref(), Some("71000000"));
    assert_eq!(n.language, "en");
}

#[test]
fn an_eforms_social_contract_notice() {
    let n = eforms("cn-social_24.xml");
    assert_eq!(n.format, Format::Eforms);
    assert_eq!(n.id, "76c82dad-10b1-4e6a-9326-9312b4bf9baf-01");
    assert_eq!(n.procedure, "1adea6cf-8780-4298-a915-55f6796bf847");
    assert_eq!(n.stage, Stage::Competition);
    assert_eq!(n.notice_type, "cn-social");
    assert_eq!(n.publication_number, None, "an example never published");
    assert_eq!(n.link, None);
    assert_eq!(
        n.issued,
        NaiveDate::from_ymd_opt(2019, 11, 25).expect("date")
    );
    assert_eq!(n.language, "en");
    assert_eq!(n.title, "Secure Care Services");
    assert!(n.description.starts_with("See II.2.4) (below)"));
    assert_eq!(n.buyer.name, "Scotland Excel");
    assert_eq!(n.buyer.national_id, None, "its company id is written n/a");
    assert_eq!(n.buyer.country.as_deref(), Some("GB"));
    assert_eq!(n.buyer.town.as_deref(), Some("Paisley"));
    assert_eq!(
        n.buyer.contact.email.as_deref(),
        Some("socialcare@scotland-excel.org.uk")
    );
    assert_eq!(n.contract_nature.as_deref(), Some("services"));
    assert_eq!(n.procedure_type.as_deref(), Some("oth-single"));
    assert_eq!(n.main_cpv.as_deref(), Some("85311300"));
    assert_eq!(
        n.additional_cpv,
        ["85310000", "85300000", "85000000", "80000000"]
    );
    assert!(n.nuts.is_empty(), "anywhere in the country: no NUTS code");
    // 6 January 2020 12:00 at UTC+1.
    assert_eq!(n.submission_deadline, Some(utc("2020-01-06 11:00")));
    assert_eq!(n.lots.len(), 1);
    let lot = &n.lots[0];
    assert_eq!(lot.id, "LOT-0000");
    assert_eq!(lot.title, "Secure Care Services");
    assert_eq!(lot.cpv[0], "85311300");
    let kinds: Vec<&str> = lot.criteria.iter().map(|c| c.kind.as_str()).collect();
    assert_eq!(kinds, ["quality", "price"]);
    assert!(
        lot.criteria[0]
            .description
            .starts_with("Quality Stage (60 %)")
    );
    assert_eq!(
        lot.criteria[0].weight, None,
        "the weight is only in the text"
    );
    assert!(n.reserved.is_empty(), "reserved-procurement none");
    assert!(!n.reserved_execution);
}

#[test]
fn an_eforms_change_notice_names_the_notice_it_changes() {
    let n = eforms("change-cn_24_open_dates.xml");
    assert_eq!(n.stage, Stage::Change);
    assert_eq!(n.procedure, "31f258b6-5eb2-4875-8997-affa3cdce27c");
    assert_eq!(
        n.refers_to.as_deref(),
        Some("c4c415ee-ac08-4465-8fa6-57568cf69462-01")
    );
    assert!(
        n.change_reason
            .as_deref()
            .is_some_and(|r| r.starts_with("Due to Covid-19"))
    );
    assert_eq!(n.submission_deadline, Some(utc("2020-06-12 11:00")));
    let original = eforms("cn_24_open.xml");
    assert_eq!(original.id, "c4c415ee-ac08-4465-8fa6-57568cf69462-01");
    assert_eq!(original.submission_deadline, Some(utc("2020-04-03 11:00")));
}

#[test]
fn an_eforms_award_notice_names_its_winners() {
    let n = eforms("can-social_24.xml");
    assert_eq!(n.stage, Stage::Result);
    let winners: Vec<(Option<&str>, &str)> = n
        .awards
        .iter()
        .map(|a| (a.lot.as_deref(), a.winner.as_str()))
        .collect();
    assert_eq!(
        winners,
        [(Some("LOT-0002"), "Kapa")],
        "only the lot with a winner"
    );
    assert_eq!(
        n.awards[0].value,
        Some(Money {
            amount: 100_000,
            currency: "EUR".into()
        })
    );
}

/// Every real Danish notice is read, and its main CPV code and
/// reservations are the ones the manifest lists.
#[test]
fn every_danish_ted_notice_agrees_with_the_manifest() {
    let manifest = std::fs::read_to_string(
        workspace_root().join("reference/notices/ted-denmark/MANIFEST.csv"),
    )
    .expect("manifest");
    let mut rows = 0;
    for line in manifest.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        let file = fields[0].rsplit('/').next().expect("file name");
        // The manifest's language is that of the form printed first, not
        // always the original's (405075-2022 was written in English).
        let (form, cpv, reserved) = (fields[2], fields[5], fields[6]);
        let n = ted(file);
        assert_eq!(n.main_cpv.as_deref(), Some(cpv), "{file}: main CPV");
        assert_eq!(n.notice_type, form, "{file}: form");
        let expected: (&[&str], bool) = match reserved {
            "" => (&[], false),
            "RESTRICTED_SHELTERED_WORKSHOP" => (&["res-ws"], false),
            "RESERVED_ORGANISATIONS_SERVICE_MISSION" => (&["res-pub-ser"], false),
            "RESTRICTED_SHELTERED_PROGRAM" => (&[], true),
            other => panic!("{file}: unknown flag {other}"),
        };
        assert_eq!(
            (n.reserved.as_slice(), n.reserved_execution),
            (
                expected
                    .0
                    .iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
                    .as_slice(),
                expected.1
            ),
            "{file}: reservations"
        );
        assert!(!n.title.is_empty(), "{file}: title");
        assert!(!n.buyer.name.is_empty(), "{file}: buyer");
        rows += 1;
    }
    assert_eq!(rows, 95);
}

/// Every valid eForms example is read (or, for a business registration,
/// skipped as no procurement); every `INVALID_*` one is refused with a
/// reason that names what is wrong.
#[test]
fn every_eforms_example_is_read_or_refused_with_its_reason() {
    let folder = workspace_root().join("reference/notices/eforms-sdk-examples");
    let mut files: Vec<String> = std::fs::read_dir(&folder)
        .expect("examples")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".xml"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 92);
    let mut read_ok = 0;
    for file in &files {
        let outcome = read("eforms-sdk-examples", file);
        if file.starts_with("INVALID_") {
            // The change notice is invalid only against the notice it
            // changes: the database test refuses it.
            if file == "INVALID_change-cn_24_FRA_comments.xml" {
                continue;
            }
            let problem = outcome.expect_err(file);
            assert!(!problem.is_skip(), "{file}: {problem}");
            assert!(!problem.to_string().is_empty());
        } else if file.starts_with('X') {
            let problem = outcome.expect_err(file);
            assert!(problem.is_skip(), "{file}: {problem}");
        } else {
            let n = outcome.unwrap_or_else(|p| panic!("{file}: {p}"));
            assert!(!n.title.is_empty(), "{file}");
            assert!(n.main_cpv.is_some(), "{file}");
            read_ok += 1;
        }
    }
    assert_eq!(read_ok, 92 - 12 - 2);
}

#[test]
fn refusals_say_what_is_missing() {
    let empty = read("eforms-sdk-examples", "INVALID_cn_24_empty.xml").expect_err("invalid");
    assert_eq!(
        empty,
        Problem::Missing {
            field: "BT-701 notice identifier"
        }
    );
    let broken = notice::parse("<ContractNotice><cbc:ID>").expect_err("broken");
    assert_eq!(broken.code(), "not_xml");
    let other = notice::parse("<html/>").expect_err("not a notice");
    assert_eq!(other, Problem::UnknownSchema("html".into()));
}
