use super::*;
use proptest::prelude::*;

fn cmp(c: Option<Comparator>) -> &'static str {
    match c {
        None => "",
        Some(Comparator::Gte) => ">=",
        Some(Comparator::Gt) => ">",
        Some(Comparator::Eq) => "=",
        Some(Comparator::Lt) => "<",
        Some(Comparator::Lte) => "<=",
        Some(Comparator::Qualitative) => "?",
    }
}

fn dim(d: &Dimension) -> String {
    match d {
        Dimension::Money => "M".into(),
        Dimension::Percent => "P".into(),
        Dimension::Count(c) => format!("C:{c}"),
        Dimension::Other(o) => format!("O:{o}"),
        Dimension::Plain => "-".into(),
    }
}

/// `comparator value unit dimension base label [R]`, e.g. `>= 50 个 C:个 50 label`.
fn sig(m: &Measure) -> String {
    let mut s = format!(
        "{}{} {} {} {} {}",
        cmp(m.comparator),
        m.value,
        m.unit.as_deref().unwrap_or("_"),
        dim(&m.dimension),
        m.base_value.normalize(),
        m.label
    );
    if m.is_reference {
        s.push_str(" R");
    }
    s.trim_end().to_string()
}

fn sigs(text: &str) -> Vec<String> {
    match read(text) {
        Reading::Measures(ms) => ms.iter().map(sig).collect(),
        Reading::Qualitative(q) => vec![format!("Q:{q}")],
        Reading::NotAssessable => vec!["NA".to_string()],
    }
}

/// A comparator read from a scanned look-alike marks its figure unsure; typed look-alikes and
/// ordinary comparators do not.
#[test]
fn figures_from_scanned_look_alikes_are_marked_unsure() {
    let doubt = |text: &str| -> Vec<Option<Doubt>> {
        read(text).measures().iter().map(|m| m.doubt).collect()
    };
    assert_eq!(doubt("二100%"), [Some(Doubt::ScannedComparator)]);
    assert_eq!(
        doubt("覆盖率二95%，满意度≥90%"),
        [Some(Doubt::ScannedComparator), None]
    );
    assert_eq!(doubt("﹦100%"), [None]);
    assert_eq!(doubt("=100%"), [None]);
    assert_eq!(doubt("第二100%"), [None]);
    assert_eq!(doubt("≥2100%"), [None]);
}

#[test]
fn variants_real_forms_write() {
    let cases: &[(&str, &[&str])] = &[
        ("﹦100%", &["=100 % P 100"]),
        ("═100%", &["=100 % P 100"]),
        ("二100%", &["=100 % P 100"]),
        ("第二100%", &["100 % P 100 第二"]),
        ("小於5%", &["<5 % P 5"]),
        ("不超過10萬元", &["<=10 万元 M 10"]),
        ("≥95百分比", &[">=95 百分比 P 95"]),
        ("≥3组", &[">=3 组 C:组 3"]),
        ("≥500公斤", &[">=500 公斤 C:公斤 500"]),
        ("≥200单", &[">=200 单 C:单 200"]),
        ("存储25TB", &["25 TB C:TB 25 存储"]),
        ("带宽≥80M", &[">=80 M C:M 80 带宽"]),
        ("≥20年", &[">=20 年 C:年 20"]),
        ("设计使用年限50年", &["50 年 C:年 50 设计使用年限"]),
        ("2019年完成8家", &["8 家 C:家 8 完成"]),
        ("5G基站建成", &["Q:5G基站建成"]),
        ("PM2.5浓度≤35", &["<=35 _ - 35 PM2.5浓度"]),
    ];
    for (text, expected) in cases {
        assert_eq!(&sigs(text), expected, "{text}");
    }
}

