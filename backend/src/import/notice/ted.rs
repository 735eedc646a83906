//! TED XML notices (schema R2.0.8 and R2.0.9, 2014 to 2023): the standard
//! forms F01 to F25, the defence forms and the rest. The coded data
//! section every TED export carries gives the publication number, dates,
//! codes and the reference to an earlier notice the same way for every
//! form; the form itself gives the buyer, texts, lots, criteria,
//! reservations and awards.

use chrono::{NaiveDate, NaiveTime};
use roxmltree::{Document, Node};

use super::codes::{self, dedup};
use super::model::{
    Award, Buyer, Contact, Correction, Criterion, Format, Lot, Money, NewValue, Notice, Stage,
};
use super::problem::Problem;
use super::xml::{attr, child, children, find, find_all, path, text, text_of};

pub const ROOT: &str = "TED_EXPORT";

/// The NUTS code TED's coded data uses for "not specified".
const NOT_SPECIFIED: &str = "00";

pub fn parse(doc: &Document) -> Result<Notice, Problem> {
    let root = doc.root_element();
    let doc_id = attr(Some(root), "DOC_ID").ok_or(Problem::Missing { field: "DOC_ID" })?;
    let coded = child(root, "CODED_DATA_SECTION").ok_or(Problem::Missing {
        field: "CODED_DATA_SECTION",
    })?;
    let data = child(coded, "NOTICE_DATA").ok_or(Problem::Missing {
        field: "NOTICE_DATA",
    })?;
    let codif = child(coded, "CODIF_DATA").ok_or(Problem::Missing {
        field: "CODIF_DATA",
    })?;
    let form = original_form(root).ok_or(Problem::Missing {
        field: "FORM_SECTION",
    })?;
    let form_name = form.tag_name().name().to_owned();
    let is_corrigendum = form_name == CORRIGENDUM;

    let publication_number = text_of(child(data, "NO_DOC_OJS")).ok_or(Problem::Missing {
        field: "NO_DOC_OJS publication number",
    })?;
    let document_type = attr(child(codif, "TD_DOCUMENT_TYPE"), "CODE").unwrap_or_default();
    let stage = if is_corrigendum {
        Stage::Change
    } else {
        stage(&document_type)
    };
    let refers_to = text_of(path(data, &["REF_NOTICE", "NO_DOC_OJS"]))
        .or_else(|| text_of(find(form, "NOTICE_NUMBER_OJ")));
    let procedure = match (&refers_to, stage) {
        (Some(earlier), Stage::Competition | Stage::Change | Stage::Result) => earlier.clone(),
        _ => publication_number.clone(),
    };
    let issued = yyyymmdd(
        &text_of(path(coded, &["REF_OJS", "DATE_PUB"])).ok_or(Problem::Missing {
            field: "DATE_PUB publication date",
        })?,
        "DATE_PUB publication date",
    )?;
    let language = codes::language(
        &text_of(child(data, "LG_ORIG"))
            .or_else(|| attr(Some(form), "LG"))
            .ok_or(Problem::Missing { field: "LG_ORIG" })?,
        "LG_ORIG original language",
    )?;

    let buyer = buyer(form, root, data)?;
    let object = find(form, "OBJECT_CONTRACT");
    let title = object
        .and_then(|o| text_of(child(o, "TITLE")))
        .or_else(|| text_of(find(form, "TITLE_CONTRACT")))
        .or_else(|| translated_title(root, &language))
        .ok_or(Problem::Missing { field: "TITLE" })?;
    let description = object
        .and_then(|o| text_of(child(o, "SHORT_DESCR")))
        .or_else(|| text_of(find(form, "SHORT_CONTRACT_DESCRIPTION")))
        .unwrap_or_default();

    let main_cpv = match object
        .and_then(|o| attr(path(o, &["CPV_MAIN", "CPV_CODE"]), "CODE"))
        .or_else(|| {
            attr(
                find(form, "CPV_MAIN").and_then(|c| child(c, "CPV_CODE")),
                "CODE",
            )
        })
        .or_else(|| attr(child(data, "ORIGINAL_CPV"), "CODE"))
    {
        Some(code) => codes::cpv(&code, "CPV_MAIN")?,
        None => return Err(Problem::Missing { field: "CPV_MAIN" }),
    };
    let mut additional_cpv = Vec::new();
    for code in children(data, "ORIGINAL_CPV").filter_map(|n| attr(Some(n), "CODE")) {
        additional_cpv.push(codes::cpv(&code, "ORIGINAL_CPV")?);
    }
    for node in find_all(form, "CPV_ADDITIONAL") {
        if let Some(code) = attr(child(node, "CPV_CODE"), "CODE") {
            additional_cpv.push(codes::cpv(&code, "CPV_ADDITIONAL")?);
        }
    }
    additional_cpv.retain(|c| *c != main_cpv);
    dedup(&mut additional_cpv);

    let mut nuts = Vec::new();
    for node in data
        .children()
        .filter(|n| matches!(n.tag_name().name(), "PERFORMANCE_NUTS" | "ORIGINAL_NUTS"))
    {
        // TED codes a place it was not told as "00".
        if let Some(code) = attr(Some(node), "CODE").filter(|c| c != NOT_SPECIFIED) {
            nuts.push(codes::nuts(&code, "PERFORMANCE_NUTS")?);
        }
    }
    if let Some(object) = object {
        for description in children(object, "OBJECT_DESCR") {
            for node in children(description, "NUTS") {
                if let Some(code) = attr(Some(node), "CODE").filter(|c| c != NOT_SPECIFIED) {
                    nuts.push(codes::nuts(&code, "NUTS")?);
                }
            }
        }
    }
    dedup(&mut nuts);

    let zone = codes::time_zone(buyer.country.as_deref());
    let submission_deadline = match text_of(child(codif, "DT_DATE_FOR_SUBMISSION")) {
        Some(value) => Some(deadline(&value, zone)?),
        None => None,
    };
    let estimated_value = match object.and_then(|o| child(o, "VAL_ESTIMATED_TOTAL")) {
        Some(node) => Some(money(node, "VAL_ESTIMATED_TOTAL")?),
        None => match children(data, "VALUES")
            .flat_map(|v| children(v, "VALUE"))
            .find(|v| v.attribute("TYPE") == Some("ESTIMATED_TOTAL"))
        {
            Some(node) => Some(money(node, "VALUES ESTIMATED_TOTAL")?),
            None => None,
        },
    };

    let (lots, criteria) = match object {
        Some(object) => lots(object, &main_cpv)?,
        None => (Vec::new(), Vec::new()),
    };

    let mut reserved = Vec::new();
    if find(form, "RESTRICTED_SHELTERED_WORKSHOP").is_some() {
        reserved.push("res-ws".to_owned());
    }
    if find(form, "RESERVED_ORGANISATIONS_SERVICE_MISSION").is_some() {
        reserved.push("res-pub-ser".to_owned());
    }

    Ok(Notice {
        format: Format::Ted,
        link: Some(format!("https://ted.europa.eu/en/notice/-/detail/{doc_id}")),
        id: doc_id,
        procedure,
        refers_to,
        stage,
        notice_type: form_name,
        publication_number: Some(publication_number),
        issued,
        language,
        title,
        description,
        buyer,
        contract_nature: contract_nature(&attr(child(codif, "NC_CONTRACT_NATURE"), "CODE")),
        procedure_type: procedure_type(&attr(child(codif, "PR_PROC"), "CODE")),
        main_cpv: Some(main_cpv),
        additional_cpv,
        nuts,
        submission_deadline,
        estimated_value,
        lots,
        criteria,
        reserved,
        reserved_execution: find(form, "RESTRICTED_SHELTERED_PROGRAM").is_some(),
        strategic: Vec::new(),
        social_objectives: Vec::new(),
        awards: awards(form)?,
        // A corrigendum's further information usually says why.
        change_reason: is_corrigendum
            .then(|| text_of(path(form, &["CHANGES", "INFO_ADD"])))
            .flatten(),
        corrections: if is_corrigendum {
            Some(corrections(form, zone)?)
        } else {
            None
        },
    })
}

