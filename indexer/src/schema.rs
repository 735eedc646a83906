//! The two schemas, tenders and profiles, and how a plain document becomes
//! a tantivy document. Every change here must bump [`SCHEMA_VERSION`].

use serde::Serialize;
use serde::de::DeserializeOwned;
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, IndexRecordOption, NumericOptions, STORED, Schema,
    SchemaBuilder, TextFieldIndexing, TextOptions,
};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{IndexSettings, TantivyDocument};

use crate::analysis::Analyser;
use crate::collation::name_order;
use crate::docs::{KeptTender, ProfileDoc, TenderDoc};
use crate::tree::{cpv_key, facet, nuts_key};

/// The version of both schemas and of the analysers. An index directory
/// written with another version must be rebuilt from the database.
pub const SCHEMA_VERSION: u32 = 4;

/// The profiles' fast field of [`crate::collation::name_order`].
pub(crate) const NAME_ORDER: &str = "name_order";

/// Marks "nothing here" where a filter must be able to find absence: a
/// tender that reserves nothing, a document with no place.
pub(crate) const NONE: &str = "none";

/// A code found whole (a status, a tree key). It is never scored, so it
/// keeps no field norms: they would take a byte per document.
fn keyword() -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    )
}

/// The id: found by term (to replace or delete a document) and read as a
/// fast field (to break ties), never scored.
fn id_options() -> NumericOptions {
    NumericOptions::default().set_indexed().set_fast()
}

/// A plain document type with its own index.
pub trait IndexedDoc: Serialize + DeserializeOwned + Send + Sync + 'static {
    type Fields: Clone + Send + Sync;
    /// What the index stores of a document and gives back.
    type Kept: DeserializeOwned;
    /// `tenders` or `profiles`: an index directory of one kind never opens
    /// as the other.
    const KIND: &'static str;
    fn schema() -> (Schema, Self::Fields);
    fn id(&self) -> u64;
    fn to_document(&self, fields: &Self::Fields) -> TantivyDocument;
    /// The [`Self::Kept`] form of this document, as JSON.
    fn kept_json(&self) -> String;
    fn id_field(fields: &Self::Fields) -> Field;
    fn stored_field(fields: &Self::Fields) -> Field;
    /// How the stored documents are kept: compression and block size.
    fn index_settings() -> IndexSettings;
}

/// One text field per analyser.
#[derive(Clone)]
pub struct LanguageFields(Vec<(Analyser, Field)>);

impl LanguageFields {
    fn add(builder: &mut SchemaBuilder, prefix: &str) -> LanguageFields {
        LanguageFields(
            Analyser::all()
                .map(|analyser| {
                    let indexing = TextFieldIndexing::default()
                        .set_tokenizer(&analyser.tokenizer_name())
                        .set_index_option(IndexRecordOption::WithFreqs);
                    let options = TextOptions::default().set_indexing_options(indexing);
                    let name = format!("{prefix}_{}", analyser.code());
                    (analyser, builder.add_text_field(&name, options))
                })
                .collect(),
        )
    }

    pub fn field(&self, analyser: Analyser) -> Field {
        self.0
            .iter()
            .find(|(a, _)| *a == analyser)
            .map(|(_, f)| *f)
            .expect("every analyser has a field")
    }

    pub fn iter(&self) -> impl Iterator<Item = (Analyser, Field)> + '_ {
        self.0.iter().copied()
    }
}

/// Both trees stored two ways: the facet finds everything beneath a level,
/// the exact key finds the codes above one. The top level (CPV division,
/// country) has a small facet of its own for facet counts.
#[derive(Clone, Copy)]
pub struct TreeFields {
    pub facet: Field,
    pub exact: Field,
    pub top: Field,
}

impl TreeFields {
    fn add(builder: &mut SchemaBuilder, name: &str) -> TreeFields {
        TreeFields {
            facet: builder.add_facet_field(name, FacetOptions::default()),
            exact: builder.add_text_field(&format!("{name}_exact"), keyword()),
            top: builder.add_facet_field(&format!("{name}_top"), FacetOptions::default()),
        }
    }