#[test]
fn a_unitless_actual_takes_the_targets_unit() {
    let take = |t: &str, a: &str| -> Vec<String> {
        with_target_unit(read(t).measures(), read(a).measures())
            .iter()
            .map(sig)
            .collect()
    };
    assert_eq!(take("≥95%", "95"), vec!["95 % P 95"]);
    assert_eq!(take("﹦100%", "100"), vec!["100 % P 100"]);
    assert_eq!(take("≤90万元", "90"), vec!["90 万元 M 90"]);
    assert_eq!(take("3%", "0"), vec!["0 % P 0"]);
    assert_eq!(take("≥10万元", "12万"), vec!["12 万元 M 12"]);
    // Ambiguous: two target figures, or an actual with a unit of its own, stay as read.
    assert_eq!(take("≥95%，≥3个", "95"), vec!["95 _ - 95"]);
    assert_eq!(take("≥95%", "95个"), vec!["95 个 C:个 95"]);
}

#[test]
fn table() {
    let cases: &[(&str, &[&str])] = &[
        ("≥50个", &[">=50 个 C:个 50"]),
        ("≤90万元", &["<=90 万元 M 90"]),
        ("=100%", &["=100 % P 100"]),
        ("≥52.50%", &[">=52.50 % P 52.5"]),
        ("500亿元", &["500 亿元 M 5000000"]),
        ("1.382亿元", &["1.382 亿元 M 13820"]),
        ("高于全市平均水平", &["Q:高于全市平均水平"]),
        ("效果明显", &["Q:效果明显"]),
        ("达成预期指标", &["Q:达成预期指标"]),
        ("达到市定目标值", &["Q:达到市定目标值"]),
        ("—", &["NA"]),
        ("", &["NA"]),
        ("   \n\t", &["NA"]),
        ("-", &["NA"]),
        ("*", &["NA"]),
        ("/", &["NA"]),
        ("无", &["NA"]),
        ("……", &["NA"]),
        ("指标1：\n\n指标2：\n\n……", &["NA"]),
        ("4家以上", &[">=4 家 C:家 4"]),
        ("不低于95%", &[">=95 % P 95"]),
        ("控制在100万元以内", &["<=100 万元 M 100"]),
        ("＞80％", &[">80 ％ P 80"]),
        ("＜5天", &["<5 天 C:天 5"]),
        ("≥１２．５%", &[">=12.5 % P 12.5"]),
        ("1,234.5万元", &["1234.5 万元 M 1234.5"]),
        ("50000元", &["50000 元 M 5"]),
        ("超过3项", &[">3 项 C:项 3"]),
        ("低于2%", &["<2 % P 2"]),
        ("满意度不低于90分", &[">=90 分 O:分 90 满意度"]),
        ("培训1.2万人次", &["1.2 万人次 C:人次 12000 培训"]),
        ("补助标准为500元/人", &["=500 元/人 O:元/人 500 补助标准"]),
        ("提高2个百分点", &["2 个百分点 O:百分点 2 提高"]),
        ("增长率为-3.5%", &["=-3.5 % P -3.5 增长率"]),
        ("完成率80%-90%", &["Q:完成率80%-90%"]),
        ("PM2.5浓度", &["Q:PM2.5浓度"]),
        ("2019年12月31日前完成", &["Q:2019年12月31日前完成"]),
        ("截止3季度", &["Q:截止3季度"]),
        ("2019.12.31前完成", &["Q:2019.12.31前完成"]),
        ("截止2019.11", &["Q:截止2019.11"]),
        ("1.完成5家", &["5 家 C:家 5 完成"]),
        ("5.5亿元", &["5.5 亿元 M 55000"]),
        (
            "指标3、科技立项争资达到500万元",
            &[">=500 万元 M 500 科技立项争资"],
        ),
        ("大于等于3项", &[">=3 项 C:项 3"]),
        (
            "办结时限≤5个工作日以内",
            &["<=5 个工作日 C:工作日 5 办结时限"],
        ),
        ("投资5万", &["5 万 M 5 投资"]),
        ("40亿千瓦时", &["40 亿千瓦时 C:千瓦时 4000000000"]),
        ("5G基站3个", &["3 个 C:个 3 5G基站"]),
        ("N/A", &["NA"]),
        ("不适用", &["NA"]),
        ("1、新增企业5家", &["5 家 C:家 5 新增企业"]),
        (
            "（1）办结时间≤15个工作日",
            &["<=15 个工作日 C:工作日 15 办结时间"],
        ),
        ("违法行为5起", &["5 起 C:起 5 违法行为"]),
        ("覆盖12个月", &["12 个月 C:月 12 覆盖"]),
        ("新增用户3亿", &["3 亿 - 3 新增用户"]),
        (
            "99999999999999999999999999999999亿元",
            &["Q:99999999999999999999999999999999亿元"],
        ),
        (
            "完成技工贸收入886.97亿元，全区工业税收1-11月累计入库109亿元，区本级工业税收累计入库6.29亿元",
            &[
                "886.97 亿元 M 8869700 技工贸收入",
                "109 亿元 M 1090000 全区工业税收1-11月累计入库",
                "6.29 亿元 M 62900 区本级工业税收累计入库",
            ],
        ),
        (
            "指标1：2019 年完成技工贸收入 500亿元，实现税收8.5亿",
            &["500 亿元 M 5000000 技工贸收入", "8.5 亿 M 85000 税收"],
        ),
        (
            "高新技术产业增加值GDP占比58.47%，市定目标值52.50%",
            &[
                "58.47 % P 58.47 高新技术产业增加值GDP占比",
                "52.50 % P 52.5 市定目标值 R",
            ],
        ),
        (
            "科技立项争资925.45万元，市定目标值800万元",
            &[
                "925.45 万元 M 925.45 科技立项争资",
                "800 万元 M 800 市定目标值 R",
            ],
        ),
        (
            "财政科技支出2607万元，市定目标值2131.99万元",
            &[
                "2607 万元 M 2607 财政科技支出",
                "2131.99 万元 M 2131.99 市定目标值 R",
            ],
        ),
    ];
    assert!(cases.len() >= 30);
    for (text, expected) in cases {
        assert_eq!(&sigs(text), expected, "reading {text:?}");
    }
}

