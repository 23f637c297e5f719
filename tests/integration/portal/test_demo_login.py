"""``permis2d demo`` prints a demo login that really logs in to a linked account."""

from __future__ import annotations

import re

from click.testing import CliRunner

from issuer.web import create_app
from permis2d.cli import cli
from permis2d.settings import Settings
from tests.integration.portal.portal_site import csrf_token


def test_demo_login_logs_in_to_a_linked_account(settings: Settings) -> None:
    result = CliRunner().invoke(cli, ["demo", "--no-serve"], obj=settings)
    assert result.exit_code == 0, result.output
    match = re.search(r"Demo login for the portal: (\S+) / (\S+)  \(NEPH (\w+)\)", result.output)
    assert match, result.output
    email, password, neph = match.groups()
    app = create_app(settings)
    client = app.test_client()
    token = csrf_token(client.get("/connexion").text)
    answer = client.post("/connexion", data={"email": email, "password": password,
                                             "csrf_token": token})
    assert answer.status_code == 303 and answer.headers["Location"] == "/mes-points"
    page = client.get("/mes-points")
    assert page.status_code == 200 and 'data-balance="' in page.text
    with app.extensions["portal"].sessions() as db:
        from issuer.web.models import Account

        assert db.query(Account).filter_by(email=email).one().neph == neph
    again = CliRunner().invoke(cli, ["demo", "--no-serve"], obj=settings)
    assert again.exit_code == 0 and password not in again.output  # a new password each run
    app.extensions["portal"].engine.dispose()
