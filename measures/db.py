"""The triggers that keep ``LatestEvent`` (each measure's latest status event) and
``StatusRun`` (its timeline by status).

On every INSERT into the status events (append-only: never updated or deleted), the
measure's pointer moves to the new event when it comes later in the timeline, ordered by
effective date, then entry time, then id (the order the as-of reading uses). An event
back-dated before the latest one leaves the pointer where it is. The services hold the
measure's row lock while they write its events, so two writers of one timeline never race.

Since migration 0018 the pointer also counts the measure's events (``event_count``, what a
stored state is checked against): every insert adds one, back-dated or not.

SQLite drops a table's triggers when a migration rebuilds it: a migration that alters the
status events table must run ``KeepLatestEvent(counted=True)`` again (or the pointers go
stale without an error), and one that alters ``measures_latestevent`` must drop the trigger
first (``Without(KeepLatestEvent(counted=True))``: the rebuild fails while the trigger
names the table) and run ``KeepLatestEvent(counted=True)`` after, as 0018 does.

The second trigger keeps ``StatusRun``, each measure's timeline cut where the status changes
(``KeepStatusRuns``): on every insert it recomputes the runs of the measures written to,
from their events (a few dozen each), so an event back-dated into the middle of a timeline
is right too. On PostgreSQL it runs once per statement over the inserted rows (a bulk
insert recomputes each measure once), on SQLite once per row. The same rebuild caveats
apply to ``measures_statusrun`` and ``KeepStatusRuns``. Two transactions writing one
measure's events at once cannot recompute without each other's event: the latest-event
upsert, a row trigger (PostgreSQL fires those before statement triggers), locks the
measure's pointer row (or its key, for a first event) until commit, so the second waits
(seen in a two-connection test, without the services' own row lock); the unique run
numbers would make a stray race fail loudly. On SQLite the per-row trigger recomputes a
measure's whole timeline for each inserted row: fine for the application, slow for bulk
loads of long timelines.
"""

from django.db import migrations

EVENTS = "measures_statusevent"
LATEST = "measures_latestevent"
NAME = "measures_statusevent_keep_latest"

# Fixed table names only: no value is ever formatted into these statements.
_COLUMNS = "measure_id, event_id, status, effective_on_date, recorded_at"
_LATER = (
    "(excluded.effective_on_date, excluded.recorded_at, excluded.event_id) > "
    f"({LATEST}.effective_on_date, {LATEST}.recorded_at, {LATEST}.event_id)"
)
# The columns that follow the latest event (the upserts move them, the fills set them).
_MOVABLE = ("event_id", "status", "effective_on_date", "recorded_at")
_UPSERT = (
    f"INSERT INTO {LATEST} ({_COLUMNS}) "  # noqa: S608
    "VALUES (NEW.measure_id, NEW.id, NEW.status, NEW.effective_on_date, NEW.recorded_at) "
    "ON CONFLICT (measure_id) DO UPDATE SET "
    + ", ".join(f"{column} = excluded.{column}" for column in _MOVABLE)
    + f" WHERE {_LATER};"
)
# Since migration 0018 the pointer also counts the measure's events: every insert adds one,
# and moves the other columns only when the new event comes later.
_MOVED = ", ".join(
    f"{column} = CASE WHEN {_LATER} THEN excluded.{column} ELSE {LATEST}.{column} END"
    for column in _MOVABLE
)
_COUNTED_UPSERT = (
    f"INSERT INTO {LATEST} ({_COLUMNS}, event_count) "  # noqa: S608
    "VALUES (NEW.measure_id, NEW.id, NEW.status, NEW.effective_on_date, NEW.recorded_at, 1) "
    f"ON CONFLICT (measure_id) DO UPDATE SET event_count = {LATEST}.event_count + 1, {_MOVED};"
)


def _fill(counted: bool) -> str:
    """The pointers (with ``counted``, the counts too, overwriting what is there) for
    events recorded before the trigger existed."""
    count = ", event_count" if counted else ""
    conflict = (
        "DO UPDATE SET "
        + ", ".join(f"{column} = excluded.{column}" for column in ("event_count", *_MOVABLE))
        if counted
        else "DO NOTHING"
    )
    return f"""
        INSERT INTO {LATEST} ({_COLUMNS}{count})
        SELECT measure_id, id, status, effective_on_date, recorded_at{count} FROM (
            SELECT measure_id, id, status, effective_on_date, recorded_at, ROW_NUMBER() OVER (
                PARTITION BY measure_id
                ORDER BY effective_on_date DESC, recorded_at DESC, id DESC
            ) AS n, COUNT(*) OVER (PARTITION BY measure_id) AS event_count
            FROM {EVENTS}
        ) ranked WHERE n = 1
        ON CONFLICT (measure_id) {conflict}
    """  # noqa: S608 - fixed table names


