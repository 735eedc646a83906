//! eForms UBL notices: contract notices, prior information notices,
//! contract award notices and change notices, read by their business terms
//! (BT numbers in the comments are the eForms SDK's).

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveTime};
use roxmltree::{Document, Node};

use super::codes::{self, dedup};
use super::model::{Award, Buyer, Contact, Criterion, Format, Lot, Money, Notice, Stage};
use super::problem::Problem;
use super::xml::{all, attr, child, children, find_all, path, text_of};

/// The root elements of the eForms notices this reads.
pub const ROOTS: [&str; 3] = [
    "ContractNotice",
    "PriorInformationNotice",
    "ContractAwardNotice",
];

pub fn parse(doc: &Document) -> Result<Notice, Problem> {
    let root = doc.root_element();
    let extension = path(
        root,
        &[
            "UBLExtensions",
            "UBLExtension",
            "ExtensionContent",
            "EformsExtension",
        ],
    );
    let organisations = organisations(extension);

    let notice_id = required(child(root, "ID"), "BT-701 notice identifier")?;
    let version = text_of(child(root, "VersionID")).unwrap_or_else(|| "01".into());
    // The notices for below-threshold procedures (E1, E2) may leave the
    // procedure identifier out: the notice is then its own procedure. An
    // element that is there must not be empty.
    let procedure = match child(root, "ContractFolderID") {
        Some(node) => required(Some(node), "BT-04 procedure identifier")?,
        None => notice_id.clone(),
    };
    let type_node = child(root, "NoticeTypeCode");
    let notice_type = required(type_node, "BT-02 notice type")?;
    let changes = extension.and_then(|e| child(e, "Changes"));
    let stage = stage(attr(type_node, "listName").as_deref(), changes.is_some());
    let issued = date(
        &required(child(root, "IssueDate"), "BT-05 notice dispatch date")?,
        "BT-05 notice dispatch date",
    )?;
    let language = codes::language(
        &required(child(root, "NoticeLanguageCode"), "BT-702 notice language")?,
        "BT-702 notice language",
    )?;

    for language in find_all(root, "Language").filter_map(|l| text_of(child(l, "ID"))) {
        if !codes::is_iso_639_3(&language) {
            return Err(Problem::UnknownCode {
                field: "BT-97/BT-708 language",
                value: language,
            });
        }
    }

    let project = child(root, "ProcurementProject");
    let lot_nodes: Vec<Node> = children(root, "ProcurementProjectLot")
        .filter(|l| attr(child(*l, "ID"), "schemeName").as_deref() != Some("LotsGroup"))
        .collect();
    let first_lot_project = lot_nodes
        .first()
        .and_then(|l| child(*l, "ProcurementProject"));
    let title = text_of(project.and_then(|p| child(p, "Name")))
        .or_else(|| text_of(first_lot_project.and_then(|p| child(p, "Name"))))
        .ok_or(Problem::Missing {
            field: "BT-21 title",
        })?;
    let description = text_of(project.and_then(|p| child(p, "Description")))
        .or_else(|| text_of(first_lot_project.and_then(|p| child(p, "Description"))))
        .unwrap_or_default();

    let buyer_id = text_of(path(
        root,
        &["ContractingParty", "Party", "PartyIdentification", "ID"],
    ))
    .ok_or(Problem::Missing {
        field: "OPT-300 buyer",
    })?;
    let buyer = organisations
        .get(&buyer_id)
        .cloned()
        .filter(|b| !b.name.is_empty())
        .ok_or(Problem::Missing {
            field: "BT-500 buyer name",
        })?;

    let contract_nature = match project.or(first_lot_project) {
        Some(p) => code(
            child(p, "ProcurementTypeCode"),
            "BT-23 contract nature",
            |c| socialbid_codes::eforms::contract_natures().contains(c),
        )?,
        None => None,
    };
    let procedure_type = code(
        path(root, &["TenderingProcess", "ProcedureCode"]),
        "BT-105 procedure type",
        |c| socialbid_codes::eforms::procedure_types().contains(c),
    )?;

    let (main_cpv, mut additional_cpv) = match project.or(first_lot_project) {
        Some(p) => classification(p)?,
        None => (None, Vec::new()),
    };
    let mut nuts = match project {
        Some(p) => places(p)?,
        None => Vec::new(),
    };
    let estimated_value = match project {
        Some(p) => estimated(p)?,
        None => None,
    };

    let mut lots = Vec::new();
    let mut reserved = Vec::new();
    let mut reserved_execution = false;
    let mut strategic = Vec::new();
    let mut social_objectives = Vec::new();
    let mut deadlines = Vec::new();
    for node in &lot_nodes {
        let lot = read_lot(
            *node,
            &mut LotTerms {
                reserved: &mut reserved,
                reserved_execution: &mut reserved_execution,
                strategic: &mut strategic,
                social_objectives: &mut social_objectives,
                deadlines: &mut deadlines,
            },
        )?;
        nuts.extend(lot.nuts.iter().cloned());
        lots.push(lot);
    }
    if main_cpv.is_none() && lots.iter().all(|l| l.cpv.is_empty()) {
        return Err(Problem::Missing {
            field: "BT-262 main classification code",
        });
    }
    let main_cpv = main_cpv.or_else(|| lots.iter().find_map(|l| l.cpv.first().cloned()));
    additional_cpv.retain(|c| Some(c) != main_cpv.as_ref());
    dedup(&mut additional_cpv);
    dedup(&mut nuts);
    dedup(&mut reserved);
    dedup(&mut strategic);
    dedup(&mut social_objectives);

    let publication_number =
        text_of(extension.and_then(|e| path(e, &["Publication", "NoticePublicationID"])));
    let link = publication_number
        .as_ref()
        .map(|n| format!("https://ted.europa.eu/en/notice/-/detail/{n}"));
    let (refers_to, change_reason) = match changes {
        Some(changes) => (
            text_of(child(changes, "ChangedNoticeIdentifier")),
            text_of(path(changes, &["ChangeReason", "ReasonDescription"]))
                .or_else(|| text_of(path(changes, &["Change", "ChangeDescription"]))),
        ),
        None => (None, None),
    };
    let awards = match extension.and_then(|e| child(e, "NoticeResult")) {
        Some(result) => awards(result, &organisations)?,
        None => Vec::new(),
    };

    Ok(Notice {
        format: Format::Eforms,
        id: format!("{notice_id}-{version}"),
        procedure,
        refers_to,
        stage,
        notice_type,
        publication_number,
        link,
        issued,
        language,
        title,
        description,
        buyer,
        contract_nature,
        procedure_type,
        main_cpv,
        additional_cpv,
        nuts,
        submission_deadline: deadlines.into_iter().min(),
        estimated_value,
        lots,
        criteria: Vec::new(),
        reserved,
        reserved_execution,
        strategic,
        social_objectives,
        awards,
        change_reason,
        corrections: None,
    })
}