/// The corrigendum form, which lists changes to an earlier notice.
const CORRIGENDUM: &str = "F14_2014";

/// A corrigendum's changes (CHANGES/CHANGE): where, and the new value.
/// Dates are the buyer's local time, read as UTC like the deadline.
fn corrections(form: Node, zone: chrono_tz::Tz) -> Result<Vec<Correction>, Problem> {
    let mut corrections = Vec::new();
    for change in find_all(form, "CHANGE") {
        let place = child(change, "WHERE");
        let Some(section) = text_of(place.and_then(|w| child(w, "SECTION"))) else {
            continue;
        };
        let Some(new) = child(change, "NEW_VALUE") else {
            continue;
        };
        corrections.push(Correction {
            section: section.trim_end_matches(')').trim().to_owned(),
            lot: text_of(place.and_then(|w| child(w, "LOT_NO"))),
            new_value: new_value(new, zone)?,
        });
    }
    Ok(corrections)
}

fn new_value(node: Node, zone: chrono_tz::Tz) -> Result<NewValue, Problem> {
    if let Some(code) = attr(path(node, &["CPV_MAIN", "CPV_CODE"]), "CODE") {
        return Ok(NewValue::MainCpv(codes::cpv(&code, "NEW_VALUE CPV_MAIN")?));
    }
    let additional: Vec<Node> = children(node, "CPV_ADDITIONAL").collect();
    if !additional.is_empty() {
        let mut cpv = Vec::new();
        for code in additional
            .into_iter()
            .filter_map(|n| attr(child(n, "CPV_CODE"), "CODE"))
        {
            cpv.push(codes::cpv(&code, "NEW_VALUE CPV_ADDITIONAL")?);
        }
        return Ok(NewValue::AdditionalCpv(cpv));
    }
    if let Some(date) = text_of(child(node, "DATE")) {
        let field = "NEW_VALUE DATE";
        let day =
            NaiveDate::parse_from_str(&date, "%Y-%m-%d").map_err(|_| Problem::Unreadable {
                field,
                value: date.clone(),
            })?;
        let time = match text_of(child(node, "TIME")) {
            Some(t) => NaiveTime::parse_from_str(&t, "%H:%M").map_err(|_| Problem::Unreadable {
                field: "NEW_VALUE TIME",
                value: t.clone(),
            })?,
            None => NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default(),
        };
        return Ok(NewValue::Date(codes::local_to_utc(day, time, zone)));
    }
    if let Some(text) = text_of(child(node, "TEXT")) {
        return Ok(NewValue::Text(text));
    }
    Ok(NewValue::Nothing)
}

