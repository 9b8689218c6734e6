//! Overlays: a rule set that `extends` another and writes only what changes. The base's files
//! are merged with the overlay's changes into the content `compile` reads; every merged value
//! remembers where it is written, so a problem names the overlay's line or the base's.

use crate::diag::RuleCode;
use std::collections::BTreeMap;

use serde_yaml::Value as Yaml;

use super::{Checker, RULESET_FILE, RuleFiles, index_positions, yaml_display, yaml_key};
use crate::diag::Problem;
use crate::load::yaml::{self, key_child as join};
use crate::model::ruleset::OverlaySummary;

/// The overlay's own ruleset.yaml, as the checker names it.
const OVERLAY_RULESET: &str = "+ruleset.yaml";

/// Merge the overlay into the base. Returns false when the merge cannot be made (no base,
/// unreadable YAML); the problems say why.
pub(super) fn prepare_overlay(c: &mut Checker) -> bool {
    let overlay = c.files;
    for (name, text) in &overlay.files {
        let own = format!("+{name}");
        match yaml::parse(text, &c.display(&own)) {
            Ok(node) => {
                let mut map = BTreeMap::new();
                index_positions(&node, String::new(), &mut map);
                c.positions.insert(own, map);
            }
            Err(p) => {
                c.problems.push(p);
                return false;
            }
        }
    }
    let ext = overlay.extends.clone().unwrap_or_default();
    let Some(base) = overlay.base.as_deref() else {
        c.error(
            OVERLAY_RULESET,
            "extends",
            RuleCode::ExtendsUnknown,
            format!("extends 的「{ext}」既不是本规则集旁的目录，也不是内置规则集"),
        );
        return false;
    };
    if let Some(further) = &base.extends {
        c.error(
            OVERLAY_RULESET,
            "extends",
            RuleCode::ExtendsChain,
            format!("「{ext}」本身扩展了「{further}」；请直接扩展基础规则集"),
        );
        return false;
    }
    let read = |c: &mut Checker, file: &str| -> Option<Yaml> {
        let text = c.text(file)?;
        match serde_yaml::from_str::<Yaml>(text) {
            Ok(v) => Some(v),
            Err(e) => {
                let mut p = Problem::error(
                    c.display(file),
                    RuleCode::RulesetShape,
                    super::raw::shape_message(&e),
                );
                if let Some(loc) = e.location() {
                    p = p.at(loc.line() as u32, loc.column() as u32);
                }
                c.problems.push(p);
                None
            }
        }
    };
    let (Some(over), Some(mut merged)) = (read(c, OVERLAY_RULESET), read(c, RULESET_FILE)) else {
        return false;
    };
    let Some(over) = over.as_mapping().cloned() else {
        return false;
    };

    let mut drops: Vec<(String, bool)> = Vec::new();
    let mut changes: Vec<(String, Yaml, bool)> = Vec::new();
    // Base group index → overlay file whose indicators join the group.
    let mut added_files: Vec<(usize, String)> = Vec::new();
    for (k, v) in &over {
        let key = yaml_display(k);
        match key.as_str() {
            "extends" => {}
            "drop" => {
                for id in v.as_sequence().into_iter().flatten() {
                    drops.push((yaml_key(id).unwrap_or_default(), false));
                }
            }
            "indicators" => {
                for (id, change) in v.as_mapping().into_iter().flatten() {
                    changes.push((yaml_key(id).unwrap_or_default(), change.clone(), false));
                }
            }
            "checks" => {
                // By code: a known code's fields change, a new code is added.
                let mut checks = merged
                    .get("checks")
                    .and_then(Yaml::as_sequence)
                    .cloned()
                    .unwrap_or_default();
                for (oi, oc) in v.as_sequence().into_iter().flatten().enumerate() {
                    let opath = format!("checks[{oi}]");
                    let code = oc.get("code").map(yaml_display);
                    let found = checks
                        .iter()
                        .position(|c| c.get("code").map(yaml_display) == code);
                    match (found, oc.as_mapping()) {
                        (Some(bi), Some(_)) => {
                            let mpath = format!("checks[{bi}]");
                            merge_yaml(c, &mut checks[bi], oc, RULESET_FILE, &mpath, &opath);
                        }
                        _ => {
                            c.remap.insert(
                                (RULESET_FILE.into(), format!("checks[{}]", checks.len())),
                                (OVERLAY_RULESET.into(), opath),
                            );
                            checks.push(oc.clone());
                        }
                    }
                }
                if let Some(m) = merged.as_mapping_mut() {
                    m.insert("checks".into(), Yaml::Sequence(checks));
                }
            }
            "groups" => {
                let base_groups = merged
                    .get("groups")
                    .and_then(Yaml::as_sequence)
                    .cloned()
                    .unwrap_or_default();
                let mut groups = base_groups.clone();
                for (oi, og) in v.as_sequence().into_iter().flatten().enumerate() {
                    let opath = format!("groups[{oi}]");
                    let id = og.get("id").and_then(yaml_key);
                    let found = base_groups
                        .iter()
                        .position(|g| g.get("id").and_then(yaml_key) == id);
                    match (found, og.as_mapping()) {
                        (Some(bi), Some(fields)) => {
                            let mpath = format!("groups[{bi}]");
                            for (fk, fv) in fields {
                                let field = yaml_display(fk);
                                if field == "id" {
                                    continue;
                                }
                                if field == "file" {
                                    added_files.push((bi, yaml_display(fv)));
                                    continue;
                                }
                                if let Some(m) = groups[bi].as_mapping_mut() {
                                    m.insert(fk.clone(), fv.clone());
                                }
                                c.remap.insert(
                                    (RULESET_FILE.into(), join(&mpath, &field)),
                                    (OVERLAY_RULESET.into(), join(&opath, &field)),
                                );
                            }
                        }
                        _ => {
                            let mut g = og.clone();
                            if let Some(file) = og.get("file").map(yaml_display)
                                && let Some(m) = g.as_mapping_mut()
                            {
                                m.insert("file".into(), Yaml::String(format!("+{file}")));
                            }
                            c.remap.insert(
                                (RULESET_FILE.into(), format!("groups[{}]", groups.len())),
                                (OVERLAY_RULESET.into(), opath),
                            );
                            groups.push(g);
                        }
                    }
                }
                if let Some(m) = merged.as_mapping_mut() {
                    m.insert("groups".into(), Yaml::Sequence(groups));
                }
            }
            _ => {
                let target = merged
                    .as_mapping_mut()
                    .map(|m| m.entry(k.clone()).or_insert(Yaml::Null));
                if let Some(target) = target {
                    // params and evidence merge key by key; everything else is replaced.
                    if matches!(key.as_str(), "params" | "evidence") && !target.is_null() {
                        merge_yaml(c, target, v, RULESET_FILE, &key, &key);
                    } else {
                        *target = v.clone();
                        c.remap.insert(
                            (RULESET_FILE.into(), key.clone()),
                            (OVERLAY_RULESET.into(), key.clone()),
                        );
                    }
                }
            }
        }
    }

    // Indicator files of the base groups: drop, change, append.
    let groups = merged
        .get("groups")
        .and_then(Yaml::as_sequence)
        .cloned()
        .unwrap_or_default();
    for (gi, g) in groups.iter().enumerate() {
        let Some(file) = g.get("file").map(yaml_display) else {
            continue;
        };
        if file.starts_with('+') {
            continue;
        }
        let Some(doc) = read(c, &file) else { continue };
        let base_list = doc
            .get("indicators")
            .and_then(Yaml::as_sequence)
            .cloned()
            .unwrap_or_default();
        let mut list = Vec::new();
        for (bi, ind) in base_list.iter().enumerate() {
            let id = ind.get("id").and_then(yaml_key).unwrap_or_default();
            if let Some(d) = drops.iter_mut().find(|(d, _)| *d == id) {
                d.1 = true;
                continue;
            }
            let mpath = format!("indicators[{}]", list.len());
            c.remap.insert(
                (file.clone(), mpath.clone()),
                (file.clone(), format!("indicators[{bi}]")),
            );
            let mut ind = ind.clone();
            if let Some(ch) = changes.iter_mut().find(|(cid, _, _)| *cid == id) {
                ch.2 = true;
                let change = ch.1.clone();
                merge_yaml(
                    c,
                    &mut ind,
                    &change,
                    &file,
                    &mpath,
                    &join("indicators", &id),
                );
            }
            list.push(ind);
        }
        for (_, extra) in added_files.iter().filter(|(b, _)| *b == gi) {
            let own = format!("+{extra}");
            let Some(doc) = read(c, &own) else { continue };
            for (oi, ind) in doc
                .get("indicators")
                .and_then(Yaml::as_sequence)
                .into_iter()
                .flatten()
                .enumerate()
            {
                c.remap.insert(
                    (file.clone(), format!("indicators[{}]", list.len())),
                    (own.clone(), format!("indicators[{oi}]")),
                );
                list.push(ind.clone());
            }
        }
        let mut doc = doc;
        if let Some(m) = doc.as_mapping_mut() {
            m.insert("indicators".into(), Yaml::Sequence(list));
        }
        c.merged.insert(file, doc);
    }
    for (i, (id, used)) in drops.iter().enumerate() {
        if !used {
            c.error(
                OVERLAY_RULESET,
                &format!("drop[{i}]"),
                RuleCode::DropUnknown,
                format!("drop 的指标 {id} 不在「{ext}」中"),
            );
        }
    }
    for (id, _, used) in &changes {
        if !used {
            c.error(
                OVERLAY_RULESET,
                &format!("{}#key", join("indicators", id)),
                RuleCode::OverrideUnknown,
                format!("要修改的指标 {id} 不在「{ext}」中（新增指标请写在组的 file 中）"),
            );
        }
    }
    c.merged.insert(RULESET_FILE.into(), merged);
    true
}