// The twelve filled rows of 三、定量目标 in reference/yunxi-2019-report.txt, verbatim.
const Q1_T: &str = "指标1：2019 年完成技工贸收入 500亿元，实现税收8.5亿";
const Q1_A: &str =
    "完成技工贸收入886.97亿元，全区工业税收1-11月累计入库109亿元，区本级工业税收累计入库6.29亿元";
const Q2_T: &str = "指标2：工业固定资产投资同比增幅高于全市平均水平；\n\n工业技术改造投资同比增幅高于全市平均水平。\n\n区本级规模工业增加值同比增长7%，新增规模工业企业5家";
const Q2_A: &str = "工业投资同比增幅3.6%，全市27.4%；\n\n工业技术投资同比增幅23.7%，全市38.1%\n\n区本级规模工业增加值同比增长8.6%，新增规模工业企业9家。";
const Q3_T: &str = "指标3：产业投资增速不低于全市平均增速";
const Q3_A: &str = "工业投资完成36.88亿元占产业投资51.66亿元的71.38%";
const N1_T: &str = "指标1：高新技术产业增加值GDP占比达到市定目标值";
const N1_A: &str = "高新技术产业增加值GDP占比58.47%，市定目标值52.50%";
const N2_T: &str =
    "指标2：高新技术企业数量达到同类地区平均增速，力争2019年新增规模高新技术企业 4家以上";