/// The form as the buyer wrote it; TED may add translations beside it.
fn original_form<'a, 'i>(root: Node<'a, 'i>) -> Option<Node<'a, 'i>> {
    let section = child(root, "FORM_SECTION")?;
    let forms: Vec<Node> = section.children().filter(|n| n.is_element()).collect();
    forms
        .iter()
        .find(|f| f.attribute("CATEGORY") == Some("ORIGINAL"))
        .or(forms.first())
        .copied()
}

/// TED document types (TD_DOCUMENT_TYPE) by the stage they stand for.
fn stage(document_type: &str) -> Stage {
    match document_type {
        "0" | "P" | "4" | "I" => Stage::Planning,
        "7" | "V" | "R" | "J" | "K" | "S" => Stage::Result,
        "1" | "2" => Stage::Change,
        _ => Stage::Competition,
    }
}

/// TED's contract nature codes (NC_CONTRACT_NATURE) as eForms codes.
fn contract_nature(code: &Option<String>) -> Option<String> {
    match code.as_deref() {
        Some("1") => Some("works".into()),
        Some("2") => Some("supplies".into()),
        Some("4") => Some("services".into()),
        _ => None,
    }
}

/// TED's procedure codes (PR_PROC) as eForms procurement-procedure-type
/// codes; "not applicable" and "not specified" have none.
fn procedure_type(code: &Option<String>) -> Option<String> {
    let code = match code.as_deref()? {
        "1" | "A" => "open",
        "2" | "3" => "restricted",
        "4" | "6" | "B" => "neg-w-call",
        "T" | "V" | "F" => "neg-wo-call",
        "C" => "comp-dial",
        "G" => "innovation",
        _ => return None,
    };
    Some(code.into())
}

