"""Write kita-plan.xlsx: a second utility's plan, written only as a workbook.

北日本電力ネットワーク (kita-nw, a transmission company) and its retail affiliate 北日本電力
エナジーパートナー (kita-ep), after an improvement order of 2024-03-15. Unlike the Chubu
seed, kita-nw groups its measures by the six COSO components (numbered within each
component), its sub-items answer root causes of their own, every item of the order is
covered by a measure, measures recur yearly, quarterly or monthly, and dates are written
as fiscal years and halves. kita-ep has no perspectives (its tables group by root cause).

The workbook is the tests' input (tests/plans/test_second_utility.py reads the committed
.xlsx); this script only makes it. Headers, choices and dates are written as a Japanese
utility's staff would: Japanese headers from the layout, choices by their Japanese names,
days as date cells, periods as text (2024年度上期). Run from the project root:

    .venv/bin/python -m tests.plans.data.make_kita_plan
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from plans.workbook import layout

TARGET = Path(__file__).with_name("kita-plan.xlsx")

NW, EP = "kita-nw", "kita-ep"
ORDER_REF = "20240315資第12号"
D = dt.date

ORGANIZATIONS = [
    {"code": NW, "name": "北日本電力ネットワーク株式会社", "short_name": "北日本NW",
     "kind": "一般送配電事業者",
     # Its own words: the order asked for a 業務改善計画, its people are 内部統制推進者.
     "term_report_title": "業務改善計画の実施状況", "term_confidential_mark": "取扱注意",
     "term_perspective_label": "構成要素", "term_role_manager": "内部統制推進責任者",
     "term_role_promoter": "内部統制推進者"},
    {"code": EP, "name": "北日本電力エナジーパートナー株式会社", "short_name": "北日本EP",
     "kind": "特定関係事業者（小売）"},
]  # fmt: skip

UNITS = [
    {"organization": NW, "code": "nw", "name": "北日本電力ネットワーク",
     "unit_type": "会社（最上位）", "line": "第1ライン"},
    {"organization": NW, "code": "nw-board", "parent": "nw", "name": "取締役会",
     "unit_type": "取締役会・委員会", "line": "統治機関"},
    {"organization": NW, "code": "nw-compliance", "parent": "nw", "name": "コンプライアンス統括部",
     "unit_type": "本社室・部", "line": "第2ライン"},
    {"organization": NW, "code": "nw-audit", "parent": "nw", "name": "内部監査室",
     "unit_type": "本社室・部", "line": "第3ライン"},
    {"organization": NW, "code": "nw-ops", "parent": "nw", "name": "託送業務部",
     "unit_type": "本社室・部", "line": "第1ライン"},
    {"organization": NW, "code": "nw-ops-east", "parent": "nw-ops", "name": "東支店",
     "unit_type": "支社", "line": "第1ライン"},
    {"organization": NW, "code": "nw-ops-west", "parent": "nw-ops", "name": "西支店",
     "unit_type": "支社", "line": "第1ライン"},
    {"organization": NW, "code": "nw-it", "parent": "nw", "name": "情報システム部",
     "unit_type": "本社室・部", "line": "第1ライン"},
    {"organization": EP, "code": "ep", "name": "北日本電力エナジーパートナー",
     "unit_type": "会社（最上位）", "line": "第1ライン"},
    {"organization": EP, "code": "ep-compliance", "parent": "ep",
     "name": "法務・コンプライアンス部", "unit_type": "本社室・部", "line": "第2ライン"},
    {"organization": EP, "code": "ep-sales", "parent": "ep", "name": "営業本部",
     "unit_type": "本社室・部", "line": "第1ライン"},
]  # fmt: skip

PEOPLE = [
    {"username": "kita-sato", "name": "佐藤 健一", "email": "sato@kita-nw.example.jp"},
    {"username": "kita-suzuki", "name": "鈴木 由美", "email": "suzuki@kita-nw.example.jp"},
    {"username": "kita-takahashi", "name": "高橋 誠", "email": "takahashi@kita-nw.example.jp"},
    {"username": "kita-watanabe", "name": "渡辺 亮", "email": "watanabe@kita-nw.example.jp"},
    {"username": "kita-ito", "name": "伊藤 直子", "email": "ito@kita-nw.example.jp"},
    {"username": "kita-kobayashi", "name": "小林 真理", "email": "kobayashi@kita-nw.example.jp"},
    {"username": "kita-yamamoto", "name": "山本 恵", "email": "yamamoto@kita-ep.example.jp"},
    {"username": "kita-nakamura", "name": "中村 大輔", "email": "nakamura@kita-ep.example.jp"},
]

ROLES = [
    {"username": "kita-sato", "role": "行為規制遵守統括責任者", "organization": NW,
     "unit": "nw", "valid_from": D(2024, 4, 1)},
    {"username": "kita-kobayashi", "role": "行為規制遵守責任者", "organization": NW,
     "unit": "nw-ops", "valid_from": D(2024, 4, 1)},
    {"username": "kita-suzuki", "role": "第2ライン担当者", "organization": NW,
     "unit": "nw-compliance", "valid_from": D(2024, 4, 1)},
    {"username": "kita-watanabe", "role": "行為規制遵守推進者", "organization": NW,
     "unit": "nw-ops", "valid_from": D(2024, 4, 1), "valid_to": D(2025, 3, 31),
     "note": "2025年4月に情報システム部へ異動"},
    {"username": "kita-takahashi", "role": "行為規制遵守推進者", "organization": NW,
     "unit": "nw-ops", "valid_from": D(2025, 4, 1)},
    {"username": "kita-watanabe", "role": "行為規制遵守推進者", "organization": NW,
     "unit": "nw-it", "valid_from": D(2025, 4, 1)},
    {"username": "kita-ito", "role": "内部監査担当者", "organization": NW,
     "unit": "nw-audit", "valid_from": D(2024, 4, 1)},
    {"username": "kita-yamamoto", "role": "第2ライン担当者", "organization": EP,
     "unit": "ep-compliance", "valid_from": D(2024, 4, 1)},
    {"username": "kita-nakamura", "role": "行為規制遵守推進者", "organization": EP,
     "unit": "ep-sales", "valid_from": D(2024, 4, 1)},
]  # fmt: skip

COMMITTEES = [
    {"organization": NW, "code": "neutrality", "name": "中立性評価委員会",
     "kind": "中立性評価専門委員会", "scope": NW,
     "purpose": "取締役会の諮問機関として社外有識者が再発防止策の妥当性と実施状況を評価する。",
     "established_on": D(2024, 4, 1)},
    {"organization": EP, "code": "compliance", "name": "コンプライアンス委員会（北日本EP）",
     "kind": "コンプライアンス推進会議", "scope": EP, "established_on": D(2024, 4, 1)},
]  # fmt: skip

MEMBERS = [
    {"organization": NW, "committee": "neutrality", "name": "木村 法子",
     "affiliation": "木村法律事務所", "position": "委員長", "external": "はい",
     "valid_from": D(2024, 4, 1)},
    {"organization": NW, "committee": "neutrality", "name": "林 浩二",
     "affiliation": "北日本大学", "position": "委員", "external": "はい",
     "valid_from": D(2024, 4, 1)},
    {"organization": NW, "committee": "neutrality", "name": "鈴木 由美",
     "affiliation": "コンプライアンス統括部", "position": "事務局", "external": "いいえ",
     "username": "kita-suzuki", "valid_from": D(2024, 4, 1)},
]  # fmt: skip

MEETINGS = [
    {"organization": NW, "committee": "neutrality", "number": 1, "held_on": D(2024, 5, 20),
     "title": "第1回委員会"},
    {"organization": NW, "committee": "neutrality", "number": 2, "held_on": D(2024, 11, 18),
     "title": "第2回委員会"},
]  # fmt: skip

RECOMMENDATIONS = [
    {"organization": NW, "committee": "neutrality", "number": 1, "meeting": 1,
     "text": "情報遮断の判断基準を文書にし、全部署に周知すること", "received_on": D(2024, 5, 20)},
    {"organization": NW, "committee": "neutrality", "number": 2, "meeting": 2,
     "text": "アクセスログの点検結果を委員会に定期的に報告すること",
     "received_on": D(2024, 11, 18)},
]  # fmt: skip

REGULATORY_ACTIONS = [
    {"organization": NW, "reference": ORDER_REF, "authority": "経済産業大臣",
     "action_type": "業務改善命令", "title": "託送業務で知り得た情報の適正な管理に係る業務改善命令",
     "legal_basis": "電気事業法第27条の11の3", "issued_on": D(2024, 3, 15),
     "response_due": D(2024, 4, 15)},
]  # fmt: skip

REQUIRED_ITEMS = [
    {"organization": NW, "reference": ORDER_REF, "number": 1,
     "text": "行為規制の遵守に係る責任の所在を明確にした社内体制を整備すること"},
    {"organization": NW, "reference": ORDER_REF, "number": 2,
     "text": "非公開情報の管理に係るシステム上の措置を講じること"},
    {"organization": NW, "reference": ORDER_REF, "number": 3,
     "text": "全役職員に対する行為規制に関する研修を継続的に実施すること"},
    {"organization": NW, "reference": ORDER_REF, "number": 4,
     "text": "再発防止策の実施状況を定期的に報告すること"},
]  # fmt: skip

SYSTEMS = [
    {"organization": NW, "code": "takuso", "name": "託送業務支援システム",
     "description": "託送契約と需要家情報を管理するシステム。小売部門の端末からも接続できた。"},
]  # fmt: skip

# The second line's quarterly check of the system's access logs, written with the choices'
# Japanese names as a person would.
MONITORING = [
    {"organization": NW, "code": "MON-LOG", "title": "託送業務支援システムのアクセスログ点検",
     "subject": "システムのアクセスログ", "systems": "takuso", "unit": "nw-compliance",
     "frequency": "四半期ごと", "starts": "2024年4月", "sample": "全利用者"},
]  # fmt: skip

# Internal audit's plan for the year and its system audit with an outside firm.
AUDIT_PLANS = [
    {"organization": NW, "fiscal_year": 2025, "title": "2025年度内部監査計画",
     "approved": "2025年3月"},
]  # fmt: skip
ENGAGEMENTS = [
    {"organization": NW, "code": "IA-2025-01", "title": "託送業務支援システムのシステム監査",
     "plan": 2025, "audit_items": "アクセス権限の付与・見直し、ログの保全", "systems": "takuso",
     "units": "nw-ops、nw-it", "external_experts": "北日本監査法人", "status": "予定",
     "fieldwork_start": D(2025, 10, 1), "fieldwork_end": D(2025, 10, 31)},
]  # fmt: skip

# The system in the information-separation registry, reviewed every year.
REGISTRY = [
    {"organization": NW, "system": "takuso", "manager_unit": "nw-it",
     "tables_made": "2024年10月", "tables_used": "2024年11月", "review_months": 12},
]  # fmt: skip

# Its 判定表 and 整理表: customer data is non-public; the retailer's sales could still reach it
# through the contract screens until the masking measure closes it.
REGISTRY_ITEMS = [
    {"organization": NW, "system": "takuso", "code": "customer", "name": "需要家情報",
     "judgement": "非公開情報", "basis": "託送業務で知り得た情報", "decided_on": D(2024, 10, 15),
     "measures": "CA-01"},
    {"organization": NW, "system": "takuso", "code": "tariff", "name": "託送料金表",
     "judgement": "非公開情報に当たらない", "basis": "公表済み", "decided_on": D(2024, 10, 15)},
]  # fmt: skip
REGISTRY_REACHES = [
    {"organization": NW, "system": "takuso", "item": "customer", "screens": "契約照会画面",
     "reached_by": NW, "roles": "託送業務部", "reach": "到達可（許容）"},
    {"organization": NW, "system": "takuso", "item": "customer", "screens": "契約照会画面",
     "reached_by": EP, "roles": "営業本部", "reach": "到達可（遮断が必要）",
     "closing_measure": "CA-01"},
]  # fmt: skip

INCIDENTS = [
    {"organization": NW, "number": 1, "title": "小売部門による託送顧客情報の閲覧",
     "summary": "北日本EPの営業部門が、託送業務支援システムを通じて新電力の顧客情報を"
                "閲覧できる状態にあった",
     "involved": f"{NW}、{EP}", "systems": "takuso"},
]  # fmt: skip

INCIDENT_METRICS = [
    {"organization": NW, "incident": 1, "position": 1, "label": "閲覧件数", "count": 12345,
     "unit": "件", "period_start": "2023年4月", "period_end": "2024年1月"},
]  # fmt: skip

ROOT_CAUSES = [
    {"organization": NW, "number": 1, "title": "行為規制を軽視する組織風土",
     "short_title": "組織風土", "incidents": "1"},
    {"organization": NW, "number": 2, "title": "情報遮断に関するリスク評価の欠如",
     "short_title": "リスク評価", "incidents": "1"},
    {"organization": NW, "number": 3, "title": "アクセス権限管理の不備",
     "short_title": "権限管理", "incidents": "1"},
    {"organization": NW, "number": 4, "title": "第2線による監視の欠如",
     "short_title": "監視", "incidents": "1"},
    {"organization": EP, "number": 1, "title": "非公開情報に対する認識不足",
     "short_title": "認識不足", "incidents": f"{NW}:1"},
    {"organization": EP, "number": 2, "title": "委託先管理の不備",
     "short_title": "委託先管理", "incidents": f"{NW}:1"},
]  # fmt: skip

PERSPECTIVES = [
    {"organization": NW, "code": "control-environment", "name": "統制環境", "position": 1},
    {"organization": NW, "code": "risk-assessment", "name": "リスク評価", "position": 2},
    {"organization": NW, "code": "control-activities", "name": "統制活動", "position": 3},
    {"organization": NW, "code": "information", "name": "情報と伝達", "position": 4},
    {"organization": NW, "code": "monitoring", "name": "モニタリング", "position": 5},
    {"organization": NW, "code": "it", "name": "ITへの対応", "position": 6},
]


def _m(code, title, nature, verb, *, causes, **more):
    organization = EP if code.startswith("EP") else NW
    return {
        "organization": organization,
        "code": code,
        "title": title,
        "nature": nature,
        "verb": verb,
        "root_causes": causes,
        **more,
    }


# Positions count within each perspective (a sub-item: within its parent), as the layout says.
MEASURES = [
    _m("CE-01", "社長による行為規制遵守宣言の発信", "定期", "発信", causes="1",
       perspective="control-environment", position=1, recurrence_months=12,
       planned_on=D(2024, 4, 1)),
    _m("CE-02", "全役職員に対する行為規制研修の実施", "定期", "実施", causes="1",
       perspective="control-environment", position=2, recurrence_months=12,
       planned_start="2024年度上期", required_items=f"{ORDER_REF}:3",
       effectiveness_criteria="理解度テストの正答率90%以上", planned_on=D(2024, 4, 1)),
    _m("CE-03", "行為規制遵守体制の構築", "単発", "実施", causes="1",
       perspective="control-environment", position=3, required_items=f"{ORDER_REF}:1",
       planned_on=D(2024, 4, 1)),
    _m("CE-03-1", "行為規制遵守統括責任者・推進者の任命", "単発", "実施", causes="4",
       parent="CE-03", position=1, owner_unit="nw-compliance", owner_label="コンプラ統括部",
       planned_on=D(2024, 4, 1)),
    _m("CE-03-2", "行為規制違反を懲戒事由とする就業規則の改訂", "単発", "改訂", causes="2、3",
       parent="CE-03", position=2, due="2024年度上期", planned_on=D(2024, 4, 1)),
    _m("RA-01", "情報遮断に係るリスクの全社洗い出し", "単発", "完了", causes="2",
       perspective="risk-assessment", position=1, due="2024年度上期",
       planned_on=D(2024, 4, 1)),
    _m("RA-02", "リスク評価結果の年次見直し", "定期", "実施", causes="2",
       perspective="risk-assessment", position=2, recurrence_months=12,
       planned_start="2025年度", planned_on=D(2024, 4, 1)),
    _m("CA-01", "非公開情報の取扱いに関する規程・手順の整備", "単発", "実施", causes="3",
       perspective="control-activities", position=1, planned_on=D(2024, 4, 1)),
    _m("CA-01-1", "情報遮断の判断基準の策定", "単発", "策定", causes="2",
       parent="CA-01", position=1, due="2024年度上期", planned_on=D(2024, 4, 1)),
    _m("CA-01-2", "業務手順書への判断基準の反映", "単発", "反映", causes="4",
       parent="CA-01", position=2, due="2024年度下期", planned_on=D(2024, 4, 1)),
    _m("CA-02", "託送業務支援システムの物理分割", "単発", "完了", causes="3",
       perspective="control-activities", position=2, planned_start="2025年4月",
       due="2027年度", owner_unit="nw-it", required_items=f"{ORDER_REF}:2",
       planned_on=D(2024, 4, 1)),
    _m("CA-03", "委託先への行為規制遵守の要請", "継続", "実施", causes="1",
       perspective="control-activities", position=3, owner_unit="nw-ops",
       planned_on=D(2024, 4, 1)),
    _m("IC-01", "行為規制相談窓口の新設", "単発", "新設", causes="4",
       perspective="information", position=1, due="2024年6月", planned_on=D(2024, 4, 1)),
    _m("IC-02", "取締役会への再発防止策の実施状況報告", "定期", "実施", causes="4",
       perspective="information", position=2, recurrence_months=3,
       required_items=f"{ORDER_REF}:4", planned_on=D(2024, 4, 1)),
    _m("MO-01", "第2線によるアクセスログの月次点検", "定期", "実施", causes="4",
       perspective="monitoring", position=1, recurrence_months=1,
       owner_unit="nw-compliance", planned_on=D(2025, 3, 1)),
    _m("MO-02", "内部監査による再発防止策の有効性評価", "単発", "実施", causes="4",
       perspective="monitoring", position=2, due="2025年度上期",
       effectiveness_criteria="監査で指摘事項がないこと", effectiveness_check_due=D(2025, 9, 30),
       third_line_verifies="はい", planned_on=D(2024, 4, 1)),
    _m("IT-01", "アクセス権限の棚卸しと是正", "単発", "実施", causes="3",
       perspective="it", position=1, incidents="1", planned_on=D(2024, 3, 1)),
    _m("IT-01-1", "小売部門に付与されたIDの無効化", "単発", "実施", causes="3",
       parent="IT-01", position=1, planned_on=D(2024, 3, 1)),
    _m("IT-01-2", "画面表示項目のマスキング", "継続", "運用開始", causes="2",
       parent="IT-01", position=2, planned_start="2024年度上期", planned_on=D(2024, 4, 1)),
    _m("IT-02", "託送業務支援システムへの多要素認証の導入", "単発", "運用開始", causes="3",
       perspective="it", position=2, due="2024年度上期", owner_unit="nw-it",
       planned_on=D(2024, 4, 1)),
    _m("IT-03", "業務端末の持出しルールの見直し", "単発", "実施", causes="3",
       perspective="it", position=3, planned_on=D(2024, 4, 1)),
    _m("EP-01", "非公開情報の取扱いに関する全社員教育", "定期", "実施", causes="1",
       position=1, recurrence_months=12, owner_unit="ep-compliance",
       planned_on=D(2024, 4, 1)),
    _m("EP-02", "委託先との契約条項の見直し", "単発", "改訂", causes="2",
       position=2, due="2024年度下期", planned_on=D(2024, 4, 1)),
    _m("EP-03", "営業端末から託送業務支援システムへの接続の遮断", "単発", "実施", causes="1、2",
       position=3, incidents=f"{NW}:1", planned_on=D(2024, 2, 1)),
]  # fmt: skip


def _e(code, status, effective_on, **more):
    organization = EP if code.startswith("EP") else NW
    return {
        "organization": organization,
        "measure": code,
        "status": status,
        "effective_on": effective_on,
        **more,
    }


# In date order within each measure. MO-01's July 2025 check comes after the tests' date.
STATUS_EVENTS = [
    _e("CE-01", "実施済", "2024年4月"),
    _e("CE-01", "実施済", "2025年4月"),
    _e("CE-02", "実施済", "2024年7月"),
    _e("CE-03-1", "実施済", "2024年4月"),
    _e("CE-03-2", "実施中・検討中", "2024年5月"),
    _e("CE-03-2", "実施済", "2024年9月"),
    _e("RA-01", "実施中・検討中", "2024年5月"),
    _e("RA-01", "実施済", "2024年8月"),
    _e("CA-01-1", "実施済", "2024年9月"),
    _e("CA-01-2", "実施中・検討中", "2024年10月"),
    _e("CA-03", "実施済", "2024年6月"),
    _e("CA-03", "運用中", "2024年10月"),
    _e("IC-01", "実施済", "2024年6月"),
    _e("IC-02", "実施済", "2024年9月"),
    _e("IC-02", "実施済", "2024年12月"),
    _e("IC-02", "実施済", "2025年3月"),
    _e("IC-02", "実施済", "2025年6月"),
    _e("MO-01", "実施済", "2025年4月"),
    _e("MO-01", "実施済", "2025年5月"),
    _e("MO-01", "実施済", "2025年6月"),
    _e("MO-01", "実施済", "2025年7月"),
    _e("MO-02", "実施済", "2025年3月"),
    _e("MO-02", "有効性確認済", "2025年6月",
       note="2025年度上期の内部監査で指摘事項なし（監査報告書 2025-06）"),
    _e("IT-01-1", "実施済", "2024年3月"),
    _e("IT-01-2", "予定", "2024年10月", planned_for="2025年度上期",
       note="マスキング対象の追加のため延期"),
    _e("IT-03", "実施中・検討中", "2024年6月"),
    _e("IT-03", "保留", "2024年8月", note="多要素認証の導入後に再検討"),
    _e("EP-01", "実施済", "2024年5月"),
    _e("EP-01", "実施済", "2025年5月"),
    _e("EP-02", "実施中・検討中", "2024年11月"),
    _e("EP-03", "実施済", "2024年2月"),
]  # fmt: skip

REFLECTIONS = [
    {"organization": NW, "committee": "neutrality", "recommendation": 1, "measure": "CA-01-1",
     "how_reflected": "判断基準を策定し全部署に通知"},
    {"organization": NW, "committee": "neutrality", "recommendation": 2, "measure": "MO-01",
     "how_reflected": "点検結果を四半期ごとに委員会へ報告"},
]  # fmt: skip

SHEETS = {
    "organizations": ORGANIZATIONS,
    "units": UNITS,
    "people": PEOPLE,
    "roles": ROLES,
    "committees": COMMITTEES,
    "members": MEMBERS,
    "meetings": MEETINGS,
    "recommendations": RECOMMENDATIONS,
    "regulatory_actions": REGULATORY_ACTIONS,
    "required_items": REQUIRED_ITEMS,
    "systems": SYSTEMS,
    "incidents": INCIDENTS,
    "incident_metrics": INCIDENT_METRICS,
    "root_causes": ROOT_CAUSES,
    "perspectives": PERSPECTIVES,
    "measures": MEASURES,
    "status_events": STATUS_EVENTS,
    "reflections": REFLECTIONS,
    "monitoring": MONITORING,
    "audit_plans": AUDIT_PLANS,
    "engagements": ENGAGEMENTS,
    "registry_systems": REGISTRY,
    "registry_items": REGISTRY_ITEMS,
    "registry_reaches": REGISTRY_REACHES,
}


def build() -> Workbook:
    """The workbook: one sheet per kind, Japanese headers, every column of the layout."""
    book = Workbook()
    book.remove(book.active)
    book.properties.creator = "make_kita_plan.py"
    book.properties.created = dt.datetime(2025, 7, 1)  # noqa: DTZ001 (a fixed stamp)
    for sheet in layout.SHEETS:
        records = SHEETS[sheet.key]
        unknown = {key for record in records for key in record} - {c.key for c in sheet.columns}
        assert not unknown, (sheet.key, unknown)
        worksheet = book.create_sheet(sheet.ja)
        worksheet.append([column.ja for column in sheet.columns])
        for record in records:
            worksheet.append([record.get(column.key) for column in sheet.columns])
        for column_cells in worksheet.iter_cols(min_row=2):
            for cell in column_cells:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        worksheet.freeze_panes = "A2"
    return book


def main() -> None:
    build().save(TARGET)
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
