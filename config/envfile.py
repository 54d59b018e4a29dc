"""The development `.env`: `make run` writes one when there is none, settings read it.

Lines are `NAME=value`: quotes around the value are dropped, `#` starts a comment line, and
` #` ends an unquoted value (as in `.env.example`).
Variables already set in the real environment always win over the file. Standard library only:
`make run` calls this module before anything is installed (`python3 -m config.envfile`).
"""

import os
import secrets
import sys
from pathlib import Path

HEADER = (
    "# Development settings written by `make run` (the key is random and only for this machine).\n"
    "# Variables set in the real environment win over these. Never use this file on a server.\n"
)


def parse(text):
    """{NAME: value} from the text of an env file; malformed lines are ignored."""
    values = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, value = line.split("=", 1)
        name = name.strip().removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        elif " #" in value:  # an unquoted value ends where a comment starts
            value = value.split(" #", 1)[0].rstrip()
        if name.isidentifier():
            values[name] = value
    return values


def read(path):
    """The file's variables, or {} when it does not exist."""
    try:
        return parse(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def load(path, environ=os.environ):
    """Put the file's variables into `environ` where they are not set; returns those added."""
    added = {name: value for name, value in read(path).items() if name not in environ}
    environ.update(added)
    return added


def write_development(path):
    """Write a development `.env` (DEBUG on, a fresh secret key) unless the file exists."""
    path = Path(path)
    if path.exists():
        return False
    key = secrets.token_urlsafe(50)
    path.write_text(f"{HEADER}DJANGO_DEBUG=1\nDJANGO_SECRET_KEY={key}\n", encoding="utf-8")
    path.chmod(0o600)
    return True


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent.parent / ".env"
    if write_development(target):
        print(f"Wrote {target.name} for development (DJANGO_DEBUG=1, a generated secret key).")
