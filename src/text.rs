//! Text clean-up shared by every loader: trimming, placeholders, text-check normalisation, and
//! a small HTML tokenizer (used for text checks and for reading HTML tables).
//!
//! indicators.md 通用口径: every value is trimmed of leading and trailing whitespace (full-width
//! spaces and U+FEFF included); a value that is then empty or a placeholder (无 / - — －) is
//! empty. Text checks see the document with HTML comments, script and style removed, tags
//! removed, entities decoded, Markdown as written, and every whitespace character removed.

/// Values that mean "nothing here" once trimmed.
const PLACEHOLDERS: [&str; 5] = ["无", "/", "-", "—", "－"];

/// Whitespace for trimming and squashing: Unicode whitespace (which covers U+3000 and NBSP)
/// plus U+FEFF (a BOM left in the middle of a pasted cell) and zero-width spaces.
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{feff}' | '\u{200b}')
}

/// Characters that change what a terminal or a text viewer shows rather than being shown:
/// C0/C1 controls but line breaks and tabs (ESC starts a terminal command: clear the screen,
/// retitle the window, hide text), bidirectional overrides and isolates (U+202E reverses what
/// follows), and zero-width characters (two "equal" names that differ invisibly).
pub(crate) fn is_invisible_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c,
            '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2069}'
            | '\u{061c}'
            | '\u{feff}')
}

/// `s` with every [`is_invisible_control`] character written out as `\u{1B}`, so it is seen
/// and cannot act: used by every output read in a terminal or a text viewer (table, Markdown,
/// messages).
pub(crate) fn show_invisible(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_invisible_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_invisible_control(c) {
            out.push_str(&format!("\\u{{{:X}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Trim only (no placeholder test): header cells, map keys.
pub(crate) fn trim(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// Trim leading/trailing whitespace including full-width spaces and U+FEFF; `None` when the
/// result is empty or a placeholder (无, /, -, —, －).
pub(crate) fn clean(s: &str) -> Option<&str> {
    let t = trim(s);
    if t.is_empty() || PLACEHOLDERS.contains(&t) {
        None
    } else {
        Some(t)
    }
}

/// Remove every whitespace character (full-width spaces and line breaks included).
pub(crate) fn squash_whitespace(s: &str) -> String {
    s.chars().filter(|&c| !is_space(c)).collect()
}

/// HTML → text: comments, script and style removed, other tags removed, entities decoded.
/// Whitespace is kept as written (text checks squash it afterwards).
pub(crate) fn html_to_text(html: &str) -> String {
    let mut raw = String::with_capacity(html.len());
    for token in HtmlTokens::new(html) {
        if let HtmlToken::Text(t) = token {
            raw.push_str(t);
        }
    }
    html_escape::decode_html_entities(&raw).into_owned()
}

/// The text a document's text checks see (indicators.md 通用口径): `.html`/`.htm` through
/// [`html_to_text`], `.md`/`.txt` (and anything else) as written; then every whitespace
/// character removed. `ext` is the file extension without the dot, any letter case.
pub(crate) fn document_text(ext: &str, raw: &str) -> String {
    if is_html_ext(ext) {
        squash_whitespace(&html_to_text(raw))
    } else {
        squash_whitespace(raw)
    }
}

pub(crate) fn is_html_ext(ext: &str) -> bool {
    ext.eq_ignore_ascii_case("html") || ext.eq_ignore_ascii_case("htm")
}

/// One piece of an HTML document. Attributes are parsed only for start tags; names are
/// lower-cased ASCII.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HtmlToken<'a> {
    /// Character data, entities still encoded.
    Text(&'a str),
    Start {
        name: String,
        attrs: Vec<(String, String)>,
    },
    End {
        name: String,
    },
}

impl HtmlToken<'_> {
    /// The value of an attribute of a start tag (entities decoded).
    pub(crate) fn attr(&self, name: &str) -> Option<String> {
        match self {
            HtmlToken::Start { attrs, .. } => attrs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| html_escape::decode_html_entities(v).into_owned()),
            _ => None,
        }
    }
}

/// A forgiving HTML tokenizer: comments, doctype and processing instructions are dropped, the
/// content of `<script>` and `<style>` is dropped, a `<` that does not start a tag is text.
/// Never fails and never allocates more than the input's size per token.
pub(crate) struct HtmlTokens<'a> {
    src: &'a str,
    pos: usize,
    /// After `<script>` / `<style>`: skip raw text up to the matching end tag.
    raw_until: Option<&'static str>,
}

impl<'a> HtmlTokens<'a> {
    pub(crate) fn new(src: &'a str) -> Self {
        HtmlTokens {
            src,
            pos: 0,
            raw_until: None,
        }
    }
}

impl<'a> Iterator for HtmlTokens<'a> {
    type Item = HtmlToken<'a>;

    fn next(&mut self) -> Option<HtmlToken<'a>> {
        loop {
            let rest = &self.src[self.pos..];
            if rest.is_empty() {
                return None;
            }
            if let Some(end_name) = self.raw_until.take() {
                // Skip to `</script` / `</style` (ASCII case-insensitive); the end tag itself is
                // then read normally.
                let needle = format!("</{end_name}");
                match find_ascii_ci(rest, &needle) {
                    Some(i) => self.pos += i,
                    None => self.pos = self.src.len(),
                }
                continue;
            }
            let bytes = rest.as_bytes();
            if bytes[0] != b'<' {
                let end = rest.find('<').unwrap_or(rest.len());
                self.pos += end;
                return Some(HtmlToken::Text(&rest[..end]));
            }
            // `<` starts something.
            if let Some(comment) = rest.strip_prefix("<!--") {
                let end = comment.find("-->").map(|i| 4 + i + 3).unwrap_or(rest.len());
                self.pos += end;
                continue;
            }
            let next = bytes.get(1).copied().unwrap_or(b' ');
            if next == b'!' || next == b'?' {
                let end = rest.find('>').map(|i| i + 1).unwrap_or(rest.len());
                self.pos += end;
                continue;
            }
            let is_end = next == b'/';
            let name_start = if is_end { 2 } else { 1 };
            if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
                // A lone `<` (as in `a < b`): text.
                self.pos += 1;
                return Some(HtmlToken::Text(&rest[..1]));
            }
            let tag_end = find_tag_end(rest);
            let inner_end = if rest.as_bytes()[tag_end - 1] == b'>' {
                tag_end - 1
            } else {
                tag_end
            };
            let inner = &rest[name_start..inner_end.max(name_start)];
            self.pos += tag_end;
            let name_len = inner
                .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
                .unwrap_or(inner.len());
            let name = inner[..name_len].to_ascii_lowercase();
            if is_end {
                return Some(HtmlToken::End { name });
            }
            let attrs = parse_attrs(&inner[name_len..]);
            if name == "script" || name == "style" {
                self.raw_until = Some(if name == "script" { "script" } else { "style" });
            }
            return Some(HtmlToken::Start { name, attrs });
        }
    }
}