/// The buyer's address block: the first official name of the form is the
/// contracting body's in every form.
fn buyer(form: Node, root: Node, data: Node) -> Result<Buyer, Problem> {
    let name_node = find(form, "OFFICIALNAME");
    let block = name_node.and_then(|n| n.parent()).map(|p| {
        if p.tag_name().name() == "ORGANISATION" {
            p.parent().unwrap_or(p)
        } else {
            p
        }
    });
    let name = text_of(name_node)
        .or_else(|| {
            text_of(path(
                root,
                &["TRANSLATION_SECTION", "ML_AA_NAMES", "AA_NAME"],
            ))
        })
        .ok_or(Problem::Missing {
            field: "OFFICIALNAME buyer name",
        })?;
    let within = |name: &str| block.and_then(|b| find(b, name));
    let country = attr(within("COUNTRY"), "VALUE")
        .or_else(|| attr(child(data, "ISO_COUNTRY"), "VALUE"))
        .and_then(|c| codes::country(&c));
    let nuts = attr(within("NUTS"), "CODE")
        .or_else(|| attr(child(data, "CA_CE_NUTS"), "CODE"))
        .and_then(|c| codes::nuts(&c, "NUTS").ok());
    Ok(Buyer {
        name,
        national_id: codes::national_id(text_of(within("NATIONALID"))),
        country,
        nuts,
        town: text_of(within("TOWN")),
        contact: Contact {
            point: text_of(within("CONTACT_POINT")),
            email: text_of(within("E_MAIL")),
            phone: text_of(within("PHONE")),
            url: text_of(within("URL_GENERAL")).or_else(|| text_of(child(data, "IA_URL_GENERAL"))),
        },
    })
}

fn translated_title(root: Node, language: &str) -> Option<String> {
    let titles = path(root, &["TRANSLATION_SECTION", "ML_TITLES"])?;
    children(titles, "ML_TI_DOC")
        .find(|t| {
            t.attribute("LG")
                .is_some_and(|lg| lg.eq_ignore_ascii_case(language))
        })
        .and_then(|t| text_of(child(t, "TI_TEXT")))
}

fn yyyymmdd(value: &str, field: &'static str) -> Result<NaiveDate, Problem> {
    NaiveDate::parse_from_str(value.get(..8).unwrap_or(value), "%Y%m%d").map_err(|_| {
        Problem::Unreadable {
            field,
            value: value.to_owned(),
        }
    })
}

/// `20170131 12:00` in the buyer's local time, as UTC; a day without a
/// time ends at midnight.
fn deadline(value: &str, zone: chrono_tz::Tz) -> Result<chrono::NaiveDateTime, Problem> {
    let field = "DT_DATE_FOR_SUBMISSION";
    let date = yyyymmdd(value, field)?;
    let time = match value.get(9..).map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| Problem::Unreadable {
            field,
            value: value.to_owned(),
        })?,
        None => NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default(),
    };
    Ok(codes::local_to_utc(date, time, zone))
}

