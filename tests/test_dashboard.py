"""`storytime-analytics dashboard`: the self-contained HTML page, rendered for real by
headless Chromium (`make chromium` installs it), on the scenario of
tests/scenarios/dashboard.py built with the default vars (see its docstring for the
numbers: today Feb 28, 2.17 minutes, 2 children, trend +166.7 %, 2 active books)."""

from __future__ import annotations

import io
import re
import struct
import subprocess
import zlib
from collections import Counter
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from storytime_analytics import cli

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def cli_env(dashboard_warehouse, monkeypatch):
    monkeypatch.delenv("STORYTIME_DATABASE_URL", raising=False)
    for key, value in dashboard_warehouse.target.env().items():
        monkeypatch.setenv(key, value)


def run_cli(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(args)
    return code, out.getvalue(), err.getvalue()


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium (make chromium installs it)")
    return subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )


def png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """(width, height, the rows of pixel bytes) of an 8-bit RGB or RGBA PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and color in (2, 6), (depth, color)
            bpp = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride, rows, previous = zlib.decompress(idat), width * bpp, [], bytes(width * bpp)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = previous[i], previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        previous = rows[-1]
    return width, height, rows


def test_dashboard_page_renders_in_chromium(cli_env, tmp_path):
    page = tmp_path / "dashboard.html"
    code, out, err = run_cli(["dashboard", "--out", str(page), "--book", "1", "--book", "5"])
    assert code == 0, err
    assert out.startswith(f"wrote {page} (as of 2026-02-28; books 1, 5)")
    html = page.read_text()
    # self-contained: no script, no external reference
    assert "<script" not in html and not re.search(r"""(src|href)=["']?(https?:)?//""", html)

    dumped = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert dumped.returncode == 0, dumped.stderr
    dom = dumped.stdout
    assert 'id="card-minutes-today"><div class="label">Minutes watched today</div>' in dom
    assert '<div class="value">2.17</div>' in dom  # today's minutes
    assert 'id="trend-value">+166.7 %</span>' in dom
    assert "4.00 vs 1.50 min" in dom
    assert dom.count('<polyline class="spark') == 2  # the sparkline's two weeks
    # the lifecycle card, Feb 28: child 3 returns (Feb 25), child 1 resurrects (last active
    # Feb 20, 8 days before); 7 and 28 days: children 1-4; stickiness 2 / 4
    card = re.search(r'id="card-lifecycle">(.*?)</svg></div>', dom, re.S).group(1)
    assert '<div class="value">2</div>' in card
    split = re.search(r'id="lifecycle-split">(.*?)</div>', card).group(1)
    assert re.sub(r"<[^>]+>", "", split) == "0 new · 1 returning · 1 resurrecting"
    assert "0 dormant · 4 in 7 days · 4 in 28 days · stickiness 50.0 %" in card
    assert card.count('<rect class="life-') == 14 * 3  # the 14-day chart
    assert "<title>2026-02-28: 1 resurrecting</title>" in card
    # top books by minutes: book 1 (2.67 min, 1 completion, 2 children), then book 2
    top = re.search(r'<table id="top-minutes">(.*?)</table>', dom, re.S).group(1)
    assert re.findall(r"<td>(.*?)</td>", top) == [
        *["1", "Book 1", "2.67", "1", "2"],
        *["2", "Book 2", "1.33", "0", "2"],
    ]
    # default dashboard_min_plays = 5: no book ranks by completion rate yet
    assert 'id="top-completion">No book qualifies yet.' in dom
    assert "No plays in 30 days: 2</h3>" in dom and "never played" in dom
    # book 6 has no video duration: flagged as such, never as a low completion rate
    unknown = re.search(r'id="alerts-duration_unknown">(.*?)</div>', dom, re.S).group(1)
    assert "Duration unknown (completion unknown): 1</h3>" in unknown
    assert "Book 6" in unknown and "3 of 3 plays without a known video duration" in unknown
    low = re.search(r'id="alerts-low_completion_rate">(.*?)</div>', dom, re.S).group(1)
    assert "Book 6" not in low
    # book 1's panel: 30 bars, 11 drop-off buckets; book 5 (never watched) has no histogram
    book1 = re.search(r'<section class="book" id="book-1">(.*?)</section>', dom, re.S).group(1)
    assert book1.count('<rect class="bar"') == 30
    assert book1.count('<rect class="bucket"') == 11
    assert "<title>2026-02-28: 1.67 min</title>" in book1
    assert '<div class="value">66.7 %</div>' in book1  # 2 of 3 plays complete
    assert re.search(r'Valid plays \(30 s or complete\)</div><div class="value">3</div>', book1)
    # the retention curve beside the histogram: plays reached 90, 60 and 100 of 100 s
    curve = re.search(r'<svg class="retention-curve".*?</svg>', book1, re.S).group(0)
    assert curve.count("<circle") == 21
    assert "<title>60 %: 100.0 % of 3 plays</title>" in curve
    assert "<title>65 %: 66.7 % of 3 plays</title>" in curve
    assert "<title>95 %: 33.3 % of 3 plays</title>" in curve
    book5 = re.search(r'<section class="book" id="book-5">(.*?)</section>', dom, re.S).group(1)
    assert book5.count('<rect class="bar"') == 30 and "No play with a known duration" in book5
    assert "retention-curve" not in book5

    shot = tmp_path / "dashboard.png"
    taken = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1100,1500", page.as_uri())
    assert taken.returncode == 0, taken.stderr
    width, height, rows = png_pixels(shot)
    assert (width, height) == (1100, 1500)
    # not blank: the page's colours are there (background, cards, blue bars, orange
    # buckets, text), and the background covers well under all of it
    bpp = len(rows[0]) // width
    pixels = Counter(row[x : x + 3] for row in rows[::4] for x in range(0, len(row), bpp * 4))
    background, most = pixels.most_common(1)[0]
    assert most < 0.9 * sum(pixels.values())
    assert len(pixels) > 20
    assert bytes.fromhex("3e7bfa") in pixels and bytes.fromhex("f0883e") in pixels


def test_default_books_are_the_top_three_by_minutes(cli_env, tmp_path):
    page = tmp_path / "default.html"
    code, out, err = run_cli(["dashboard", "--out", str(page)])
    assert code == 0, err
    assert "books 1, 2)" in out
    html = page.read_text()
    assert 'id="book-1"' in html and 'id="book-2"' in html and 'id="book-3"' not in html


@pytest.mark.parametrize(
    "args, message",
    [
        (["--out", "{tmp}/page.txt"], "the page must be an .html file"),
        (["--out", "{tmp}/missing/page.html"], "no such directory"),
        (["--out", "{tmp}/page.html", "--book", "abc"], "no book 'abc'"),
        (["--out", "{tmp}/page.html", "--book", "999"], "no book 999"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(cli_env, tmp_path, args, message):
    code, out, err = run_cli(["dashboard", *[a.format(tmp=tmp_path) for a in args]])
    assert code == 2
    assert err.count("\n") == 1 and message in err, err
    assert not (tmp_path / "page.html").exists()
