//! Timestamps in the API's JSON as the OpenAPI document promises them:
//! RFC 3339 `date-time` in UTC, with `Z`. Stored times are UTC without a
//! zone (`NaiveDateTime`); serde would write them without one. Use with
//! `#[serde(with = "crate::web::utc")]`, or `crate::web::utc::option` for an
//! `Option`. Reading accepts any offset, and no offset as UTC.

use chrono::{DateTime, NaiveDateTime, SecondsFormat};
use serde::{Deserialize, Deserializer, Serializer};

pub fn serialize<S: Serializer>(at: &NaiveDateTime, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format(at))
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDateTime, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse(&text).ok_or_else(|| serde::de::Error::custom(format!("not an RFC 3339 time: {text}")))
}

/// `2026-12-02T11:47:50Z`, with a fraction only when the time has one.
pub fn format(at: &NaiveDateTime) -> String {
    at.and_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn parse(text: &str) -> Option<NaiveDateTime> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.naive_utc())
        .ok()
        .or_else(|| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").ok())
}

pub mod option {
    use chrono::NaiveDateTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(
        at: &Option<NaiveDateTime>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => super::serialize(at, serializer),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<NaiveDateTime>, D::Error> {
        match Option::<String>::deserialize(deserializer)? {
            None => Ok(None),
            Some(text) => super::parse(&text)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom(format!("not an RFC 3339 time: {text}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct Stamped {
        #[serde(with = "super")]
        at: chrono::NaiveDateTime,
        #[serde(with = "super::option")]
        maybe: Option<chrono::NaiveDateTime>,
    }

    #[test]
    fn written_in_utc_with_z_and_read_back() {
        let at = NaiveDate::from_ymd_opt(2026, 12, 2)
            .unwrap()
            .and_hms_opt(11, 47, 50)
            .unwrap();
        let stamped = Stamped {
            at,
            maybe: Some(at + chrono::Duration::milliseconds(250)),
        };
        let json = serde_json::to_value(&stamped).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"at": "2026-12-02T11:47:50Z", "maybe": "2026-12-02T11:47:50.250Z"})
        );
        assert_eq!(serde_json::from_value::<Stamped>(json).unwrap(), stamped);
        let none = Stamped { at, maybe: None };
        assert_eq!(
            serde_json::to_value(&none).unwrap()["maybe"],
            serde_json::Value::Null
        );
    }

    #[test]
    fn an_offset_is_converted_and_no_offset_is_utc() {
        let read: Stamped = serde_json::from_value(serde_json::json!({
            "at": "2026-12-02T12:47:50+01:00", "maybe": "2026-12-02T11:47:50",
        }))
        .unwrap();
        assert_eq!(read.at, read.maybe.unwrap());
    }
}
