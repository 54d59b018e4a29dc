"""The A to Z planner in the admin: April's calendar, the gaps, one-click drafts, warnings."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import Challenge, Post
from tests.factories import make_challenge, make_post, make_review, make_user


def planner_url(challenge):
    return reverse("admin:blog_challenge_planner", args=[challenge.pk])


def letter_rows(html):
    """{letter: (iso date, state class, text)} for each lettered day of the planner."""
    rows = {}
    pattern = r'<li class="planner-day planner-(\w+)" id="letter-([A-Z])">(.*?)</li>'
    for state, letter, body in re.findall(pattern, html, re.S):
        day = re.search(r'datetime="([\d-]+)"', body).group(1)
        rows[letter] = (day, state, " ".join(re.sub(r"<[^>]+>", " ", body).split()))
    return rows


def test_planner_shows_april_2018_with_the_demo_posts_and_the_gaps(admin_client, demo):
    response = admin_client.get(planner_url(demo.challenge))
    assert response.status_code == 200
    html = response.content.decode()
    rows = letter_rows(html)
    assert list(rows) == [chr(65 + n) for n in range(26)]
    days = [datetime.date.fromisoformat(rows[letter][0]) for letter in rows]
    assert all(day.year == 2018 and day.month == 4 for day in days)
    assert days[0] == datetime.date(2018, 4, 2) and days[-1] == datetime.date(2018, 4, 30)
    assert rows["Y"][0] == "2018-04-29"  # April is one day short: its last Sunday counts
    posted = {post.challenge_letter: post for post in Post.objects.filter(challenge=demo.challenge)}
    assert sorted(posted) == ["A", "B", "C", "E"]
    for letter, (day, state, text) in rows.items():
        if letter in posted:
            assert state == "published" and posted[letter].title in text
            assert posted[letter].published_on.isoformat() == day
        else:
            assert state == "gap" and f"Create a draft for “{letter}”" in text
    assert html.count("Day off") == 3  # April 8, 15 and 22
    assert "4 published · 0 scheduled · 0 drafts · 22 gaps" in html
    assert "Needs a look" not in html


def test_one_click_creates_a_dated_draft_for_the_letter(admin_client, demo):
    challenge = demo.challenge
    url = reverse("admin:blog_challenge_planner_draft", args=[challenge.pk])
    response = admin_client.post(url, {"letter": "D"})
    draft = Post.objects.get(challenge=challenge, challenge_letter="D")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:blog_post_change", args=[draft.pk])
    assert draft.status == Post.Status.DRAFT
    assert draft.published_on == datetime.date(2018, 4, 5)
    assert timezone.localtime(draft.published_at).date() == datetime.date(2018, 4, 5)
    assert draft.author.username == "admin"
    assert client_sees_draft_in_planner(admin_client, challenge, "D")
    # Readers cannot see it, and a second click does not make another.
    assert draft.title not in admin_client.get("/challenge/2018/").content.decode()
    admin_client.post(url, {"letter": "D"})
    assert Post.objects.filter(challenge=challenge, challenge_letter="D").count() == 1


def client_sees_draft_in_planner(client, challenge, letter):
    day, state, text = letter_rows(client.get(planner_url(challenge)).content.decode())[letter]
    return state == "draft" and "Preview" in text


def test_bad_letters_and_gets_are_refused_with_a_message(admin_client, demo):
    url = reverse("admin:blog_challenge_planner_draft", args=[demo.challenge.pk])
    assert admin_client.get(url).status_code == 405
    response = admin_client.post(url, {"letter": "ß"}, follow=True)
    assert "Choose a letter from A to Z." in response.content.decode()
    assert admin_client.get(planner_url(Challenge(pk=9999))).status_code == 404


def test_readers_and_staff_without_permission_cannot_plan(client, demo):
    response = client.get(planner_url(demo.challenge))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(make_user("trainee", is_staff=True))
    url = reverse("admin:blog_challenge_planner_draft", args=[demo.challenge.pk])
    assert client.get(planner_url(demo.challenge)).status_code == 403
    assert client.post(url, {"letter": "D"}).status_code == 403


def test_warnings_for_a_wrong_date_a_shared_day_and_a_scheduled_post_without_review(
    admin_client, db
):
    year = timezone.localdate().year + 1
    challenge = make_challenge(year=year)
    days = challenge.letter_days()
    at = lambda day: timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))  # noqa: E731
    make_post("A in time", challenge=challenge, challenge_letter="A", published_at=at(days[0]))
    make_post("C too early", challenge=challenge, challenge_letter="C", published_at=at(days[1]))
    reviewed = make_post(
        "D reviewed", challenge=challenge, challenge_letter="D", published_at=at(days[3])
    )
    make_review(post=reviewed)
    html = admin_client.get(planner_url(challenge)).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Needs a look (" in text
    assert f"“C” is due on {days[2]:%A, %B} {days[2].day}, but its post is dated" in text
    assert "is the day of “B”, but “C” is dated on it too." in text
    assert "“A” is scheduled but has no review yet." in text
    assert "“C” is scheduled but has no review yet." in text
    assert "“D” is scheduled" not in text
    rows = letter_rows(html)
    assert rows["A"][1] == "scheduled" and rows["B"][1] == "gap"


def test_the_schedule_lives_with_the_challenge(admin_client, db):
    days = [datetime.date(2030, 4, 1) + datetime.timedelta(days=n) for n in range(26)]
    challenge = make_challenge(year=2030, letter_dates="\n".join(d.isoformat() for d in days))
    rows = letter_rows(admin_client.get(planner_url(challenge)).content.decode())
    assert [rows[letter][0] for letter in rows] == [d.isoformat() for d in days]
    weekends = make_challenge(year=2031, days_off="Sat, Sun")
    days = weekends.letter_days()
    # 22 weekdays in April 2031: the last four weekend days count, and it still ends in April.
    assert [day.day for day in days if day.weekday() >= 5] == [19, 20, 26, 27]
    assert days[0] == datetime.date(2031, 4, 1) and days[-1] == datetime.date(2031, 4, 30)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("letter_dates", "2030-04-01\n2030-04-02", "Give 26 days"),
        ("letter_dates", "first of April", "is not a date"),
        ("days_off", "Sundays, Caturday", "“Caturday” is not a weekday"),
    ],
)
def test_a_bad_schedule_is_refused_with_a_message_and_kept(admin_client, db, field, value, message):
    challenge = make_challenge(year=2030)
    data = {
        "name": challenge.name,
        "year": 2030,
        "theme": "",
        "hashtag": "atozchallenge",
        "description": "",
        "starts_on": "",
        "days_off": "Sun",
        "letter_dates": "",
        field: value,
    }
    url = reverse("admin:blog_challenge_change", args=[challenge.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and value.split("\n")[0] in html
    challenge.refresh_from_db()
    assert getattr(challenge, field) != value


def test_the_challenge_screen_links_its_planner(admin_client, demo):
    change = reverse("admin:blog_challenge_change", args=[demo.challenge.pk])
    assert planner_url(demo.challenge) in admin_client.get(change).content.decode()
    listing = admin_client.get(reverse("admin:blog_challenge_changelist")).content.decode()
    assert planner_url(demo.challenge) in listing


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_planner_queries_do_not_grow_with_posts(admin_client, db):
    challenge = make_challenge(year=2031)
    days = challenge.letter_days()
    at = lambda day: timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))  # noqa: E731
    make_post("A", challenge=challenge, challenge_letter="A", published_at=at(days[0]))
    one = _queries(admin_client, planner_url(challenge))
    for index in range(1, 26):
        letter = chr(65 + index)
        post = make_post(
            letter, challenge=challenge, challenge_letter=letter, published_at=at(days[index])
        )
        if index % 2:
            make_review(post=post)
    assert _queries(admin_client, planner_url(challenge)) == one


def test_a_draft_that_cannot_be_made_says_why(admin_client, demo):
    challenge = demo.challenge
    day = challenge.letter_days()[3]
    # Another post already holds the address the draft would take on D's day.
    make_post(
        "Taken",
        slug="atozchallenge-2018-d",
        published_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(20))),
    )
    url = reverse("admin:blog_challenge_planner_draft", args=[challenge.pk])
    response = admin_client.post(url, {"letter": "D"}, follow=True)
    assert "No draft was made for “D”" in response.content.decode()
    assert not Post.objects.filter(challenge=challenge, challenge_letter="D").exists()
