"""The seed dataset: 「託送業務で知り得たお客さま情報の漏えいおよび閲覧事案」に関する発生の真因
および再発防止策の概要 (中部電力・中部電力パワーグリッド・中部電力ミライズ, 2023年5月12日).

The text of the source document is kept beside this module
(chubu-2023-05-12-recurrence-prevention.txt); the tests read the expected tables from it.
Dates are written as the document writes them and parsed with ``core.dates.parse_ja``.
Events give each measure's status as of the document's date; ``override`` carries the
document's wording where it says more than the structure (table 3-2 only).
Where the document does not say a thing (meeting dates, owner units of table 2-2, member
names), nothing is invented: the field stays empty.
"""

SOURCE_DATE = "2023-05-12"
SOURCE_TITLE = "「託送業務で知り得たお客さま情報の漏えいおよび閲覧事案」に関する発生の真因および再発防止策の概要"

ORGANIZATIONS = [
    {"code": "chubu", "name": "中部電力株式会社", "short_name": "中部電力", "kind": "holding"},
    {
        "code": "chubu-pg",
        "name": "中部電力パワーグリッド株式会社",
        "short_name": "パワーグリッド",
        "kind": "transmission",
    },
    {
        "code": "chubu-miraiz",
        "name": "中部電力ミライズ株式会社",
        "short_name": "ミライズ",
        "kind": "retail",
    },
]

# (organization, code, parent code, name, unit type, line); parents come first.
ORG_UNITS = [
    ("chubu", "chubu", None, "中部電力", "company", "first"),
    ("chubu-pg", "pg", None, "中部電力パワーグリッド", "company", "first"),
    ("chubu-pg", "pg-board", "pg", "取締役会", "board", "governing"),
    ("chubu-pg", "pg-quality-reform", "pg", "品質改革推進室", "department", "second"),
    ("chubu-pg", "pg-internal-audit", "pg", "内部監査部門", "department", "third"),
    ("chubu-pg", "pg-head-office", "pg", "本社室・部", "department", "first"),
    ("chubu-pg", "pg-head-office-units", "pg-head-office", "所属（本社）", "office", "first"),
    ("chubu-pg", "pg-branches", "pg", "支社", "branch", "first"),
    ("chubu-pg", "pg-branch-units", "pg-branches", "所属（支社）", "office", "first"),
    ("chubu-miraiz", "miraiz", None, "中部電力ミライズ", "company", "first"),
    (
        "chubu-miraiz",
        "miraiz-info-conduct",
        "miraiz",
        "情報・行為規制管理グループ",
        "group",
        "second",
    ),
    ("chubu-miraiz", "miraiz-internal-audit", "miraiz", "内部監査部門", "department", "third"),
    ("chubu-miraiz", "miraiz-head-office", "miraiz", "本店", "department", "first"),
    ("chubu-miraiz", "miraiz-system-group", "miraiz-head-office", "システムG", "group", "first"),
    ("chubu-miraiz", "miraiz-regions", "miraiz", "各地域", "branch", "first"),
]

COMMITTEES = [
    {
        "organization": "chubu-pg",
        "code": "neutrality",
        "name": "中立性評価専門委員会",
        "kind": "neutrality",
        "scope": ["chubu-pg"],
        "purpose": "取締役会の諮問機関として社外専門家を中心に設置（2023年4月）。"
        "委員からの提言を再発防止策に反映する。",
        "meetings": [{"number": 1, "title": "第一回委員会"}],
    },
    {
        "organization": "chubu",
        "code": "joint-review",
        "name": "再発防止等合同検討会議",
        "kind": "joint_review",
        "scope": ["chubu", "chubu-pg", "chubu-miraiz"],
        "purpose": "中部電力、パワーグリッドおよびミライズの3社で設置。各コンプライアンス推進会議"
        "（社外監査役、社外弁護士を含む）のメンバーが再発防止策等の妥当性、対応状況を確認する。",
        "meetings": [],
    },
    {
        "organization": "chubu-pg",
        "code": "compliance",
        "name": "コンプライアンス推進会議（パワーグリッド）",
        "kind": "compliance",
        "scope": ["chubu-pg"],
        "purpose": "社外弁護士を委員に含む。社内調査体制に助言し、原因調査および再発防止策の樹立を支える。",
        "meetings": [],
    },
    {
        "organization": "chubu-miraiz",
        "code": "compliance",
        "name": "コンプライアンス推進会議（ミライズ）",
        "kind": "compliance",
        "scope": ["chubu-miraiz"],
        "purpose": "社外弁護士を委員に含む。社内調査体制に助言し、原因調査および再発防止策の樹立を支える。",
        "meetings": [],
    },
    {
        "organization": "chubu-pg",
        "code": "takuso-investigation",
        "name": "託送業務システム調査検討委員会",
        "kind": "other",
        "scope": ["chubu-pg"],
        "purpose": "原因分析・再発防止策を検証する。",
        "meetings": [],
    },
]

