"""The Letterboxd import's summary, as the command prints it and the admin shows it."""

import dataclasses

from importer.common import BaseSummary


@dataclasses.dataclass
class Summary(BaseSummary):
    source: str = ""
    publish: bool = False
    keep_ratings: bool = False
    several: list = dataclasses.field(default_factory=list)
    rewatches: list = dataclasses.field(default_factory=list)
    unreviewed: list = dataclasses.field(default_factory=list)

    def lines(self):
        c = self.counts
        out = [
            f"Letterboxd import of {self.source}"
            + (": DRY RUN, nothing was saved" if self.dry_run else "")
        ]
        state = "published with their Letterboxd dates" if self.publish else "drafts"
        out.append(
            f"Reviews: {c['review created']} imported as {state}, "
            f"{c['review unchanged']} already imported"
        )
        out.append(
            f"Documentaries: {c['documentary created']} created, "
            f"{c['documentary matched']} already here; tags: {c['tag created']} created"
        )
        if self.several:
            out.append("Films reviewed more than once (each review is its own post):")
            out.extend(f"  - {line}" for line in self.several)
        if self.rewatches:
            out.append("Rewatches (each its own post, titled “rewatched”):")
            out.extend(f"  - {line}" for line in self.rewatches)
        if self.unreviewed:
            kept = (
                f"{c['rating kept']} kept with their documentary"
                if self.keep_ratings
                else "not imported; keeping ratings (--keep-ratings) creates their documentaries"
            )
            out.append(f"Rated or logged without a review ({len(self.unreviewed)}; {kept}):")
            for entry in self.unreviewed:
                rating = f"{entry.rating:g} stars" if entry.rating is not None else "no rating"
                watched = f", watched {entry.watched_on}" if entry.watched_on else ""
                out.append(f"  - {entry.label}: {rating}{watched}")
        if c["rating unchanged"]:
            out.append(f"Ratings without a review already kept: {c['rating unchanged']}")
        if c["watched only"]:
            out.append(f"Films only marked as watched (not imported): {c['watched only']}")
        out.extend(self.warning_lines())
        return out