const N2_A: &str = "高新技术企业数增速24.1%，新增高新技术企业4家，重新认定4家";
const N3_T: &str = "指标3、科技立项争资达到市定目标值";
const N3_A: &str = "科技立项争资925.45万元，市定目标值800万元";
const T1_T: &str = "指标1：工业领域创新工作中，年内被省纳入“五个一百”产品创新项目或被省认定为工业领域新产品、新专利转化、首台（套）产品、首批次新材料、企业技术中心或参与制订全国或行业标准1件及以上";
const T1_A: &str = "共完成9项：2个省“五个一百”产品创新项目，1项工业领域新产品认定，4项首批次新材料认定，1项行业标准制订，1项知识产权运用标杆企业";
const T2_T: &str = "指标2：搭建政银企合作平台，支持本地企业挖掘潜能、培育项目、挂牌上市";
const T2_A: &str = "全区共有3家企业获评湖南省制造业产融合作企业云溪区“白名单”， 14家企业获评岳阳市产融合作制造业和风险补偿基金重点企业云溪区“白名单”，长岭科发进入省重点上市后备企业资源库";
const T3_T: &str = "指标3：技术合同交易额达到市定目标值";
const T3_A: &str = "技术合同交易额1.382亿元，市定目标值1.382亿元";
const C1_T: &str = "指标1：财政科技支出达到市定目标值";
const C1_A: &str = "财政科技支出2607万元，市定目标值2131.99万元";
const C2_T: &str = "指标2：全社会研发经费投入达到市定目标值";
const C2_A: &str = "全社会研发经费投入完成14.08亿元，市定目标值14.08亿元";
const C3_T: &str = "指标3：全社会研发经费投入增速达到市定目标值";
const C3_A: &str = "全社会研发经费投入增速3.9%，市定目标值3.9%";

#[test]
fn reference_report_rows() {
    let cases: &[(&str, &[&str])] = &[
        (
            Q1_T,
            &["500 亿元 M 5000000 技工贸收入", "8.5 亿 M 85000 税收"],
        ),
        (
            Q1_A,
            &[
                "886.97 亿元 M 8869700 技工贸收入",
                "109 亿元 M 1090000 全区工业税收1-11月累计入库",
                "6.29 亿元 M 62900 区本级工业税收累计入库",
            ],
        ),
        (
            Q2_T,
            &[
                "7 % P 7 区本级规模工业增加值同比增长",
                "5 家 C:家 5 新增规模工业企业",
            ],
        ),
        (
            Q2_A,
            &[
                "3.6 % P 3.6 工业投资同比增幅",
                "27.4 % P 27.4 全市 R",
                "23.7 % P 23.7 工业技术投资同比增幅",
                "38.1 % P 38.1 全市 R",
                "8.6 % P 8.6 区本级规模工业增加值同比增长",
                "9 家 C:家 9 新增规模工业企业",
            ],
        ),
        (Q3_T, &["Q:指标3：产业投资增速不低于全市平均增速"]),
        (Q3_A, &["36.88 亿元 M 368800 工业投资"]),
        (N1_T, &["Q:指标1：高新技术产业增加值GDP占比达到市定目标值"]),
        (
            N1_A,
            &[
                "58.47 % P 58.47 高新技术产业增加值GDP占比",
                "52.50 % P 52.5 市定目标值 R",
            ],
        ),
        (N2_T, &[">=4 家 C:家 4 新增规模高新技术企业"]),
        (
            N2_A,
            &[
                "24.1 % P 24.1 高新技术企业数增速",
                "4 家 C:家 4 新增高新技术企业",
                "4 家 C:家 4 重新认定",
            ],
        ),
        (N3_T, &["Q:指标3、科技立项争资达到市定目标值"]),
        (
            N3_A,
            &[
                "925.45 万元 M 925.45 科技立项争资",
                "800 万元 M 800 市定目标值 R",
            ],
        ),
        (
            T1_T,
            &[">=1 件 C:件 1 企业技术中心或参与制订全国或行业标准"],
        ),
        (
            T1_A,
            &[
                "9 项 C:项 9 共完成",
                "1 项 C:项 1 工业领域新产品认定",
                "4 项 C:项 4 首批次新材料认定",
                "1 项 C:项 1 行业标准制订",
                "1 项 C:项 1 知识产权运用标杆企业",
            ],
        ),
        (T2_T, &[&format!("Q:{T2_T}")]),
        (
            T2_A,
            &[
                "3 家 C:家 3 全区共有",
                "14 家 C:家 14 企业获评岳阳市产融合作制造业和风险补偿基金重点企业云溪区“白名单”",
            ],
        ),
        (T3_T, &["Q:指标3：技术合同交易额达到市定目标值"]),
        (
            T3_A,
            &[
                "1.382 亿元 M 13820 技术合同交易额",
                "1.382 亿元 M 13820 市定目标值 R",
            ],
        ),
        (C1_T, &["Q:指标1：财政科技支出达到市定目标值"]),
        (
            C1_A,
            &[
                "2607 万元 M 2607 财政科技支出",
                "2131.99 万元 M 2131.99 市定目标值 R",
            ],
        ),
        (C2_T, &["Q:指标2：全社会研发经费投入达到市定目标值"]),
        (
            C2_A,
            &[
                "14.08 亿元 M 140800 全社会研发经费投入",
                "14.08 亿元 M 140800 市定目标值 R",
            ],
        ),
        (C3_T, &["Q:指标3：全社会研发经费投入增速达到市定目标值"]),
        (
            C3_A,
            &[
                "3.9 % P 3.9 全社会研发经费投入增速",
                "3.9 % P 3.9 市定目标值 R",
            ],
        ),
    ];
    assert_eq!(cases.len(), 24);
    for (text, expected) in cases {
        assert_eq!(&sigs(text), expected, "reading {text:?}");
    }
}