SYSTEMS = [
    {
        "organization": "chubu-pg",
        "code": "takuso",
        "name": "託送業務システム",
        "operator": "",
        "description": "パワーグリッドが管理運営する託送業務システム。ミライズの小売情報およびミライズ・"
        "新電力の託送情報を一元的に保有している（論理分割）。",
    },
    {
        "organization": "chubu-pg",
        "code": "saiene",
        "name": "再エネ業務管理システム",
        "operator": "経済産業省",
        "description": "経済産業省が保有するシステム。一般送配電事業者にID・パスワードが付与されている。",
    },
]

_PERIOD = ("2022-11-20", "2023-01-20")
_SURVEY = ("2022-04-01", "2023-01-19")
_VIEWED = "閲覧契約件数"
_SURVEYED = "閲覧契約件数（2022年4月1日～2023年1月19日を調査対象とした件数）"

# The incidents happened in the grid company's systems and involved the retailer.
INCIDENT_OWNER = "chubu-pg"
INCIDENT_INVOLVED = ["chubu-pg", "chubu-miraiz"]

INCIDENTS = [
    {
        "number": 1,
        "title": "託送業務システムのマスキング不備・アクセス権限不備",
        "summary": "新電力のお客さまに係る託送業務でパワーグリッドが知り得た情報を、パワーグリッドが"
        "管理運営する託送業務システムの画面を通じ、特定関係事業者であるミライズによる閲覧が可能な"
        "状態に置いていた",
        "systems": ["takuso"],
        "metrics": [(_VIEWED, 85783, _PERIOD, ""), (_SURVEYED, 373584, _SURVEY, "")],
    },
    {
        "number": 2,
        "title": "パワーグリッド社員のID・パスワードを使用したミライズ社員の閲覧",
        "summary": "ミライズ社員1名が、過去にパワーグリッドに在籍していた際に入手した他者のID・"
        "パスワードを用いてパワーグリッドの託送業務システムにログインし、新電力のお客さま情報を"
        "閲覧した",
        "systems": ["takuso"],
        "metrics": [(_VIEWED, 1, _PERIOD, "")],
    },
    {
        "number": 3,
        "title": "最終保障契約のアクセス権限不備",
        "summary": "パワーグリッドと最終保障供給契約を締結しているお客さま情報を、パワーグリッドが"
        "管理運営する託送業務システムの画面を通じ、ミライズによる閲覧が可能な状態に置いていた",
        "systems": ["takuso"],
        "metrics": [(_VIEWED, 1602, _PERIOD, ""), (_SURVEYED, 3350, _SURVEY, "")],
    },
    {
        "number": 4,
        "title": "送配電買取FIT受給契約のアクセス権限不備",
        "summary": "「再生可能エネルギー電気の利用の促進に関する特別措置法」に基づき、パワーグリッドと"
        "電力受給契約を締結している発電者のお客さま情報を、パワーグリッドが管理運営する託送業務"
        "システムの画面を通じ、ミライズによる閲覧が可能な状態に置いていた",
        "systems": ["takuso"],
        "metrics": [(_VIEWED, 7335, _PERIOD, ""), (_SURVEYED, 22441, _SURVEY, "")],
    },
    {
        "number": 5,
        "title": "パワーグリッドに付与されているID・パスワードを使用した再エネ業務管理システムの閲覧",
        "summary": "ミライズ社員が一般送配電事業者に付与されたID・パスワードを用いて、経済産業省が"
        "保有する「再エネ業務管理システム」より、再生可能エネルギー発電事業計画認定情報等を"
        "閲覧していた",
        "systems": ["saiene"],
        "metrics": [
            (
                _VIEWED,
                26593,
                ("2018年8月", "2023年2月"),
                "再エネ業務管理システムが運用を開始した2018年8月から2023年2月までの件数",
            )
        ],
    },
]

