"""The one masking function: no credential of a database URL reaches a person, however the URL carries it
(issue 15, finding 4), and what is not a secret stays readable."""

from __future__ import annotations

import pytest

from data_access.settings import masked, redacted

# (URL, secrets that must not appear, parts that must stay readable)
CASES = [
    ("postgresql+psycopg://cx:s3cret@db.example.com:5432/cx", ["s3cret"], ["cx:***@db.example.com:5432/cx"]),
    ("postgresql://cx:s3c@ret@db:5432/cx", ["s3c", "ret@"], ["postgresql://cx:***@db:5432/cx"]),
    ("postgresql://cx:p@ss@w0rd@db/cx", ["p@ss", "w0rd"], ["cx:***@db/cx"]),
    ("postgresql://cx:s3c:ret@db/cx", ["s3c", ":ret"], ["cx:***@db/cx"]),
    ("postgresql://cx:s3c/ret@db/cx", ["s3c", "ret@"], ["cx:***@db/cx"]),
    ("postgresql://cx:a?b=c@db/cx", ["a?b", "b=c"], ["cx:***@db/cx"]),
    ("postgresql://cx:s3cr%40t@db/cx", ["s3cr", "%40t", "s3cr@t"], ["cx:***@db/cx"]),
    ("postgresql://cx:has%20space%3A@db/cx", ["has", "space"], ["cx:***@db/cx"]),
    ("postgresql://cx@db:5432/cx?password=hunter2", ["hunter2"], ["cx@db:5432/cx?password=***"]),
    ("postgresql://db/cx?user=cx&password=hunter2", ["hunter2"], ["db/cx?user=cx&password=***"]),
    ("postgresql://cx:pw1x@db/cx?sslmode=require&sslpassword=keyphrase",
     ["pw1x", "keyphrase"], ["cx:***@db/cx?sslmode=require&sslpassword=***"]),
    ("snowflake://cx@acct/db/schema?warehouse=wh&token=tok123", ["tok123"], ["acct/db/schema?warehouse=wh&token=***"]),
    ("postgresql://db/cx?PassWord=Hunter2&PWD=abc99&Passwd=zz99", ["Hunter2", "abc99", "zz99"],
     ["PassWord=***&PWD=***&Passwd=***"]),
    ("bigquery://project/dataset?api_key=k1k1&apikey=k2k2&access_key=k3k3&client_secret=k4k4",
     ["k1k1", "k2k2", "k3k3", "k4k4"], ["bigquery://project/dataset?api_key=***"]),
    ("postgresql://db/cx?application_name=cx&db_password_file=pfpf&refresh_token=rtrt", ["pfpf", "rtrt"],
     ["application_name=cx&db_password_file=***&refresh_token=***"]),
    ("duckdb:///md:cx?motherduck_token=eyJhbGci", ["eyJhbGci"], ["duckdb:///md:cx?motherduck_token=***"]),
    ("postgresql://cx:pw2x@h1:5432,h2:5433/cx?target_session_attrs=any", ["pw2x"],
     ["cx:***@h1:5432,h2:5433/cx?target_session_attrs=any"]),
    ("postgresql://cx:pw3x@[::1]:5432/cx", ["pw3x"], ["cx:***@[::1]:5432/cx"]),
    ("mssql+pyodbc:///?odbc_connect=DRIVER%3D%7BODBC%7D%3BSERVER%3Ddb%3BUID%3Dcx%3BPWD%3Dhunter2", ["hunter2"],
     ["mssql+pyodbc:///?odbc_connect=***"]),
    ("postgresql://db/cx?options=-c%20password%3Dhunter2", ["hunter2"], ["postgresql://db/cx?options=***"]),
    ("weird:://cx:s3cret@db", ["s3cret"], ["weird:://cx:***@db"]),
    ("cx:s3cret@db:5432/cx", ["s3cret"], ["cx:***@db:5432/cx"]),
    ("host=db port=5432 user=cx password=hunter2 dbname=cx", ["hunter2"], ["host=db port=5432 user=cx password=***"]),
    ("host=db password='two words' dbname=cx", ["two words", "words"], ["host=db password=*** dbname=cx"]),
]
UNCHANGED = [
    "postgresql+psycopg://cx@db.example.com:5432/cx",
    "postgresql://db/cx?sslmode=require&application_name=cx-insight",
    "duckdb:///data/cx.duckdb",
    "duckdb:////srv/cx/cx.duckdb",
    "duckdb:////tmp/a:b@c/cx.duckdb",
    "duckdb:///:memory:",
    "sqlite:///data/cx.sqlite",
    "not a url",
    "",
]


@pytest.mark.parametrize(("url", "secrets", "readable"), CASES)
def test_no_secret_survives_and_the_rest_stays_readable(url, secrets, readable):
    shown = masked(url)
    assert not [s for s in secrets if s in shown], shown
    assert all(part in shown for part in readable), shown


@pytest.mark.parametrize("url", UNCHANGED)
def test_a_url_without_credentials_is_shown_as_typed(url):
    assert masked(url) == url


def test_a_query_value_holding_an_at_sign_hides_too_much_rather_than_too_little():
    """A password may hold '@' unencoded, so the host is what follows the last '@' shaped like one."""
    assert "pw4x" not in masked("postgresql://cx:pw4x@db/cx?application_name=me@home")


@pytest.mark.parametrize(("url", "secret"), [
    ("postgresql://cx:s3cr%40t@db/cx", "s3cr@t"),
    ("postgresql://cx:s3cr%40t@db/cx", "s3cr%40t"),
    ("postgresql://cx@db/cx?password=hunter%2B2", "hunter+2"),
    ("postgresql://cx@db/cx?sslpassword=hunter2", "hunter2"),
    ("mssql+pyodbc:///?odbc_connect=SERVER%3Ddb%3BPWD%3Dhunter2", "hunter2"),
])
def test_a_driver_message_that_echoes_a_secret_is_redacted(url, secret):
    text = f'connection to "db" failed: password={secret} rejected; the password was {secret}'
    shown = redacted(text, url)
    assert secret not in shown and shown.startswith('connection to "db" failed: password=***'), shown
