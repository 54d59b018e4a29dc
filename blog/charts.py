"""Charts drawn on the server: the numbers and the geometry; the SVG markup is in
templates/includes/_chart.html (with a table of the same numbers for screen readers).

Sizes are in the SVG's own units: the chart is 320 wide and scales to the column, so its
text stays legible on a 375-pixel phone. Colours come from the style sheet (both schemes).
"""

import math

WIDTH = 320
PLOT_HEIGHT = 140
LEFT, RIGHT, TOP, BOTTOM = 30, 6, 18, 34


def _ticks(top):
    """Round steps from 0 to at least `top` (at most five lines)."""
    step = 1 if top <= 5 else math.ceil(top / 4)
    ceiling = step * math.ceil(top / step) if top else step
    return [step * n for n in range(int(ceiling / step) + 1)], ceiling


def bar_chart(
    slug, title, description, bars, *, columns, max_value=None, value_labels=None, note=""
):
    """A vertical bar chart. `bars`: dicts with `label`, `value` (a number or None for "no
    bar") and optionally `text` (the value as shown), `name` (the label spelled out for the
    table) and `href`. `columns`: the table's two headings."""
    values = [float(bar["value"]) for bar in bars if bar["value"] is not None]
    ticks, ceiling = _ticks(max_value if max_value is not None else max(values, default=0))
    plot_width = WIDTH - LEFT - RIGHT
    band = plot_width / max(len(bars), 1)
    bar_width = band * 0.72
    show_values = value_labels if value_labels is not None else len(bars) <= 12
    label_size = 11 if len(bars) <= 12 else 8.5
    drawn = []
    for index, bar in enumerate(bars):
        value = bar["value"]
        height = 0 if value is None else PLOT_HEIGHT * float(value) / ceiling
        x = LEFT + band * index + (band - bar_width) / 2
        drawn.append(
            {
                **bar,
                "text": bar.get("text", "" if value is None else _number(value)),
                "name": bar.get("name", bar["label"]),
                "x": round(x, 2),
                "y": round(TOP + PLOT_HEIGHT - height, 2),
                "width": round(bar_width, 2),
                "height": round(height, 2),
                "center": round(x + bar_width / 2, 2),
                "has_value": value is not None,
            }
        )
    return {
        "kind": "bars",
        "id": f"chart-{slug}",
        "title": title,
        "description": description,
        "note": note,
        "width": WIDTH,
        "height": TOP + PLOT_HEIGHT + BOTTOM,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "baseline": TOP + PLOT_HEIGHT,
        "label_y": TOP + PLOT_HEIGHT + 15,
        "label_size": label_size,
        "show_values": show_values,
        "grid": [
            {
                "value": _number(tick),
                "y": round(TOP + PLOT_HEIGHT - PLOT_HEIGHT * tick / ceiling, 2),
            }
            for tick in ticks
        ],
        "bars": drawn,
        "columns": columns,
    }


def line_chart(slug, title, description, points, *, columns, low=0, high=5):
    """A line over labelled points (`label`, `value`, optional `text`), on a fixed scale."""
    plot_width = WIDTH - LEFT - RIGHT
    step = plot_width / max(len(points), 1)
    drawn = []
    for index, point in enumerate(points):
        x = LEFT + step * index + step / 2
        y = TOP + PLOT_HEIGHT - PLOT_HEIGHT * (float(point["value"]) - low) / (high - low)
        drawn.append(
            {
                **point,
                "text": point.get("text", _number(point["value"])),
                "name": point.get("name", point["label"]),
                "x": round(x, 2),
                "y": round(y, 2),
            }
        )
    return {
        "kind": "line",
        "id": f"chart-{slug}",
        "title": title,
        "description": description,
        "note": "",
        "width": WIDTH,
        "height": TOP + PLOT_HEIGHT + BOTTOM,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "baseline": TOP + PLOT_HEIGHT,
        "label_y": TOP + PLOT_HEIGHT + 15,
        "label_size": 11 if len(points) <= 12 else 8.5,
        "show_values": len(points) <= 12,
        "grid": [
            {
                "value": _number(tick),
                "y": round(TOP + PLOT_HEIGHT - PLOT_HEIGHT * (tick - low) / (high - low), 2),
            }
            for tick in range(int(low), int(high) + 1)
        ],
        "points": drawn,
        "path": " ".join(f"{point['x']},{point['y']}" for point in drawn),
        "columns": columns,
    }


def _number(value):
    """3 → "3", 3.5 → "3.5", 3.456 → "3.46"."""
    number = round(float(value), 2)
    return str(int(number)) if number == int(number) else f"{number:g}"


def challenge_chart(year, grid):
    """Letters posted in a year's challenge and the rating of each (reached through the
    post's `review` relation, so blog/ needs no import of the reviews app)."""
    bars = []
    for cell in grid["cells"]:
        post = cell["post"]
        review = getattr(post, "review", None) if post is not None else None
        if post is None:
            state = "coming soon" if cell["coming_soon"] else "not posted"
            bars.append({"label": cell["letter"], "value": None, "text": state})
        elif review is None:
            bars.append({"label": cell["letter"], "value": None, "text": "posted, no rating"})
        else:
            bars.append(
                {
                    "label": cell["letter"],
                    "value": review.rating,
                    "text": f"{_number(review.rating)} stars",
                    "href": post.get_absolute_url(),
                }
            )
    rated = [bar for bar in bars if bar["value"] is not None]
    average = sum(float(bar["value"]) for bar in rated) / len(rated) if rated else None
    challenge = grid["challenge"]
    description = f"{grid['posted']} of 26 letters posted"
    if rated:
        description += f"; {len(rated)} rated, on average {_number(average)} stars out of 5"
    return bar_chart(
        f"challenge-{challenge.pk}",
        f"{challenge.name} {year}: the rating of each letter",
        description + ". Letters without a bar were not posted or not rated.",
        bars,
        columns=("Letter", "Rating"),
        max_value=5,
    )