INCIDENT_NOTES = (
    "新電力等のお客さま情報およびFIT買取分のお客さま情報の主な閲覧理由は、お客さまの求めや質問等に"
    "応えるため、申込み手続きに必要な情報を確認するため等であり、新電力のお客さまやFIT買取分の"
    "お客さまに対しての提案活動には利用していない"
)

ROOT_CAUSES = {
    "chubu-pg": [
        (
            1,
            "背景としての行為規制の徹底に関する意識不足",
            "",
            "行為規制対応に厳格さを必ずしも求めない雰囲気があった",
        ),
        (2, "責任の所在が不明確なままでの業務運営", "", "業務の手順がはっきりと決まっていなかった"),
        (3, "マネジメントの判断ミス", "", "繁忙な状況に対して適切な手当てがなされなかった"),
        (4, "モニタリングの不備", "", "行為規制違反を検出できる体制が構築されていなかった"),
        (
            5,
            "ルール・体制の不備",
            "",
            "基準が不明確かつどこで決めるかが曖昧なまま業務が進んでいった",
        ),
    ],
    "chubu-miraiz": [
        (
            1,
            "行為規制に対する周知・理解不足",
            "周知・理解不足",
            "行為規制の内容や分社化による影響（やってはいけないこと、見てはいけないこと等）の周知"
            "および理解が、経営層を含むミライズ内の全ての階層において不足していた\n"
            "行為規制の重要性やリスクに対する理解・認識の不足や、お客さまファーストの意識から、"
            "お客さま対応が優先された",
        ),
        (
            2,
            "行為規制対応を担保する仕組みの欠如",
            "仕組みの欠如",
            "（組織・ルール）\n全社に指示を出す部署が明確でなく、責任の所在ルールが不明確であった\n"
            "（システム開発）\n明確な指示系統がないままシステム開発が進められた\n"
            "システム開発に必要なリソース（特に人的リソース）が十分に投入されなかった",
        ),
        (
            3,
            "問題点を提起しにくい組織風土",
            "",
            "本店や上司の指示に従えば問題ないという思考・行動パターンがみられた\n"
            "問題に気付いても、「自分の担当でない」「自分の仕事が増えてしまう」「自分または上司が"
            "忙しい」として行動を起こさなかった",
        ),
    ],
}

PERSPECTIVES = {
    "chubu-pg": [
        ("education", "教育・意識・風土", 1),
        ("system", "システムコントロール", 2),
        ("governance", "ガバナンス", 3),
    ],
}

# Countermeasures. Keys: title, nature, verb (default implement), events, planned_start, due,
# perspective, root_causes, owner / owner_label, sub_items. An event is (status, date) or
# (status, date, extra) where extra may hold override, planned_for, note, occurrences.
_RC_EDU = [1]
_RC_SYS = [2, 3, 4, 5]
_PLAN = "2023-05-12"  # the plan's own date: planned events are recorded as of it