fn stage(list_name: Option<&str>, is_change: bool) -> Stage {
    if is_change {
        return Stage::Change;
    }
    match list_name {
        Some("planning") => Stage::Planning,
        Some("result") | Some("dir-awa-pre") | Some("cont-modif") | Some("completion") => {
            Stage::Result
        }
        _ => Stage::Competition,
    }
}

fn required(node: Option<Node>, field: &'static str) -> Result<String, Problem> {
    text_of(node).ok_or(Problem::Missing { field })
}

/// A code checked against its list; empty is absent.
fn code(
    node: Option<Node>,
    field: &'static str,
    known: impl Fn(&str) -> bool,
) -> Result<Option<String>, Problem> {
    match text_of(node) {
        Some(value) if known(&value) => Ok(Some(value)),
        Some(value) => Err(Problem::UnknownCode { field, value }),
        None => Ok(None),
    }
}

/// `2019-11-25+01:00` or `2019-11-25Z`: the date part.
fn date(value: &str, field: &'static str) -> Result<NaiveDate, Problem> {
    value
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .ok_or_else(|| Problem::Unreadable {
            field,
            value: value.to_owned(),
        })
}

/// Every organisation of the notice by its `ORG-` identifier.
fn organisations(extension: Option<Node>) -> HashMap<String, Buyer> {
    let Some(extension) = extension else {
        return HashMap::new();
    };
    all(extension, &["Organizations", "Organization", "Company"])
        .into_iter()
        .filter_map(|company| {
            let id = text_of(path(company, &["PartyIdentification", "ID"]))?;
            let address = child(company, "PostalAddress");
            let contact = child(company, "Contact");
            let buyer = Buyer {
                name: text_of(path(company, &["PartyName", "Name"])).unwrap_or_default(),
                national_id: codes::national_id(text_of(path(
                    company,
                    &["PartyLegalEntity", "CompanyID"],
                ))),
                country: text_of(address.and_then(|a| path(a, &["Country", "IdentificationCode"])))
                    .and_then(|c| codes::country(&c)),
                nuts: text_of(address.and_then(|a| child(a, "CountrySubentityCode")))
                    .and_then(|n| codes::nuts(&n, "BT-507 organisation country subdivision").ok()),
                town: text_of(address.and_then(|a| child(a, "CityName"))),
                contact: Contact {
                    point: text_of(contact.and_then(|c| child(c, "Name"))),
                    email: text_of(contact.and_then(|c| child(c, "ElectronicMail"))),
                    phone: text_of(contact.and_then(|c| child(c, "Telephone"))),
                    url: text_of(child(company, "WebsiteURI")),
                },
            };
            Some((id, buyer))
        })
        .collect()
}

