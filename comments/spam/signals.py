"""Signals a person reads in a comment, each on its own and independent of the classifier.

A moderator glancing at the queue sees "cheapreplicawatches.com" as a shop without a link in
the text, "Water Damage Restoration Orlando" as a business and "Pieter van der Berg" as a
person. These functions read the same things: the domains of the website, email and links
(joined-up names split into words), references anyone would cite, the name, spun or templated
text, a sales pitch with a messenger handle, and text in scripts the classifier never saw.
The pipeline files a comment as spam only when the classifier is all but certain *and* one of
these agrees, so none of them may depend on lists that start empty on a fresh site.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from .features import find_links, is_reference, plain_text, split_link, tokens, without_links


def _words(text):
    return frozenset(text.split())


# Words that make a domain, a path or a name commercial. Kept to trades and offers that a
# film reviewer's readers do not name their blogs after.
COMMERCIAL_WORDS = _words(
    """
    loan loans payday lender lenders credit cash debt mortgage insurance forex crypto bitcoin btc
    trading trader traders signals invest investment casino casinos bet bets betting poker slot
    slots jackpot bingo roulette gambling gacor judi togel baccarat spin spins
    replica replicas outlet wholesale cheap discount deals coupon coupons promo jerseys handbags
    pharmacy pharma pills viagra cialis levitra tramadol xanax meds rx drugstore
    essay essays homework assignment assignments dissertation thesis writings
    seo backlink backlinks ranking traffic marketing agency followers likes views boost
    keto diet slim weight garcinia supplement supplements cbd vape vapes
    plumber plumbers plumbing roofing roofer locksmith lawyer lawyers attorney attorneys
    dentist dental injury divorce movers packers cleaning restoration remodel remodeling
    removal repair repairs contractor contractors escort escorts dating hookup torrent
    movies fmovies download downloads apk crack mixer flights
    """
)
# Words that join the commercial ones in domains and business names; known so that the
# segmentation finds word boundaries, never a reason on their own.
FILLER_WORDS = _words(
    """
    easy quick fast instant best top pro pros expert experts hub usa uk near me my the a an and
    online store shop shops day same get buy free real royal lucky golden gold king kingdom win
    vip club money now today daily group law firm city smile smiles service services
    company solutions care home house water damage door garage kitchen tree car auto
    advance short term no check buy sell sale sales new social growth media web design app
    dev team now one all in on for of to your you plus max deal green leaf store point
    brooklyn dallas miami houston austin denver phoenix orlando leeds toronto chicago atlanta
    melbourne sydney delhi dubai london pune bali speedy gummies gaming chairs watches lux luxury
    """
)

# Top-level domains that cost next to nothing and carry mostly spam; .blog is not one of them.
CHEAP_TLDS = _words(
    "xyz top vip icu buzz click loan win bid racing party trade work stream gq tk ml cf ga cc pw"
)
# Paths of a shop or a sign-up page.
_SHOP_PATH = _words("shop store product products cart checkout order buy apply bonus deals sale")

_SPINTAX = re.compile(r"\{[^{}|]{1,60}(?:\|[^{}|]{0,60}){1,}\}")
_TEMPLATE = re.compile(r"%[A-Z_]{3,}%|\[(?:NAME|TITLE|URL|KEYWORD|SITE)\]|\{(?:NAME|TITLE|URL)\}")
_MESSENGER = re.compile(
    r"\b(?:whats\s?app|telegram|wechat|viber|signal\s+app|kik)\b|微信|加v|\btg\s*[:：]|@[a-z0-9_]{5,}\b",
    re.IGNORECASE,
)
_PHONE = re.compile(r"\+?\d[\d\s().-]{8,}\d")
_PITCH = re.compile(
    r"\b(?:earn|invest(?:ed|ment)?|profit|returns?|loan|loans|recover(?:y|ed)?|funds?|trad(?:e|ing)|"
    r"crypto|bitcoin|bonus|essay|writers?|income|award|compensation|hire|hacker|spell|"
    r"\$\s?\d|\d+\s?%)",
    re.IGNORECASE,
)
# Asking readers to come and see, subscribe, vote or share: what a video-site spammer does.
_SELF_PROMOTION = re.compile(
    r"\bsubscribe\b|\bsub\s*(?:to|4)\s*(?:me|my|sub)\b|\bsub4sub\b"
    r"|\bcheck\s+(?:out\s+)?(?:my|our)\s+(?:new\s+|latest\s+|own\s+)?(?:channel|videos?|vids?|"
    r"vidios|music|songs?|mixtape|page|playlist|cover|profile|account|instagram|stuff)\b"
    r"|\b(?:check\s+out|take\s+a\s+look\s+at)\s+this\s+(?:video|playlist|channel)\b"
    r"|\b(?:visit|see|watch|listen\s+to|share)\s+(?:my|our)\s+(?:channel|videos?|music|songs?|"
    r"page|profile|playlist)\b|\bfollow\s+(?:me|us)\b|\bmy\s+(?:youtube\s+)?channel\b"
    r"|\bgive\s+(?:me|it)\s+a\s+(?:like|chance|thumbs)\b|\blike\s+this\s+comment\b"
    r"|\bplease\s+(?:vote|share|like|support|help\s+me|visit|check)\b"
    r"|\bfree\s+(?:gift\s+cards?|iphone|money|followers|likes)\b|\b(?:make|earn)\s+(?:money|\$)",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_CJK_COMMERCIAL = re.compile(
    r"代写|论文|赌|娱乐|注册|首存|返水|百家乐|彩票|高仿|复刻|包邮|兼职|日结|日赚|贷款|借款|微信|加v|名表|"
    r"货到付款|代购|优惠|送\d+"
)
_CYRILLIC_COMMERCIAL = re.compile(
    r"займ|кредит|казино|ставк|деньги на карту|заработ", re.IGNORECASE
)
_NAME_PARTICLES = _words(
    "van der den de la le du des da di del della dos das von zu ten ter te op ap bin binti ibn "
    "al el ní ni nic mac mc y e und and & of the"
)
_NAME_TITLES = _words("mr mrs ms miss dr prof jr sr sir dame rev")
# In a name, these make it a business; words that are also surnames or nicknames are left out.
_NAME_SELLING = _words(
    "buy cheap best top free shop store services service company agency ltd inc llc hub pros "
    "experts"
)
_BLOG_WORDS = _words(
    "books book bookworms reads reader readers reading letters diaries diary journal notes "
    "tales stories history kitchen garden gardens podcast blog memories travels musings "
    "pages words ink"
)


VOCABULARY = COMMERCIAL_WORDS | FILLER_WORDS | _BLOG_WORDS
_LONGEST = max(len(w) for w in VOCABULARY)

_NAME_COMMERCIAL = COMMERCIAL_WORDS - _words(
    "cash spin spins views likes boost slim diet weight trader signals movies flights cleaning "
    "bet bets credit traffic ranking dating"
)


@lru_cache(maxsize=4096)
def _segment(chunk):
    """A run of letters split where a reader would ("easyloans" → easy, loans): the split with
    the fewest letters left over, then the fewest words. A tuple of (piece, known) pairs,
    unknown letters gathered into runs."""
    n = len(chunk)
    # best[i]: (letters not covered, words, the split so far) for chunk[:i].
    best = [(0, 0, ())] + [None] * n
    for i in range(1, n + 1):
        left, count, split = best[i - 1]
        candidate = (left + 1, count, (*split, (chunk[i - 1], False)))
        for j in range(max(0, i - _LONGEST), i):
            piece = chunk[j:i]
            if piece in VOCABULARY and best[j] is not None:
                left_j, count_j, split_j = best[j]
                option = (left_j, count_j + 1, (*split_j, (piece, True)))
                if option[:2] < candidate[:2]:
                    candidate = option
        best[i] = candidate
    pieces = []
    for piece, known in best[n][2]:
        if not known and pieces and not pieces[-1][1]:
            pieces[-1] = (pieces[-1][0] + piece, False)
        else:
            pieces.append((piece, known))
    return tuple(pieces)


def _commercial_in(chunk):
    """Commercial words of one run of letters of a domain. A short word counts only between
    known words or the ends ("speedyloanpros"), not where it may be part of a longer word
    ("alphabet", "cashew", "slothbooks")."""
    if len(chunk) <= 3:
        return [chunk] if chunk in COMMERCIAL_WORDS else []
    pieces = _segment(chunk)
    found = []
    for i, (piece, known) in enumerate(pieces):
        if not known or piece not in COMMERCIAL_WORDS:
            continue
        neighbours = pieces[max(i - 1, 0) : i] + pieces[i + 1 : i + 2]
        if len(piece) >= 5 or all(k for _, k in neighbours):
            found.append(piece)
    return found


def domain_words(host):
    """The commercial words of a host's name, without the top-level domain:
    "easy-loans-now.co.uk" and "easyloansnow.co.uk" both give loans."""
    labels = host.lower().split(".")
    labels = [label for label in labels[:-1] if label not in {"www", "blogspot", "wordpress"}]
    if len(labels) > 1 and len(labels[-1]) <= 3:  # .co.uk, .com.au
        labels = labels[:-1]
    found = []
    for label in labels:
        for chunk in re.findall(r"[a-z]+", label):
            found.extend(_commercial_in(chunk))
    return found


@dataclass(frozen=True)
class SiteReading:
    """What a domain (and path) says about the site: its commercial words, whether its top-level
    domain is a throwaway one and whether the path is a shop or an application page."""

    host: str
    words: tuple
    cheap_tld: bool
    shop_path: bool

    @property
    def commercial(self):
        return bool(self.words) or self.cheap_tld or self.shop_path

    def describe(self):
        bits = list(dict.fromkeys(self.words))[:3]
        if self.cheap_tld:
            bits.append("a throwaway domain")
        if self.shop_path:
            bits.append("a shop page")
        return ", ".join(bits)


def read_site(url):
    """A `SiteReading` of a link, website or email domain; None for no site or a reference."""
    host, path, _ = split_link(url)
    if "." not in host or is_reference(host):
        return None
    words = tuple(domain_words(host))
    path_words = set(tokens(path))
    words += tuple(sorted(path_words & COMMERCIAL_WORDS - {"download"}))
    return SiteReading(
        host=host,
        words=words,
        cheap_tld=host.rsplit(".", 1)[-1] in CHEAP_TLDS,
        shop_path=bool(path_words & _SHOP_PATH),
    )


def hosts_of(text, *, email="", url=""):
    """Every host a comment names: its links, the website and the email's domain."""
    hosts = {split_link(link)[0] for link in find_links(text)}
    hosts.add(split_link(url)[0] if url else "")
    hosts.add(email_domain(email))
    return hosts - {""}


