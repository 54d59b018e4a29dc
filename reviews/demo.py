"""Demo content: the seed review and a few more, written for this project.

Facts (titles, dates, directors, companies) are public record; the review text is our own.
Everything is keyed by slug so that loading twice changes nothing.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.db import transaction

from blog.models import Category, Challenge, Page, Post, Tag

from .demo_posters import ensure_poster
from .models import Company, Documentary, Person, Review, StreamingService

CHALLENGE_NAME = "Blogging from A to Z"

SERVICES = {
    "netflix": ("Netflix", "https://www.netflix.com/"),
    "hulu": ("Hulu", "https://www.hulu.com/"),
    "pbs": ("PBS", "https://www.pbs.org/"),
    "kanopy": ("Kanopy", "https://www.kanopy.com/"),
    "library-dvd": ("Library DVD", ""),
}

DOCUMENTARIES = [
    {
        "slug": "ai-weiwei-never-sorry-2012",
        "title": "Ai Weiwei: Never Sorry",
        "release_date": datetime.date(2012, 4, 16),
        "runtime_minutes": 91,
        "directors": ["Alison Klayman"],
        "companies": ["United Expression Media"],
        "synopsis": "Three years with the Chinese artist Ai Weiwei, in his studio and in his "
        "fights with the authorities, up to his detention in 2011.",
    },
    {
        "slug": "africa-the-serengeti-1994",
        "title": "Africa: The Serengeti",
        "release_year": 1994,
        "runtime_minutes": 40,
        "directors": ["George Casey"],
        "companies": ["Graphic Films"],
        "synopsis": "A large-format film of the great migration across the Serengeti plains.",
    },
    {
        "slug": "american-experience-blackout-2015",
        "title": "American Experience: Blackout",
        "release_year": 2015,
        "runtime_minutes": 53,
        "directors": ["Callie T. Wiser"],
        "companies": ["WGBH Educational Foundation"],
        "synopsis": "New York City during the power failure of July 1977.",
    },
    {
        "slug": "american-experience-into-the-amazon-2015",
        "title": "American Experience: Into the Amazon",
        "release_year": 2015,
        "runtime_minutes": 113,
        "directors": ["John Maggio"],
        "companies": ["WGBH Educational Foundation"],
        "synopsis": "Theodore Roosevelt and Cândido Rondon on the River of Doubt in 1914.",
    },
    {
        "slug": "bill-nye-science-guy-2017",
        "title": "Bill Nye: Science Guy",
        "release_year": 2017,
        "runtime_minutes": 101,
        "directors": ["David Alvarado", "Jason Sussberg"],
        "companies": ["Structure Films"],
        "synopsis": "The television science teacher takes on climate denial and creationism.",
    },
    {
        "slug": "chasing-coral-2017",
        "title": "Chasing Coral",
        "release_year": 2017,
        "runtime_minutes": 89,
        "directors": ["Jeff Orlowski"],
        "companies": ["Exposure Labs"],
        "synopsis": "Divers and photographers record coral reefs bleaching as the sea warms.",
    },
    {
        "slug": "exit-through-the-gift-shop-2010",
        "title": "Exit Through the Gift Shop",
        "release_year": 2010,
        "runtime_minutes": 87,
        "directors": ["Banksy"],
        "companies": ["Paranoid Pictures"],
        "synopsis": "A shop owner with a camera follows street artists and becomes one.",
    },
]

# (documentary slug, challenge year, letter, publication date, rating, watched via, service,
#  also on, tags, body, lessons, also like)
REVIEWS = [
    {
        "documentary": "ai-weiwei-never-sorry-2012",
        "year": 2018,
        "letter": "A",
        "published": datetime.datetime(2018, 4, 2, 8, 0, tzinfo=datetime.UTC),
        "rating": Decimal("4"),
        "watched_via": "Netflix streaming",
        "service": "netflix",
        "also_on": ["hulu"],
        "tags": ["art", "activism", "China"],
        "body": (
            "Alison Klayman follows Ai Weiwei from 2009 to 2011, and the camera is there for "
            "both halves of his life: the artist who directs assistants building huge "
            "installations for museums abroad, and the citizen who will not let the state "
            "forget what it would rather bury.\n\n"
            "The centre of the film is his campaign after the 2008 Sichuan earthquake. Schools "
            "built cheaply collapsed on thousands of children, and when officials would not "
            "publish their names, Ai recruited volunteers to collect them one family at a time. "
            "The list ends up on a gallery wall, name after name.\n\n"
            "We also see him in Chengdu after a police beating, filing complaint after "
            "complaint with a patience that is itself a kind of performance, and watching his "
            "new Shanghai studio being torn down. Old photographs from his New York years in "
            "the 1980s fill in where the provocation started. The film closes with his 81 days "
            "in detention and a subdued man stepping back out.\n\n"
            "It is remarkable how much of this was filmed at all."
        ),
        "lessons": (
            "An artist can be an activist without giving up the art: Ai uses provocation and "
            "publicity to push against a government that hides its failures, and uses his "
            "work to give names back to children who would otherwise stay anonymous."
        ),
        "also_like": (
            "Look for Ai Weiwei's works in museum collections near you; several travelling "
            "exhibitions of Asian contemporary art have included them."
        ),
        "also_like_documentaries": ["exit-through-the-gift-shop-2010"],
    },
    {
        "documentary": "africa-the-serengeti-1994",
        "year": 2015,
        "letter": "A",
        "published": datetime.datetime(2015, 4, 1, 8, 0, tzinfo=datetime.UTC),
        "rating": Decimal("3.5"),
        "watched_via": "a library DVD",
        "service": "library-dvd",
        "also_on": [],
        "tags": ["nature", "Africa"],
        "body": (
            "Made for giant screens, this short film follows wildebeest, zebra and the "
            "predators that shadow them across the Serengeti. On a television the scale is "
            "lost, but the aerial shots of the herds still impress.\n\n"
            "The narration is sparse and sometimes dated; the pictures carry the film."
        ),
        "lessons": "The migration is a loop driven by rain, and every animal in it is "
        "following water and grass.",
        "also_like": "Watch it on the largest screen you can find.",
    },
    {
        "documentary": "american-experience-blackout-2015",
        "year": 2016,
        "letter": "A",
        "published": datetime.datetime(2016, 4, 1, 8, 0, tzinfo=datetime.UTC),
        "rating": Decimal("4"),
        "watched_via": "PBS online",
        "service": "pbs",
        "also_on": ["kanopy"],
        "tags": ["history", "New York City"],
        "body": (
            "On a hot July night in 1977 lightning knocked out the grid and New York went dark "
            "for a day. The film tells it hour by hour through people who were there: "
            "engineers at the utility, shop owners who lost everything, and young people for "
            "whom the night meant something very different.\n\n"
            "It avoids easy verdicts and shows a city already worn down by its fiscal crisis."
        ),
        "lessons": "A blackout reveals what a city was already like before the lights went out.",
        "also_like": "",
    },
    {
        "documentary": "american-experience-into-the-amazon-2015",
        "year": 2017,
        "letter": "A",
        "published": datetime.datetime(2017, 4, 1, 8, 0, tzinfo=datetime.UTC),
        "rating": Decimal("3.5"),
        "watched_via": "PBS online",
        "service": "pbs",
        "also_on": [],
        "tags": ["history", "exploration", "Brazil"],
        "body": (
            "After losing the 1912 election, Theodore Roosevelt joined the Brazilian explorer "
            "Cândido Rondon to map an unknown river. Disease, rapids and hunger nearly killed "
            "him.\n\n"
            "Rondon, far less known in the English-speaking world, comes out of this film as "
            "its real hero."
        ),
        "lessons": "Exploration looks very different when told from the side of the guide.",
        "also_like": "",
    },
    {
        "documentary": "bill-nye-science-guy-2017",
        "year": 2018,
        "letter": "B",
        "published": datetime.datetime(2018, 4, 3, 8, 0, tzinfo=datetime.UTC),
        "rating": Decimal("3"),
        "watched_via": "PBS online",
        "service": "pbs",
        "also_on": [],
        "tags": ["science", "climate"],
        "body": (
            "Part portrait, part argument: the film follows Bill Nye debating creationists and "
            "climate sceptics while trying to finish a solar sail project started by his "
            "mentor Carl Sagan. The portrait is the stronger half."
        ),
        "lessons": "Public science depends on people willing to explain it again and again.",
        "also_like": "",
    },
    {
        "documentary": "chasing-coral-2017",
        "year": 2018,
        "letter": "C",
        "published": datetime.datetime(2018, 4, 4, 8, 0, tzinfo=datetime.UTC),
        "rating": Decimal("4.5"),
        "watched_via": "Netflix streaming",
        "service": "netflix",
        "also_on": [],
        "tags": ["nature", "climate", "oceans"],
        "body": (
            "A team builds underwater time-lapse cameras to show reefs bleaching, and the "
            "cameras keep failing. The struggle to capture the images becomes the story, and "
            "when the pictures finally come the change is shocking."
        ),
        "lessons": "Some changes are too slow to see unless someone builds a way to see them.",
        "also_like": "",
    },
    {
        "documentary": "exit-through-the-gift-shop-2010",
        "year": 2018,
        "letter": "E",
        "published": datetime.datetime(2018, 4, 6, 8, 0, tzinfo=datetime.UTC),
        "rating": Decimal("4"),
        "watched_via": "Netflix streaming",
        "service": "netflix",
        "also_on": ["kanopy"],
        "tags": ["art", "street art"],
        "body": (
            "A clothing-shop owner obsessed with his video camera falls in with street "
            "artists, and the film's subject, Banksy, turns the camera back on him. Whether "
            "any of it happened as shown is a question the film enjoys leaving open."
        ),
        "lessons": "A documentary is a made thing, and this one wants you to notice.",
        "also_like": "",
        "also_like_documentaries": ["ai-weiwei-never-sorry-2012"],
    },
]


ABOUT_BODY = """\
I watch documentaries and write about them, one letter of the alphabet at a time. Every April
the [Blogging from A to Z challenge](/challenge/) sets the pace: a post a day, each for the next
letter, and here each post is a review.