/// Main (BT-262) and additional (BT-263) CPV codes of a project.
fn classification(project: Node) -> Result<(Option<String>, Vec<String>), Problem> {
    let main = match text_of(path(
        project,
        &["MainCommodityClassification", "ItemClassificationCode"],
    )) {
        Some(value) => Some(codes::cpv(&value, "BT-262 main classification code")?),
        None => None,
    };
    let mut additional = Vec::new();
    for node in all(
        project,
        &[
            "AdditionalCommodityClassification",
            "ItemClassificationCode",
        ],
    ) {
        if attr(Some(node), "listName")
            .as_deref()
            .is_some_and(|l| l != "cpv")
        {
            continue;
        }
        if let Some(value) = text_of(Some(node)) {
            additional.push(codes::cpv(&value, "BT-263 additional classification code")?);
        }
    }
    Ok((main, additional))
}

/// NUTS codes of the place of performance (BT-5071).
fn places(project: Node) -> Result<Vec<String>, Problem> {
    all(
        project,
        &["RealizedLocation", "Address", "CountrySubentityCode"],
    )
    .into_iter()
    .filter_map(|n| text_of(Some(n)))
    .map(|v| codes::nuts(&v, "BT-5071 place performance country subdivision"))
    .collect()
}

/// The estimated value (BT-27).
fn estimated(project: Node) -> Result<Option<Money>, Problem> {
    let node = path(
        project,
        &["RequestedTenderTotal", "EstimatedOverallContractAmount"],
    );
    match text_of(node) {
        Some(value) => {
            codes::amount(&value, attr(node, "currencyID"), "BT-27 estimated value").map(Some)
        }
        None => Ok(None),
    }
}

/// What each lot adds to the whole notice.
struct LotTerms<'a> {
    reserved: &'a mut Vec<String>,
    reserved_execution: &'a mut bool,
    strategic: &'a mut Vec<String>,
    social_objectives: &'a mut Vec<String>,
    deadlines: &'a mut Vec<chrono::NaiveDateTime>,
}