fn pairs(target: &str, actual: &str) -> Vec<(String, String)> {
    let t = read(target);
    let a = read(actual);
    pair(t.measures(), a.measures())
        .into_iter()
        .map(|(x, y)| (sig(x), sig(y)))
        .collect()
}

#[test]
fn pairs_revenue_and_tax() {
    assert_eq!(
        pairs(Q1_T, Q1_A),
        vec![
            (
                "500 亿元 M 5000000 技工贸收入".to_string(),
                "886.97 亿元 M 8869700 技工贸收入".to_string()
            ),
            (
                "8.5 亿 M 85000 税收".to_string(),
                "6.29 亿元 M 62900 区本级工业税收累计入库".to_string()
            ),
        ]
    );
}

#[test]
fn pairs_skip_references_and_match_labels() {
    let got = pairs(Q2_T, Q2_A);
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].1, "8.6 % P 8.6 区本级规模工业增加值同比增长");
    assert_eq!(got[1].1, "9 家 C:家 9 新增规模工业企业");
    let got = pairs(N2_T, N2_A);
    assert_eq!(
        got,
        vec![(
            ">=4 家 C:家 4 新增规模高新技术企业".to_string(),
            "4 家 C:家 4 新增高新技术企业".to_string()
        )]
    );
    // A reference is never an outcome.
    let a = read(N3_A);
    assert!(
        pair(read("≥800万元").measures(), a.measures())
            .iter()
            .all(|(_, m)| !m.is_reference)
    );
}

#[test]
fn pairs_need_matching_dimensions() {
    // 件 and 项 are different counter words: no pair.
    assert!(pairs(T1_T, T1_A).is_empty());
    // Money never pairs with percent.
    assert!(pairs("≥500万元", "完成率98%").is_empty());
    // A count pairs with a plain number, by position when labels share nothing.
    assert_eq!(pairs("≥5家", "7").len(), 1);
    // Position decides between equally similar figures.
    let got = pairs("≥10%，≥20%", "11%，21%");
    assert_eq!(got[0].1, "11 % P 11");
    assert_eq!(got[1].1, "21 % P 21");
    assert!(pair(&[], read(Q1_A).measures()).is_empty());
}

#[test]
fn reference_figures() {
    for (text, expected) in [
        (N3_A, Some("800 万元 M 800 市定目标值 R")),
        (N1_A, Some("52.50 % P 52.5 市定目标值 R")),
        (C1_A, Some("2131.99 万元 M 2131.99 市定目标值 R")),
        (Q2_A, Some("27.4 % P 27.4 全市 R")),
        (Q1_A, None),
    ] {
        let reading = read(text);
        assert_eq!(
            reference_in(reading.measures()).map(sig).as_deref(),
            expected
        );
    }
}

#[test]
fn partial_periods() {
    let a = read(Q1_A);
    let flags: Vec<bool> = a
        .measures()
        .iter()
        .map(Measure::is_partial_period)
        .collect();
    assert_eq!(flags, vec![false, true, false]);
    assert!(read("截止3季度累计完成5亿元").measures()[0].is_partial_period());
    assert!(!read("1-12月累计完成5亿元").measures()[0].is_partial_period());
    assert!(!read("1-4季度累计完成5亿元").measures()[0].is_partial_period());
    assert!(read("前三季度累计完成5亿元").measures()[0].is_partial_period());
    assert!(read("上半年完成5亿元").measures()[0].is_partial_period());
    assert!(!read("全年完成5亿元").measures()[0].is_partial_period());
}