def email_domain(email):
    return email.rsplit("@", 1)[1].strip().lower() if "@" in (email or "") else ""


def name_kind(name):
    """ "person", "blog" (a person signing with their blog, "Beans & Books"), "business"
    ("Water Damage Restoration Orlando") or "" for no name."""
    name = re.sub(r"\([^)]*\)", " ", name or "").strip()  # "Kate (co-host, Reel Talk)"
    if not name:
        return ""
    # "Jen @ Paper Lanterns", "Liam from Webfix": the person comes first.
    parts = re.split(r"\s+(?:@|from|at|-|\||–)\s+", name, maxsplit=1)
    person = parts[0]
    words = [w.strip(".,!") for w in person.split()]
    lowered = [w.lower() for w in words]
    if re.search(r"\.(?:com|net|org|info|biz|co|io|shop)\b", person.lower()):
        return "business"
    if len(words) >= 2 and re.search(r"\d{2,}", person):  # "Slot 88 Gacor"; "user40" is a handle
        return "business"
    strong = [w for w in lowered if w in _NAME_COMMERCIAL]
    if strong and (len(words) >= 2 or len(parts) == 1):
        return "business"
    if any(w in _BLOG_WORDS for w in lowered) or "&" in person:
        return "blog"  # "Sweet Shop Memories", "Beans & Books"
    names = [w for w in words if w.lower() not in _NAME_PARTICLES | _NAME_TITLES]
    if len(names) > 4 or (len(words) >= 2 and any(w in _NAME_SELLING for w in lowered)):
        return "business"
    if len(names) >= 2 and all(w[:1].islower() for w in names):
        return "business"  # "best seo company in delhi": keywords, not a name
    return "person"


