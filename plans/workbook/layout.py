"""The plan workbook's layout: one sheet per kind of record, its columns, their Japanese
headers (an English twin is accepted), what each holds and an example row.

This table is the single source of the template, the notes sheet, the reader's header
matching, the exporter's columns and docs/plan-workbook.md (``manage.py plan_template``).
Records are matched by their natural key (the ``key`` columns), never by database ids, so
a workbook moves between installations and a re-import updates instead of duplicating.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# Kinds of cell. TEXT: any text; INT: a whole number; DATE: a day (2023-05-12,
# 2023年5月12日, 2023/5/12 or a date cell); PDATE: a date at its precision (2023年7月,
# 2023年度上期, 2027年度, or a day); BOOL: はい/いいえ (yes/no, true/false, 1/0, ○/×);
# LIST: several values separated by 、 or , ; CHOICE: one of the column's choices, by
# code or by its Japanese or English name.
TEXT, INT, DATE, PDATE, BOOL, LIST, CHOICE = (
    "text",
    "int",
    "date",
    "pdate",
    "bool",
    "list",
    "choice",
)


@dataclass(frozen=True)
class Column:
    key: str
    ja: str
    kind: str = TEXT
    required: bool = False
    note: str = ""
    example: object = ""
    choices: str = ""  # "app_label.Model.field" for CHOICE columns

    @property
    def en(self) -> str:
        return self.key


@dataclass(frozen=True)
class Sheet:
    key: str
    ja: str
    note: str
    key_columns: tuple[str, ...]
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def en(self) -> str:
        return self.key

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def _org(note: str = "組織シートのコード。") -> Column:
    return Column("organization", "組織コード", required=True, note=note, example="kita-nw")


# The organization's own words (``Organization.terms``): a column per term, its key the
# term's with ":" as "_"; empty reads the default (the word in the header's brackets).
_TERM_HEADERS = {
    "report_title": ("報告書の表題", "再発防止策の実施状況", "業務改善計画の実施状況"),
    "confidential_mark": ("秘密区分の表示", "社外秘", "取扱注意"),
    "perspective_label": ("対策の分類の呼び名", "観点", "構成要素"),
    "role:chief_officer": ("呼称: 統括責任者", "行為規制遵守統括責任者", "内部統制統括責任者"),
    "role:executive": ("呼称: 担当役員", "行為規制担当役員", ""),
    "role:manager": ("呼称: 責任者", "行為規制遵守責任者", "内部統制推進責任者"),
    "role:promoter": ("呼称: 推進者", "行為規制遵守推進者", "内部統制推進者"),
    "role:second_line": ("呼称: 第2ライン", "第2ライン担当者", ""),
    "role:internal_auditor": ("呼称: 内部監査", "内部監査担当者", ""),
    "role:viewer": ("呼称: 閲覧者", "閲覧者", ""),
    "committee:neutrality": ("呼称: 中立性評価委員会", "中立性評価専門委員会", ""),
    "committee:joint_review": ("呼称: 合同検討会議", "再発防止等合同検討会議", ""),
    "committee:compliance": ("呼称: コンプライアンス会議", "コンプライアンス推進会議", ""),
    "committee:other": ("呼称: その他の会議体", "その他", ""),
}


def term_column(key: str) -> str:
    return "term_" + key.replace(":", "_")


TERM_COLUMNS = tuple(
    Column(term_column(key), header, note=f"空欄は「{default}」。", example=example)
    for key, (header, default, example) in _TERM_HEADERS.items()
)

SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "organizations",
        "組織",
        "会社（持株会社、一般送配電事業者、小売電気事業者など）。",
        ("code",),
        (
            Column(
                "code",
                "コード",
                required=True,
                note="半角英数字とハイフン。全シートで組織を指す。",
                example="kita-nw",
            ),
            Column("name", "名称", required=True, example="北ネットワーク株式会社"),
            Column("short_name", "略称", example="北NW"),
            Column(
                "kind",
                "種別",
                CHOICE,
                required=True,
                choices="governance.Organization.kind",
                example="transmission",
            ),
            Column(
                "other_kinds",
                "その他の種別",
                LIST,
                note="併せて当たる種別（複数可）。例: 持株会社で特定関係事業者でもある。",
            ),
            *TERM_COLUMNS,
        ),
    ),
    Sheet(
        "units",
        "部署",
        "組織の中の部署の木。上位部署を先に書くか、同じシートのどこかに書く。",
        ("organization", "code"),
        (
            _org(),
            Column(
                "code", "コード", required=True, note="組織の中で一意。", example="nw-compliance"
            ),
            Column("parent", "上位部署コード", note="空欄は組織の最上位。"),
            Column("name", "名称", required=True, example="コンプライアンス推進部"),
            Column(
                "unit_type",
                "部署の種類",
                CHOICE,
                required=True,
                choices="governance.OrgUnit.unit_type",
                example="department",
            ),
            Column(
                "line",
                "ライン",
                CHOICE,
                required=True,
                choices="governance.OrgUnit.line",
                note="第1線・第2線・第3線・取締役会等・諮問機関。",
                example="second",
            ),
        ),
    ),
    Sheet(
        "people",
        "人",
        "アカウント。新しい人はパスワードなしで作られる（パスワード再設定またはシングルサインオンで入る）。パスワードは取り込まない。",
        ("username",),
        (
            Column("username", "ユーザー名", required=True, example="nw-tanaka"),
            Column("name", "氏名", example="田中 一郎"),
            Column("email", "メールアドレス", example="tanaka@example.jp"),
        ),
    ),
    Sheet(
        "roles",
        "役割",
        "人の役割（統括責任者・責任者・推進者・第2線・内部監査など）と有効期間。",
        ("username", "role", "organization", "unit", "valid_from"),
        (
            Column("username", "ユーザー名", required=True, example="nw-tanaka"),
            Column(
                "role",
                "役割",
                CHOICE,
                required=True,
                choices="governance.RoleAssignment.role",
                example="second_line",
            ),
            _org(),
            Column("unit", "部署コード", required=True, example="nw-compliance"),
            Column("valid_from", "開始日", DATE, required=True, example="2024-04-01"),
            Column("valid_to", "終了日", DATE, note="空欄は期限なし。", example=""),
            Column("note", "備考"),
        ),
    ),
    Sheet(
        "committees",
        "委員会",
        "委員会・会議体（中立性評価専門委員会、コンプライアンス推進会議など）。",
        ("organization", "code"),
        (
            _org("委員会を運営する組織。"),
            Column("code", "コード", required=True, example="neutrality"),
            Column("name", "名称", required=True, example="中立性評価委員会"),
            Column(
                "kind",
                "種類",
                CHOICE,
                required=True,
                choices="governance.Committee.kind",
                example="neutrality",
            ),
            Column(
                "scope",
                "対象組織",
                LIST,
                required=True,
                note="委員会が監督する組織のコード（複数可）。",
                example="kita-nw",
            ),
            Column("purpose", "目的"),
            Column("established_on", "設置日", DATE, example="2024-04-01"),
        ),
    ),
    Sheet(
        "members",
        "委員",
        "委員会の名簿。",
        ("organization", "committee", "name", "valid_from"),
        (
            _org("委員会を運営する組織。"),
            Column("committee", "委員会コード", required=True, example="neutrality"),
            Column("name", "氏名", required=True, example="山田 花子"),
            Column("affiliation", "所属", example="山田法律事務所"),
            Column(
                "position",
                "役職",
                CHOICE,
                choices="governance.CommitteeMembership.position",
                note="空欄は委員。",
                example="chair",
            ),
            Column("external", "社外", BOOL, example="はい"),
            Column("username", "ユーザー名", note="アカウントのある委員のみ。"),
            Column("valid_from", "就任日", DATE, required=True, example="2024-04-01"),
            Column("valid_to", "退任日", DATE),
        ),
    ),
    Sheet(
        "meetings",
        "会議",
        "委員会の開催回。",
        ("organization", "committee", "number"),
        (
            _org("委員会を運営する組織。"),
            Column("committee", "委員会コード", required=True, example="neutrality"),
            Column("number", "回", INT, required=True, example=1),
            Column("held_on", "開催日", DATE, example="2024-05-20"),
            Column("title", "件名", example="第1回委員会"),
            Column("summary", "概要"),
        ),
    ),
    Sheet(
        "recommendations",
        "提言",
        "委員会からの提言。",
        ("organization", "committee", "number"),
        (
            _org("委員会を運営する組織。"),
            Column("committee", "委員会コード", required=True, example="neutrality"),
            Column("number", "番号", INT, required=True, example=1),
            Column("meeting", "会議の回", INT, example=1),
            Column(
                "text",
                "提言",
                required=True,
                example="システム開発の各工程で情報遮断を確認すること",
            ),
            Column("received_on", "受領日", DATE, required=True, example="2024-05-20"),
        ),
    ),
    Sheet(
        "regulatory_actions",
        "行政処分等",
        "規制当局の処分・勧告・指導・報告徴収。",
        ("organization", "reference"),
        (
            _org("名宛人の組織。"),
            Column("reference", "文書番号", required=True, example="20230417資第1号"),
            Column(
                "authority",
                "発出者",
                CHOICE,
                required=True,
                choices="governance.RegulatoryAction.authority",
                example="meti",
            ),
            Column(
                "action_type",
                "種類",
                CHOICE,
                required=True,
                choices="governance.RegulatoryAction.action_type",
                example="improvement_order",
            ),
            Column("title", "件名", required=True, example="業務改善命令"),
            Column("legal_basis", "根拠法令", example="電気事業法第27条の11"),
            Column("summary", "概要"),
            Column("issued_on", "発出日", DATE, required=True, example="2024-04-17"),
            Column("response_due", "報告期限", DATE, example="2024-05-17"),
        ),
    ),
    Sheet(
        "required_items",
        "求められる事項",
        "行政処分等が求める事項。各事項にどの対策が応えるかは対策シートの「求められる事項」列に書く。",
        ("organization", "reference", "number"),
        (
            _org("名宛人の組織。"),
            Column("reference", "文書番号", required=True, example="20230417資第1号"),
            Column("number", "番号", INT, required=True, example=1),
            Column(
                "text",
                "内容",
                required=True,
                example="責任の所在を明確にした再発防止策を策定すること",
            ),
        ),
    ),
    Sheet(
        "systems",
        "システム",
        "事案に関わったシステム。",
        ("organization", "code"),
        (
            _org(),
            Column("code", "コード", required=True, example="takuso"),
            Column("name", "名称", required=True, example="託送業務システム"),
            Column("operator", "運用者", example=""),
            Column("description", "説明"),
        ),
    ),
    Sheet(
        "incidents",
        "事案",
        "事案。",
        ("organization", "number"),
        (
            _org("事案を所管する組織。"),
            Column("number", "番号", INT, required=True, example=1),
            Column("title", "件名", required=True, example="託送システムのアクセス権限不備"),
            Column(
                "summary",
                "概要",
                required=True,
                example="小売会社の社員が託送情報を閲覧できる状態にあった",
            ),
            Column("notes", "補足"),
            Column(
                "involved",
                "関係組織",
                LIST,
                note="関係した組織のコード（複数可）。",
                example="kita-nw",
            ),
            Column(
                "systems",
                "システム",
                LIST,
                note="システムシートのコード（複数可）。",
                example="takuso",
            ),
        ),
    ),
    Sheet(
        "incident_metrics",
        "事案の件数",
        "事案の件数（閲覧件数など）と期間。",
        ("organization", "incident", "position"),
        (
            _org("事案を所管する組織。"),
            Column("incident", "事案番号", INT, required=True, example=1),
            Column("position", "順", INT, required=True, example=1),
            Column("label", "項目", required=True, example="閲覧契約件数"),
            Column("count", "件数", INT, required=True, example=1200),
            Column("unit", "単位", note="空欄は「件」。", example="件"),
            Column("period_start", "期間の始め", PDATE, example="2022年11月"),
            Column("period_end", "期間の終わり", PDATE, example="2023年1月"),
            Column("note", "注記"),
        ),
    ),
    Sheet(
        "root_causes",
        "真因",
        "事案の真因（根本原因）。",
        ("organization", "number"),
        (
            _org(),
            Column("number", "番号", INT, required=True, example=1),
            Column("title", "真因", required=True, example="情報遮断の基準が不明確"),
            Column("short_title", "短い名称", example="基準の不明確"),
            Column("explanation", "説明"),
            Column(
                "incidents",
                "事案",
                LIST,
                note="この組織または関係組織が所管する事案の番号（複数可）。",
                example="1",
            ),
        ),
    ),
    Sheet(
        "perspectives",
        "観点",
        "対策の分類（観点、COSOの構成要素など）と表での順。",
        ("organization", "code"),
        (
            _org(),
            Column("code", "コード", required=True, example="control-environment"),
            Column("name", "名称", required=True, example="統制環境"),
            Column("position", "順", INT, required=True, example=1),
        ),
    ),
    Sheet(
        "measures",
        "対策",
        "再発防止策と小項目。小項目は「親の対策」に親のコードを書く（親を先に書く必要はない）。",
        ("organization", "code"),
        (
            _org(),
            Column(
                "code",
                "コード",
                required=True,
                note="その会社の番号（例: A-3-(2)）。組織の中で一意。",
                example="CE-01",
            ),
            Column("parent", "親の対策", note="小項目のとき、親の対策のコード。"),
            Column(
                "position", "順", INT, note="観点（小項目は親）の中での順。空欄は末尾。", example=1
            ),
            Column(
                "perspective",
                "観点",
                note="観点シートのコード。小項目は親に従う。",
                example="control-environment",
            ),
            Column(
                "title", "対策", required=True, example="行為規制に関する全従業員研修を毎年実施"
            ),
            Column("detail", "詳細"),
            Column("root_causes", "真因", LIST, note="真因の番号（複数可）。", example="1"),
            Column("incidents", "事案", LIST, note="事案の番号（複数可）。"),
            Column("owner_unit", "担当部署", note="部署シートのコード。"),
            Column(
                "owner_label", "担当（表記）", note="表に書く担当の名称（部署と別に書くとき）。"
            ),
            Column(
                "nature",
                "性質",
                CHOICE,
                required=True,
                choices="measures.Countermeasure.nature",
                note="一回限り・継続・定期。",
                example="recurring",
            ),
            Column(
                "recurrence_months",
                "周期（月）",
                INT,
                note="定期の対策の周期。12は「毎年」、1は「毎月」と読む。",
                example=12,
            ),
            Column(
                "verb",
                "動詞",
                CHOICE,
                choices="measures.Countermeasure.verb",
                note="空欄は「実施」。状況の文言に使う。",
                example="implement",
            ),
            Column("planned_start", "開始予定", PDATE, example="2024年4月"),
            Column("due", "期限", PDATE, example="2024年度"),
            Column(
                "effectiveness_criteria", "有効性の判断基準", example="理解度テストの正答率90%以上"
            ),
            Column("effectiveness_check_due", "有効性確認の期限", DATE, example="2025-03-31"),
            Column(
                "third_line_verifies",
                "第3線の確認",
                BOOL,
                note="はい: 有効性の確認は第3線が行う。",
                example="いいえ",
            ),
            Column(
                "planned_on",
                "計画日",
                DATE,
                note="計画に入った日。空欄は取込日（状況の記録があれば最初の記録の日まで）。",
            ),
            Column(
                "required_items",
                "求められる事項",
                LIST,
                note="文書番号:番号（複数可）。",
                example="20230417資第1号:1",
            ),
        ),
    ),
    Sheet(
        "status_events",
        "実施状況",
        "対策の状況の記録。対策ごとに日付の順に書く。記録済みのものは変えられず、新しいものだけが加わる。",
        ("organization", "measure"),
        (
            _org(),
            Column("measure", "対策コード", required=True, example="CE-01"),
            Column(
                "status",
                "状況",
                CHOICE,
                required=True,
                choices="measures.StatusEvent.status",
                example="implemented",
            ),
            Column(
                "effective_on",
                "日付",
                PDATE,
                required=True,
                note="その状況になった日（月・年度上期なども可）。",
                example="2024年6月",
            ),
            Column("planned_for", "予定日", PDATE, note="状況が「予定」のとき、いつの予定か。"),
            Column("occurrences", "回数", INT, note="定期の対策の実施回数。"),
            Column("note", "注記", note="有効性の確認（有効・有効でない）には根拠を書く。"),
            Column("override", "表記", note="表の文言をこの記録だけ書き換えるとき。"),
        ),
    ),
    Sheet(
        "reflections",
        "提言の反映",
        "提言をどの対策にどう反映したか。",
        ("organization", "committee", "recommendation", "measure"),
        (
            _org("委員会を運営する組織。"),
            Column("committee", "委員会コード", required=True, example="neutrality"),
            Column("recommendation", "提言番号", INT, required=True, example=1),
            Column(
                "measure_organization",
                "対策の組織コード",
                note="空欄は委員会の組織。",
                example="kita-nw",
            ),
            Column("measure", "対策コード", required=True, example="CE-01"),
            Column("how_reflected", "反映内容", required=True, example="研修教材に事例を追加"),
        ),
    ),
)

SHEETS += (
    Sheet(
        "monitoring",
        "モニタリング",
        "第2線のモニタリング: 何を、どの部署が、どの頻度で点検するか。実施と指摘は画面で記録する。",
        ("organization", "code"),
        (
            _org(),
            Column("code", "コード", required=True, example="MON-ACCESS-LOG"),
            Column("title", "件名", required=True, example="託送業務システムのアクセスログ点検"),
            Column(
                "subject",
                "点検の対象",
                CHOICE,
                required=True,
                choices="monitoring.MonitoringActivity.subject",
                note="対策の実施状況・システムのアクセスログ・統制。",
                example="access_logs",
            ),
            Column("control", "統制", note="対象が統制のとき、点検する統制。"),
            Column(
                "systems",
                "システム",
                LIST,
                note="システムシートのコード（複数可）。アクセスログの点検では必須。",
                example="takuso",
            ),
            Column("measures", "対象の対策", LIST, note="点検する対策のコード（複数可）。"),
            Column("established_by", "設けた対策", note="このモニタリングを設けた対策のコード。"),
            Column("unit", "実施部署", note="部署シートのコード（第2線の部署）。"),
            Column(
                "frequency",
                "頻度",
                CHOICE,
                choices="monitoring.MonitoringActivity.frequency",
                note="毎月・四半期ごと・半期ごと・毎年度・一回。空欄は定めなし（実施の予定を立てない）。",
                example="monthly",
            ),
            Column("starts", "開始", PDATE, note="頻度を書くときは必須。", example="2023年4月"),
            Column("ends_on", "終了", DATE),
            Column("sample", "サンプル", example="全利用者"),
            Column("method", "方法"),
            Column("note", "備考"),
        ),
    ),
)

SHEETS += (
    Sheet(
        "audit_plans",
        "監査計画",
        "内部監査の年度計画。個別監査は個別監査シートに書く。指摘は画面で記録する。",
        ("organization", "fiscal_year"),
        (
            _org(),
            Column("fiscal_year", "年度", INT, required=True, example=2024),
            Column("title", "件名", required=True, example="2024年度内部監査計画"),
            Column(
                "approved",
                "承認",
                PDATE,
                note="計画を承認した日（月でも可）。",
                example="2024年3月",
            ),
            Column("established_by", "反映した対策", note="計画に反映した対策のコード。"),
            Column("note", "備考"),
        ),
    ),
    Sheet(
        "engagements",
        "個別監査",
        "内部監査の個別監査（対象システム、監査項目、外部専門家、往査の時期）。",
        ("organization", "code"),
        (
            _org(),
            Column("code", "コード", required=True, example="IA-2024-01"),
            Column("title", "件名", required=True, example="託送業務システムのシステム監査"),
            Column(
                "plan",
                "年度",
                INT,
                note="監査計画シートの年度。空欄はまだ計画に入っていない。",
                example=2024,
            ),
            Column("scope", "範囲"),
            Column("audit_items", "監査項目", example="アクセス権限の設定と見直し"),
            Column(
                "systems",
                "システム",
                LIST,
                note="システムシートのコード（複数可）。",
                example="takuso",
            ),
            Column("units", "対象部署", LIST, note="部署シートのコード（複数可）。"),
            Column("period_start", "対象期間の始め", DATE),
            Column("period_end", "対象期間の終わり", DATE),
            Column("external_experts", "外部専門家", example="監査法人（委託先）"),
            Column("fieldwork_start", "往査の開始", DATE),
            Column("fieldwork_end", "往査の終了", DATE),
            Column(
                "status",
                "状況",
                CHOICE,
                choices="internalaudit.Engagement.status",
                note="空欄は「計画」。",
                example="planned",
            ),
            Column("established_by", "設けた対策", note="この監査を設けた対策のコード。"),
            Column("note", "備考"),
        ),
    ),
)

SHEETS += (
    Sheet(
        "registry_systems",
        "システム台帳",
        "情報遮断の台帳に載せるシステム（管理責任者、整理表・判定表の作成と運用開始、見直しの周期）。"
        "保有する情報と判定、到達できる利用者は画面で記録する。",
        ("organization", "system"),
        (
            _org(),
            Column(
                "system",
                "システム",
                required=True,
                note="システムシートのコード。",
                example="takuso",
            ),
            Column("manager_unit", "管理部署", note="部署シートのコード。"),
            Column("manager", "管理責任者", note="利用者シートのユーザー名。"),
            Column("established_by", "設けた対策", note="台帳を設けた対策のコード。"),
            Column("tables_made", "整理表・判定表の作成", PDATE, example="2024年2月"),
            Column("tables_used", "運用開始", PDATE, example="2024年3月"),
            Column("review_months", "見直しの周期（月）", INT, example=12),
            Column("last_reviewed_on", "前回の見直し", DATE),
            Column("note", "備考"),
        ),
    ),
)

SHEETS += (
    Sheet(
        "registry_items",
        "判定表",
        "台帳のシステムが保有する情報と、行為規制上の非公開情報に当たるかの判定。",
        ("organization", "system", "code"),
        (
            _org(),
            Column(
                "system",
                "システム",
                required=True,
                note="システム台帳のシステムのコード。",
                example="takuso",
            ),
            Column(
                "code", "コード", required=True, note="システムの中で一意。", example="customer"
            ),
            Column("name", "情報", required=True, example="需要家情報"),
            Column("description", "説明"),
            Column(
                "judgement",
                "判定",
                CHOICE,
                choices="registry.InformationItem.judgement",
                note="非公開情報・非公開情報に当たらない・未判定。空欄は「未判定」。",
                example="non_public",
            ),
            Column(
                "basis", "判定の根拠", note="判定したときは必須。", example="託送業務で知り得た情報"
            ),
            Column("decided_on", "判定日", DATE),
            Column("measures", "対策", LIST, note="関係する対策のコード（複数可）。"),
            Column(
                "monitoring", "モニタリング", LIST, note="モニタリングシートのコード（複数可）。"
            ),
        ),
    ),
    Sheet(
        "registry_reaches",
        "整理表",
        "判定表の情報に、どの会社の利用者がどの画面・機能から到達できるか、その整理と遮断する対策。",
        ("organization", "system", "item", "screens", "reached_by"),
        (
            _org(),
            Column("system", "システム", required=True, example="takuso"),
            Column(
                "item", "情報コード", required=True, note="判定表のコード。", example="customer"
            ),
            Column("screens", "画面・機能", required=True, example="契約照会画面"),
            Column(
                "reached_by", "利用者の会社", required=True, note="組織コード。", example="kita-nw"
            ),
            Column("roles", "利用者", example="営業部門"),
            Column(
                "reach",
                "整理",
                CHOICE,
                required=True,
                choices="registry.Reachability.reach",
                note="到達可（許容）・到達可（遮断が必要）・遮断済み。",
                example="exposed",
            ),
            Column("closing_measure", "遮断する対策", note="対策のコード。遮断済みでは必須。"),
            Column("decided_on", "整理した日", DATE),
            Column("review_due", "見直し期限", DATE),
            Column("note", "備考"),
        ),
    ),
)

BY_KEY = {sheet.key: sheet for sheet in SHEETS}


def kind_name(sheet: str) -> str:
    """What a record of ``sheet`` is called in a message, in the active language."""
    return {
        "units": _("unit"),
        "people": _("person"),
        "committees": _("committee"),
        "meetings": _("meeting"),
        "recommendations": _("recommendation"),
        "regulatory_actions": _("regulatory action"),
        "required_items": _("required item"),
        "systems": _("system"),
        "incidents": _("incident"),
        "root_causes": _("root cause"),
        "perspectives": _("perspective"),
        "measures": _("measure"),
        "monitoring": _("monitoring activity"),
        "audit_plans": _("audit plan"),
        "engagements": _("audit engagement"),
        "registry_systems": _("system registration"),
        "registry_items": _("information item"),
    }.get(sheet, sheet)
