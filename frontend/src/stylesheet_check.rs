//! The stylesheet read by a real CSS parser (Servo's `cssparser`), so that a
//! block left open fails the build: a browser silently nests every later
//! rule inside it, and a page loses its styles without any error. The rules
//! this stylesheet keeps to: at the top level and inside `@media` only style
//! rules and `@media`; inside a style rule only declarations (no nesting);
//! every block closed.

use cssparser::{
    AtRuleParser, CowRcStr, DeclarationParser, ParseError, Parser, ParserState,
    QualifiedRuleParser, RuleBodyItemParser, RuleBodyParser, SourceLocation, StyleSheetParser,
    Token,
};

type Problems = Vec<String>;
type Refusal = ParseError<String>;

/// Every breach of the rules above in `css`, each with its line.
fn problems(css: &str) -> Problems {
    let mut problems = unbalanced_blocks(css);
    let mut input = Parser::new(css);
    let mut top_level = RuleList {
        problems: &mut problems,
    };
    let errors: Vec<String> = StyleSheetParser::new(&mut input, &mut top_level)
        .filter_map(|rule| rule.err().map(describe))
        .collect();
    problems.extend(errors);
    problems
}

/// Blocks that the end of the file closes (cssparser, as browsers do,
/// closes them without a word) and closing brackets without a block.
fn unbalanced_blocks(css: &str) -> Problems {
    fn walk(input: &mut Parser<'_>, problems: &mut Problems) {
        loop {
            let at = input.current_source_location();
            let Ok(token) = input.next_including_whitespace_and_comments() else {
                return;
            };
            match token {
                Token::CloseCurlyBracket => {
                    problems.push(format!("line {}: a }} closes no block", at.line + 1));
                }
                Token::CurlyBracketBlock => {
                    let mut content_end = None;
                    let _ = input.parse_nested_block(|block| -> Result<(), Refusal> {
                        walk(block, problems);
                        content_end = Some(block.position());
                        Ok(())
                    });
                    // A closed block ends one `}` after its content.
                    if content_end == Some(input.position()) {
                        problems.push(format!(
                            "line {}: the block opened here is never closed",
                            at.line + 1
                        ));
                    }
                }
                _ => {}
            }
        }
    }
    let mut problems = Problems::new();
    walk(&mut Parser::new(css), &mut problems);
    problems
}

fn excerpt(text: &str) -> String {
    text.chars().take(60).collect::<String>().replace('\n', " ")
}

fn describe((error, text, at): (Refusal, &str, SourceLocation)) -> String {
    format!(
        "line {}: {} at `{}`",
        at.line + 1,
        error.kind,
        excerpt(text.trim())
    )
}

/// A selector or an at-rule's prelude: any tokens but a stray closing
/// bracket (the sign of a block closed once too often).
fn prelude<'i>(input: &mut Parser<'i>) -> Result<String, Refusal> {
    let start = input.position();
    while let Ok(token) = input.next_including_whitespace_and_comments() {
        if matches!(
            token,
            Token::CloseCurlyBracket | Token::CloseParenthesis | Token::CloseSquareBracket
        ) {
            return Err(ParseError::custom(format!("a stray {token:?}")));
        }
    }
    let text = input.slice_from(start).trim().to_owned();
    if text.is_empty() {
        return Err(ParseError::custom("a block without a selector"));
    }
    Ok(text)
}

/// Rules: the top level of the stylesheet and the body of `@media`.
struct RuleList<'p> {
    problems: &'p mut Problems,
}

impl<'i> QualifiedRuleParser<'i> for RuleList<'_> {
    type Prelude = String;
    type QualifiedRule = ();
    type Error = String;

    fn parse_prelude(&mut self, input: &mut Parser<'i>) -> Result<String, Refusal> {
        prelude(input)
    }

    fn parse_block(
        &mut self,
        _selector: String,
        _start: &ParserState,
        input: &mut Parser<'i>,
    ) -> Result<(), Refusal> {
        let mut body = Declarations;
        for item in RuleBodyParser::new(input, &mut body) {
            if let Err(error) = item {
                self.problems.push(describe(error));
            }
        }
        Ok(())
    }
}