/// Byte index just past the `>` closing the tag that starts `s` (quotes respected), or the
/// end of `s` for an unterminated tag.
fn find_tag_end(s: &str) -> usize {
    let mut quote: Option<u8> = None;
    for (i, &b) in s.as_bytes().iter().enumerate().skip(1) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return i + 1,
            None => {}
        }
    }
    s.len()
}

fn parse_attrs(s: &str) -> Vec<(String, String)> {
    let mut attrs = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'/' {
            i += 1;
        }
        if start == i {
            break;
        }
        let name = s[start..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let vs = i + 1;
                let ve = s[vs..].find(q as char).map(|k| vs + k).unwrap_or(s.len());
                value = s[vs..ve].to_string();
                i = (ve + 1).min(b.len());
            } else {
                let vs = i;
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                value = s[vs..i].to_string();
            }
        }
        attrs.push((name, value));
    }
    attrs
}

/// ASCII case-insensitive substring search (needle is ASCII).
fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    if n.is_empty() || h.len() < n.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_trims_full_width_space_and_bom() {
        assert_eq!(clean("\u{feff}　标题 \t"), Some("标题"));
        assert_eq!(clean("  a b  "), Some("a b"));
        assert_eq!(clean(""), None);
        assert_eq!(clean("　\u{feff} "), None);
    }

    #[test]
    fn clean_placeholders_are_empty() {
        for p in ["无", "/", "-", "—", "－", " 无 ", "\u{3000}－\u{3000}"] {
            assert_eq!(clean(p), None, "{p:?}");
        }
        assert_eq!(clean("无锡"), Some("无锡"));
        assert_eq!(clean("--"), Some("--"));
    }

    #[test]
    fn squash_removes_every_whitespace() {
        assert_eq!(
            squash_whitespace("通信 地址：\r\n　xx镇\t\u{a0}1号"),
            "通信地址：xx镇1号"
        );
    }

    #[test]
    fn html_to_text_drops_comments_script_style_and_tags() {
        let html = "<html><head><style>p{color:red}</style><SCRIPT>var a='<b>';</script></head>\
                    <body><!-- 通信地址 --><p>办公&nbsp;地址：<b>xx镇</b>&lt;1号&gt;&#x4E00;</p>\
                    a < b</body></html>";
        assert_eq!(html_to_text(html), "办公\u{a0}地址：xx镇<1号>一a < b");
    }

    #[test]
    fn html_to_text_survives_broken_markup() {
        assert_eq!(html_to_text("a<!-- never closed"), "a");
        assert_eq!(html_to_text("a<b class=\"x>y\""), "a");
        assert_eq!(html_to_text("<script>never closed"), "");
        assert_eq!(html_to_text("x<"), "x<");
    }

    #[test]
    fn document_text_by_extension() {
        assert_eq!(document_text("HTML", "<p>通信 地址</p>"), "通信地址");
        assert_eq!(document_text("htm", "<!--x-->a b"), "ab");
        // Markdown as written: markup stays, whitespace goes.
        assert_eq!(document_text("md", "# 通信 地址\n**x**"), "#通信地址**x**");
        assert_eq!(document_text("txt", "a <b>"), "a<b>");
    }

    #[test]
    fn tokens_carry_attributes() {
        let toks: Vec<_> = HtmlTokens::new("<TD RowSpan=2 colspan='3' data-x>v</td>").collect();
        assert_eq!(toks[0].attr("rowspan").as_deref(), Some("2"));
        assert_eq!(toks[0].attr("colspan").as_deref(), Some("3"));
        assert_eq!(toks[1], HtmlToken::Text("v"));
        assert_eq!(toks[2], HtmlToken::End { name: "td".into() });
    }
}
