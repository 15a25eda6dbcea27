//! Response keys in selection order. async-graphql 7 resolves sibling fields concurrently and
//! writes each as it finishes, so a response object's keys can come in any order; the GraphQL
//! specification asks for the order of the selection set (§7.2.2), and integrators diff,
//! snapshot and hash responses. This puts every object's keys back in that order.

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned, Value};

/// The operation of `doc` that a request named `name` runs.
pub fn operation<'a>(
    doc: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a Positioned<OperationDefinition>> {
    match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => Some(op),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next(),
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// Orders `data` (the response of `op`) by the selection sets of `op` and its fragments.
pub fn by_selection(data: &mut Value, doc: &ExecutableDocument, op: &OperationDefinition) {
    reorder(data, doc, &[&op.selection_set.node]);
}

fn reorder(value: &mut Value, doc: &ExecutableDocument, sets: &[&SelectionSet]) {
    match value {
        Value::List(items) => {
            for item in items {
                reorder(item, doc, sets);
            }
        }
        Value::Object(map) => {
            let mut keys: IndexMap<&Name, Vec<&SelectionSet>> = IndexMap::new();
            for set in sets {
                collect(doc, set, &mut keys);
            }
            let mut rest = std::mem::take(map);
            for (key, children) in keys {
                if let Some(mut v) = rest.swap_remove(key) {
                    reorder(&mut v, doc, &children);
                    map.insert(key.clone(), v);
                }
            }
            map.extend(rest);
        }
        _ => {}
    }
}

fn collect<'a>(
    doc: &'a ExecutableDocument,
    set: &'a SelectionSet,
    keys: &mut IndexMap<&'a Name, Vec<&'a SelectionSet>>,
) {
    for item in &set.items {
        match &item.node {
            Selection::Field(f) => keys
                .entry(&f.node.response_key().node)
                .or_default()
                .push(&f.node.selection_set.node),
            Selection::InlineFragment(i) => collect(doc, &i.node.selection_set.node, keys),
            Selection::FragmentSpread(s) => {
                if let Some(fragment) = doc.fragments.get(&s.node.fragment_name.node) {
                    collect(doc, &fragment.node.selection_set.node, keys);
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    fn keys(v: &Value) -> Vec<String> {
        match v {
            Value::Object(m) => m.keys().map(ToString::to_string).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn keys_come_back_in_selection_order_through_aliases_fragments_and_lists() {
        let doc = async_graphql::parser::parse_query(
            "query Q { r { b: x ...F list { d c } a } } fragment F on R { ... on R { y } z }",
        )
        .unwrap();
        let mut data = Value::from_json(serde_json::json!({
            "r": { "a": 1, "list": [{ "c": 1, "d": 2 }, { "c": 3, "d": 4 }], "z": 1, "y": 2, "b": 3 }
        }))
        .unwrap();
        let op = operation(&doc, Some("Q")).unwrap();
        by_selection(&mut data, &doc, &op.node);
        let Value::Object(root) = &data else { panic!() };
        let r = &root["r"];
        assert_eq!(keys(r), ["b", "y", "z", "list", "a"]);
        let Value::Object(r) = r else { panic!() };
        let Value::List(items) = &r["list"] else {
            panic!()
        };
        for item in items {
            assert_eq!(keys(item), ["d", "c"]);
        }
    }
}