fn money(node: Node, field: &'static str) -> Result<Money, Problem> {
    codes::amount(&text(node), attr(Some(node), "CURRENCY"), field)
}

/// The lots (OBJECT_DESCR items) when the contract is divided; otherwise
/// the single description's award criteria belong to the whole notice.
fn lots(object: Node, main_cpv: &str) -> Result<(Vec<Lot>, Vec<Criterion>), Problem> {
    let descriptions: Vec<Node> = children(object, "OBJECT_DESCR").collect();
    let divided = child(object, "LOT_DIVISION").is_some() || descriptions.len() > 1;
    if !divided {
        let criteria = match descriptions.first() {
            Some(d) => criteria(*d)?,
            None => Vec::new(),
        };
        return Ok((Vec::new(), criteria));
    }
    let mut lots = Vec::new();
    for (index, description) in descriptions.into_iter().enumerate() {
        let mut cpv = vec![main_cpv.to_owned()];
        for node in children(description, "CPV_ADDITIONAL") {
            if let Some(code) = attr(child(node, "CPV_CODE"), "CODE") {
                cpv.push(codes::cpv(&code, "CPV_ADDITIONAL")?);
            }
        }
        dedup(&mut cpv);
        let mut nuts = Vec::new();
        for node in children(description, "NUTS") {
            if let Some(code) = attr(Some(node), "CODE").filter(|c| c != NOT_SPECIFIED) {
                nuts.push(codes::nuts(&code, "NUTS")?);
            }
        }
        lots.push(Lot {
            id: text_of(child(description, "LOT_NO")).unwrap_or_else(|| (index + 1).to_string()),
            title: text_of(child(description, "TITLE")).unwrap_or_default(),
            description: text_of(child(description, "SHORT_DESCR")).unwrap_or_default(),
            cpv,
            nuts,
            estimated_value: match child(description, "VAL_OBJECT") {
                Some(node) => Some(money(node, "VAL_OBJECT")?),
                None => None,
            },
            criteria: criteria(description)?,
        });
    }
    Ok((lots, Vec::new()))
}

/// Award criteria: quality and cost criteria with their names, price,
/// each with its weighting when it is a number.
fn criteria(description: Node) -> Result<Vec<Criterion>, Problem> {
    // Calls wrap the criteria in AC; award notices list them bare.
    let ac = child(description, "AC").unwrap_or(description);
    let weight = |node: Node| {
        text_of(child(node, "AC_WEIGHTING")).and_then(|w| {
            let number: String = w
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
                .collect();
            number.replace(',', ".").parse::<f64>().ok()
        })
    };
    let mut criteria = Vec::new();
    for (element, kind) in [
        ("AC_QUALITY", "quality"),
        ("AC_COST", "cost"),
        ("AC_PRICE", "price"),
    ] {
        for node in children(ac, element) {
            criteria.push(Criterion {
                kind: kind.into(),
                name: text_of(child(node, "AC_CRITERION")).unwrap_or_default(),
                description: String::new(),
                weight: weight(node),
            });
        }
    }
    Ok(criteria)
}

/// Each awarded contract's winners (AWARD_CONTRACT with a contractor) and
/// the value of the contract.
fn awards(form: Node) -> Result<Vec<Award>, Problem> {
    let mut awards = Vec::new();
    for award in find_all(form, "AWARD_CONTRACT") {
        let lot = text_of(child(award, "LOT_NO"));
        let value = match find(award, "VAL_TOTAL") {
            Some(node) => Some(money(node, "VAL_TOTAL")?),
            None => None,
        };
        for contractor in find_all(award, "ADDRESS_CONTRACTOR") {
            let Some(winner) = text_of(child(contractor, "OFFICIALNAME")) else {
                continue;
            };
            awards.push(Award {
                lot: lot.clone(),
                winner,
                winner_national_id: codes::national_id(text_of(child(contractor, "NATIONALID"))),
                value: value.clone(),
            });
        }
    }
    Ok(awards)
}
