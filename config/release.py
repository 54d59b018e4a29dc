"""Which release of the code is running: part of every page-cache key, so a deploy renders
pages anew. DJANGO_RELEASE names it; otherwise the checkout's commit, read from `.git`."""

import secrets
from pathlib import Path


def from_checkout(base_dir):
    git = Path(base_dir) / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head[:12]
        ref = head.removeprefix("ref: ")
        if (git / ref).exists():
            return (git / ref).read_text().strip()[:12]
        for line in (git / "packed-refs").read_text().splitlines():
            if line.endswith(f" {ref}"):
                return line.split()[0][:12]
    except OSError:
        pass
    return ""


def release(base_dir, configured, debug):
    name = configured or from_checkout(base_dir) or "unversioned"
    # With DEBUG on, code changes without a commit: every process (each reload) starts afresh.
    return f"{name}-{secrets.token_hex(4)}" if debug else name