/// Merge `over` into `base`: mappings key by key (a `method` of another kind is replaced
/// whole), everything else replaced; each written value is remapped to where the overlay
/// writes it.
fn merge_yaml(c: &mut Checker, base: &mut Yaml, over: &Yaml, file: &str, mpath: &str, opath: &str) {
    let same_method_kind = |b: &Yaml, o: &Yaml| match (b.as_mapping(), o.as_mapping()) {
        (Some(b), Some(o)) => o.keys().all(|k| b.contains_key(k)),
        _ => false,
    };
    match (base.as_mapping_mut(), over.as_mapping()) {
        (Some(b), Some(o)) => {
            for (k, v) in o {
                let key = yaml_key(k).unwrap_or_default();
                let (mp, op) = (join(mpath, &key), join(opath, &key));
                match b.get_mut(k) {
                    Some(existing)
                        if existing.is_mapping()
                            && v.is_mapping()
                            && (key != "method" || same_method_kind(existing, v)) =>
                    {
                        merge_yaml(c, existing, v, file, &mp, &op);
                    }
                    _ => {
                        b.insert(k.clone(), v.clone());
                        c.remap
                            .insert((file.to_string(), mp), (OVERLAY_RULESET.into(), op));
                    }
                }
            }
        }
        _ => {
            *base = over.clone();
            c.remap.insert(
                (file.to_string(), mpath.to_string()),
                (OVERLAY_RULESET.into(), opath.to_string()),
            );
        }
    }
}

