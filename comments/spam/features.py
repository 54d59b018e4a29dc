"""What the classifier looks at in a blog comment, besides its words.

Blog spam and a fellow blogger's visit can read alike ("great post, see my blog"); what tells
them apart is where the links go (a dated post on the commenter's own blog, or a shop), whether
the text is about this post, and whether the name is a person's or a string of keywords. Each
of these becomes a named feature here, and `REASONS` puts them in words for the queue.
"""

import html
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

_TAG = re.compile(r"<[^>]*>")
_HREF = re.compile(r"""href\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'\]\[)]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|ly|info|"
    r"biz|ru|io|co|me|tk|xyz|us|uk|de|in|shop|store|online|site)\b(?:/[^\s<>\"'\]\[)]*)?",
    re.IGNORECASE,
)
_MD_LINK = re.compile(r"\]\(([^)\s]+)\)")
_BBCODE = re.compile(r"\[(?:url|link)(?:=|\])", re.IGNORECASE)
WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_SPACE = re.compile(r"\s+")
_TOKEN = re.compile(r"[a-z]+")

# A link to a dated blog post: /2018/04/02/slug/, Blogger's /2018/04/slug.html, WordPress's ?p=12.
_DATED_PATH = re.compile(r"/(?:19|20)\d\d/(?:0?[1-9]|1[0-2])(?:/|$)")
_POST_QUERY = re.compile(r"(?:^|&)(?:p|page_id)=\d+(?:&|$)")


def _words(text):
    return frozenset(text.split())


COMMERCIAL = _words(
    """
    shop shops store stores buy cheap cheapest discount discounts deal deals sale sales coupon
    coupons promo price prices order outlet replica replicas wholesale product products cart
    casino casinos bet bets betting poker slots slot jackpot bingo roulette gambling
    loan loans payday lender credit cash debt mortgage insurance forex crypto bitcoin trading
    pharmacy pills pill viagra cialis levitra tramadol xanax meds medication rx pharma drugstore
    essay essays paper papers homework assignment dissertation thesis writer writers writing
    seo backlink backlinks ranking traffic marketing agency followers likes
    escort dating hookup weight diet keto supplement supplements cbd vape
    plumber plumbing roofing locksmith lawyer attorney dentist repair movers cleaning
    download crack apk free online services service company best top hire
    """
)
_SHOP_PATH = _words("shop store product products item items buy cart checkout order deals sale")
STOP = _words(
    """
    about after again also another because been before being between both could does doing
    down during each even every from have having here into just like made many more most much
    must only other over same should some such than that their them then there these they this
    those through under very well were what when where which while will with would your yours
    film films documentary documentaries movie review post blog watch watched read
    """
)
PRAISE = re.compile(
    r"\b(?:great|nice|good|awesome|excellent|amazing|wonderful|fantastic|informative|useful|"
    r"helpful|valuable|interesting|superb|brilliant|lovely)\s+(?:post|article|blog|read|"
    r"content|information|info|share|stuff|work|write-?up|piece|site|website|one|points?)\b"
    r"|\bthanks?\s+(?:you\s+)?for\s+(?:sharing|posting|the\s+(?:info|information|post|article))"
    r"|\bkeep\s+(?:it\s+up|up\s+the\s+(?:good|great)\s+work|posting|writing|sharing)"
    r"|\bbookmark(?:ed|ing)?\b|\bwell\s+written\b|\bvery\s+(?:informative|helpful|useful)\b"
    r"|\bi\s+(?:really\s+)?(?:learned|learnt)\s+a\s+lot\b|\bhelped\s+me\s+a\s+lot\b",
    re.IGNORECASE,
)
CHALLENGE = re.compile(
    r"#?\ba\s*(?:to|-|2)\s*z\b|#?atoz|\balphabet\b|\bletter\s+[a-z]\b|\bblogging\s+from\b",
    re.IGNORECASE,
)
_TITLE_LETTER = re.compile(r"^\s*([A-Z])\s+(?:is|was)\s+for\b")
_PERSON_WORD = re.compile(r"^(?:[^\W\d_][^\W\d_'’-]*\.?)$")
_OUTREACH = re.compile(
    r"\b(?:broken|dead|outdated)\s+links?\b|\b(?:404|no longer works)\b"
    r"|\b(?:replace|swap|update)\s+(?:it|the\s+link|that\s+link)\b|\bguest\s+post",
    re.IGNORECASE,
)

# Sites anyone citing a film would link to: a link there is not a reason to hold.
REFERENCE_DOMAINS = _words(
    """
    wikipedia.org wikimedia.org wikidata.org youtube.com youtu.be vimeo.com imdb.com
    letterboxd.com boxd.it archive.org rottentomatoes.com metacritic.com criterion.com
    bfi.org.uk loc.gov si.edu smithsonianmag.com nytimes.com theguardian.com
    washingtonpost.com bbc.co.uk bbc.com npr.org newyorker.com theatlantic.com
    latimes.com variety.com hollywoodreporter.com indiewire.com nhm.ac.uk moma.org
    cinematheque.fr eso.org nasa.gov justwatch.com goodreads.com
    """
)
_REFERENCE_SUFFIXES = (".gov", ".edu", ".gov.uk", ".ac.uk", ".museum")


def is_reference(host):
    return any(host == d or host.endswith("." + d) for d in REFERENCE_DOMAINS) or host.endswith(
        _REFERENCE_SUFFIXES
    )


def find_links(text):
    """The URLs in a comment: HTML hrefs, Markdown links, BBCode and bare addresses."""
    text = html.unescape(text or "")
    links = _HREF.findall(text) + _MD_LINK.findall(text)
    links += _URL.findall(_HREF.sub(" ", _MD_LINK.sub(" ", text)))
    return links


def split_link(url):
    """(host without www., path, query) of a link or a bare address."""
    url = url.strip()
    if "://" not in url:
        url = "http://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return "", "", ""
    host = (parts.hostname or "").lower().rstrip(".").removeprefix("www.")
    return host, parts.path or "", parts.query or ""


def link_host(url):
    return split_link(url)[0]


def is_dated_post(url):
    _, path, query = split_link(url)
    return bool(_DATED_PATH.search(path) or _POST_QUERY.search(query))


def tokens(text):
    return _TOKEN.findall(text.lower())


def without_links(text):
    """The text with its addresses taken out (links have features of their own)."""
    text = _HREF.sub(" ", html.unescape(text or ""))
    return _URL.sub(" ", _MD_LINK.sub("] ", text))


def plain_text(text):
    """Visible text, lower-cased, whitespace collapsed."""
    text = html.unescape(text or "").replace("\ufeff", " ")
    return _SPACE.sub(" ", _TAG.sub(" ", text)).strip().lower()


def topic_words(text):
    return {w for w in tokens(text) if len(w) >= 4 and w not in STOP}


@dataclass(frozen=True)
class Context:
    """The post a comment is left on: its title with the film and directors, its text, and
    whether it is a challenge entry. Empty when unknown (then no topic feature is given)."""

    about: str = ""
    body: str = ""
    challenge: bool = False

    @classmethod
    def from_title(cls, title, body=""):
        """From a title alone, as in the training files ("A is for … #AtoZChallenge")."""
        title = title or ""
        challenge = bool(_TITLE_LETTER.match(title) or CHALLENGE.search(title))
        return cls(about=title, body=body, challenge=challenge)

    @property
    def known(self):
        return bool(self.about)

    def describe(self):
        """One line that `from_title` reads back the same way (stored with training examples)."""
        tag = " #AtoZChallenge" if self.challenge and not CHALLENGE.search(self.about) else ""
        return f"{self.about}{tag}"[:300]


def blog_features(text, *, url="", context=None):
    """Features of a comment as a blog comment: links, website, topic, challenge. (The name
    and the other signals a person reads are in `signals`.)"""
    found = set()
    plain = plain_text(text)
    links = find_links(text)
    # A reference anyone would cite is neither a reason to hold nor a shop for its slug: the
    # classifier does not see it at all (TubeSpam's video spam would teach it that a YouTube
    # link is spam).
    links = [link for link in links if not is_reference(link_host(link))]
    hosts = [link_host(link) for link in links]
    # Links to dated posts are counted apart: on a blog they are the visitors' own entries.
    posts = [link for link in links if is_dated_post(link)]
    # No "no links" feature: a comment without a link is not thereby ham (the website, the
    # email and a messenger handle carry spam as well).
    if len(links) > len(posts):
        found.add(f"l:links={min(len(links) - len(posts), 3)}")
    found.update(f"l:host={host}" for host in hosts)
    commercial = False
    for link in links:
        host, path, _ = split_link(link)
        host_tokens = set(tokens(host.rsplit(".", 1)[0])) - {"www", "blogspot", "wordpress"}
        if link in posts:
            found.add("l:dated-post")
            found.update(f"u:{t}" for t in host_tokens)
            commercial = commercial or bool(host_tokens & COMMERCIAL)
        else:
            path_tokens = set(tokens(path))
            found.update(f"u:{t}" for t in host_tokens | path_tokens)
            commercial = commercial or bool((host_tokens | path_tokens) & COMMERCIAL)
            found.add("l:not-a-post")
            if path_tokens & _SHOP_PATH:
                found.add("l:shop-page")
    if _BBCODE.search(text or ""):
        found.add("l:bbcode")
    if url:
        site = link_host(url)
        site_tokens = set(tokens(site.rsplit(".", 1)[0])) - {"www", "blogspot", "wordpress"}
        found.add("a:url")
        found.update(f"a:{t}" for t in site_tokens)
        if site_tokens & COMMERCIAL:
            commercial = True
        if links:
            found.add("a:matches-link" if site in hosts else "a:differs-from-link")
    if commercial:
        found.add("l:commercial")
    if len(WORD.findall(plain)) <= 6 and not links:
        found.add("t:short")
    praise = bool(PRAISE.search(plain))
    if praise:
        found.add("t:generic-praise")
    if _OUTREACH.search(plain):
        found.add("t:outreach")
    mentions_challenge = bool(CHALLENGE.search(plain))
    if context is not None and context.known:
        said = topic_words(plain)
        on_post = bool(said & topic_words(context.about))
        on_review = len(said & (topic_words(context.body) - topic_words(context.about))) >= 2
        if on_post:
            found.add("t:mentions-post")
        if on_review:
            found.add("t:mentions-review")
        if not (on_post or on_review):
            found.add("t:any-page")
            if praise:
                found.add("t:praise-for-any-page")
        if context.challenge:
            found.add("c:challenge-post")
            if mentions_challenge:
                found.add("c:challenge-visit")
        elif mentions_challenge:
            found.add("c:challenge-elsewhere")
    elif mentions_challenge:
        found.add("c:mentions-challenge")
    return found


# Features with a plain-words reason, for the queue; the classifier's weights say which count.
REASONS = {
    "t:praise-for-any-page": "generic praise that would fit any page",
    "t:generic-praise": "generic praise",
    "l:commercial": "commercial link",
    "l:shop-page": "links to a shop page",
    "l:bbcode": "forum-style [url] links",
    "n:business": "the name is a business, not a person",
    "a:differs-from-link": "their website is not the site they link to",
    "t:any-page": "says nothing about this post",
    "l:not-a-post": "links to a page that is not a blog post",
    "t:outreach": "asks to replace a link",
    "c:challenge-elsewhere": "talks of the A to Z challenge on a post outside it",
    "l:links=3": "many links",
}