def is_spun(text):
    return bool(_SPINTAX.search(text or "") or _TEMPLATE.search(text or ""))


def contact_pitch(text):
    """A messenger handle or phone number next to a pitch (money, loans, essays), with no link:
    the scams that cannot be caught by where they link."""
    plain = text or ""
    if not (_MESSENGER.search(plain) or _PHONE.search(plain)):
        return False
    return bool(_PITCH.search(plain) or _CJK_COMMERCIAL.search(plain))


def foreign_offer(text):
    """An offer written in a script the classifier never learned (Chinese, Russian)."""
    plain = text or ""
    return bool(
        (_CJK.search(plain) and _CJK_COMMERCIAL.search(plain)) or _CYRILLIC_COMMERCIAL.search(plain)
    )


_SHINGLE = 8
_COPIED_SHARE = 0.8


def _shingles(text):
    words = re.findall(r"\w+", plain_text(without_links(text)))
    return {tuple(words[i : i + _SHINGLE]) for i in range(len(words) - _SHINGLE + 1)}


def copied_from(text, sources):
    """Whether `text` is mostly a copy of one of `sources` (the post, other comments): at
    least eight words in a row, and four in five of its runs of eight words found there."""
    mine = _shingles(text)
    if not mine:
        return False
    return any(len(mine & _shingles(source)) >= _COPIED_SHARE * len(mine) for source in sources)