## What you will find

- **A review per film**: what it is about, how it is made, and what one can learn from it.
- **The facts**: director, release date, running time and where to watch it.
- **A rating** out of five stars, and films to watch next.

## Say hello

Comments are open under every review. Sign in with an account you already have, or just leave
your name.
"""


def _named(model, names):
    objects = []
    for name in names:
        obj, _ = model.objects.get_or_create(name=name)
        objects.append(obj)
    return objects


@transaction.atomic
def load_demo(posters=False):
    """Create or refresh the demo content; returns the seed review's post.

    With `posters`, documentaries without a poster get one drawn (see demo_posters).
    """
    # Django creates the site as example.com; on a demo machine it is the development server.
    Site.objects.filter(pk=settings.SITE_ID, domain="example.com").update(
        domain="127.0.0.1:8000", name=settings.BLOG_TITLE
    )
    User = get_user_model()  # noqa: N806
    author, created = User.objects.get_or_create(
        username="liam", defaults={"first_name": "Liam", "email": "liam@example.com"}
    )
    if created:
        author.set_unusable_password()
        author.save()

    services = {}
    for key, (name, url) in SERVICES.items():
        services[key], _ = StreamingService.objects.update_or_create(
            slug=key, defaults={"name": name, "url": url}
        )

    documentaries = {}
    for data in DOCUMENTARIES:
        doc, _ = Documentary.objects.update_or_create(
            slug=data["slug"],
            defaults={
                "title": data["title"],
                "release_date": data.get("release_date"),
                "release_year": data.get("release_year")
                or (data["release_date"].year if data.get("release_date") else None),
                "runtime_minutes": data.get("runtime_minutes"),
                "synopsis": data.get("synopsis", ""),
            },
        )
        doc.directors.set(_named(Person, data["directors"]))
        doc.production_companies.set(_named(Company, data["companies"]))
        if posters:
            ensure_poster(doc)
        documentaries[data["slug"]] = doc

    category, _ = Category.objects.get_or_create(
        slug="documentary-reviews", defaults={"name": "Documentary Reviews"}
    )
    seed_post = None
    for data in REVIEWS:
        doc = documentaries[data["documentary"]]
        challenge, _ = Challenge.objects.get_or_create(
            name=CHALLENGE_NAME, year=data["year"], defaults={"theme": "Documentaries"}
        )
        title = f"Movie Review: {doc.title} ({doc.year}) #atozchallenge"
        post = Post.objects.filter(challenge=challenge, challenge_letter=data["letter"]).first()
        post = post or Post(challenge=challenge, challenge_letter=data["letter"])
        post.title = title
        post.slug = post.slug or f"movie-review-{doc.slug}"
        post.author = author
        post.body = data["body"]
        post.status = Post.Status.PUBLISHED
        post.published_at = data["published"]
        post.save()
        post.tags.set(_named(Tag, data["tags"]))
        post.categories.set([category])
        review, _ = Review.objects.update_or_create(
            post=post,
            defaults={
                "documentary": doc,
                "rating": data["rating"],
                "watched_via": data["watched_via"],
                "watched_service": services[data["service"]],
                "lessons": data["lessons"],
                "also_like": data["also_like"],
            },
        )
        review.also_available_on.set([services[key] for key in data["also_on"]])
        review.also_like_documentaries.set(
            [documentaries[slug] for slug in data.get("also_like_documentaries", [])]
        )
        if doc.slug == "ai-weiwei-never-sorry-2012":
            seed_post = post

    # Created once: `make run` loads the demo again each time, and the blogger's own words stay.
    Page.objects.get_or_create(
        slug="about",
        defaults={"title": "About", "body": ABOUT_BODY, "status": Page.Status.PUBLISHED},
    )

    draft, _ = Post.objects.get_or_create(
        slug="notes-for-next-april",
        published_at=None,
        defaults={
            "title": "Notes for next April",
            "author": author,
            "body": "A draft: only staff can see it, through its preview link.",
        },
    )
    return seed_post
