"""A real headless browser for tests that must see a page as a person does.

Chromium from the system's packages (Debian: `apt-get install -y chromium`;
.ci/run installs it). A missing browser fails the test with that instruction: a
page check that silently skips proves nothing.

`layout` loads a copy of the page with a small probe script appended (the page
itself has no scripts) and returns what the probe measured after layout;
`screenshot` takes a picture of the unmodified page at the same size, and
`read_png` decodes it with the standard library alone, so a test can check the
colour of the pixels where the layout says a bar is.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pytest

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
WIDTH = 1100


def chromium() -> str:
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("no Chromium on PATH (looked for " + ", ".join(CANDIDATES) + "); the report's browser test needs "
                "one: 'apt-get install -y chromium' on Debian or Ubuntu (.ci/run installs it)", pytrace=False)


def _run(page: Path, profile: Path, *args: str, height: int) -> subprocess.CompletedProcess[str]:
    cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
           "--force-device-scale-factor=1", "--disable-extensions", "--disable-background-networking",
           f"--user-data-dir={profile}", f"--window-size={WIDTH},{height}", *args, page.as_uri()]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-2000:]}"
    return done


PROBE = """<script>
(() => {
  const own = (e) => [...e.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join("");
  const box = (e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const svgs = [...document.querySelectorAll("svg")];
  const probe = {
    height: Math.ceil(document.documentElement.scrollHeight),
    width: Math.ceil(document.documentElement.scrollWidth),
    title: document.title,
    charts: svgs.map((svg) => ({
      title: svg.getAttribute("aria-label"),
      box: box(svg),
      bars: [...svg.querySelectorAll("rect[data-value]")].map((r) => ({box: box(r), fill: r.getAttribute("fill"),
                                                                         value: r.dataset.value})),
      labels: [...svg.querySelectorAll("text.label")].map((t) => ({box: box(t), text: own(t)})),
      empty: [...svg.querySelectorAll("text.empty")].map((t) => t.textContent),
      text: svg.textContent,
    })),
  };
  document.documentElement.setAttribute("data-probe", JSON.stringify(probe));
})();
</script>"""


def layout(page: Path, work: Path) -> dict[str, Any]:
    """What the browser laid out: every chart's box, bars (box, fill, value) and labels, page size."""
    probed = work / f"probe-{page.name}"
    probed.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = _run(probed, work / "profile-dom", "--dump-dom", height=1200).stdout
    found = re.search(r'data-probe="([^"]*)"', dom)
    assert found, "the probe script did not run: " + dom[:500]
    import html

    return json.loads(html.unescape(found.group(1)))


def screenshot(page: Path, target: Path, height: int) -> Path:
    _run(page, target.parent / "profile-shot", f"--screenshot={target}", height=height)
    assert target.is_file(), f"Chromium wrote no screenshot to {target}"
    return target


class Image:
    """A decoded 8-bit RGB or RGBA PNG: enough for reading back pixel colours."""

    def __init__(self, width: int, height: int, channels: int, rows: list[bytes]) -> None:
        self.width, self.height, self.channels, self.rows = width, height, channels, rows

    def pixel(self, x: float, y: float) -> tuple[int, int, int]:
        row = self.rows[int(y)]
        start = int(x) * self.channels
        return row[start], row[start + 1], row[start + 2]

    def share_not_background(self, background: tuple[int, int, int], step: int = 7) -> float:
        """The share of sampled pixels that differ from `background` (is anything drawn at all?)."""
        seen = drawn = 0
        for y in range(0, self.height, step):
            for x in range(0, self.width, step):
                seen += 1
                drawn += self.pixel(x, y) != background
        return drawn / seen


def read_png(path: Path) -> Image:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    offset, idat, header = 8, [], None
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        offset += 12 + length
    assert header, f"{path} has no IHDR"
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, f"unsupported PNG layout {header}"
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if kind == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif kind == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, previous, strict=True))
        elif kind == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = previous[i]
                c = previous[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return Image(width, height, channels, rows)
