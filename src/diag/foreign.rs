//! The errors of the libraries kaohe uses, in plain Chinese: the operating system, CSV, zip,
//! XML, PDF, JSON and SQLite speak English, and a user reads these sentences inside a Chinese
//! message that already names the file. Each error is rendered from its typed kind (never by
//! matching its English text); what a kind cannot say is left out rather than shown in
//! English. The one place such text is made: callers never format a library error with `{e}`.

/// An operating-system error in plain Chinese, for messages that already name the file:
/// "No such file or directory (os error 2)" becomes 「文件或文件夹不存在」.
pub fn os_error(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let plain = match e.kind() {
        K::NotFound => "文件或文件夹不存在",
        K::PermissionDenied => "没有访问权限",
        K::AlreadyExists => "已经存在",
        K::IsADirectory => "这是文件夹，不是文件",
        K::NotADirectory => "路径中有一段不是文件夹",
        K::DirectoryNotEmpty => "文件夹不是空的",
        K::StorageFull => "磁盘空间已满",
        K::ReadOnlyFilesystem => "所在磁盘只读",
        K::FileTooLarge => "文件过大",
        K::InvalidFilename => "文件名无效或过长",
        K::BrokenPipe => "接收输出的程序已关闭",
        K::Interrupted => "操作被中断",
        K::InvalidData => "内容不是有效的 UTF-8 文字",
        K::UnexpectedEof => "文件不完整（提前结束）",
        K::OutOfMemory => "内存不足",
        K::TimedOut => "操作超时",
        K::ResourceBusy => "文件正被占用",
        K::CrossesDevices => "不能跨磁盘移动",
        K::TooManyLinks => "链接过多",
        K::Deadlock => "文件锁冲突",
        K::AddrInUse => "端口已被占用",
        K::AddrNotAvailable => "本机没有这个地址",
        K::ConnectionReset | K::ConnectionAborted => "连接被对方断开",
        K::WouldBlock => "资源暂时不可用",
        _ => match e.raw_os_error() {
            Some(36) => "文件名过长",
            Some(40) => "符号链接层数过多",
            Some(5) => "读写出错（磁盘或设备故障）",
            Some(11) => "系统资源暂时不足（线程或进程过多）",
            Some(12) => "内存不足",
            Some(24) => "打开的文件过多",
            Some(n) => return format!("系统错误（错误号 {n}）"),
            None => "系统错误",
        },
    };
    plain.to_string()
}

/// A CSV reader's error (the caller names the file and, from the error's position, the row).
pub fn csv_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(io) => format!("读取出错：{}", os_error(io)),
        csv::ErrorKind::Utf8 { .. } => "有一行不是有效的 UTF-8 文字".to_string(),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("这一行有 {len} 个字段，而前面的行有 {expected_len} 个"),
        _ => "格式无法识别".to_string(),
    }
}

/// A zip archive's error.
pub fn zip_error(e: &zip::result::ZipError) -> String {
    use zip::result::ZipError as Z;
    match e {
        Z::Io(io) => os_error(io),
        Z::InvalidArchive(_) => "不是有效的 zip 文件，或文件已损坏".to_string(),
        Z::UnsupportedArchive(what) => {
            let w = what.to_ascii_lowercase();
            if w.contains("password") || w.contains("encrypt") {
                "文件已加密（设了密码），无法读取：请不加密重新压缩".to_string()
            } else if w.contains("compression") {
                "使用了 kaohe 不支持的压缩方法：请用普通的 zip 格式（deflate）重新压缩".to_string()
            } else {
                "使用了 kaohe 不支持的 zip 特性（如分卷压缩）：请用普通的 zip 格式重新压缩"
                    .to_string()
            }
        }
        Z::FileNotFound => "压缩包中没有这个文件".to_string(),
        Z::InvalidPassword => "密码不对".to_string(),
        _ => "压缩包无法读取".to_string(),
    }
}

/// An XML reader's error (word/document.xml of a .docx).
pub fn xml_error(e: &quick_xml::Error) -> String {
    use quick_xml::Error as X;
    match e {
        X::Io(io) => os_error(io),
        X::Syntax(_) => "有没有闭合的标记（< 或 <!-- 没有配对）".to_string(),
        X::IllFormed(_) => "标签不配对（开始标签和结束标签对不上）".to_string(),
        X::InvalidAttr(_) => "属性的写法有误".to_string(),
        X::Encoding(_) => "文字编码有误".to_string(),
        X::Escape(_) => "有无效的字符引用（& 开头的转义）".to_string(),
        X::Namespace(_) => "命名空间有误".to_string(),
    }
}