fn read_lot(node: Node, terms: &mut LotTerms) -> Result<Lot, Problem> {
    let id = text_of(child(node, "ID")).ok_or(Problem::Missing {
        field: "BT-137 lot identifier",
    })?;
    let project = child(node, "ProcurementProject");
    let tendering_terms = child(node, "TenderingTerms");
    let (main, additional) = match project {
        Some(p) => classification(p)?,
        None => (None, Vec::new()),
    };
    let mut cpv: Vec<String> = main.into_iter().chain(additional).collect();
    dedup(&mut cpv);

    if let Some(p) = project {
        for kind in all(p, &["ProcurementAdditionalType", "ProcurementTypeCode"]) {
            let list = attr(Some(kind), "listName");
            let Some(value) = text_of(Some(kind)) else {
                continue;
            };
            match list.as_deref() {
                Some("strategic-procurement") if value != "none" => {
                    if !socialbid_codes::eforms::strategic_procurement().contains(&value) {
                        return Err(Problem::UnknownCode {
                            field: "BT-06 strategic procurement",
                            value,
                        });
                    }
                    terms.strategic.push(value);
                }
                Some("social-objective") => {
                    if !socialbid_codes::eforms::social_objectives().contains(&value) {
                        return Err(Problem::UnknownCode {
                            field: "BT-775 social procurement",
                            value,
                        });
                    }
                    terms.social_objectives.push(value);
                }
                _ => {}
            }
        }
    }

    let mut criteria = Vec::new();
    if let Some(t) = tendering_terms {
        for requirement in find_all(t, "TendererRequirementTypeCode") {
            if attr(Some(requirement), "listName").as_deref() != Some("reserved-procurement") {
                continue;
            }
            match text_of(Some(requirement)) {
                Some(value) if value == "none" => {}
                Some(value) if socialbid_codes::eforms::reserved_procurement().contains(&value) => {
                    terms.reserved.push(value)
                }
                Some(value) => {
                    return Err(Problem::UnknownCode {
                        field: "BT-71 reserved participation",
                        value,
                    });
                }
                None => {}
            }
        }
        for execution in find_all(t, "ExecutionRequirementCode") {
            if attr(Some(execution), "listName").as_deref() == Some("reserved-execution")
                && text_of(Some(execution)).as_deref() == Some("yes")
            {
                *terms.reserved_execution = true;
            }
        }
        for sub in all(
            t,
            &[
                "AwardingTerms",
                "AwardingCriterion",
                "SubordinateAwardingCriterion",
            ],
        ) {
            criteria.push(criterion(sub)?);
        }
    }

    if let Some(deadline) = path(
        node,
        &["TenderingProcess", "TenderSubmissionDeadlinePeriod"],
    ) && let Some(day) = text_of(child(deadline, "EndDate"))
    {
        terms.deadlines.push(date_time(
            &day,
            text_of(child(deadline, "EndTime")).as_deref(),
        )?);
    }

    Ok(Lot {
        id,
        title: text_of(project.and_then(|p| child(p, "Name"))).unwrap_or_default(),
        description: text_of(project.and_then(|p| child(p, "Description"))).unwrap_or_default(),
        cpv,
        nuts: match project {
            Some(p) => places(p)?,
            None => Vec::new(),
        },
        estimated_value: match project {
            Some(p) => estimated(p)?,
            None => None,
        },
        criteria,
    })
}

/// One award criterion: type (BT-539), name (BT-734), description
/// (BT-540) and weight (BT-541 with BT-5421 `per-exa` or `poi-exa`).
fn criterion(node: Node) -> Result<Criterion, Problem> {
    let kind = text_of(child(node, "AwardingCriterionTypeCode")).ok_or(Problem::Missing {
        field: "BT-539 award criterion type",
    })?;
    if !socialbid_codes::eforms::award_criterion_types().contains(&kind) {
        return Err(Problem::UnknownCode {
            field: "BT-539 award criterion type",
            value: kind,
        });
    }
    let mut weight = None;
    for parameter in find_all(node, "AwardCriterionParameter") {
        let code = text_of(child(parameter, "ParameterCode"));
        if attr(child(parameter, "ParameterCode"), "listName").as_deref() != Some("number-weight") {
            continue;
        }
        if matches!(
            code.as_deref(),
            Some("per-exa") | Some("poi-exa") | Some("dec-exa")
        ) && let Some(value) = text_of(child(parameter, "ParameterNumeric"))
        {
            weight = Some(value.parse::<f64>().map_err(|_| Problem::Unreadable {
                field: "BT-541 award criterion number",
                value,
            })?);
        }
    }
    Ok(Criterion {
        kind,
        name: text_of(child(node, "Name")).unwrap_or_default(),
        description: text_of(child(node, "Description")).unwrap_or_default(),
        weight,
    })
}

