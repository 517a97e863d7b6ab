//! A small, namespace-aware XML tree for SOAP envelopes (reading with quick-xml's `NsReader`), and the
//! escaping helpers the envelope writers use.
//!
//! Envelopes are small (one 270 or 271), so the whole document is read into a tree of [`Element`]s with
//! their namespace, local name and text; the tree is bounded in depth and size so that no input can make it
//! grow without limit. Only the five predefined entities and character references are expanded; any other
//! entity reference is an error (no DTD entities, so no entity expansion attacks).
use quick_xml::events::{BytesRef, Event};
use quick_xml::name::{QName, ResolveResult};
use quick_xml::NsReader;

use crate::envelope::EnvelopeError;

/// The deepest element nesting accepted.
const MAX_DEPTH: usize = 32;
/// The most elements accepted in one document.
const MAX_ELEMENTS: usize = 4_096;

/// One element: its namespace, local name, text content (all text and CDATA directly inside it, in order)
/// and child elements.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Element {
    /// The namespace the element's name resolves to; `None` for an unqualified name.
    pub(crate) ns: Option<String>,
    /// The local name.
    pub(crate) name: String,
    /// The text content.
    pub(crate) text: String,
    /// When the text is a prefixed QName (`env:Receiver`), the namespace its prefix resolves to.
    pub(crate) text_ns: Option<String>,
    /// Child elements, in document order.
    pub(crate) children: Vec<Element>,
}

impl Element {
    /// Whether this element is `name` in namespace `ns`.
    pub(crate) fn is(&self, ns: &str, name: &str) -> bool {
        self.name == name && self.ns.as_deref() == Some(ns)
    }

    /// The first child `name` in namespace `ns`.
    pub(crate) fn child(&self, ns: &str, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.is(ns, name))
    }

    /// The first child with local name `name`, in any namespace or none.
    pub(crate) fn child_local(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The first child element.
    pub(crate) fn first_child(&self) -> Option<&Element> {
        self.children.first()
    }

    /// The text's local part: `Receiver` for `env:Receiver`.
    pub(crate) fn text_local(&self) -> &str {
        let text = self.text.trim();
        text.rsplit_once(':').map_or(text, |(_, local)| local)
    }
}

