//! Money to the fen, in the unit the form was filed in, each figure back as written.
//!
//! The figures are of the kinds real forms carry: 89.974, 132.912 and 207.4538 万元 (three and
//! four decimals, as county project forms write budgets computed from 元), whole 万元 without
//! decimals, one decimal (49.1, as the reference form writes it), and whole forms filed in 元.

use crate::support::TestApp;
use migration::{Migrator, MigratorTrait};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

const CREATE: &str = "mutation($d: ReportDocumentInput!) { createReport(input: { document: $d }) { report { id contentDigest amountUnit finance { units { income { total publicFinance other } expenditure { total currentBalance } } summary { income { total } } } funding { line initialBudget adjustedBudget executed executionRate } fiscalData { unit column phase amount factor } } userErrors { field code message } } }";
const READ: &str = "query($id: ID!) { report(id: $id) { contentDigest amountUnit finance { units { income { total publicFinance other } expenditure { total currentBalance } } } funding { line initialBudget adjustedBudget executed executionRate } } }";
const STATISTICS: &str = "{ reportStatistics { money { income expenditure currentBalance } } }";

fn document(name: &str, unit: Option<&str>, units: Value, funding: Value) -> Value {
    let mut d = json!({
        "departmentCode": "YX-KGJ", "fiscalYear": 2024, "unitName": name, "kind": "PROJECT",
        "finance": { "units": units }, "funding": funding
    });
    if let Some(unit) = unit {
        d["amountUnit"] = json!(unit);
    }
    d
}

#[tokio::test]
async fn amounts_keep_every_fen_and_come_back_as_written() {
    let app = TestApp::spawn().await;
    let preparer = app.preparer();
    let units = json!([
        { "name": "局机关", "income": { "total": "89.974", "publicFinance": "89.974" },
          "expenditure": { "total": "132.912", "currentBalance": "-42.938" } },
        { "name": "二级机构", "income": { "total": "207.4538", "other": "0.000001" },
          "expenditure": { "total": "76", "currentBalance": "49.1" } }
    ]);
    let funding = json!([{ "line": "TOTAL", "initialBudget": "207.4538", "adjustedBudget": "207.4538", "executed": "89.974" }]);
    let body = app
        .gql(
            Some(&preparer),
            CREATE,
            json!({ "d": document("到分局", None, units.clone(), funding) }),
        )
        .await;
    let created = &body["data"]["createReport"];
    assert_eq!(created["userErrors"], json!([]), "{body}");
    let report = &created["report"];
    assert_eq!(report["amountUnit"], "WAN_YUAN");
    let rows = &report["finance"]["units"];
    assert_eq!(rows[0]["income"]["total"], "89.974", "{body}");
    assert_eq!(rows[0]["expenditure"]["total"], "132.912");
    assert_eq!(rows[0]["expenditure"]["currentBalance"], "-42.938");
    assert_eq!(rows[1]["income"]["total"], "207.4538");
    assert_eq!(rows[1]["income"]["other"], "0.000001", "one fen");
    assert_eq!(
        rows[1]["expenditure"]["total"], "76",
        "as written: not 76.00"
    );
    assert_eq!(rows[1]["expenditure"]["currentBalance"], "49.1");
    // The computed summary adds exactly.
    assert_eq!(
        report["finance"]["summary"]["income"]["total"], "297.4278",
        "{body}"
    );
    let line = &report["funding"][0];
    assert_eq!(line["initialBudget"], "207.4538");
    assert_eq!(line["executed"], "89.974");
    // 89.974 / 207.4538 = 43.3706…%
    assert_eq!(line["executionRate"], "43.37", "{body}");
    // Read back from the database: the same figures and the same digest.
    let id = report["id"].clone();
    let again = app.gql(Some(&preparer), READ, json!({ "id": id })).await;
    let stored = &again["data"]["report"];
    assert_eq!(stored["finance"]["units"], *rows, "{again}");
    assert_eq!(stored["contentDigest"], report["contentDigest"]);
    // Statistics sum fen exactly, in 万元.
    let admin = app.token(&["ADMIN"], &["*"]);
    let stats = app.gql(Some(&admin), STATISTICS, json!({})).await;
    let money = &stats["data"]["reportStatistics"]["money"];
    assert_eq!(money["income"], "297.4278", "{stats}");
    assert_eq!(money["expenditure"], "208.912", "{stats}");
    assert_eq!(money["currentBalance"], "6.162", "{stats}");
}