/// The summary of an overlay; `None` for a rule set that extends nothing.
pub fn overlay_summary(files: &RuleFiles) -> Option<OverlaySummary> {
    let base = files.base.as_deref()?;
    let over: Yaml = serde_yaml::from_str(files.files.get(RULESET_FILE)?).ok()?;
    let mut s = OverlaySummary {
        base: files.extends.clone().unwrap_or_default(),
        base_origin: base.origin.clone(),
        file: files.display(RULESET_FILE),
        ..OverlaySummary::default()
    };
    fn paths(prefix: &str, v: &Yaml, depth: usize, out: &mut Vec<String>) {
        match v.as_mapping() {
            Some(m) if depth < 3 && !m.is_empty() => {
                for (k, inner) in m {
                    paths(&join(prefix, &yaml_display(k)), inner, depth + 1, out);
                }
            }
            _ => out.push(prefix.to_string()),
        }
    }
    for (k, v) in over.as_mapping()? {
        let key = yaml_display(k);
        match key.as_str() {
            "extends" => {}
            "params" => s.params.extend(
                v.as_mapping()
                    .into_iter()
                    .flatten()
                    .map(|(k, _)| yaml_display(k)),
            ),
            "drop" => s
                .dropped
                .extend(v.as_sequence().into_iter().flatten().filter_map(yaml_key)),
            "indicators" => {
                for (id, change) in v.as_mapping().into_iter().flatten() {
                    let mut keys = Vec::new();
                    paths("", change, 0, &mut keys);
                    s.changed.insert(yaml_key(id).unwrap_or_default(), keys);
                }
            }
            "groups" => {
                for g in v.as_sequence().into_iter().flatten() {
                    s.groups
                        .insert(g.get("id").and_then(yaml_key).unwrap_or_default());
                    if let Some(file) = g.get("file").map(yaml_display) {
                        let doc: Option<Yaml> = files
                            .files
                            .get(&file)
                            .and_then(|t| serde_yaml::from_str(t).ok());
                        for ind in doc
                            .as_ref()
                            .and_then(|d| d.get("indicators"))
                            .and_then(Yaml::as_sequence)
                            .into_iter()
                            .flatten()
                        {
                            if let Some(id) = ind.get("id").and_then(yaml_key) {
                                s.added.insert(id, files.display(&file));
                            }
                        }
                    }
                }
            }
            _ => s.top.push(key),
        }
    }
    Some(s)
}