/// Reads a whole document into its root element.
pub(crate) fn parse(input: &[u8]) -> Result<Element, EnvelopeError> {
    let text = std::str::from_utf8(input)
        .map_err(|_| EnvelopeError::Xml("the document is not UTF-8".to_owned()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = NsReader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut count = 0usize;
    loop {
        let (ns, event) = reader.read_resolved_event().map_err(xml_error)?;
        let opened = match &event {
            Event::Start(start) | Event::Empty(start) => {
                count += 1;
                if count > MAX_ELEMENTS || stack.len() >= MAX_DEPTH {
                    return Err(EnvelopeError::Xml(
                        "the document is too deep or too large".to_owned(),
                    ));
                }
                Some(Element {
                    ns: namespace(ns)?,
                    name: String::from_utf8_lossy(start.local_name().as_ref()).into_owned(),
                    ..Element::default()
                })
            }
            _ => None,
        };
        match event {
            Event::Start(_) => stack.extend(opened),
            Event::Empty(_) => {
                if let Some(element) = opened {
                    attach(&mut stack, &mut root, element)?;
                }
            }
            Event::End(_) => {
                let Some(mut element) = stack.pop() else {
                    return Err(EnvelopeError::Xml("an end tag closes nothing".to_owned()));
                };
                element.text_ns = text_namespace(&reader, &element.text)?;
                attach(&mut stack, &mut root, element)?;
            }
            Event::Text(t) => {
                let content = t.xml10_content().map_err(|e| xml_error(e.into()))?;
                push_text(&mut stack, &content)?;
            }
            Event::CData(c) => {
                let content = c.xml10_content().map_err(|e| xml_error(e.into()))?;
                push_text(&mut stack, &content)?;
            }
            Event::GeneralRef(r) => {
                let c = reference(&r)?;
                push_text(&mut stack, c.encode_utf8(&mut [0u8; 4]))?;
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(EnvelopeError::Xml(
            "the document ends inside an element".to_owned(),
        ));
    }
    root.ok_or_else(|| EnvelopeError::Xml("the document has no element".to_owned()))
}

fn xml_error(error: quick_xml::Error) -> EnvelopeError {
    EnvelopeError::Xml(error.to_string())
}

/// An element's namespace as resolved by the reader; an undeclared prefix is an error.
fn namespace(ns: ResolveResult<'_>) -> Result<Option<String>, EnvelopeError> {
    match ns {
        ResolveResult::Bound(ns) => Ok(Some(String::from_utf8_lossy(ns.0).into_owned())),
        ResolveResult::Unbound => Ok(None),
        ResolveResult::Unknown(_) => Err(EnvelopeError::Xml(
            "an element uses an undeclared namespace prefix".to_owned(),
        )),
    }
}

/// The namespace of a QName-valued text (`env:Receiver`), resolved in the scope of the element that
/// holds it; `None` when the text is not a prefixed name or the prefix is not declared.
fn text_namespace(reader: &NsReader<&[u8]>, text: &str) -> Result<Option<String>, EnvelopeError> {
    let text = text.trim();
    let looks_like_qname =
        text.len() < 256 && text.contains(':') && !text.contains(char::is_whitespace);
    if !looks_like_qname {
        return Ok(None);
    }
    match reader.resolve_element(QName(text.as_bytes())).0 {
        ResolveResult::Bound(ns) => Ok(Some(String::from_utf8_lossy(ns.0).into_owned())),
        _ => Ok(None),
    }
}

/// Adds a finished element to its parent, or makes it the root.
fn attach(
    stack: &mut [Element],
    root: &mut Option<Element>,
    element: Element,
) -> Result<(), EnvelopeError> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None if root.is_none() => *root = Some(element),
        None => {
            return Err(EnvelopeError::Xml(
                "the document has more than one root element".to_owned(),
            ))
        }
    }
    Ok(())
}

/// Appends text to the open element; outside the root only whitespace is allowed.
fn push_text(stack: &mut [Element], text: &str) -> Result<(), EnvelopeError> {
    match stack.last_mut() {
        Some(open) => {
            open.text.push_str(text);
            Ok(())
        }
        None if text.trim().is_empty() => Ok(()),
        None => Err(EnvelopeError::Xml(
            "text outside the root element".to_owned(),
        )),
    }
}

/// Expands a character reference or one of the five predefined entities.
fn reference(r: &BytesRef<'_>) -> Result<char, EnvelopeError> {
    if let Some(c) = r.resolve_char_ref().map_err(xml_error)? {
        return Ok(c);
    }
    match &**r {
        b"lt" => Ok('<'),
        b"gt" => Ok('>'),
        b"amp" => Ok('&'),
        b"apos" => Ok('\''),
        b"quot" => Ok('"'),
        _ => Err(EnvelopeError::Xml(
            "the document uses an undefined entity".to_owned(),
        )),
    }
}

/// Whether `c` may appear in an XML 1.0 document.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Refuses a value holding a character XML cannot carry (most control characters).
pub(crate) fn check_chars(field: &'static str, value: &str) -> Result<(), EnvelopeError> {
    if value.chars().all(is_xml_char) {
        Ok(())
    } else {
        Err(EnvelopeError::InvalidCharacter(field))
    }
}

/// Appends `value` as escaped element text.
pub(crate) fn push_escaped(
    out: &mut String,
    field: &'static str,
    value: &str,
) -> Result<(), EnvelopeError> {
    check_chars(field, value)?;
    out.push_str(&quick_xml::escape::escape(value));
    Ok(())
}

/// Appends `value` as CDATA, splitting any `]]>` it holds across two sections.
pub(crate) fn push_cdata(
    out: &mut String,
    field: &'static str,
    value: &str,
) -> Result<(), EnvelopeError> {
    check_chars(field, value)?;
    out.push_str("<![CDATA[");
    out.push_str(&value.replace("]]>", "]]]]><![CDATA[>"));
    out.push_str("]]>");
    Ok(())
}

/// Appends `<name>value</name>` (an unqualified element, as the CORE schema wants its fields).
pub(crate) fn push_field(
    out: &mut String,
    name: &'static str,
    value: &str,
) -> Result<(), EnvelopeError> {
    out.push('<');
    out.push_str(name);
    out.push('>');
    push_escaped(out, name, value)?;
    out.push_str("</");
    out.push_str(name);
    out.push_str(">\n");
    Ok(())
}