# Each signal in the queue's words.
REASONS = {
    "commercial-website": "commercial website",
    "commercial-email": "commercial email address",
    "commercial-link": "links to a commercial site",
    "business-name": "the name is a business, not a person",
    "spun": "spun or templated text",
    "contact-pitch": "a sales pitch with a messenger or phone contact",
    "foreign-offer": "an offer in Chinese or Russian",
    "self-promotion": "asks readers to come and see, subscribe or share",
    "copied": "text copied from the post or another comment",
}


@dataclass(frozen=True)
class Signal:
    key: str
    words: str  # the reason, in the queue's words


def read(text, *, name="", email="", url="", copied_sources=(), spared=frozenset()):
    """The independent signals of a comment, as `Signal`s (empty for an ordinary comment).

    `spared` holds hosts and lower-cased names that moderators rescued comments from: the
    site and name signals do not fire for them.
    """
    found = []
    website = read_site(url) if url else None
    if website is not None and website.host in spared:
        website = None
    if website is not None and website.commercial:
        found.append(Signal("commercial-website", f"commercial website ({website.describe()})"))
    mail = read_site(email_domain(email)) if email_domain(email) else None
    if (
        mail is not None
        and mail.words
        and mail.host not in spared
        and (website is None or mail.host != website.host)
    ):
        found.append(Signal("commercial-email", f"commercial email domain ({mail.describe()})"))
    for link in find_links(text):
        site = read_site(link)
        if site is None or site.host in spared:
            continue
        if site.commercial and (website is None or site.host != website.host):
            found.append(
                Signal("commercial-link", f"links to a commercial site ({site.describe()})")
            )
            break
    if name_kind(name) == "business" and name.strip().lower() not in spared:
        found.append(Signal("business-name", "the name is a business, not a person"))
    if is_spun(text):
        found.append(Signal("spun", "spun or templated text"))
    if contact_pitch(text):
        found.append(Signal("contact-pitch", "a sales pitch with a messenger or phone contact"))
    if _SELF_PROMOTION.search(plain_text(text)):
        found.append(Signal("self-promotion", REASONS["self-promotion"]))
    if foreign_offer(text):
        found.append(Signal("foreign-offer", "an offer in Chinese or Russian"))
    if copied_sources and copied_from(text, copied_sources):
        found.append(Signal("copied", "text copied from the post or another comment"))
    return found