class _KeepOnInsert(migrations.operations.base.Operation):
    """A trigger named ``name`` on every insert into the events that keeps ``kept``: installs
    (or reinstalls) it, fills ``kept`` for the existing events, drops it when unapplied."""

    name = ""
    kept = ""
    reversible = True
    reduces_to_sql = True

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {})

    def state_forwards(self, app_label, state):
        pass

    def describe(self):
        return f"Keep {self.kept} on every insert into {EVENTS}"

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        vendor = schema_editor.connection.vendor
        if vendor not in ("postgresql", "sqlite"):  # pragma: no cover - not supported
            raise NotImplementedError(vendor)
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {self.name} ON {EVENTS};")
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {self.name};")
        for statement in self.install(vendor):
            schema_editor.execute(statement)
        for statement in self.fill():
            schema_editor.execute(statement)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {self.name} ON {EVENTS};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {self.name}();")
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {self.name};")

    def install(self, vendor: str) -> list[str]:
        raise NotImplementedError

    def fill(self) -> list[str]:
        raise NotImplementedError


class KeepLatestEvent(_KeepOnInsert):
    """Each measure's latest event, moved on by every later event (a row trigger); with
    ``counted`` (migration 0018 on) also the number of its events."""

    name, kept = NAME, LATEST

    def __init__(self, counted: bool = False) -> None:
        self.counted = counted

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {"counted": True} if self.counted else {})

    def install(self, vendor):
        upsert = _COUNTED_UPSERT if self.counted else _UPSERT
        if vendor == "sqlite":
            return [
                f"CREATE TRIGGER {NAME} AFTER INSERT ON {EVENTS} FOR EACH ROW BEGIN {upsert} END;"
            ]
        return [
            f"""
            CREATE OR REPLACE FUNCTION {NAME}() RETURNS trigger AS $$
            BEGIN
                {upsert}
                RETURN NEW;
            END;
            $$ LANGUAGE plpgsql;
            """,
            f"CREATE TRIGGER {NAME} AFTER INSERT ON {EVENTS} "
            f"FOR EACH ROW EXECUTE FUNCTION {NAME}();",
        ]

    def fill(self):
        return [_fill(self.counted)]


class Without(migrations.operations.base.Operation):
    """The trigger of ``operation`` dropped (SQLite rebuilds a table to add a column, and the
    rebuild fails while a trigger names the table); unapplied, ``operation`` again."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, operation: _KeepOnInsert) -> None:
        self.operation = operation

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.operation], {})

    def state_forwards(self, app_label, state):
        pass

    def describe(self):
        return f"Drop the trigger that keeps {self.operation.kept}"

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self.operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self.operation.database_forwards(app_label, schema_editor, from_state, to_state)


RUNS = "measures_statusrun"
RUNS_NAME = "measures_statusevent_keep_runs"


def _runs_of(measures: str) -> tuple[str, str]:
    """Delete and recompute the runs of the measures ``measures`` (an SQL subquery of ids):
    an event starts a run when its status differs from the one before it in the timeline;
    a run lasts until the next run starts. Two statements."""
    order = "ORDER BY effective_on_date, recorded_at, id"
    delete = f"DELETE FROM {RUNS} WHERE measure_id IN ({measures});"  # noqa: S608
    insert = f"""
        INSERT INTO {RUNS} (measure_id, number, status, valid_from, valid_to)
        SELECT measure_id, ROW_NUMBER() OVER w, status, effective_on_date,
               LEAD(effective_on_date) OVER w
        FROM (
            SELECT measure_id, status, effective_on_date, recorded_at, id,
                   COALESCE(LAG(status) OVER (PARTITION BY measure_id {order}), '') <> status
                       AS starts
            FROM {EVENTS} WHERE measure_id IN ({measures})
        ) timeline
        WHERE starts
        WINDOW w AS (PARTITION BY measure_id {order});
    """  # noqa: S608 - fixed table names and subqueries only
    return delete, insert


# Whose runs to recompute: the measures of a statement's new rows (PostgreSQL's transition
# table), of the new row (SQLite), of every event (when the trigger is installed).
_INSERTED = "SELECT DISTINCT measure_id FROM inserted"
_EVERY = f"SELECT DISTINCT measure_id FROM {EVENTS}"  # noqa: S608 - fixed table name
_RUNS_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION {RUNS_NAME}() RETURNS trigger AS $$
    BEGIN
        {" ".join(_runs_of(_INSERTED))}
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
"""


class KeepStatusRuns(_KeepOnInsert):
    """Each measure's status runs, recomputed for the measures an insert touches (once per
    statement on PostgreSQL, per row on SQLite)."""

    name, kept = RUNS_NAME, RUNS

    def install(self, vendor):
        if vendor == "sqlite":
            return [
                f"CREATE TRIGGER {RUNS_NAME} AFTER INSERT ON {EVENTS} FOR EACH ROW "
                f"BEGIN {' '.join(_runs_of('NEW.measure_id'))} END;"
            ]
        return [
            _RUNS_FUNCTION,
            f"CREATE TRIGGER {RUNS_NAME} AFTER INSERT ON {EVENTS} "
            f"REFERENCING NEW TABLE AS inserted "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {RUNS_NAME}();",
        ]

    def fill(self):
        return list(_runs_of(_EVERY))