#[tokio::test]
async fn a_form_filed_in_yuan_keeps_its_unit_and_sums_in_wan_yuan() {
    let app = TestApp::spawn().await;
    let preparer = app.preparer();
    let units = json!([
        { "name": "局机关", "income": { "total": "899740.50", "publicFinance": "899740.5" },
          "expenditure": { "total": "1329120", "currentBalance": "-429379.50" } }
    ]);
    let funding =
        json!([{ "line": "TOTAL", "adjustedBudget": "2074538.00", "executed": "899740.50" }]);
    let body = app
        .gql(
            Some(&preparer),
            CREATE,
            json!({ "d": document("元局", Some("YUAN"), units, funding) }),
        )
        .await;
    let created = &body["data"]["createReport"];
    assert_eq!(created["userErrors"], json!([]), "{body}");
    let report = &created["report"];
    assert_eq!(report["amountUnit"], "YUAN");
    let row = &report["finance"]["units"][0];
    assert_eq!(row["income"]["total"], "899740.50", "{body}");
    assert_eq!(row["income"]["publicFinance"], "899740.5");
    assert_eq!(row["expenditure"]["total"], "1329120");
    assert_eq!(report["funding"][0]["executionRate"], "43.37", "{body}");
    let fiscal = report["fiscalData"].as_array().cloned().unwrap_or_default();
    assert!(
        fiscal
            .iter()
            .all(|a| a["factor"] == 1 || a["amount"].is_null()),
        "元: factor 1: {body}"
    );
    // A report in 万元 beside it: the totals are in 万元, exact.
    let wan = json!([{ "name": "局机关", "income": { "total": "10.5" } }]);
    let body = app
        .gql(
            Some(&preparer),
            CREATE,
            json!({ "d": document("万元局", None, wan, json!([])) }),
        )
        .await;
    assert_eq!(
        body["data"]["createReport"]["userErrors"],
        json!([]),
        "{body}"
    );
    let admin = app.token(&["ADMIN"], &["*"]);
    let stats = app.gql(Some(&admin), STATISTICS, json!({})).await;
    let money = &stats["data"]["reportStatistics"]["money"];
    // 899740.50 元 = 89.97405 万元, plus 10.5 万元.
    assert_eq!(money["income"], "100.47405", "{stats}");
    assert_eq!(money["expenditure"], "132.912", "{stats}");
}

#[tokio::test]
async fn less_than_a_fen_is_refused_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let preparer = app.preparer();
    for (unit, value, path) in [
        (Some("YUAN"), "899740.505", "total"),
        (Some("YUAN"), "0.001", "total"),
    ] {
        let units = json!([{ "name": "局机关", "income": { "total": value } }]);
        let before = app.report_count().await;
        let body = app
            .gql(
                Some(&preparer),
                CREATE,
                json!({ "d": document("厘局", unit, units, json!([])) }),
            )
            .await;
        let errors = &body["data"]["createReport"]["userErrors"];
        assert_eq!(errors[0]["code"], "INVALID_DECIMAL", "{value}: {body}");
        assert_eq!(
            errors[0]["field"],
            json!(["document", "finance", "units", "0", "income", path]),
            "{body}"
        );
        assert!(
            errors[0]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("2 位"),
            "{body}"
        );
        assert_eq!(app.report_count().await, before);
    }
    // Seven decimals of 万元 is less than a fen: the scalar refuses it.
    let units = json!([{ "name": "局机关", "income": { "total": "1.0000001" } }]);
    let body = app
        .gql(
            Some(&preparer),
            CREATE,
            json!({ "d": document("厘局", None, units, json!([])) }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "INVALID_DECIMAL",
        "{body}"
    );
}

/// Amounts stored before money was kept to the fen read back, and digest, exactly as before;
/// going down divides back, and refuses while a figure is finer than 0.01 万元.
#[tokio::test]
async fn stored_amounts_move_to_the_fen_and_back() {
    let app = TestApp::spawn().await;
    let preparer = app.preparer();
    let units = json!([{ "name": "局机关", "income": { "total": "680.54" }, "expenditure": { "currentBalance": "-49.10" } }]);
    let body = app
        .gql(
            Some(&preparer),
            CREATE,
            json!({ "d": document("旧局", None, units, json!([{ "line": "TOTAL", "executed": "12.30" }])) }),
        )
        .await;
    let first = body["data"]["createReport"]["report"].clone();
    let id = first["id"].clone();
    let before = app.gql(Some(&preparer), READ, json!({ "id": id })).await;
    // The migrations after the money migration first, then it.
    let money_migration = || async {
        crate::migrations::down_to_just_after(&app.db.conn, "money_to_the_fen").await;
        Migrator::down(&app.db.conn, Some(1)).await
    };
    money_migration().await.expect("down");
    let raw = app
        .db
        .conn
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.backend(),
            "SELECT income_total, balance_current FROM finance_unit",
        ))
        .await
        .expect("read")
        .expect("row");
    assert_eq!(
        (
            raw.try_get_by_index::<i64>(0).expect("total"),
            raw.try_get_by_index::<i64>(1).expect("balance")
        ),
        (68054, -4910),
        "hundredths of 万元, as stored before"
    );
    Migrator::up(&app.db.conn, None).await.expect("up");
    let after = app.gql(Some(&preparer), READ, json!({ "id": id })).await;
    assert_eq!(after, before, "the same figures and digest");
    // A figure finer than 0.01 万元 cannot go back.
    let units = json!([{ "name": "局机关", "income": { "total": "89.974" } }]);
    let body = app
        .gql(
            Some(&preparer),
            CREATE,
            json!({ "d": document("新局", None, units, json!([])) }),
        )
        .await;
    assert_eq!(
        body["data"]["createReport"]["userErrors"],
        json!([]),
        "{body}"
    );
    let refused = money_migration().await.expect_err("finer than 0.01 万元");
    assert!(refused.to_string().contains("finance_unit"), "{refused}");
    assert!(
        Migrator::get_pending_migrations(&app.db.conn)
            .await
            .expect("pending")
            .iter()
            .all(|m| m.name() > "m20261129_000014_money_to_the_fen"),
        "the money migration is still applied"
    );
    Migrator::up(&app.db.conn, None).await.expect("up");
    let after = app.gql(Some(&preparer), READ, json!({ "id": id })).await;
    assert_eq!(after, before, "nothing changed");
}
