//! eForms codelists with English and Danish labels: social objectives
//! (BT-775), procedure types (BT-105), contract nature (BT-23), strategic
//! procurement (BT-06), reserved procurement (BT-71) and award criterion
//! types (BT-539).

use std::sync::OnceLock;

use crate::Lang;

use crate::csv;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    pub code: String,
    pub label_en: String,
    pub label_da: String,
}

impl Code {
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::Da => &self.label_da,
            Lang::En => &self.label_en,
        }
    }
}

pub struct Codelist(Vec<Code>);

impl Codelist {
    /// Reads `code,eng_label,dan_label`; `danish_wording` replaces the
    /// Danish label of the codes it names.
    fn parse(source: &str, danish_wording: &[(&str, &str)]) -> Codelist {
        Codelist(
            source
                .lines()
                .skip(1)
                .filter(|l| !l.trim().is_empty())
                .map(|line| {
                    let f = csv::fields(line);
                    let code = f.first().cloned().unwrap_or_default();
                    let label_da = danish_wording
                        .iter()
                        .find(|(c, _)| *c == code)
                        .map(|(_, label)| (*label).to_owned())
                        .unwrap_or_else(|| f.get(2).cloned().unwrap_or_default());
                    Code {
                        code,
                        label_en: f.get(1).cloned().unwrap_or_default(),
                        label_da,
                    }
                })
                .collect(),
        )
    }

    pub fn codes(&self) -> &[Code] {
        &self.0
    }

    pub fn find(&self, code: &str) -> Option<&Code> {
        self.0.iter().find(|c| c.code == code)
    }

    pub fn contains(&self, code: &str) -> bool {
        self.find(code).is_some()
    }
}

macro_rules! codelist {
    ($(#[$doc:meta])* $name:ident, $file:literal) => {
        codelist!($(#[$doc])* $name, $file, &[]);
    };
    ($(#[$doc:meta])* $name:ident, $file:literal, $danish_wording:expr) => {
        $(#[$doc])*
        pub fn $name() -> &'static Codelist {
            static LIST: OnceLock<Codelist> = OnceLock::new();
            LIST.get_or_init(|| {
                Codelist::parse(
                    include_str!(concat!("../../reference/eforms/", $file)),
                    $danish_wording,
                )
            })
        }
    };
}

/// Danish procedure names worded apart from the EU's list on purpose
/// (reference/SOURCES.md keeps the same note): the EU's label for a
/// single-stage procedure says "to faser" (two stages), and "Begrænset"
/// alone is not the name of a procedure (udbudsloven § 56: begrænset
/// udbud); the multi-stage name follows the single-stage one.
const PROCEDURE_TYPES_DA: &[(&str, &str)] = &[
    ("oth-single", "Anden procedure i én fase"),
    ("oth-mult", "Anden procedure i flere faser"),
    ("restricted", "Begrænset udbud"),
];

/// The EU's "Ingen strategiske udbud" names tenders, where the field is
/// about the purchase: strategisk indkøb.
const STRATEGIC_PROCUREMENT_DA: &[(&str, &str)] = &[("none", "Intet strategisk indkøb")];

/// The EU's "Deltagelse uden forbehold" uses the word for a bidder's
/// reservation against the terms (forbehold); the act says a contract is
/// forbeholdt, or not.
const RESERVED_PROCUREMENT_DA: &[(&str, &str)] = &[("none", "Deltagelse er ikke forbeholdt.")];

codelist!(
    /// BT-775: `acc-all`, `et-eq`, `gen-eq`, `hum-right`, `opp`, `work-cond`, `other`.
    social_objectives,
    "social-objective.csv"
);
codelist!(
    /// BT-105: `open`, `restricted`, `neg-w-call`, ...
    procedure_types,
    "procurement-procedure-type.csv",
    PROCEDURE_TYPES_DA
);
codelist!(
    /// BT-23: `services`, `supplies`, `works`.
    contract_natures,
    "contract-nature.csv"
);
codelist!(
    /// BT-06: `soc-obj`, `env-imp`, `inn-pur`, `none`.
    strategic_procurement,
    "strategic-procurement.csv",
    STRATEGIC_PROCUREMENT_DA
);
codelist!(
    /// BT-71: `none`, `res-ws` (Article 20), `res-pub-ser` (Article 77).
    reserved_procurement,
    "reserved-procurement.csv",
    RESERVED_PROCUREMENT_DA
);
codelist!(
    /// BT-539: `price`, `quality`, `cost`.
    award_criterion_types,
    "award-criterion-type.csv"
);
codelist!(
    /// The light-regime social, health and cultural services (Annex XIV),
    /// 115 CPV codes, with Danish labels.
    social_service_cpv,
    "cpv_social-service-cpv.csv"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codelists_load_with_both_labels() {
        let opp = social_objectives().find("opp").unwrap();
        assert!(!opp.label_da.is_empty() && !opp.label_en.is_empty());
        assert_eq!(social_objectives().codes().len(), 7);
        assert!(reserved_procurement().contains("res-ws"));
        assert!(reserved_procurement().contains("res-pub-ser"));
        assert!(procedure_types().contains("open"));
        assert_eq!(contract_natures().codes().len(), 3);
        assert!(strategic_procurement().contains("soc-obj"));
        assert!(award_criterion_types().contains("quality"));
        assert_eq!(social_service_cpv().codes().len(), 115);
        assert!(
            reserved_procurement()
                .find("res-pub-ser")
                .unwrap()
                .label_da
                .contains(',')
        );
    }

    #[test]
    fn deliberate_danish_wording_replaces_only_the_named_labels() {
        let single = procedure_types().find("oth-single").unwrap();
        assert_eq!(single.label(Lang::Da), "Anden procedure i én fase");
        assert_eq!(single.label(Lang::En), "Other single stage procedure");
        assert_eq!(
            procedure_types().find("open").unwrap().label(Lang::Da),
            "Offentligt udbud"
        );
        assert_eq!(
            reserved_procurement().find("none").unwrap().label(Lang::Da),
            "Deltagelse er ikke forbeholdt."
        );
    }
}
