//! (stub until the loader branch lands) Position-aware YAML tree.
use crate::diag::Problem;

#[derive(Debug, Clone)]
pub struct Node {
    pub value: NodeValue,
    pub line: u32,
    pub col: u32,
}

#[derive(Debug, Clone)]
pub enum NodeValue {
    Null,
    Scalar { text: String, quoted: bool },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

pub fn parse(_text: &str, _file: &str) -> Result<Node, Problem> {
    todo!("loader helper")
}

/// Line of every key path (`a.b[1].c`, 1-based list indexes).
pub fn key_lines(_node: &Node) -> std::collections::BTreeMap<String, u32> {
    todo!("loader helper")
}
