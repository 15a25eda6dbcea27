use super::*;
use crate::domain::assessment::profile::Rules;

/// The national default, as seeded by the migration.
pub(crate) fn national() -> Rules {
    serde_json::from_str(migration::NATIONAL_RULES).unwrap()
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn ratio(rules: &Rules, c: Comparator, target: &str, actual: &str) -> (bool, Decimal) {
    let r = compare(rules, "x", c, d(target), d(actual), String::new());
    (r.met, r.ratio)
}

#[test]
fn higher_is_better_scores_the_ratio() {
    let r = national();
    assert_eq!(ratio(&r, Comparator::Gte, "20", "16"), (false, d("0.8")));
    assert_eq!(ratio(&r, Comparator::Gte, "50", "52"), (true, d("1")));
    assert_eq!(ratio(&r, Comparator::Gt, "50", "50"), (false, d("1")));
}

#[test]
fn lower_is_better_decays_linearly_to_zero_at_twice_the_target() {
    let r = national();
    assert_eq!(ratio(&r, Comparator::Lte, "90", "90"), (true, d("1")));
    assert_eq!(ratio(&r, Comparator::Lte, "90", "99"), (false, d("0.9")));
    assert_eq!(ratio(&r, Comparator::Lte, "90", "180"), (false, d("0")));
    assert_eq!(ratio(&r, Comparator::Lte, "90", "300"), (false, d("0")));
}

#[test]
fn lower_is_better_by_ratio_where_the_profile_says_so() {
    let mut r = national();
    r.lower_better = LowerBetter::Ratio;
    assert_eq!(ratio(&r, Comparator::Lte, "90", "99"), (false, d("0.9091")));
}

#[test]
fn equality_with_a_zero_target_is_all_or_nothing() {
    let r = national();
    assert_eq!(ratio(&r, Comparator::Eq, "0", "0"), (true, d("1")));
    assert_eq!(ratio(&r, Comparator::Eq, "0", "1"), (false, d("0")));
    assert_eq!(ratio(&r, Comparator::Eq, "100", "98"), (false, d("0.98")));
    assert_eq!(ratio(&r, Comparator::Eq, "100", "100"), (true, d("1")));
}

#[test]
fn grades_follow_the_bands_and_labels() {
    let r = national();
    assert_eq!(r.grade_of(d("95")).map(|b| b.grade.as_str()), Some("优"));
    assert_eq!(r.grade_of(d("89.99")).map(|b| b.grade.as_str()), Some("良"));
    assert_eq!(r.grade_of(d("60")).map(|b| b.grade.as_str()), Some("中"));
    assert_eq!(r.grade_of(d("59.99")).map(|b| b.grade.as_str()), Some("差"));
    assert_eq!(
        r.band_of_label("优秀").map(|b| b.grade.as_str()),
        Some("优")
    );
    assert_eq!(
        r.band_of_label("不合格").map(|b| b.grade.as_str()),
        Some("差")
    );
    assert!(r.problems().is_empty());
}

#[test]
fn qualitative_bands_match_the_longest_label() {
    let r = national();
    assert_eq!(
        r.band_in("未达成年度指标且效果较差").map(|b| b.achievement),
        Some(Achievement::NotMet)
    );
    assert_eq!(
        r.band_in("部分达成年度指标并具有一定效果")
            .map(|b| b.achievement),
        Some(Achievement::PartiallyMet)
    );
    assert_eq!(
        r.band_in("达成年度指标").map(|b| b.achievement),
        Some(Achievement::Met)
    );
}

fn doc(value: serde_json::Value) -> ReportDocument {
    serde_json::from_value(value).expect("document")
}

fn output(target: &str, actual: &str) -> serde_json::Value {
    serde_json::json!({ "category": "OUTPUT", "subcategory": "QUANTITY",
        "target": { "text": target }, "actual": { "text": actual } })
}

#[test]
fn shared_weights_add_exactly_and_round_once() {
    // 50 points over three rows: 16.666… each; rounded row by row (16.67 × 3) the total
    // was 100.02.
    let a = assess(
        &doc(serde_json::json!({ "indicators": [
            output("≥1个", "1个"), output("≥2个", "2个"), output("≥3个", "3个")
        ] })),
        &national(),
    );
    assert_eq!(a.total, Some(d("100")));
    assert_eq!(a.indicators[0].score, Some(d("16.67")));
    assert_eq!(a.withheld, None);
    assert_eq!(a.grade.as_deref(), Some("优"));
}

#[test]
fn shares_of_a_weight_reach_the_least_assessed_weight_exactly() {
    // 50 points over six rows: the exact sum 6 × 8.333… is 49.99…98 in 28 digits; the least
    // the profile asks for (50) is reached, so the total is given.
    let rows: Vec<_> = (1..=6)
        .map(|n| output(&format!("≥{n}个"), &format!("{n}个")))
        .collect();
    let a = assess(&doc(serde_json::json!({ "indicators": rows })), &national());
    assert_eq!(a.withheld, None);
    assert_eq!(a.applicable_weight, d("50"));
    assert_eq!(a.total, Some(d("100")));
}

#[test]
fn a_total_is_never_above_a_hundred() {
    let mut rules = national();
    rules.over_achievement.score_cap_percent = d("150");
    let a = assess(
        &doc(serde_json::json!({ "indicators": [output("≥10个", "30个")] })),
        &rules,
    );
    assert_eq!(a.total, Some(d("100")));
}

#[test]
fn no_total_and_no_grade_from_too_little() {
    // A project form with every outcome blank: only budget execution (10 points).
    let a = assess(
        &doc(serde_json::json!({ "kind": "PROJECT", "indicators": [
            { "category": "OUTPUT", "subcategory": "QUANTITY", "target": { "text": "≥5个" } },
            { "category": "OUTCOME", "subcategory": "SOCIAL", "target": { "text": "≥95%" } }
        ], "funding": [{ "line": "TOTAL", "adjustedBudget": "100", "executed": "100" }] })),
        &national(),
    );
    assert_eq!(a.applicable_weight, d("10"));
    assert_eq!((a.total, a.grade), (None, None));
    let reason = a.withheld.expect("a reason");
    assert!(reason.contains("10") && reason.contains("50"), "{reason}");
    // The profile decides the least weight.
    let mut rules = national();
    rules.min_assessed_weight = d("10");
    let a = assess(
        &doc(serde_json::json!({ "kind": "PROJECT",
            "funding": [{ "line": "TOTAL", "adjustedBudget": "100", "executed": "100" }] })),
        &rules,
    );
    assert_eq!(a.total, Some(d("100")));
}

fn named(name: &str, target: &str, actual: &str) -> serde_json::Value {
    serde_json::json!({ "category": "OUTPUT", "subcategory": "COST", "name": name,
        "target": { "text": target }, "actual": { "text": actual } })
}

#[test]
fn rates_named_lower_is_better_are_judged_so() {
    let rules = national();
    let judged = |name: &str, target: &str, actual: &str| {
        let a = assess(
            &doc(serde_json::json!({ "indicators": [named(name, target, actual)] })),
            &rules,
        );
        (
            a.indicators[0].achievement,
            a.indicators[0].comparisons.first().map(|c| c.comparator),
        )
    };
    // 控制率 with a bare target: at or under it is met.
    assert_eq!(
        judged("公用经费控制率", "100%", "95%"),
        (Achievement::Met, Some(Comparator::Lte))
    );
    assert_eq!(
        judged("财政供养人员控制率", "100%", "103%").0,
        Achievement::NotMet
    );
    // Other names stay higher-is-better; a stated comparator always wins.
    assert_eq!(
        judged("项目完成率", "100%", "95%"),
        (Achievement::NotMet, Some(Comparator::Gte))
    );
    assert_eq!(
        judged("投诉率", "≥1%", "2%"),
        (Achievement::Met, Some(Comparator::Gte))
    );
}

#[test]
fn a_unitless_actual_is_compared_in_the_targets_unit() {
    let rules = national();
    for (target, actual) in [("≥95%", "95"), ("﹦100%", "100"), ("≤90万元", "90")] {
        let a = assess(
            &doc(serde_json::json!({ "indicators": [named("指标", target, actual)] })),
            &rules,
        );
        assert_eq!(
            a.indicators[0].achievement,
            Achievement::Met,
            "{target} {actual}"
        );
    }
    let a = assess(
        &doc(serde_json::json!({ "indicators": [named("增长", "3%", "0")] })),
        &rules,
    );
    assert_eq!(a.indicators[0].achievement, Achievement::NotMet);
}