impl<'i> AtRuleParser<'i> for RuleList<'_> {
    type Prelude = ();
    type AtRule = ();
    type Error = String;

    fn parse_prelude(&mut self, name: CowRcStr<'i>, input: &mut Parser<'i>) -> Result<(), Refusal> {
        prelude(input)?;
        if name.eq_ignore_ascii_case("media") {
            Ok(())
        } else {
            Err(ParseError::custom(format!(
                "@{name} is not an at-rule this stylesheet uses"
            )))
        }
    }

    fn parse_block(
        &mut self,
        _prelude: (),
        _start: &ParserState,
        input: &mut Parser<'i>,
    ) -> Result<(), Refusal> {
        let mut inner = RuleList {
            problems: &mut *self.problems,
        };
        let mut errors = Vec::new();
        for item in RuleBodyParser::new(input, &mut inner) {
            if let Err(error) = item {
                errors.push(describe(error));
            }
        }
        self.problems.extend(errors);
        Ok(())
    }
}

/// Inside `@media`, rules only: a declaration there is a mistake.
impl<'i> DeclarationParser<'i> for RuleList<'_> {
    type Declaration = ();
    type Error = String;
}

impl<'i> RuleBodyItemParser<'i, (), String> for RuleList<'_> {
    fn parse_declarations(&self) -> bool {
        false
    }

    fn parse_qualified(&self) -> bool {
        true
    }
}

/// The body of a style rule: declarations only. A nested rule (what an
/// unclosed block turns the next rules into) is refused.
struct Declarations;

impl<'i> DeclarationParser<'i> for Declarations {
    type Declaration = ();
    type Error = String;

    fn parse_value(
        &mut self,
        _name: CowRcStr<'i>,
        input: &mut Parser<'i>,
        _start: &ParserState,
    ) -> Result<(), Refusal> {
        while input.next().is_ok() {}
        Ok(())
    }
}

impl<'i> AtRuleParser<'i> for Declarations {
    type Prelude = ();
    type AtRule = ();
    type Error = String;
}

impl<'i> QualifiedRuleParser<'i> for Declarations {
    type Prelude = ();
    type QualifiedRule = ();
    type Error = String;

    fn parse_prelude(&mut self, _input: &mut Parser<'i>) -> Result<(), Refusal> {
        Err(ParseError::custom(
            "a rule inside a style rule (is a block above left open?)",
        ))
    }
}

impl<'i> RuleBodyItemParser<'i, (), String> for Declarations {
    fn parse_declarations(&self) -> bool {
        true
    }

    /// Asked for, so that a nested rule is named as one.
    fn parse_qualified(&self) -> bool {
        true
    }
}

#[test]
fn the_stylesheet_closes_every_block_and_nests_nothing() {
    let css =
        std::str::from_utf8(crate::asset("style.css").expect("embedded").bytes).expect("UTF-8");
    let found = problems(css);
    assert!(found.is_empty(), "style.css:\n{}", found.join("\n"));
}

#[test]
fn a_block_left_open_is_found() {
    let css = ".search-form {\n  padding: 1.6rem;\n.pagination__list {\n  display: flex;\n}\n\n.b {\n  color: red;\n}\n";
    let found = problems(css);
    assert!(
        found
            .iter()
            .any(|p| p.starts_with("line 3: a rule inside a style rule")
                && p.contains(".pagination__list")),
        "{found:?}"
    );
    assert!(
        found.contains(&"line 1: the block opened here is never closed".to_owned()),
        "{found:?}"
    );
}

#[test]
fn the_last_block_left_open_is_found() {
    let found = problems(".a {\n  color: red;\n}\n\n.b {\n  color: blue;\n");
    assert_eq!(
        found,
        vec!["line 5: the block opened here is never closed".to_owned()]
    );
    let media = problems("@media print {\n  .a {\n    color: red;\n  }\n");
    assert_eq!(
        media,
        vec!["line 1: the block opened here is never closed".to_owned()]
    );
}

#[test]
fn a_block_closed_twice_is_found() {
    let found = problems(".a {\n  color: red;\n}\n}\n.b {\n  color: blue;\n}\n");
    assert!(
        found.contains(&"line 4: a } closes no block".to_owned()),
        "{found:?}"
    );
}

#[test]
fn media_queries_hold_style_rules() {
    let css = "@media (min-width: 40em) {\n  .a {\n    color: red;\n  }\n  .b,\n  .c:not(.d) {\n    margin: 0 auto;\n  }\n}\n";
    assert_eq!(problems(css), Vec::<String>::new());
    let declaration_in_media = "@media print {\n  color: red;\n}\n";
    assert!(!problems(declaration_in_media).is_empty());
}
