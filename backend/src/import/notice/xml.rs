//! Small walks over a roxmltree document by local element name, since both
//! formats are read by structure and their namespace prefixes vary.

use roxmltree::Node;

pub fn is(node: &Node, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name
}

pub fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| is(c, name))
}

pub fn children<'a, 'i: 'a>(
    node: Node<'a, 'i>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children().filter(move |c| is(c, name))
}

/// The element at the end of a path of child names.
pub fn path<'a, 'i>(node: Node<'a, 'i>, names: &[&str]) -> Option<Node<'a, 'i>> {
    names.iter().try_fold(node, |n, name| child(n, name))
}

/// Every element at the end of a path of child names.
pub fn all<'a, 'i>(node: Node<'a, 'i>, names: &[&str]) -> Vec<Node<'a, 'i>> {
    let mut level = vec![node];
    for name in names {
        level = level
            .into_iter()
            .flat_map(|n| n.children().filter(|c| is(c, name)))
            .collect();
    }
    level
}

/// The first descendant with this name (the node itself excluded).
pub fn find<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.descendants().skip(1).find(|c| is(c, name))
}

/// Every descendant with this name.
pub fn find_all<'a, 'i: 'a>(
    node: Node<'a, 'i>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.descendants().skip(1).filter(move |c| is(c, name))
}

/// The text of an element and its descendants, whitespace collapsed; the
/// paragraphs (`P`) of TED XML become lines.
pub fn text(node: Node) -> String {
    let paragraphs: Vec<String> = children(node, "P").map(flat_text).collect();
    if paragraphs.is_empty() {
        flat_text(node)
    } else {
        paragraphs
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn flat_text(node: Node) -> String {
    let raw: String = node
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join(" ");
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The trimmed text, or `None` when empty.
pub fn text_of(node: Option<Node>) -> Option<String> {
    node.map(text).filter(|t| !t.is_empty())
}

pub fn attr(node: Option<Node>, name: &str) -> Option<String> {
    node.and_then(|n| n.attribute(name))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}