    fn fill(self, doc: &mut TantivyDocument, keys: &[String]) {
        let mut tops: Vec<&str> = Vec::new();
        for key in keys {
            doc.add_facet(self.facet, facet(key));
            doc.add_text(self.exact, key);
            if !tops.contains(&&key[..2]) {
                tops.push(&key[..2]);
                doc.add_facet(self.top, Facet::from_path([&key[..2]]));
            }
        }
        if keys.is_empty() {
            doc.add_text(self.exact, NONE);
        }
    }
}

pub(crate) fn cpv_keys(codes: &[String]) -> Vec<String> {
    let mut keys: Vec<String> = codes.iter().map(|c| cpv_key(c)).collect();
    keys.sort();
    keys.dedup();
    keys
}

pub(crate) fn nuts_keys(codes: &[String]) -> Vec<String> {
    let mut keys: Vec<String> = codes
        .iter()
        .map(|c| nuts_key(c))
        .filter(|k| k.len() >= 2)
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

fn add_flat_facets<'a>(
    doc: &mut TantivyDocument,
    field: Field,
    codes: impl Iterator<Item = &'a str>,
) {
    for code in codes {
        doc.add_facet(field, tantivy::schema::Facet::from_path([code]));
    }
}

#[derive(Clone)]
pub struct TenderFields {
    pub id: Field,
    pub stored: Field,
    pub title: LanguageFields,
    pub body: LanguageFields,
    pub cpv: TreeFields,
    pub nuts: TreeFields,
    pub objective: Field,
    pub reserved: Field,
    pub status: Field,
    pub deadline: Field,
    pub published: Field,
    pub value: Field,
    pub procedure: Field,
    pub authority: Field,
}

impl IndexedDoc for TenderDoc {
    type Fields = TenderFields;
    type Kept = KeptTender;
    const KIND: &'static str = "tenders";

    fn schema() -> (Schema, TenderFields) {
        let mut b = Schema::builder();
        let fields = TenderFields {
            id: b.add_u64_field("id", id_options()),
            stored: b.add_text_field("doc", STORED),
            title: LanguageFields::add(&mut b, "title"),
            body: LanguageFields::add(&mut b, "body"),
            cpv: TreeFields::add(&mut b, "cpv"),
            nuts: TreeFields::add(&mut b, "nuts"),
            objective: b.add_facet_field("objective", FacetOptions::default()),
            reserved: b.add_facet_field("reserved", FacetOptions::default()),
            status: b.add_text_field("status", keyword() | FAST),
            // Ranges are read from the fast fields alone.
            deadline: b.add_i64_field("deadline", FAST),
            published: b.add_i64_field("published", FAST),
            value: b.add_u64_field("value_dkk", FAST),
            procedure: b.add_text_field("procedure", keyword() | FAST),
            authority: b.add_u64_field("authority", FAST),
        };
        (b.build(), fields)
    }

    fn id(&self) -> u64 {
        self.id
    }

    fn kept_json(&self) -> String {
        serde_json::to_string(&KeptTender::of(self)).expect("a tender serialises")
    }

    fn id_field(fields: &TenderFields) -> Field {
        fields.id
    }

    fn stored_field(fields: &TenderFields) -> Field {
        fields.stored
    }

    /// zstd: the stored tenders are most of the index's size on disk, and
    /// zstd makes them about half of what lz4 does.
    fn index_settings() -> IndexSettings {
        IndexSettings {
            docstore_compression: Compressor::Zstd(ZstdCompressor::default()),
            ..IndexSettings::default()
        }
    }

    fn to_document(&self, f: &TenderFields) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_u64(f.id, self.id);
        doc.add_text(f.stored, self.kept_json());
        for text in &self.texts {
            let analyser = Analyser::for_language(&text.lang);
            doc.add_text(f.title.field(analyser), &text.title);
            doc.add_text(f.body.field(analyser), &text.description);
        }
        f.cpv.fill(&mut doc, &cpv_keys(&self.cpv));
        f.nuts.fill(&mut doc, &nuts_keys(&self.nuts));
        add_flat_facets(
            &mut doc,
            f.objective,
            self.objectives.iter().map(String::as_str),
        );
        add_flat_facets(&mut doc, f.reserved, self.reserved.iter().map(|r| r.code()));
        if self.reserved.is_empty() {
            add_flat_facets(&mut doc, f.reserved, std::iter::once(NONE));
        }
        doc.add_text(f.status, self.status.code());
        doc.add_i64(f.deadline, self.deadline);
        doc.add_i64(f.published, self.published);
        if let Some(value) = self.value_dkk {
            doc.add_u64(f.value, value);
        }
        doc.add_text(f.procedure, &self.procedure);
        doc.add_u64(f.authority, self.authority_id);
        doc
    }
}

