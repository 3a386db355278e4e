"""Try sign-in on this computer: a local OpenID Connect provider and the dashboard signed in to it.

    bash scripts/sign_in_demo.sh            # or: .venv/bin/python scripts/sign_in_demo.py [--port 8501]

The provider (oidc-provider-mock, a test package) asks only for an account name; three are ready:
alice@district.gov.uk and bob@county.gov.uk, whose addresses the provider vouches for, and
"mallory", who claims Alice's address unverified and so sees none of her work. Saved work goes into
data/sign-in-demo.sqlite, apart from your own. Ctrl+C stops both.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from oidc_provider_mock import User, run_server_in_thread

ROOT = Path(__file__).resolve().parent.parent
DATABASE = ROOT / "data" / "sign-in-demo.sqlite"
ACCOUNTS = [
    User(sub=email, claims={"email": email, "email_verified": True, "name": email.split("@")[0].title()})
    for email in ("alice@district.gov.uk", "bob@county.gov.uk")
] + [User(sub="mallory", claims={"email": "alice@district.gov.uk", "email_verified": False, "name": "Mallory"})]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def secrets_toml(app_url: str, metadata_url: str) -> str:
    return (
        "[auth]\n"
        f'redirect_uri = "{app_url}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "prevention-roi-demo"\n'
        'client_secret = "demo-only"\n'
        f'server_metadata_url = "{metadata_url}"\n'
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The dashboard with a local sign-in provider, to try sign-in.")
    parser.add_argument("--port", type=int, default=8501, help="the dashboard's port (default 8501)")
    args = parser.parse_args(argv)
    app_url = f"http://localhost:{args.port}"
    DATABASE.parent.mkdir(exist_ok=True)
    with run_server_in_thread(port=free_port(), user_claims=ACCOUNTS) as provider, tempfile.TemporaryDirectory() as tmp:
        metadata = f"http://localhost:{provider.server_port}/.well-known/openid-configuration"
        secrets_file = Path(tmp) / "secrets.toml"
        secrets_file.write_text(secrets_toml(app_url, metadata))
        print(f"Sign-in provider: http://localhost:{provider.server_port}")
        print(f"Dashboard: {app_url}  (Sign in, then type alice@district.gov.uk, bob@county.gov.uk or mallory)")
        command = [
            sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
            f"--server.port={args.port}", "--server.address=localhost", "--server.headless=true",
            "--browser.gatherUsageStats=false", f"--secrets.files={secrets_file}",
        ]  # fmt: skip
        environment = {**os.environ, "ROI_DATABASE_URL": f"sqlite:///{DATABASE}"}
        dashboard = subprocess.Popen(command, cwd=ROOT, env=environment)
        signal.signal(signal.SIGTERM, lambda *_: dashboard.terminate())  # stopping this stops the dashboard too
        try:
            return dashboard.wait()
        except KeyboardInterrupt:
            dashboard.terminate()
            return dashboard.wait()


if __name__ == "__main__":
    raise SystemExit(main())
