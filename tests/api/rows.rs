//! The hot read paths decode rows with `entity::row::DecodeRow` instead of SeaORM's derived
//! decoding (which formats an error for every NULL cell). Both must give the same models, on
//! both databases, for every table.

use crate::support::{TestApp, UPSERT};
use entity::row::SelectRows;
use sea_orm::EntityTrait;
use serde_json::{Value, json};

#[tokio::test]
async fn rows_decode_as_seaorm_decodes_them() {
    let app = TestApp::with_reference().await;
    // A second report with most optional cells empty, so that both NULL and non-NULL cells of
    // each column are decoded.
    app.create_report(2020, "空白单位", None).await;
    // A project report (funding lines, opinions), written with an idempotency key and signed.
    let mut input: Value =
        serde_json::from_str(include_str!("../fixtures/project-report.json")).expect("project");
    input["idempotencyKey"] = json!("rows-1");
    input["document"]["evaluators"][0]["role"] = json!("GROUP_LEADER");
    input["document"]["evaluators"][0]["subject"] = json!("e-yao");
    let r = app
        .gql(Some(&app.preparer()), UPSERT, json!({ "input": input }))
        .await;
    let id = r["data"]["upsertReport"]["report"]["id"].clone();
    assert!(id.is_string(), "{r}");
    let leader = app.token_for("e-yao", "姚骄阳", &["EVALUATOR"], &["YX-KGJ"]);
    let sign = "mutation($i: SignReportInput!) { signReport(input: $i) { userErrors { code } } }";
    let r = app
        .gql(
            Some(&leader),
            sign,
            json!({ "i": { "reportId": id, "role": "GROUP_LEADER", "opinion": "同意" } }),
        )
        .await;
    assert_eq!(r["data"]["signReport"]["userErrors"], json!([]), "{r}");
    let conn = &app.db.conn;
    let mut filled = Vec::new();
    macro_rules! same {
        ($($module:ident),* $(,)?) => {$(
            let derived = entity::$module::Entity::find().all(conn).await.expect("derived");
            let decoded = entity::$module::Entity::find().all_rows(conn).await.expect("decoded");
            assert_eq!(derived, decoded, "{}", stringify!($module));
            if !derived.is_empty() {
                filled.push(stringify!($module));
            }
        )*};
    }
    same!(
        attachment,
        change_event,
        department,
        evaluator,
        finance_unit,
        funding_line,
        idempotency_key,
        indicator,
        key_challenge,
        narrative_section,
        opinion,
        qualitative_goal,
        report,
        review_comment,
        scoring_profile,
        signature,
        signer_key,
        webhook,
        webhook_delivery,
    );
    println!("{filled:?}");
    for table in [
        "report",
        "indicator",
        "finance_unit",
        "funding_line",
        "evaluator",
        "signature",
        "idempotency_key",
        "change_event",
    ] {
        assert!(filled.contains(&table), "{table} has rows to compare");
    }
}
