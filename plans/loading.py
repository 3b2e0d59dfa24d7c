"""Loading plan files: the seed (the 2023-05-12 Chubu plan, ``seed/``) or any plan, through
the importer, all or nothing."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from plans.workbook.importing import Outcome, PlanImport
from plans.workbook.reading import read
from plans.workbook.report import describe

SEED_DIR = Path(__file__).with_name("seed")
SEED = SEED_DIR / "chubu-2023-05-12.yaml"
SEED_TEXT = SEED_DIR / "chubu-2023-05-12-recurrence-prevention.txt"
# The demo's people, their roles and the owner units that give its 推進者 work: not from
# the document (table 2-2 names no owners), so kept apart and loaded only by --demo.
DEMO = SEED_DIR / "chubu-demo.yaml"
DEMO_REASON = "デモ用の担当組織と役割（出典の表に記載なし）"


class PlanRefused(Exception):
    """The file has problems; nothing was written. ``outcome.problems`` lists them."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__("\n".join(describe(outcome)))
        self.outcome = outcome


def load_plan(path: Path | str, *, actor=None, reason: str = "", **options) -> Outcome:
    """Import the plan file at ``path``; raises ``PlanRefused`` if any row is refused."""
    outcome = PlanImport(read(path), actor=actor, reason=reason, **options).run()
    if not outcome.ok:
        raise PlanRefused(outcome)
    return outcome


@transaction.atomic
def load_seed(*, demo: bool = False) -> tuple[list[Outcome], list[tuple[str, str, str]]]:
    """The seed plan, and with ``demo`` the demo's people (a new one gets a printed
    password) and a superuser ``admin``. Returns the outcomes and (user, role, password)."""
    outcomes = [load_plan(SEED)]
    accounts: list[tuple[str, str, str]] = []
    if not demo:
        return outcomes, accounts
    outcome = load_plan(DEMO, reason=DEMO_REASON)
    outcomes.append(outcome)
    users = get_user_model().objects
    if not users.filter(username="admin").exists():
        password = secrets.token_urlsafe(12)
        users.create_superuser("admin", "", password, last_name="管理者")
        accounts.append(("admin", "superuser", password))
    else:
        accounts.append(("admin", "superuser", ""))
    roles = {}
    for row in read(DEMO).rows.get("roles", []):
        roles[row.cells["username"]] = row.cells["role"]
    for username, role in roles.items():
        user = users.get(username=username)
        password = ""
        if not user.has_usable_password():
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.save(update_fields=["password"])
        accounts.append((username, role, password))
    return outcomes, accounts