PG_MEASURES = [
    # 教育・意識・風土 (対応する真因 ①)
    {
        "title": "託送業務システムを利用する全従業員に対するパスワードの変更を指示",
        "nature": "one_off",
        "events": [("implemented", "2023年1月")],
    },
    {
        "title": "業務用パソコンのグループユーザーIDのパスワード変更を指示",
        "nature": "one_off",
        "events": [("implemented", "2023年2月")],
    },
    {
        "title": "ID・パスワードの貸借り厳禁の徹底を指示",
        "nature": "continuous",
        "events": [("in_operation", "2023年2月")],
    },
    {
        "title": "本事案の原因・再発防止策を含んだ行為規制に関する全従業員研修・教育を実施",
        "nature": "continuous",
        "events": [("in_operation", "2023年2月")],
    },
    {
        "title": "行為規制遵守中でのお客さまサービスのあり方を議論するディスカッションを順次実施",
        "nature": "continuous",
        "events": [("in_operation", "2023年3月")],
    },
    {
        "title": "行為規制遵守推進者に対する教育を継続的に実施",
        "detail": "本事案内容と発生の背景や発生原因を十分理解でき、あらゆる職場で発生リスクがあること、"
        "リスク感受性を高めることができる教材を作成し、教育を実施",
        "nature": "continuous",
        "planned_start": "2023年7月",
        "events": [],
    },
    {
        "title": "委託会社従業員に対する教育を継続的に実施",
        "nature": "continuous",
        "events": [("in_operation", "2023年2月")],
    },
    {
        "title": "社長から経営層・全従業員に向けたメッセージ発信を継続実施",
        "nature": "recurring",
        "events": [("implemented", "2023年2月"), ("implemented", "2023年4月")],
    },
    {
        "title": "経営層と従業員との直接対話による中立性確保の重要性意識の定着を順次実施",
        "nature": "continuous",
        "events": [("implemented", "2023年4月")],
    },
    {
        "title": "中立性評価専門委員会における社外専門家等の意見も踏まえて、意識・風土の向上策を検討",
        "nature": "continuous",
        "events": [("implemented", "2023年4月")],
    },
    # システムコントロール (対応する真因 ②③④⑤)
    {
        "title": "システムの管理責任者を設置し、情報遮断にかかる「整理表」「判定表」を作成",
        "nature": "one_off",
        "verb": "complete",
        "events": [("implemented", "2023年2月")],
    },
    {
        "title": "「整理表」「判定表」を用いて仕様書を記載・確認および報告書を作成する運用を開始",
        "nature": "continuous",
        "events": [("in_operation", "2023年3月")],
    },
    {
        "title": "非公開情報の管理に供する全てのシステムのアクセスログ等をチェックする運用を開始",
        "nature": "continuous",
        "events": [("in_operation", "2023年2月")],
    },
    {
        "title": "ミライズ専用の起動アプリを作成し運用を開始",
        "nature": "continuous",
        "events": [("in_operation", "2023年4月")],
    },
    {
        "title": "システムの物理分割",
        "detail": "ミライズの小売情報およびミライズ・新電力の託送情報を一元的に保有している現行システム"
        "を物理分割することにより、パワーグリッドおよびミライズの保有データを分割し、ミライズのシステム"
        "には新電力の託送情報を保有しないようにする。これにより、ミライズのシステム利用において"
        "パワーグリッドのシステムへのアクセスをなくし、情報漏えいのリスクを軽減する。",
        "nature": "continuous",
        "verb": "start_operation",
        "planned_start": "2028年1月",
        "events": [],
    },
    # ガバナンス (対応する真因 ②③④⑤)
    {
        "title": "取締役会の諮問機関として社外専門家を中心とした「中立性評価専門委員会」を設置",
        "nature": "one_off",
        "events": [("implemented", "2023年4月")],
    },
    {
        "title": "社長直属の組織として「品質改革推進室」を設置",
        "detail": "当室を中心に行為規制に係る業務におけるリスク抽出、リスク対策、再発防止策の実施状況の"
        "モニタリングを実施",
        "nature": "one_off",
        "events": [("implemented", "2023年4月")],
    },
    {
        "title": "社長を「行為規制遵守統括責任者」、本社室・部長および支社長を「行為規制遵守責任者」、"
        "所属長を「行為規制遵守推進者」とする管理体制を構築",
        "nature": "one_off",
        "events": [("implemented", "2023年4月")],
    },
    {
        "title": "託送業務システム調査検討委員会により、原因分析・再発防止策を検証",
        "nature": "continuous",
        "events": [("in_operation", "2023年2月")],
    },
    {
        "title": "行為規制の観点から規程類・業務フローの総点検を開始",
        "nature": "continuous",
        "events": [("in_operation", "2023年3月")],
    },
    {
        "title": "行為規制違反に関する懲戒事由の明確化に向けた就業規則改正",
        "nature": "one_off",
        "verb": "revise",
        "events": [("implemented", "2023年4月")],
    },
    {
        "title": "内部監査において外部専門家の知見を活用したシステム監査実施に向け、委託先と"
        "「対象システム」、「監査項目」等についての調整を実施",
        "nature": "continuous",
        "events": [("in_operation", "2023年3月")],
    },
    {
        "title": "パワーグリッドHPに託送業務で知り得た情報の漏えいに関するお客さま・小売電気事業者さま"
        "からのお問合せ専用窓口（フリーコール、メール）を設置",
        "nature": "one_off",
        "events": [("implemented", "2023年3月")],
    },
]
for _i, _m in enumerate(PG_MEASURES):
    _m["perspective"] = "education" if _i < 10 else "system" if _i < 15 else "governance"
    _m["root_causes"] = _RC_EDU if _i < 10 else _RC_SYS

_INFO_G = {"owner": "miraiz-info-conduct", "owner_label": "情報・行為G"}
_CONTROL = {"owner_label": "統制強化"}


def _planned(planned_for: str, override: str) -> tuple:
    return ("planned", _PLAN, {"planned_for": planned_for, "override": override})


