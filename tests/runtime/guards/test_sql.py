"""The SQL lexer behind the database rules: keywords count only at the head of a statement."""

from __future__ import annotations

import pytest

from runtime.guards import sql

DESTRUCTIVE = ["drop table", "drop database", "drop schema", "truncate"]


@pytest.mark.parametrize("text", [
    "DROP TABLE users",
    "drop /* a comment */ table users",
    "DROP -- line comment\n TABLE users",
    "select 1; drop table users",
    "SELECT 'it''s'; DROP TABLE t",
    "SELECT E'\\''; DROP TABLE t",
    "SELECT $$ a $$; DROP TABLE t",
    "SELECT $body$ ; $body$; DROP SCHEMA s",
    "/* outer /* nested */ still comment */ DROP TABLE t",
    "TRUNCATE orders",
    "EXPLAIN ANALYZE TRUNCATE orders",
    "DO $$ BEGIN EXECUTE 'DROP TABLE t'; END $$",
    "EXEC('DROP DATABASE shop')",
])
def test_destructive_statements_are_found(text: str) -> None:
    assert sql.find(text, DESTRUCTIVE), text


@pytest.mark.parametrize("text", [
    "SELECT 'drop table'",
    "INSERT INTO notes VALUES ('we should drop table x')",
    "SELECT \"drop table\" FROM t",
    "SELECT 1 -- drop table t",
    "SELECT 1 /* ; DROP TABLE t */",
    "SELECT $$; drop table t $$",
    "UPDATE t SET note = 'TRUNCATE' WHERE id = 1",
    "CREATE TABLE drop_log (id int)",
    "SELECT truncate_me FROM t",
])
def test_keywords_in_data_are_not_statements(text: str) -> None:
    assert sql.find(text, DESTRUCTIVE, dialects=(False,)) is None, text


def test_mysql_reading_differs_where_mysql_differs() -> None:
    # MySQL: backslash escapes the quote, so the DROP is inside the string ...
    assert sql.find("SELECT 'a\\'; DROP TABLE t; '", DESTRUCTIVE, dialects=(True,)) is None
    # ... while the standard reading ends the string at \' and sees a DROP statement.
    assert sql.find("SELECT 'a\\'; DROP TABLE t; '", DESTRUCTIVE, dialects=(False,))
    # `#` starts a comment in MySQL only; `--x` is a comment only outside MySQL.
    assert sql.find("SELECT 1 # ; DROP TABLE t", DESTRUCTIVE, dialects=(True,)) is None
    assert sql.find("SELECT 1 --x ; DROP TABLE t", DESTRUCTIVE, dialects=(True,))
    # /*! ... */ is code to MySQL.
    assert sql.find("/*!50000 DROP TABLE t */", DESTRUCTIVE, dialects=(True,))
    # Reading both ways (unknown client) finds what either finds.
    assert sql.find("SELECT 'a\\'; DROP TABLE t; '", DESTRUCTIVE)


def test_delete_needs_where_and_alter_needs_drop() -> None:
    assert sql.find("DELETE FROM t", ["delete"], lacks=["where"])
    assert sql.find("delete from t where id = 3", ["delete"], lacks=["where"]) is None
    assert sql.find("DELETE FROM t -- WHERE id = 3", ["delete"], lacks=["where"])
    assert sql.find("DELETE FROM t WHERE note = 'x'", ["delete"], lacks=["where"]) is None
    assert sql.find("ALTER TABLE t DROP COLUMN c", ["alter table"], contains=["drop"])
    assert sql.find("ALTER TABLE t ADD COLUMN drop_flag int", ["alter table"], contains=["drop"]) is None
    assert sql.find("ALTER TABLE t RENAME COLUMN \"drop\" TO x", ["alter table"], contains=["drop"],
                    dialects=(False,)) is None


def test_statements_split_on_semicolons_outside_literals() -> None:
    got = sql.Lexer("select 'a;b'; drop /*;*/ table \"x;y\"; ").statements()
    assert got == [["SELECT", "'"], ["DROP", "TABLE", '"X;Y']]


@pytest.mark.parametrize("shape", [
    "'", "\"", "$", "$a", "$a$", "/*", "--", "[", "[x", "E'", "a", " ", ";", "x'", "/*!", "`", "#", "\\'", "[a] ",
])
def test_work_is_linear_on_a_megabyte(shape: str) -> None:
    """Whatever the input, each character is examined a bounded number of times: the lexer counts
    every character its steps consume or look ahead at, and that stays within twice the length."""
    text = shape * (1_000_000 // len(shape))
    for mysql in (False, True):
        lexer = sql.Lexer(text, mysql=mysql)
        lexer.statements()
        assert len(text) <= lexer.work <= 2 * len(text), (shape, mysql, lexer.work)


def test_tsql_and_procedural_bodies_need_no_semicolons() -> None:
    assert sql.find("SELECT 1 DROP TABLE t", DESTRUCTIVE) is None  # one statement to PostgreSQL/MySQL
    assert sql.find("SELECT 1 DROP TABLE t", DESTRUCTIVE, anywhere=True)
    assert sql.find("SELECT 1 AS [drop] FROM [table]", DESTRUCTIVE, anywhere=True, dialects=(False,)) is None
    assert sql.find("DO $$ BEGIN IF true THEN DROP TABLE t; END IF; END $$", DESTRUCTIVE)
    assert sql.find("BEGIN DELETE FROM t; END", ["delete"], lacks=["where"])
    assert sql.find("SELECT 1 DELETE FROM t WHERE id = 1", ["delete"], lacks=["where"], anywhere=True) is None


def test_anywhere_matching_is_one_pass_per_statement() -> None:
    """A statement of many candidate starts must not re-scan its tail for each of them."""
    text = "DELETE " * 200_000 + "WHERE x"
    lexer = sql.Lexer(text)
    lexer.statements()
    assert lexer.work <= 2 * len(text)
    assert sql.find(text, ["delete"], lacks=["where"], anywhere=True) is None
