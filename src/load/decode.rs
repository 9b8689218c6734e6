//! Bytes → text, by bundle-spec.md "File formats and encodings" and the detection recipe of
//! LIBRARIES.md: a BOM decides (UTF-8, UTF-16); otherwise the whole file valid as UTF-8 is
//! UTF-8; otherwise GBK/GB18030 when chardetng, fed the whole file with no TLD hint, says so.
//! Anything else is refused with a message asking to save as UTF-8 or GBK (or to state the
//! encoding). Decoding never substitutes replacement characters: the first bad byte is
//! reported instead. For HTML, a `<meta charset>` comes before detection (after a BOM).

use encoding_rs::{DecoderResult, Encoding, GB18030, GBK, UTF_8, UTF_16BE, UTF_16LE};

/// Text decoded from a file, and which encoding it was.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static Encoding,
}

/// The encodings a manifest may force with `编码:` (any letter case): utf-8, utf-16, gbk,
/// gb2312, gb18030. GBK and GB2312 read with the GB18030 decoder, a superset of both.
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    let l = label.trim().to_ascii_lowercase().replace('_', "-");
    match l.as_str() {
        "utf-8" | "utf8" => Some(UTF_8),
        "utf-16" | "utf16" | "utf-16le" => Some(UTF_16LE),
        "utf-16be" => Some(UTF_16BE),
        "gbk" | "gb2312" | "gb18030" | "cp936" => Some(GB18030),
        _ => None,
    }
}

pub const ENCODING_LABELS: &str = "utf-8、utf-16、gbk、gb2312、gb18030";

/// What to tell the township when a file cannot be decoded (callers append it; ledgers also
/// mention `编码:`).
pub const SAVE_AS_HINT: &str = "请另存为 UTF-8 或 GBK";