MIRAIZ_MEASURES = [
    # 真因① 周知・理解不足
    {
        "title": "行為規制遵守に関する社長メッセージの発信",
        "root_causes": [1],
        "nature": "recurring",
        "verb": "issue",
        "events": [
            (
                "implemented",
                "2023年2月",
                {
                    "occurrences": 4,
                    "override": "2月以降、計4回発信",
                    "note": "2023年2月以降、5月12日時点で計4回発信",
                },
            )
        ],
    },
    {
        "title": "各種手引きや業務指示書、業務ツールの見直し",
        "root_causes": [1],
        "nature": "one_off",
        "sub_items": [
            {
                "title": "情報管理・行為規制に関する基準の明確化",
                **_INFO_G,
                "nature": "one_off",
                "verb": "formulate",
                "due": "2023年度上期",
                "events": [],
            },
            {
                "title": "各業務主管部署の手引き等の洗い出し、見直し",
                **_INFO_G,
                "nature": "continuous",
                "events": [
                    (
                        "implemented",
                        "2023年4月",
                        {
                            "override": "4月重点対応項目対応完了、5月以降継続実施",
                            "note": "4月重点対応項目対応完了",
                        },
                    )
                ],
            },
        ],
    },
    {
        "title": "情報管理・行為規制対応の徹底に向けた研修・教育の実施",
        "root_causes": [1],
        "nature": "continuous",
        "sub_items": [
            {
                "title": "情報管理・行為規制対応に係る研修・教育",
                **_INFO_G,
                "nature": "continuous",
                "events": [("implemented", "2023年3月", {"override": "3月初回実施"})],
            },
            {
                "title": "ID・パスワード管理に係る研修・教育",
                **_INFO_G,
                "nature": "continuous",
                "events": [("implemented", "2023年4月", {"override": "4月初回実施"})],
            },
            {
                "title": "研修・教育の浸透状況の継続的な確認",
                **_INFO_G,
                "nature": "continuous",
                "verb": "start",
                "planned_start": "2023年10月",
                "events": [_planned("2023年10月", "10月開始予定")],
            },
        ],
    },
    {
        "title": "継続的に学ぶきっかけや仕組みづくり",
        **_INFO_G,
        "root_causes": [1],
        "nature": "continuous",
        "verb": "start",
        "planned_start": "2023年度上期",
        "events": [
            (
                "in_progress",
                "2023年4月",
                {"override": "4-5月検討実施、2023年度上期開始予定", "note": "4-5月に検討"},
            )
        ],
    },
    # 真因② 仕組みの欠如
    {
        "title": "システム面の整備",
        "root_causes": [2],
        "nature": "one_off",
        "sub_items": [
            {
                "title": "行為規制の対象となる情報のマスキング処理",
                "nature": "one_off",
                "events": [
                    ("in_progress", "2023年2月"),
                    ("implemented", "2023年3月", {"override": "2-3月実施"}),
                ],
            },
            {
                "title": "ミライズ専用の起動アプリケーションによる不正利用チェック",
                "nature": "continuous",
                "verb": "start_operation",
                "events": [("in_operation", "2023年4月", {"override": "4月運用開始済"})],
            },
            {
                "title": "ITツールを用いたモニタリング",
                "nature": "continuous",
                "verb": "start_operation",
                "planned_start": "2023年度上期",
                "events": [_planned("2023年度上期", "2023年上期運用開始予定")],
            },
            {
                "title": "システムG内PMOの役割明確化（要員配置状況確認・確保訴求）",
                "nature": "continuous",
                "verb": "start_operation",
                "events": [
                    ("implemented", "2023年4月", {"note": "手引き改訂"}),
                    ("in_operation", "2023年5月", {"override": "4月手引き改訂済、5月運用開始"}),
                ],
            },
            {
                "title": "情報管理・行為規制に係る開発工程の統制強化",
                **_INFO_G,
                "nature": "one_off",
                "verb": "start",
                "due": "2023年度上期",
                "events": [_planned("2023年度上期", "2023年度上期中開始予定")],
            },
        ],
    },
    {
        "title": "内部統制の再構築・強化",
        "root_causes": [2],
        "nature": "one_off",
        "sub_items": [
            {
                "title": "行為規制対応の統括部署・相談窓口の新設",
                **_INFO_G,
                "nature": "one_off",
                "verb": "establish",
                "due": "2023年6月",
                "events": [
                    (
                        "in_progress",
                        "2023年4月",
                        {
                            "override": "統括部署は2023年4月新設済み、相談窓口は6月運用開始予定",
                            "note": "統括部署（情報・行為規制管理グループ）を2023年4月に新設",
                        },
                    )
                ],
            },
            {
                "title": "第1ラインから第3ラインまでの役割明確化",
                **_CONTROL,
                "nature": "one_off",
                "events": [("implemented", "2023年4月", {"override": "4月実施"})],
            },
            {
                "title": "情報管理・行為規制に関する規程類等の統括管理",
                **_INFO_G,
                "nature": "one_off",
                "verb": "start",
                "due": "2023年度上期",
                "events": [],
            },
            {
                "title": "外部専門家の活用",
                **_CONTROL,
                "nature": "continuous",
                "verb": "start",
                "events": [("in_operation", "2023年4月", {"override": "4月開始"})],
            },
        ],
    },
    {
        "title": "監査計画への反映",
        "root_causes": [2],
        "nature": "one_off",
        "verb": "reflect",
        "events": [("implemented", "2023年3月", {"override": "2023年3月反映済"})],
    },
    {
        "title": "情報管理・行為規制対応に係る再発防止策の進捗管理",
        **_INFO_G,
        "root_causes": [2],
        "nature": "continuous",
        "verb": "start",
        "planned_start": "2023年5月",
        "events": [_planned("2023年5月", "5月開始予定")],
    },
    {
        "title": "情報システムの物理分割（詳細は、P10を参照）",
        "root_causes": [2],
        "nature": "continuous",
        "verb": "start_operation",
        "planned_start": "2028年1月",
        "events": [],
    },
    # 真因③ 組織風土 (the table's cell naming it is lost in the text; these two rows answer it)
    {
        "title": "社内のコミュニケーション機会の設定、活性化",
        "root_causes": [3],
        "nature": "one_off",
        "due": "2023年8月",
        "events": [_planned("2023年8月", "8月に本店と各地域との意見交換を実施予定")],
    },
    {
        "title": "組織風土課題の継続的な検証と改善（問題提起した従業員が評価される風土づくり等）",
        "root_causes": [3],
        "nature": "continuous",
        "verb": "start",
        "planned_start": "2023年10月",
        "events": [_planned("2023年10月", "10月以降開始予定")],
    },
]