/// A PDF text extraction's error.
pub fn pdf_error(e: &pdf_extract::OutputError) -> String {
    match e {
        pdf_extract::OutputError::IoError(io) => os_error(io),
        pdf_extract::OutputError::PdfError(_) => {
            "文件已损坏，或使用了 kaohe 不支持的 PDF 特性（如加密）".to_string()
        }
        pdf_extract::OutputError::FormatError(_) => "文字提取出错".to_string(),
    }
}

/// A JSON reader's error, with its line and column.
pub fn json_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category as C;
    let (line, col) = (e.line(), e.column());
    match e.classify() {
        C::Io => "读取出错".to_string(),
        C::Syntax => format!("第{line}行第{col}列不是有效的 JSON 写法"),
        C::Data => format!("第{line}行第{col}列的值类型不对"),
        C::Eof => format!("JSON 在第{line}行第{col}列意外结束（文件不完整）"),
    }
}

/// A SQLite error of the service's database.
pub fn sqlite_error(e: &rusqlite::Error) -> String {
    use rusqlite::ffi::ErrorCode as C;
    match e {
        rusqlite::Error::SqliteFailure(f, _) => match f.code {
            C::DatabaseBusy | C::DatabaseLocked => {
                "数据库正被另一个 kaohe 进程使用，请稍后再试".to_string()
            }
            C::PermissionDenied | C::AuthorizationForStatementDenied => {
                "没有访问数据库文件的权限".to_string()
            }
            C::ReadOnly => "数据库文件只读".to_string(),
            C::DiskFull => "磁盘空间已满".to_string(),
            C::CannotOpen => "无法打开数据库文件（检查路径和权限）".to_string(),
            C::NotADatabase | C::DatabaseCorrupt => "文件不是 kaohe 的数据库，或已损坏".to_string(),
            C::SystemIoFailure => "读写数据库文件出错（磁盘或设备故障）".to_string(),
            C::OutOfMemory => "内存不足".to_string(),
            C::FileLockingProtocolFailed => "无法给数据库文件加锁（网络磁盘？）".to_string(),
            C::TooBig => "数据过大".to_string(),
            C::ConstraintViolation => "数据与已有记录冲突".to_string(),
            _ => format!("数据库操作失败（SQLite 错误码 {}）", f.extended_code),
        },
        _ => "数据库操作失败".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No English sentence gets through: every rendering is Chinese, whatever the library said.
    fn chinese(s: &str) {
        assert!(
            s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{s}"
        );
        assert!(
            !s.split(|c: char| !c.is_ascii_alphabetic())
                .any(|w| ["error", "invalid", "found", "expected", "the"].contains(&w)),
            "{s}"
        );
    }

    #[test]
    fn library_errors_are_chinese() {
        let e = std::io::Error::from_raw_os_error(2);
        assert_eq!(os_error(&e), "文件或文件夹不存在");
        chinese(&os_error(&std::io::Error::from_raw_os_error(1000)));
        chinese(&os_error(&std::io::Error::other("boom")));

        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader("a,b\nc\n".as_bytes());
        let err = r.records().find_map(Result::err).expect("unequal lengths");
        assert_eq!(csv_error(&err), "这一行有 1 个字段，而前面的行有 2 个");

        let err = zip::ZipArchive::new(std::io::Cursor::new(b"not a zip".to_vec())).unwrap_err();
        assert_eq!(zip_error(&err), "不是有效的 zip 文件，或文件已损坏");
        chinese(&zip_error(&zip::result::ZipError::UnsupportedArchive(
            zip::result::ZipError::PASSWORD_REQUIRED,
        )));

        let mut reader = quick_xml::Reader::from_str("<a></b>");
        let mut buf = Vec::new();
        let err = loop {
            match reader.read_event_into(&mut buf) {
                Err(e) => break e,
                Ok(quick_xml::events::Event::Eof) => panic!("no error"),
                Ok(_) => {}
            }
        };
        chinese(&xml_error(&err));

        let err = serde_json::from_str::<serde_json::Value>("{\n  \"a\": }").unwrap_err();
        assert_eq!(json_error(&err), "第2行第8列不是有效的 JSON 写法");
        let err = serde_json::from_str::<serde_json::Value>("[1,").unwrap_err();
        assert_eq!(json_error(&err), "JSON 在第1行第3列意外结束（文件不完整）");

        let err = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            Some("database is locked".into()),
        );
        assert_eq!(
            sqlite_error(&err),
            "数据库正被另一个 kaohe 进程使用，请稍后再试"
        );
        chinese(&sqlite_error(&rusqlite::Error::QueryReturnedNoRows));
    }
}