/// Decode `bytes`. The error says what went wrong and where (callers add what to do).
/// `forced` comes from the manifest's `编码:`; `html` enables `<meta charset>`.
pub fn decode(
    bytes: &[u8],
    forced: Option<&'static Encoding>,
    html: bool,
) -> Result<Decoded, String> {
    if let Some(enc) = forced {
        // A BOM of the forced encoding is dropped (for UTF-16 it also gives the byte order);
        // any other bytes are decoded as forced.
        let utf16 = |e: &'static Encoding| e == UTF_16LE || e == UTF_16BE;
        return match Encoding::for_bom(bytes) {
            Some((bom_enc, len)) if bom_enc == enc || (utf16(bom_enc) && utf16(enc)) => {
                strict(bom_enc, &bytes[len..])
            }
            _ => strict(enc, bytes),
        };
    }
    if let Some((enc, len)) = Encoding::for_bom(bytes) {
        return strict(enc, &bytes[len..]);
    }
    if html {
        if let Some(enc) = meta_charset(bytes) {
            return strict(enc, bytes);
        }
    }
    if Encoding::utf8_valid_up_to(bytes) == bytes.len() {
        return strict(UTF_8, bytes);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    if guess == GBK || guess == GB18030 {
        return strict(GB18030, bytes);
    }
    let at = Encoding::utf8_valid_up_to(bytes);
    Err(format!(
        "无法识别文件编码：不是 UTF-8，也不像 GBK（第{}个字节起无法按 UTF-8 读取，看起来像 {}）",
        at + 1,
        guess.name()
    ))
}

/// Decode without replacement; on a malformed sequence, say where it is.
fn strict(enc: &'static Encoding, bytes: &[u8]) -> Result<Decoded, String> {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let cap = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len().saturating_mul(3));
    let mut text = String::with_capacity(cap);
    let mut read_total = 0;
    loop {
        let (result, read) =
            decoder.decode_to_string_without_replacement(&bytes[read_total..], &mut text, true);
        read_total += read;
        match result {
            DecoderResult::InputEmpty => {
                return Ok(Decoded {
                    text,
                    encoding: enc,
                });
            }
            DecoderResult::OutputFull => text.reserve(bytes.len() - read_total + 16),
            DecoderResult::Malformed(bad, after) => {
                let at = read_total - after as usize - bad as usize;
                return Err(format!(
                    "按 {} 解码失败：第{}个字节起不是有效的 {} 编码",
                    enc.name(),
                    at + 1,
                    enc.name()
                ));
            }
        }
    }
}

/// `<meta charset="gbk">` or `<meta http-equiv="Content-Type" content="text/html;
/// charset=gb2312">` in the first 4 KiB (read as ASCII-compatible bytes).
pub fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let head = String::from_utf8_lossy(head);
    for token in crate::text::HtmlTokens::new(&head) {
        if let crate::text::HtmlToken::Start { name, .. } = &token {
            if name != "meta" {
                continue;
            }
            let label = token.attr("charset").or_else(|| {
                let content = token.attr("content")?.to_ascii_lowercase();
                let i = content.find("charset=")?;
                Some(
                    content[i + 8..]
                        .trim_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace())
                        .split(|c: char| c == ';' || c.is_whitespace())
                        .next()
                        .unwrap_or("")
                        .to_string(),
                )
            });
            if let Some(label) = label {
                // Browsers treat a UTF-16 label in <meta> as UTF-8 (the bytes are ASCII here).
                let enc = Encoding::for_label(label.trim().as_bytes())?;
                return Some(if enc == UTF_16LE || enc == UTF_16BE {
                    UTF_8
                } else if enc == GBK {
                    GB18030
                } else {
                    enc
                });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(s: &str) -> Vec<u8> {
        GBK.encode(s).0.into_owned()
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(
            decode("标题,栏目".as_bytes(), None, false).unwrap().text,
            "标题,栏目"
        );
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("标题".as_bytes());
        let d = decode(&b, None, false).unwrap();
        assert_eq!(d.text, "标题");
        assert_eq!(d.encoding, UTF_8);
    }

    #[test]
    fn gbk_detected_over_whole_file() {
        let text = "标题,栏目,索引号,成文日期,发布日期\n关于印发xx镇2021年政务公开工作要点的通知,政府文件,001,2021-03-01,2021-03-05\n";
        let d = decode(&gbk(text), None, false).unwrap();
        assert_eq!(d.text, text);
        assert_eq!(d.encoding, GB18030);
    }

    #[test]
    fn utf16_with_bom() {
        let mut b = vec![0xFF, 0xFE];
        for u in "标题\t栏目".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&b, None, false).unwrap().text, "标题\t栏目");
    }

    #[test]
    fn forced_encoding_and_labels() {
        assert_eq!(encoding_for_label("GB2312"), Some(GB18030));
        assert_eq!(encoding_for_label("UTF-8"), Some(UTF_8));
        assert_eq!(encoding_for_label("big5"), None);
        let d = decode(&gbk("政务公开"), Some(GB18030), false).unwrap();
        assert_eq!(d.text, "政务公开");
        // Forcing UTF-8 on GBK bytes fails with the byte position, never mojibake.
        let e = decode(&gbk("政务公开"), Some(UTF_8), false).unwrap_err();
        assert!(e.contains("第1个字节"), "{e}");
    }

    #[test]
    fn latin1_or_big5_refused() {
        let big5 = encoding_rs::BIG5
            .encode("政府資訊公開條例，臺灣地區")
            .0
            .into_owned();
        let e = decode(&big5, None, false);
        // Either refused, or (if the detector calls it GBK) at least never silently accepted
        // as UTF-8.
        if let Ok(d) = e {
            assert_eq!(d.encoding, GB18030);
        }
        let latin1 = b"caf\xe9 cr\xe8me br\xfbl\xe9e, na\xefve fa\xe7ade";
        let e = decode(latin1, None, false).unwrap_err();
        assert!(e.contains("不是 UTF-8，也不像 GBK"), "{e}");
    }

    #[test]
    fn html_meta_charset_first() {
        let mut b = b"<html><head><meta charset=\"gb2312\"></head><body>".to_vec();
        b.extend(gbk("通信地址"));
        assert_eq!(meta_charset(&b), Some(GB18030));
        assert!(decode(&b, None, true).unwrap().text.ends_with("通信地址"));
        let b2 = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=GBK\">";
        assert_eq!(meta_charset(b2), Some(GB18030));
    }
}