/// `2020-01-06+01:00` and `12:00:00+01:00` in UTC; a day without a time
/// ends at midnight.
fn date_time(day: &str, time: Option<&str>) -> Result<chrono::NaiveDateTime, Problem> {
    let field = "BT-131 deadline receipt tenders";
    let unreadable = || Problem::Unreadable {
        field,
        value: format!("{day} {}", time.unwrap_or_default()),
    };
    let date = date(day, field)?;
    let offset = |s: &str| -> Option<chrono::FixedOffset> {
        let tail = s.get(s.len().saturating_sub(6)..)?;
        if s.ends_with('Z') {
            chrono::FixedOffset::east_opt(0)
        } else if tail.starts_with('+') || tail.starts_with('-') {
            let sign = if tail.starts_with('-') { -1 } else { 1 };
            let hours: i32 = tail[1..3].parse().ok()?;
            let minutes: i32 = tail[4..6].parse().ok()?;
            chrono::FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
        } else {
            chrono::FixedOffset::east_opt(0)
        }
    };
    let (clock, zone) = match time {
        Some(t) => (
            NaiveTime::parse_from_str(t.get(..8).unwrap_or(t), "%H:%M:%S")
                .map_err(|_| unreadable())?,
            offset(t).ok_or_else(unreadable)?,
        ),
        None => (
            NaiveTime::from_hms_opt(23, 59, 59).ok_or_else(unreadable)?,
            offset(day).ok_or_else(unreadable)?,
        ),
    };
    Ok(date.and_time(clock) - chrono::Duration::seconds(i64::from(zone.local_minus_utc())))
}

/// The winners of each lot (`selec-w`), with the value of their tender.
fn awards(result: Node, organisations: &HashMap<String, Buyer>) -> Result<Vec<Award>, Problem> {
    let parties: HashMap<String, String> = children(result, "TenderingParty")
        .filter_map(|p| {
            Some((
                text_of(child(p, "ID"))?,
                text_of(path(p, &["Tenderer", "ID"]))?,
            ))
        })
        .collect();
    let mut tenders = HashMap::new();
    for tender in children(result, "LotTender") {
        let Some(id) = text_of(child(tender, "ID")) else {
            continue;
        };
        let amount = path(tender, &["LegalMonetaryTotal", "PayableAmount"]);
        let value = match text_of(amount) {
            Some(v) => Some(codes::amount(
                &v,
                attr(amount, "currencyID"),
                "BT-720 tender value",
            )?),
            None => None,
        };
        let party = text_of(path(tender, &["TenderingParty", "ID"]));
        tenders.insert(id, (party, value));
    }
    let mut awards = Vec::new();
    for lot_result in children(result, "LotResult") {
        if text_of(child(lot_result, "TenderResultCode")).as_deref() != Some("selec-w") {
            continue;
        }
        let lot = text_of(path(lot_result, &["TenderLot", "ID"]));
        for tender_ref in children(lot_result, "LotTender") {
            let Some((party, value)) =
                text_of(child(tender_ref, "ID")).and_then(|id| tenders.get(&id))
            else {
                continue;
            };
            let organisation = party
                .as_ref()
                .and_then(|p| parties.get(p))
                .and_then(|org| organisations.get(org));
            if let Some(winner) = organisation {
                awards.push(Award {
                    lot: lot.clone(),
                    winner: winner.name.clone(),
                    winner_national_id: winner.national_id.clone(),
                    value: value.clone(),
                });
            }
        }
    }
    Ok(awards)
}
