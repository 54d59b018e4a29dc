"""The WordPress import's summary: counts, warnings and what is listed for the person."""

import dataclasses

from importer.common import BaseSummary


@dataclasses.dataclass
class Summary(BaseSummary):
    source: str = ""
    title: str = ""
    version: str = ""
    unrecognised: list = dataclasses.field(default_factory=list)
    kept_urls: list = dataclasses.field(default_factory=list)
    sticky: list = dataclasses.field(default_factory=list)

    def lines(self):
        c = self.counts
        head = f'WordPress import of "{self.title}" ({self.source}, WXR {self.version})'
        out = [head + (": DRY RUN, nothing was saved" if self.dry_run else "")]

        def row(label, kind, extra=""):
            out.append(
                f"{label}: {c[kind + ' created']} created, {c[kind + ' updated']} updated, "
                f"{c[kind + ' unchanged']} unchanged{extra}"
            )

        row(
            "Posts",
            "post",
            f" (published {c['post published']}, scheduled {c['post scheduled']}, "
            f"drafts {c['post draft']}, private as drafts {c['post private']})",
        )
        row("Pages", "page")
        row(
            "Comments",
            "comment",
            f" (public {c['comment public']}, pending {c['comment pending']}, "
            f"spam {c['comment spam']}, removed {c['comment removed']}, "
            f"hidden under those {c['comment hidden']}; "
            f"pingbacks {c['comment pingback']}, trackbacks {c['comment trackback']})",
        )
        out.append(
            f"Reviews recognised: {c['review']} (documentaries created "
            f"{c['documentary created']}); A-to-Z entries: {c['challenge entry']}"
        )
        out.append(
            f"Categories: {c['category created']} created; tags: {c['tag created']} created; "
            f"authors: {c['author matched']} matched, {c['author created']} created"
        )
        out.append(
            f"Images: {c['image copied']} copied, {c['image reused']} already here, "
            f"{len(self.kept_urls)} kept at their WordPress address"
        )
        if self.sticky:
            out.append(
                "Sticky posts (no such thing here; kept in the import record): "
                + ", ".join(self.sticky)
            )
        skipped = sorted(k for k in c if k.startswith("skipped "))
        if skipped:
            out.append("Skipped: " + ", ".join(f"{c[k]} {k[8:]}" for k in skipped))
        if self.unrecognised:
            out.append(f"Review lines not recognised ({len(self.unrecognised)}), kept as text:")
            out.extend(f"  - {line}" for line in self.unrecognised)
        if self.kept_urls:
            out.append(f"Images still at their WordPress address ({len(self.kept_urls)}):")
            out.extend(f"  - {url}" for url in self.kept_urls)
        out.extend(self.warning_lines())
        return out
