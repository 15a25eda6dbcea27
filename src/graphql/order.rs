//! Response keys in selection order. async-graphql 7 resolves sibling fields concurrently and
//! writes each as it finishes, so a response object's keys can come in any order; the GraphQL
//! specification asks for the order of the selection set (§7.2.2), and integrators diff,
//! snapshot and hash responses. This puts every object's keys back in that order.

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{
    ExecutableDocument, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Value};

/// Orders `data` (the response of `op`) by the selection sets of `op` and its fragments.
pub fn by_selection(data: &mut Value, doc: &ExecutableDocument, op: &OperationDefinition) {
    reorder(data, doc, &[&op.selection_set.node]);
}

/// The response keys of `sets` in order, each with the selection sets below it.
type Plan<'a> = IndexMap<&'a Name, Vec<&'a SelectionSet>>;

fn plan<'a>(doc: &'a ExecutableDocument, sets: &[&'a SelectionSet]) -> Plan<'a> {
    let mut keys = Plan::new();
    for set in sets {
        collect(doc, set, &mut keys);
    }
    keys
}

fn reorder<'a>(value: &mut Value, doc: &'a ExecutableDocument, sets: &[&'a SelectionSet]) {
    match value {
        Value::List(items) => {
            // One plan for all the objects of a list (they share the selection).
            let mut shared = None;
            for item in items {
                match item {
                    Value::Object(map) => {
                        let p = shared.get_or_insert_with(|| plan(doc, sets));
                        apply(map, doc, p);
                    }
                    other => reorder(other, doc, sets),
                }
            }
        }
        Value::Object(map) => apply(map, doc, &plan(doc, sets)),
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
            && let Some(children) = plan.get(key)
        {
            reorder(value, doc, children);
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