#[test]
fn measures_accessor() {
    assert!(read("效果明显").measures().is_empty());
    assert!(read("—").measures().is_empty());
    assert_eq!(read("≥50个").measures().len(), 1);
}

const VOCAB: &[&str] = &[
    "≥",
    "≤",
    ">",
    "<",
    "=",
    "＞",
    "＜",
    "＝",
    "≧",
    ">=",
    "<=",
    "以上",
    "以下",
    "以内",
    "及",
    "不低于",
    "不超过",
    "控制在",
    "达到",
    "高于",
    "低于",
    "为",
    "亿元",
    "万元",
    "元",
    "亿",
    "万",
    "%",
    "％",
    "个",
    "家",
    "件",
    "项",
    "人次",
    "个月",
    "年",
    "月",
    "季度",
    "日",
    "1",
    "0",
    "9",
    "12",
    "2019",
    "1.5",
    ".",
    ",",
    "，",
    "、",
    "；",
    "。",
    "\n",
    "-",
    "—",
    "～",
    "/",
    "指标",
    "目标值",
    "市定",
    "全市",
    "平均",
    "收入",
    "税收",
    "完成",
    "实现",
    "截止",
    "（",
    "）",
    "：",
    "Ｐ",
    "PM",
    "１",
    "．",
    " ",
    "……",
    "无",
    "99999999999999999999999999999",
    "═",
    "﹦",
    "二",
    "小於",
    "百分比",
    "TB",
    "M",
    "年",
    "年限",
    "万",
];

fn built() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(VOCAB), 0..24).prop_map(|parts| parts.concat())
}

/// The digits of a number as they must appear in the text (sign, point and leading zeros
/// aside).
fn digits(v: Decimal) -> String {
    let s: String = v
        .abs()
        .to_string()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let s = s.trim_start_matches('0').trim_end_matches('0');
    s.to_owned()
}

/// Every figure read is in the text: its digits appear there (full-width digits and
/// thousands separators normalised).
fn in_text(text: &str, measures: &[Measure]) {
    let plain: String = normalise(text)
        .0
        .into_iter()
        .filter(char::is_ascii_digit)
        .collect();
    for m in measures {
        assert!(
            plain.contains(&digits(m.value)),
            "{} read from {text:?}",
            m.value
        );
    }
}

fn check(t: &str, a: &str) {
    let rt = read(t);
    let ra = read(a);
    if let Reading::Measures(ms) = &rt {
        assert!(!ms.is_empty());
    }
    in_text(t, rt.measures());
    in_text(a, ra.measures());
    in_text(a, &with_target_unit(rt.measures(), ra.measures()));
    for (x, y) in pair(rt.measures(), ra.measures()) {
        assert!(!y.is_reference);
        assert!(compatibility(&x.dimension, &y.dimension).is_some());
    }
    let _ = reference_in(ra.measures());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn never_panics_on_arbitrary_text(t in any::<String>(), a in "\\PC*") {
        check(&t, &a);
    }

    #[test]
    fn never_panics_on_indicator_like_text(t in built(), a in built()) {
        check(&t, &a);
    }
}

#[test]
fn long_inputs_stay_fast() {
    let start = std::time::Instant::now();
    let mut text = String::new();
    for i in 0..4000 {
        text.push_str(&format!(
            "指标{i}：2019年新增企业{i}家、1-11月投资{i}亿元以上、"
        ));
    }
    let many = "、".repeat(50_000) + "1";
    let reading = read(&text);
    assert!(reading.measures().len() >= 4000);
    let pairs = pair(reading.measures(), reading.measures());
    assert_eq!(pairs.len(), MAX_PAIRED);
    let _ = read(&many);
    let _ = read(&"2019年".repeat(20_000));
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
}