MEASURES = {"chubu-pg": PG_MEASURES, "chubu-miraiz": MIRAIZ_MEASURES}
CODE_PREFIX = {"chubu-pg": "PG", "chubu-miraiz": "MZ"}

# Demo accounts (load_seed --demo): username, name, role, unit code, organization.
DEMO_ACCOUNTS = [
    ("pg-president", "パワーグリッド 社長", "chief_officer", "pg", "chubu-pg"),
    ("pg-executive", "パワーグリッド 担当役員", "executive", "pg", "chubu-pg"),
    ("pg-manager", "パワーグリッド 本社室・部長", "manager", "pg-head-office", "chubu-pg"),
    ("pg-branch-manager", "パワーグリッド 支社長", "manager", "pg-branches", "chubu-pg"),
    ("pg-promoter", "パワーグリッド 所属長", "promoter", "pg-head-office-units", "chubu-pg"),
    ("pg-second-line", "品質改革推進室 担当", "second_line", "pg-quality-reform", "chubu-pg"),
    ("pg-auditor", "パワーグリッド 内部監査", "internal_auditor", "pg-internal-audit", "chubu-pg"),
    ("miraiz-promoter", "ミライズ 所属長", "promoter", "miraiz-system-group", "chubu-miraiz"),
    (
        "miraiz-second-line",
        "情報・行為規制管理G 担当",
        "second_line",
        "miraiz-info-conduct",
        "chubu-miraiz",
    ),
]
DEMO_ROLES_FROM = "2023-04-01"

# Owner units for the demo only (load_seed --demo), so that its 推進者 have work: table
# 2-2 names no owners, and 所属長 are the 推進者 who carry out workplace measures (2-4).
# MZ-05-4 names システムG in its title, MZ-05-3 (ITツールを用いたモニタリング) is taken
# as its work too. Not from the document's tables: the tests' seed leaves these measures
# without an owner unit.
DEMO_OWNERS = [
    ("PG-03", "pg-head-office-units"),
    ("PG-05", "pg-head-office-units"),
    ("PG-06", "pg-head-office-units"),
    ("PG-09", "pg-head-office-units"),
    ("MZ-05-3", "miraiz-system-group"),
    ("MZ-05-4", "miraiz-system-group"),
]
