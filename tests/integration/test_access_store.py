"""Users, the audit trail and row-level scope on both backends (data_access/users_store.py, audit.py, filters.py)."""

from datetime import date

import pytest
import sqlalchemy as sa

from analytics.access import NotAllowed, Principal, Scope
from data_access import identity, reads, users_store, workshop_store
from data_access.db import open_database
from data_access.filters import Filters
from data_access.loaders import import_dataset, remove_dataset
from data_access.schema import audit_log, users

ANALYST = Principal("ana", "analyst", "password")
PASSWORD = "correct horse battery"


def trail(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(
            sa.select(audit_log.c.actor, audit_log.c.action, audit_log.c.what, audit_log.c.row_count)
            .order_by(audit_log.c.happened_at))]


def test_a_user_signs_in_with_their_password_only_and_the_table_holds_no_password(engine):
    users_store.add(engine, "ana", "analyst", users_store.hash_password(PASSWORD), regions=["North"])
    with engine.connect() as conn:
        found = reads.access.verify_password.on(conn, "ana", PASSWORD)
        assert found == Principal("ana", "analyst", "password", Scope(regions=("North",)))
        assert reads.access.verify_password.on(conn, "ana", PASSWORD + "!") is None
        assert reads.access.verify_password.on(conn, "bob", PASSWORD) is None
        assert reads.access.user_row.on(conn, "ana").role == "analyst"
        assert reads.access.user_row.on(conn, "bob") is None
        stored = conn.execute(sa.select(users.c.password_hash)).scalar_one()
    assert PASSWORD not in stored and stored.startswith("$argon2id$")


def test_role_scope_and_removal_change_what_sign_in_gives_and_each_change_is_in_the_trail(engine):
    with identity.acting_as(Principal("root", "admin", "cli")):
        users_store.add(engine, "ana", "viewer", users_store.hash_password(PASSWORD))
        users_store.set_role(engine, "ana", "analyst")
        users_store.set_scope(engine, "ana", ["North", "East"], ["Gold"])
        with engine.connect() as conn:
            assert reads.access.verify_password.on(conn, "ana", PASSWORD) == Principal(
                "ana", "analyst", "password", Scope(("North", "East"), ("Gold",)))
        users_store.remove(engine, "ana")
    with engine.connect() as conn:
        assert reads.access.verify_password.on(conn, "ana", PASSWORD) is None
        assert reads.access.user_count.on(conn) == 0
    assert trail(engine) == [("root", "user", "added ana as viewer", None),
                             ("root", "role", "ana: role set to analyst", None),
                             ("root", "role", "ana: scope set to regions: North, East · tiers: Gold", None),
                             ("root", "user", "removed ana", None)]


def test_bad_user_changes_are_refused_with_a_reason_and_write_nothing(engine):
    with pytest.raises(users_store.UserError, match="at least 12 characters"):
        users_store.hash_password("short")
    with pytest.raises(users_store.UserError, match="not an argon2 password hash"):
        users_store.add(engine, "ana", "analyst", PASSWORD)  # a password where its hash belongs
    with pytest.raises(ValueError, match="unknown role 'boss'"):
        users_store.add(engine, "ana", "boss", users_store.hash_password(PASSWORD))
    with pytest.raises(users_store.UserError, match="without spaces"):
        users_store.add(engine, "ana smith", "analyst", users_store.hash_password(PASSWORD))
    with pytest.raises(users_store.UserError, match="There is no user bob"):
        users_store.set_role(engine, "bob", "admin")
    users_store.add(engine, "ana", "analyst", users_store.hash_password(PASSWORD))
    with pytest.raises(users_store.UserError, match="There is a user ana already"):
        users_store.add(engine, "ana", "admin", users_store.hash_password(PASSWORD))
    with identity.acting_as(ANALYST), pytest.raises(NotAllowed, match="managing users needs the admin role"):
        users_store.set_role(engine, "ana", "admin")
    with engine.connect() as conn:
        assert conn.execute(sa.select(users.c.role)).scalar_one() == "analyst"
    assert [action for _, action, _, _ in trail(engine)] == ["user"]


