//! Response keys in selection order. async-graphql 7 resolves sibling fields concurrently and
//! writes each as it finishes, so a response object's keys can come in any order; the GraphQL
//! specification asks for the order of the selection set (§7.2.2), and integrators diff,
//! snapshot and hash responses. This puts every object's keys back in that order.

use std::cell::OnceCell;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{
    ExecutableDocument, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Value};

/// Orders `data` (the response of `op`) by the selection sets of `op` and its fragments.
pub fn by_selection(data: &mut Value, doc: &ExecutableDocument, op: &OperationDefinition) {
    let root = Node::new(vec![&op.selection_set.node]);
    reorder(data, doc, &root);
}

/// The selection sets that shape one response position, with their plan built on first use.
/// Every object at that position (each item of a list, each list's items' children) shares it,
/// so a plan is built once per position of the query, not once per object of the answer.
struct Node<'a> {
    sets: Vec<&'a SelectionSet>,
    plan: OnceCell<Plan<'a>>,
}

/// The response keys of a node in order, each with the node below it.
type Plan<'a> = IndexMap<&'a Name, Node<'a>>;

impl<'a> Node<'a> {
    fn new(sets: Vec<&'a SelectionSet>) -> Self {
        Self {
            sets,
            plan: OnceCell::new(),
        }
    }

    fn plan(&self, doc: &'a ExecutableDocument) -> &Plan<'a> {
        self.plan.get_or_init(|| {
            let mut keys = IndexMap::new();
            for set in &self.sets {
                collect(doc, set, &mut keys);
            }
            keys.into_iter()
                .map(|(k, sets)| (k, Node::new(sets)))
                .collect()
        })
    }
}

fn reorder<'a>(value: &mut Value, doc: &'a ExecutableDocument, node: &Node<'a>) {
    match value {
        Value::List(items) => {
            for item in items {
                reorder(item, doc, node);
            }
        }
        Value::Object(map) => apply(map, doc, node.plan(doc)),
        _ => {}
    }
}

fn apply<'a>(map: &mut IndexMap<Name, Value>, doc: &'a ExecutableDocument, plan: &Plan<'a>) {
    let in_order = {
        let mut wanted = plan.keys();
        map.keys().all(|k| wanted.any(|w| *w == k))
    };
    if !in_order {
        let mut rest = std::mem::take(map);
        for key in plan.keys() {
            if let Some(v) = rest.swap_remove(*key) {
                map.insert((*key).clone(), v);
            }
        }
        map.extend(rest);
    }
    for (key, value) in map.iter_mut() {
        if matches!(value, Value::Object(_) | Value::List(_))
            && let Some(child) = plan.get(key)
        {
            reorder(value, doc, child);
        }
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
        let op = crate::graphql::chosen_operation(&doc, Some("Q")).unwrap();
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