#[derive(Clone)]
pub struct ProfileFields {
    pub id: Field,
    pub stored: Field,
    pub name: Field,
    /// The directory's alphabetical order ([`crate::collation`]).
    pub name_order: Field,
    pub text: LanguageFields,
    pub cpv: TreeFields,
    pub nuts: TreeFields,
    pub objective: Field,
    pub eligible: Field,
    pub capacity: Field,
    pub rsv: Field,
}

impl IndexedDoc for ProfileDoc {
    type Fields = ProfileFields;
    type Kept = ProfileDoc;
    const KIND: &'static str = "profiles";

    fn schema() -> (Schema, ProfileFields) {
        let mut b = Schema::builder();
        let name_indexing = TextFieldIndexing::default()
            .set_tokenizer(&Analyser::for_language("").tokenizer_name())
            .set_index_option(IndexRecordOption::WithFreqs);
        let fields = ProfileFields {
            id: b.add_u64_field("id", id_options()),
            stored: b.add_text_field("doc", STORED),
            name: b.add_text_field(
                "name",
                TextOptions::default().set_indexing_options(name_indexing),
            ),
            name_order: b.add_i64_field(NAME_ORDER, FAST),
            text: LanguageFields::add(&mut b, "text"),
            cpv: TreeFields::add(&mut b, "cpv"),
            nuts: TreeFields::add(&mut b, "nuts"),
            objective: b.add_facet_field("objective", FacetOptions::default()),
            eligible: b.add_facet_field("eligible", FacetOptions::default()),
            capacity: b.add_u64_field("capacity_dkk", FAST),
            rsv: b.add_facet_field("rsv", FacetOptions::default()),
        };
        (b.build(), fields)
    }

    fn id(&self) -> u64 {
        self.id
    }

    /// The whole profile: a hundred thousand profiles are small, and the
    /// shared words of a match are named from the texts kept here.
    fn kept_json(&self) -> String {
        serde_json::to_string(self).expect("a profile serialises")
    }

    fn id_field(fields: &ProfileFields) -> Field {
        fields.id
    }

    fn stored_field(fields: &ProfileFields) -> Field {
        fields.stored
    }

    /// lz4 in small blocks: a match loads dozens of profiles, each from
    /// its own block, and with zstd (which makes a decompression context
    /// for every block read) in tantivy's 16 KB blocks that was a quarter
    /// of its time; a hundred thousand profiles are small either way.
    fn index_settings() -> IndexSettings {
        IndexSettings {
            docstore_compression: Compressor::Lz4,
            docstore_blocksize: 4096,
            ..IndexSettings::default()
        }
    }

    fn to_document(&self, f: &ProfileFields) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_u64(f.id, self.id);
        doc.add_text(f.stored, self.kept_json());
        doc.add_text(f.name, &self.name);
        doc.add_i64(f.name_order, name_order(&self.name));
        for text in &self.texts {
            let field = f.text.field(Analyser::for_language(&text.lang));
            doc.add_text(field, &text.mission);
            doc.add_text(field, &text.capabilities);
        }
        f.cpv.fill(&mut doc, &cpv_keys(&self.cpv));
        f.nuts.fill(&mut doc, &nuts_keys(&self.nuts));
        add_flat_facets(
            &mut doc,
            f.objective,
            self.objectives.iter().map(String::as_str),
        );
        add_flat_facets(&mut doc, f.eligible, self.eligible.iter().map(|r| r.code()));
        if let Some(capacity) = self.capacity_dkk {
            doc.add_u64(f.capacity, capacity);
        }
        add_flat_facets(&mut doc, f.rsv, std::iter::once(rsv_code(self.rsv)));
        doc
    }
}

pub(crate) fn rsv_code(rsv: bool) -> &'static str {
    if rsv { "rsv" } else { "not-rsv" }
}