def test_stores_check_the_role_themselves(engine, tmp_path):
    """A page that forgot to hide a button still cannot write: the store asks who is acting."""
    source = tmp_path / "touchpoints.csv"
    source.write_text("touchpoint,stage,stage_order\nWeb,Buy,1\n")
    with identity.acting_as(ANALYST):
        with pytest.raises(NotAllowed, match="admin role"):
            import_dataset(engine, "touchpoints", source)
        with pytest.raises(NotAllowed, match="admin role"):
            remove_dataset(engine, "touchpoints")
    with identity.acting_as(Principal("vic", "viewer", "password")), pytest.raises(NotAllowed, match="analyst role"):
        workshop_store.create_workshop(engine, name="Review", held_on=date(2026, 1, 5), facilitator="vic", by="vic")
    assert trail(engine) == []


def test_imports_and_removals_are_in_the_trail_with_who_and_how_many_rows(engine, tmp_path):
    source = tmp_path / "touchpoints.csv"
    source.write_text("touchpoint,stage,stage_order\nWeb,Buy,1\nShop,Buy,1\nApp,Use,2\n")
    with identity.acting_as(Principal("ada", "admin", "password")):
        import_dataset(engine, "touchpoints", source)
        remove_dataset(engine, "touchpoints")
    (who, action, what, rows), (who2, action2, _, rows2) = trail(engine)
    assert (who, action, rows) == ("ada", "import", 3) and "touchpoints.csv" in what
    assert (who2, action2, rows2) == ("ada", "remove", 3)


def _answers_in(conn, region_condition) -> int:
    return conn.execute(sa.text(
        "SELECT count(*) FROM survey_responses r JOIN customers c ON c.customer_id = r.customer_id "
        f"WHERE r.submitted_at >= '2026-01-01' AND r.submitted_at < '2026-04-01' AND {region_condition}")).scalar_one()


def test_scope_limits_every_read_and_no_filter_widens_it(demo_engine):
    quarter = Filters(date(2026, 1, 1), date(2026, 3, 31))
    north = Scope(regions=("North",))
    with demo_engine.connect() as conn:
        north_answers = _answers_in(conn, "c.region = 'North'")
        assert 0 < north_answers < _answers_in(conn, "TRUE")
        scoped = reads.survey.counts.on(conn, quarter.limited_to(north))
        assert int(scoped["responses"].sum()) == north_answers
        # a filter for another region cannot reach past the scope: it narrows to nothing
        widened = reads.survey.counts.on(conn, Filters(date(2026, 1, 1), date(2026, 3, 31), regions=("South",))
                                         .limited_to(north))
        assert int(widened["responses"].fillna(0).sum()) == 0
        gold = Scope(tiers=("Gold",))
        by_tier = reads.survey.counts.on(conn, quarter.limited_to(gold), by=("tier",))
        assert set(by_tier["tier"]) == {"Gold"}


def test_the_query_layer_applies_the_scope_of_whoever_the_run_acts_for(demo_engine, monkeypatch):
    """data_access.cache narrows every Filters a page passes, so a page that forgot the scope still keeps to it."""
    from data_access import cache

    monkeypatch.setenv("CX_DATABASE_URL", demo_engine.url.render_as_string(hide_password=False))
    quarter = Filters(date(2026, 1, 1), date(2026, 3, 31))
    with demo_engine.connect() as conn:
        north_answers = _answers_in(conn, "c.region = 'North'")
    with identity.acting_as(Principal("nora", "viewer", "password", Scope(regions=("North",)))):
        assert int(cache.run(reads.survey.counts, quarter)["responses"].sum()) == north_answers
    cache.release_embedded_file()


def test_read_only_mode_refuses_user_changes(engine, monkeypatch):
    monkeypatch.setenv("CX_READ_ONLY", "1")
    with pytest.raises(NotAllowed, match="Read-only mode"):
        users_store.add(engine, "ana", "analyst", users_store.hash_password(PASSWORD))


def test_the_migration_creates_the_access_tables_on_an_older_database(databases):
    """0009 upgrades a database made by 0008 (with rows) without touching them."""
    from data_access.db import upgrade

    url = databases.url("duckdb")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        upgrade(conn, "0008")
        conn.execute(sa.text("INSERT INTO touchpoints (touchpoint, stage, stage_order) VALUES ('Web', 'Buy', 1)"))
    engine.dispose()
    engine = open_database(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM touchpoints")).scalar_one() == 1
        assert reads.access.user_count.on(conn) == 0
        assert reads.access.audit_trail.on(conn).empty
