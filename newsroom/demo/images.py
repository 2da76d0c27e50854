"""Illustrative JPEGs for the demo photos, drawn with Pillow.

Each picture is a simple painted scene (sky, horizon, a ship, a levee, an aircraft, tents,
people) chosen by the photo's ``scene`` and varied by a random generator seeded from its
VIRIN, so the same VIRIN always gives the same bytes. No real imagery, no metadata: the
JPEG carries no EXIF, GPS or camera data.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFilter

JPEG_OPTIONS = {"format": "JPEG", "quality": 85, "progressive": True, "optimize": True}

# Uniform colours, roughly: Army/Marine camouflage, Navy working blue, dress blues, scrubs.
CAMO = ((120, 112, 88), (104, 100, 80), (132, 122, 96))
NAVY_BLUE = ((46, 62, 92), (40, 54, 84))
DRESS = ((26, 30, 48), (30, 36, 56), (40, 44, 40))
WINTER = ((214, 216, 214), (180, 184, 186), (150, 156, 160))
SCRUBS = ((92, 142, 160), (120, 160, 150))
VEST = ((236, 156, 40), (220, 200, 50))

SKIES = {
    "day": ((72, 128, 196), (196, 216, 232)),
    "clear": ((40, 104, 186), (176, 206, 232)),
    "overcast": ((120, 128, 140), (196, 198, 200)),
    "storm": ((70, 78, 92), (150, 156, 160)),
    "dawn": ((62, 82, 130), (238, 180, 130)),
    "haze": ((140, 170, 200), (226, 222, 208)),
    "winter": ((120, 150, 190), (226, 232, 240)),
}


def _mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


def _jitter(rng, colour, amount=10):
    return tuple(max(0, min(255, c + rng.randint(-amount, amount))) for c in colour)


class _Painter:
    """Draws in fractions of the picture (0..1 across, 0..1 down) so any size works."""

    def __init__(self, size, rng: random.Random):
        self.w, self.h = size
        self.rng = rng
        self.img = Image.new("RGB", size, (128, 128, 128))
        self.draw = ImageDraw.Draw(self.img)

    # Coordinates.
    def p(self, x, y):
        return (round(x * self.w), round(y * self.h))

    def box(self, x0, y0, x1, y1):
        (a, b), (c, d) = self.p(x0, y0), self.p(x1, y1)
        return (min(a, c), min(b, d), max(a, c), max(b, d))

    # Primitives.
    def gradient(self, top, bottom, y0=0.0, y1=1.0, x0=0.0, x1=1.0):
        box = self.box(x0, y0, x1, y1)
        width, height = max(1, box[2] - box[0]), max(1, box[3] - box[1])
        mask = Image.linear_gradient("L").resize((width, height))
        band = Image.composite(Image.new("RGB", (width, height), bottom), Image.new("RGB", (width, height), top), mask)
        self.img.paste(band, box[:2])

    def rect(self, x0, y0, x1, y1, fill):
        self.draw.rectangle(self.box(x0, y0, x1, y1), fill=fill)

    def rrect(self, x0, y0, x1, y1, fill, radius=0.004):
        self.draw.rounded_rectangle(self.box(x0, y0, x1, y1), radius=max(1, round(radius * self.w)), fill=fill)

    def ellipse(self, x0, y0, x1, y1, fill):
        self.draw.ellipse(self.box(x0, y0, x1, y1), fill=fill)

    def poly(self, points, fill):
        self.draw.polygon([self.p(x, y) for x, y in points], fill=fill)

    def line(self, points, fill, width=0.002):
        self.draw.line([self.p(x, y) for x, y in points], fill=fill, width=max(1, round(width * self.w)))

    def glow(self, x, y, radius, colour, strength=170):
        """A soft light (sun, lamp, window): drawn small, blurred, scaled up, then blended."""
        small = (max(8, self.w // 8), max(8, self.h // 8))
        mask = Image.new("L", small, 0)
        d = ImageDraw.Draw(mask)
        cx, cy, r = x * small[0], y * small[1], radius * small[0]
        d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=strength)
        mask = mask.filter(ImageFilter.GaussianBlur(r * 0.9)).resize(self.img.size, Image.BILINEAR)
        self.img.paste(Image.new("RGB", self.img.size, colour), (0, 0), mask)

    def clouds(self, y0, y1, count, colour=(250, 250, 252), strength=150):
        small = (max(8, self.w // 8), max(8, self.h // 8))
        mask = Image.new("L", small, 0)
        d = ImageDraw.Draw(mask)
        for _ in range(count):
            cx, cy = self.rng.uniform(-0.1, 1.1) * small[0], self.rng.uniform(y0, y1) * small[1]
            width = self.rng.uniform(0.08, 0.22) * small[0]
            for _ in range(self.rng.randint(3, 6)):
                dx, dy = self.rng.uniform(-width, width), self.rng.uniform(-width * 0.15, width * 0.1)
                r = self.rng.uniform(0.25, 0.5) * width
                d.ellipse((cx + dx - r, cy + dy - r * 0.6, cx + dx + r, cy + dy + r * 0.6), fill=strength)
        mask = mask.filter(ImageFilter.GaussianBlur(small[0] / 90)).resize(self.img.size, Image.BILINEAR)
        self.img.paste(Image.new("RGB", self.img.size, colour), (0, 0), mask)
        self.draw = ImageDraw.Draw(self.img)

    def ridge(self, y, amplitude, colour, roughness=0.5, steps=40, bottom=1.0):
        """A hill or mountain line across the picture, filled down to `bottom`."""
        points, level = [], y
        for i in range(steps + 1):
            level += self.rng.uniform(-amplitude, amplitude) * roughness
            level = min(max(level, y - amplitude), y + amplitude * 0.4)
            points.append((i / steps, level))
        self.poly([(0, bottom), *points, (1, bottom)], colour)
        return points

    def sky(self, name, horizon):
        top, bottom = SKIES[name]
        self.gradient(_jitter(self.rng, top, 8), _jitter(self.rng, bottom, 6), 0, horizon)

    def water(self, y0, y1, top, bottom, streaks=60, streak_colour=None):
        self.gradient(top, bottom, y0, y1)
        streak_colour = streak_colour or _mix(top, (255, 255, 255), 0.25)
        for _ in range(streaks):
            y = self.rng.uniform(y0 + 0.005, y1)
            depth = (y - y0) / max(0.001, y1 - y0)
            x = self.rng.uniform(0, 1)
            length = self.rng.uniform(0.01, 0.06) * (0.4 + depth)
            self.line([(x, y), (x + length, y)], _mix(streak_colour, bottom, depth * 0.6), 0.0012 + depth * 0.002)

    # Things.
    def person(self, x, foot_y, height, uniform, *, cover=None, pose="stand", carrying=None):
        """A simple standing figure, feet at (x, foot_y), `height` as a fraction of the picture height."""
        h = height
        w = h * self.h / self.w  # keep proportions on any aspect ratio
        skin = self.rng.choice(((224, 186, 150), (198, 150, 112), (150, 104, 72), (110, 76, 52)))
        cover = cover or _mix(uniform, (0, 0, 0), 0.2)
        leg_gap = w * 0.05 if pose == "stand" else w * 0.16
        # Legs.
        self.rrect(
            x - w * 0.13 - leg_gap / 2, foot_y - h * 0.46, x - leg_gap / 2, foot_y, _mix(uniform, (0, 0, 0), 0.15)
        )
        self.rrect(
            x + leg_gap / 2, foot_y - h * 0.46, x + w * 0.13 + leg_gap / 2, foot_y, _mix(uniform, (0, 0, 0), 0.15)
        )
        # Boots.
        self.rect(x - w * 0.15 - leg_gap / 2, foot_y - h * 0.04, x - leg_gap / 2, foot_y, (40, 34, 28))
        self.rect(x + leg_gap / 2, foot_y - h * 0.04, x + w * 0.15 + leg_gap / 2, foot_y, (40, 34, 28))
        # Torso and arms.
        self.rrect(x - w * 0.17, foot_y - h * 0.82, x + w * 0.17, foot_y - h * 0.42, uniform, radius=w * 0.06)
        if pose == "reach":
            self.line([(x + w * 0.14, foot_y - h * 0.76), (x + w * 0.42, foot_y - h * 0.62)], uniform, w * 0.1)
            self.line([(x - w * 0.14, foot_y - h * 0.76), (x + w * 0.30, foot_y - h * 0.58)], uniform, w * 0.1)
        else:
            self.rrect(x - w * 0.26, foot_y - h * 0.80, x - w * 0.16, foot_y - h * 0.48, uniform, radius=w * 0.04)
            self.rrect(x + w * 0.16, foot_y - h * 0.80, x + w * 0.26, foot_y - h * 0.48, uniform, radius=w * 0.04)
        # Head and cover (helmet or cap).
        self.ellipse(x - w * 0.11, foot_y - h, x + w * 0.11, foot_y - h * 0.84, skin)
        self.draw.chord(
            self.box(x - w * 0.13, foot_y - h * 1.02, x + w * 0.13, foot_y - h * 0.88), 180, 360, fill=cover
        )
        if carrying:
            self.rrect(x + w * 0.18, foot_y - h * 0.70, x + w * 0.52, foot_y - h * 0.55, carrying, radius=w * 0.03)

    def squad(self, x0, x1, foot_y, height, uniforms, count, **kwargs):
        for i in range(count):
            x = x0 + (x1 - x0) * (i + self.rng.uniform(0.2, 0.8)) / count
            self.person(
                x,
                foot_y + self.rng.uniform(-0.005, 0.005),
                height * self.rng.uniform(0.94, 1.04),
                _jitter(self.rng, self.rng.choice(uniforms), 6),
                **kwargs,
            )

    def ship(self, x, waterline, length, *, hull=(110, 116, 124), upper=None, stripe=None, cross=False, height=0.12):
        """A ship in profile, bow to the right; `length` as a fraction of the width."""
        upper = upper or _mix(hull, (255, 255, 255), 0.25)
        L, H = length, height * length
        dark = _mix(hull, (0, 0, 0), 0.35)
        self.poly(
            [
                (x, waterline - H * 0.35),
                (x + L * 0.92, waterline - H * 0.35),
                (x + L, waterline - H * 0.42),
                (x + L * 0.9, waterline + H * 0.02),
                (x + L * 0.04, waterline + H * 0.02),
            ],
            hull,
        )
        self.rect(x + L * 0.02, waterline - H * 0.02, x + L * 0.9, waterline + H * 0.02, dark)
        self.rect(x + L * 0.30, waterline - H * 0.70, x + L * 0.66, waterline - H * 0.35, upper)
        self.rect(x + L * 0.40, waterline - H * 0.95, x + L * 0.58, waterline - H * 0.70, upper)
        self.line([(x + L * 0.49, waterline - H * 0.95), (x + L * 0.49, waterline - H * 1.5)], dark, L * 0.006)
        self.line([(x + L * 0.45, waterline - H * 1.3), (x + L * 0.53, waterline - H * 1.3)], dark, L * 0.004)
        for i in range(6):
            wx = x + L * (0.33 + i * 0.05)
            self.rect(wx, waterline - H * 0.62, wx + L * 0.02, waterline - H * 0.55, _mix(upper, (20, 30, 40), 0.6))
        if stripe:
            self.poly(
                [
                    (x + L * 0.70, waterline - H * 0.35),
                    (x + L * 0.76, waterline - H * 0.35),
                    (x + L * 0.70, waterline),
                    (x + L * 0.64, waterline),
                ],
                stripe,
            )
            self.poly(
                [
                    (x + L * 0.78, waterline - H * 0.35),
                    (x + L * 0.80, waterline - H * 0.35),
                    (x + L * 0.74, waterline),
                    (x + L * 0.72, waterline),
                ],
                (30, 60, 120),
            )
        if cross:
            k = self.h / self.w
            for cx in (x + L * 0.16, x + L * 0.78):
                arm, bar, cy = H * 0.13, H * 0.045, waterline - H * 0.17
                self.rect(cx - arm * k, cy - bar, cx + arm * k, cy + bar, (200, 30, 40))
                self.rect(cx - bar * k, cy - arm, cx + bar * k, cy + arm, (200, 30, 40))

    def aircraft(self, x, y, span, colour=(118, 124, 128), door_open=False):
        """A four-engine high-wing cargo aircraft in profile, nose to the left."""
        L = span
        k = self.w / self.h
        dark = _mix(colour, (0, 0, 0), 0.3)
        self.rrect(x, y - L * 0.05 * k, x + L * 0.82, y + L * 0.04 * k, colour, radius=L * 0.04)
        self.ellipse(x - L * 0.03, y - L * 0.045 * k, x + L * 0.08, y + L * 0.04 * k, colour)
        self.poly(
            [
                (x + L * 0.74, y - L * 0.04 * k),
                (x + L * 0.86, y - L * 0.17 * k),
                (x + L * 0.93, y - L * 0.17 * k),
                (x + L * 0.91, y - L * 0.02 * k),
                (x + L * 0.84, y + L * 0.02 * k),
            ],
            colour,
        )
        self.poly(
            [
                (x + L * 0.80, y - L * 0.035 * k),
                (x + L * 0.95, y - L * 0.045 * k),
                (x + L * 0.95, y - L * 0.025 * k),
                (x + L * 0.82, y - L * 0.02 * k),
            ],
            dark,
        )
        self.rrect(x + L * 0.32, y - L * 0.07 * k, x + L * 0.56, y - L * 0.04 * k, dark, radius=L * 0.01)
        for ex in (0.34, 0.47):
            self.rrect(x + L * ex, y - L * 0.04 * k, x + L * (ex + 0.07), y - L * 0.015 * k, dark, radius=L * 0.008)
        for wx in range(8):
            self.ellipse(
                x + L * (0.12 + wx * 0.03),
                y - L * 0.02 * k,
                x + L * (0.13 + wx * 0.03),
                y - L * 0.005 * k,
                (40, 46, 54),
            )
        self.rect(x + L * 0.03, y - L * 0.03 * k, x + L * 0.07, y - L * 0.012 * k, (40, 46, 54))
        # Landing gear.
        for gx in (0.06, 0.40, 0.50):
            self.ellipse(x + L * gx, y + L * 0.035 * k, x + L * (gx + 0.035), y + L * 0.07 * k, (30, 30, 32))
        if door_open:
            self.poly(
                [
                    (x + L * 0.74, y + L * 0.04 * k),
                    (x + L * 0.80, y + L * 0.04 * k),
                    (x + L * 0.88, y + L * 0.07 * k),
                    (x + L * 0.80, y + L * 0.075 * k),
                ],
                dark,
            )

    def tent(self, x, foot_y, width, colour):
        k = self.w / self.h
        h = width * 0.42 * k
        self.poly(
            [
                (x, foot_y),
                (x + width * 0.12, foot_y - h * 0.7),
                (x + width * 0.5, foot_y - h),
                (x + width * 0.88, foot_y - h * 0.7),
                (x + width, foot_y),
            ],
            colour,
        )
        self.poly(
            [(x + width * 0.40, foot_y), (x + width * 0.5, foot_y - h * 0.62), (x + width * 0.60, foot_y)],
            _mix(colour, (0, 0, 0), 0.45),
        )

    def flag(self, x, top, height):
        k = self.w / self.h
        self.line([(x, top), (x, top + height)], (200, 200, 200), 0.002)
        fw, fh = height * 0.34 / k, height * 0.2
        for i in range(7):
            stripe = (178, 34, 52) if i % 2 == 0 else (245, 245, 245)
            self.rect(x, top + fh * i / 7, x + fw, top + fh * (i + 1) / 7, stripe)
        self.rect(x, top, x + fw * 0.42, top + fh * 4 / 7, (40, 52, 110))

    def finish(self, vignette=0.35):
        """Soften the hard edges a little and darken the corners, as a lens would."""
        img = self.img.filter(ImageFilter.GaussianBlur(max(0.5, self.w / 2400)))
        if vignette:
            mask = Image.radial_gradient("L").resize(img.size)
            dark = Image.new("RGB", img.size, (0, 0, 0))
            mask = mask.point(lambda v: int(max(0, v - 150) * vignette * 2.4))
            img = Image.composite(dark, img, mask)
        return img


# --------------------------------------------------------------------------- scenes


def _excavator(p: _Painter, x, y, scale):
    """A yellow tracked excavator facing left, tracks resting at (x, y); `scale` ~ its width."""
    k = p.w / p.h
    s = scale
    yellow = (230, 180, 30)
    p.rrect(x - s * 0.5, y - s * 0.16 * k, x + s * 0.5, y, (40, 40, 40), radius=s * 0.05)
    p.rrect(x - s * 0.42, y - s * 0.42 * k, x + s * 0.45, y - s * 0.16 * k, yellow, radius=s * 0.03)
    p.rect(x - s * 0.40, y - s * 0.72 * k, x + s * 0.02, y - s * 0.40 * k, yellow)
    p.rect(x - s * 0.35, y - s * 0.67 * k, x - s * 0.03, y - s * 0.46 * k, (70, 92, 110))
    p.line(
        [(x - s * 0.30, y - s * 0.40 * k), (x - s * 0.85, y - s * 0.95 * k), (x - s * 1.25, y - s * 0.25 * k)],
        yellow,
        s * 0.09,
    )
    p.poly(
        [(x - s * 1.40, y - s * 0.30 * k), (x - s * 1.12, y - s * 0.30 * k), (x - s * 1.22, y - s * 0.05 * k)],
        (60, 60, 60),
    )


def _levee(p: _Painter):
    horizon = p.rng.uniform(0.36, 0.40)
    p.sky(p.rng.choice(("overcast", "storm")), horizon)
    p.clouds(0.05, horizon - 0.05, 14, (210, 212, 216), 170)
    p.ridge(horizon, 0.02, (92, 104, 96))
    # The swollen river fills the left; the levee runs from the far distance to the near corner.
    p.water(horizon + 0.005, 1.0, (140, 126, 98), (108, 92, 66), streaks=160, streak_colour=(176, 164, 136))
    p.gradient((110, 134, 80), (76, 108, 56), horizon + 0.005, 1.0, 0.5, 1.0)
    p.poly([(0.50, horizon + 0.005), (0.62, horizon + 0.005), (1.0, 0.70), (1.0, 1.0), (0.40, 1.0)], (92, 124, 66))

    def crest(t):  # centre of the crest, t = 0 far, 1 near
        return 0.565 - 0.30 * t, horizon + 0.005 + (1.0 - horizon) * t

    p.poly([(0.545, horizon + 0.005), (0.585, horizon + 0.005), (0.52, 1.0), (0.06, 1.0)], (150, 150, 112))
    for i in range(60):  # sandbags along the river side of the crest
        t = (i / 60) ** 1.3
        x, y = crest(t)
        size = 0.004 + t * 0.05
        x -= 0.02 + t * 0.20
        p.rrect(x - size, y - size * 0.55, x + size, y, _jitter(p.rng, (196, 178, 132), 12), radius=size * 0.3)
    _excavator(p, crest(0.10)[0] + 0.10, crest(0.10)[1] + 0.01, 0.07)
    for t in (0.16, 0.22, 0.29, 0.37, 0.47, 0.60):
        x, y = crest(t)
        p.person(
            x - 0.02 - t * 0.08,
            y,
            0.05 + t * 0.45,
            _jitter(p.rng, p.rng.choice(CAMO), 6),
            pose="reach",
            carrying=(196, 178, 132),
        )
    x, y = crest(0.75)
    height = 0.05 + 0.75 * 0.45
    p.person(x + 0.12, y, height, _jitter(p.rng, CAMO[0]), cover=(236, 236, 236))
    w = height * p.h / p.w
    p.rect(x + 0.12 - w * 0.17, y - height * 0.80, x + 0.12 + w * 0.17, y - height * 0.55, VEST[0])


def _hospital_ship(p: _Painter):
    horizon = p.rng.uniform(0.52, 0.58)
    p.sky("clear", horizon)
    p.clouds(0.05, 0.35, 8)
    p.glow(0.82, 0.12, 0.05, (255, 250, 230), 200)
    p.ridge(horizon - 0.01, 0.025, (88, 120, 96), bottom=horizon + 0.01)
    p.water(horizon, 1.0, (40, 120, 170), (20, 70, 120), streaks=120)
    p.ship(0.12, horizon + 0.10, 0.72, hull=(236, 238, 240), upper=(246, 246, 246), cross=True, height=0.16)


def _ship(p: _Painter):
    horizon = p.rng.uniform(0.50, 0.56)
    p.sky("haze", horizon)
    p.clouds(0.05, 0.35, 6, (245, 244, 238), 110)
    p.ridge(horizon - 0.005, 0.04, (84, 122, 88), bottom=horizon + 0.005)
    p.water(horizon, 1.0, (70, 130, 150), (30, 80, 110), streaks=100)
    p.ship(0.10, horizon + 0.14, 0.62, height=0.15)
    p.rrect(0.64, horizon + 0.13, 0.80, horizon + 0.17, (96, 104, 96))
    p.squad(0.66, 0.78, horizon + 0.13, 0.05, NAVY_BLUE, 3)


def _fleet(p: _Painter):
    horizon = p.rng.uniform(0.46, 0.52)
    p.sky("overcast", horizon)
    p.clouds(0.02, horizon - 0.08, 16, (176, 182, 190), 160)
    p.water(horizon, 1.0, (70, 84, 96), (34, 44, 56), streaks=140, streak_colour=(120, 130, 140))
    for x, depth in ((0.70, 0.0), (0.50, 0.05), (0.28, 0.11), (0.05, 0.19), (-0.22, 0.30)):
        length = 0.14 + depth * 1.4
        shade = _mix((120, 126, 132), (88, 94, 102), depth * 3)
        p.ship(x, horizon + 0.02 + depth, length, hull=shade, height=0.2)
        p.line(
            [(x - length * 0.4, horizon + 0.025 + depth), (x, horizon + 0.02 + depth)],
            (200, 206, 210),
            0.002 + depth * 0.01,
        )


def _cutter(p: _Painter):
    horizon = p.rng.uniform(0.50, 0.55)
    p.sky("day", horizon)
    p.clouds(0.04, 0.30, 7)
    p.ridge(horizon - 0.005, 0.02, (100, 120, 110), bottom=horizon + 0.005)
    # A breakwater and the harbour light.
    p.poly(
        [(0.0, horizon + 0.03), (0.22, horizon + 0.025), (0.22, horizon + 0.045), (0.0, horizon + 0.05)],
        (120, 116, 108),
    )
    p.rect(0.19, horizon - 0.06, 0.205, horizon + 0.03, (236, 236, 236))
    p.rect(0.187, horizon - 0.075, 0.208, horizon - 0.06, (200, 40, 40))
    p.water(horizon + 0.005, 1.0, (48, 110, 156), (22, 64, 104), streaks=110)
    p.ship(0.24, horizon + 0.16, 0.62, hull=(244, 244, 244), upper=(248, 248, 248), stripe=(226, 96, 40), height=0.17)
    p.line([(0.30, horizon + 0.165), (0.84, horizon + 0.165)], (226, 236, 240), 0.006)


def _runway(p: _Painter, *, snow=False, aircraft=False):
    horizon = p.rng.uniform(0.40, 0.46)
    p.sky("winter" if snow else "clear", horizon)
    p.clouds(0.05, horizon - 0.08, 6 if snow else 4, (250, 250, 252), 120)
    p.ridge(horizon, 0.015, (200, 206, 214) if snow else (110, 130, 100))
    ground = ((232, 236, 240), (210, 216, 222)) if snow else ((150, 160, 110), (120, 134, 86))
    p.gradient(ground[0], ground[1], horizon + 0.01, 1.0)
    # Tarmac in perspective, with centre-line dashes.
    p.poly([(0.42, horizon + 0.01), (0.58, horizon + 0.01), (1.25, 1.0), (-0.25, 1.0)], (112, 114, 118))
    for i in range(9):
        t0, t1 = (i / 9) ** 1.6, ((i + 0.5) / 9) ** 1.6
        y0, y1 = horizon + 0.01 + t0 * (0.99 - horizon), horizon + 0.01 + t1 * (0.99 - horizon)
        half = 0.002 + t0 * 0.01
        p.poly([(0.5 - half, y0), (0.5 + half, y0), (0.5 + half * 1.6, y1), (0.5 - half * 1.6, y1)], (236, 236, 230))
    if aircraft:
        p.gradient((120, 122, 126), (92, 94, 98), horizon + 0.03, 1.0)
        for i in range(3):  # hangars on the far side of the ramp
            x = 0.05 + i * 0.22
            p.draw.chord(p.box(x, horizon - 0.06, x + 0.18, horizon + 0.08), 180, 360, fill=(150, 156, 160))
            p.rect(x, horizon + 0.01, x + 0.18, horizon + 0.03, (150, 156, 160))
        p.line([(0.0, 0.86), (1.0, 0.80)], (220, 196, 60), 0.004)
        p.aircraft(0.08, horizon + 0.25, 0.66, door_open=True)
        p.rect(0.62, horizon + 0.36, 0.74, horizon + 0.41, (90, 96, 90))
        p.rect(0.63, horizon + 0.33, 0.69, horizon + 0.36, (200, 210, 220))
        p.squad(0.66, 0.92, horizon + 0.44, 0.16, CAMO, 3, pose="reach")
        for x in (0.0, 0.80):
            p.poly([(x, 1.0), (x + 0.04, 0.86), (x + 0.20, 0.84), (x + 0.24, 1.0)], (246, 248, 250))
    else:
        # The repair: a fresh square of pale concrete, a loader, airmen in hard hats.
        p.poly([(0.30, 0.72), (0.62, 0.72), (0.66, 0.86), (0.26, 0.86)], (188, 186, 178))
        p.poly([(0.70, 0.66), (0.86, 0.66), (0.88, 0.74), (0.70, 0.74)], (230, 180, 30))
        p.rect(0.76, 0.58, 0.84, 0.66, (230, 180, 30))
        p.rect(0.77, 0.59, 0.83, 0.64, (70, 90, 110))
        for wx in (0.71, 0.83):
            p.ellipse(wx, 0.71, wx + 0.05, 0.79, (30, 30, 30))
        p.squad(0.28, 0.64, 0.84, 0.24, CAMO, 4, cover=(236, 236, 236), pose="reach")


def _mountains(p: _Painter, *, camp=False):
    horizon = p.rng.uniform(0.42, 0.50)
    p.sky("winter", horizon)
    p.clouds(0.05, 0.25, 6, (250, 250, 252), 130)
    peaks = p.ridge(horizon - 0.14, 0.12, (168, 176, 190), roughness=0.9, steps=14)
    for i in range(len(peaks) - 1):  # snowcaps on the higher points
        (x0, y0), (x1, y1) = peaks[i], peaks[i + 1]
        if min(y0, y1) < horizon - 0.17:
            p.poly([(x0, y0), (x1, y1), (x1, y1 + 0.04), (x0, y0 + 0.04)], (244, 246, 250))
    p.ridge(horizon - 0.02, 0.06, (120, 128, 136), roughness=0.8, steps=20)
    if camp:
        p.gradient((240, 242, 246), (214, 220, 228), horizon + 0.05, 1.0)
        for i, x in enumerate((0.10, 0.34, 0.58)):
            p.tent(x, 0.80 + i * 0.02, 0.20, _jitter(p.rng, (70, 98, 64), 8))
        p.squad(0.20, 0.90, 0.93, 0.26, WINTER, 4, pose="reach")
        # Fresh snow falling.
        for _ in range(240):
            x, y = p.rng.random(), p.rng.random()
            r = p.rng.uniform(0.0015, 0.004)
            p.ellipse(x - r, y - r * p.w / p.h, x + r, y + r * p.w / p.h, (250, 250, 252))
    else:
        p.poly([(0, 0.70), (0.5, 0.60), (1.0, 0.66), (1.0, 1.0), (0, 1.0)], (142, 134, 120))
        p.ridge(0.80, 0.04, (108, 100, 88))
        for i in range(6):
            x = 0.14 + i * 0.13
            y = 0.62 + (0.5 - abs(i - 2.5) / 5) * -0.01 + i * -0.004
            p.person(x, y + 0.02, 0.15, _jitter(p.rng, p.rng.choice(CAMO), 6))
            p.rrect(x - 0.03, y + 0.02 - 0.15 * 0.84, x - 0.01, y + 0.02 - 0.15 * 0.45, (86, 88, 70))


def _tents(p: _Painter):
    horizon = p.rng.uniform(0.40, 0.46)
    p.sky("haze", horizon)
    p.clouds(0.05, 0.30, 5, (250, 248, 240), 110)
    p.glow(0.2, 0.1, 0.06, (255, 244, 210), 150)
    p.ridge(horizon, 0.03, (64, 112, 70))
    p.gradient((220, 206, 170), (196, 178, 138), horizon + 0.02, 1.0)
    for i in range(3):  # palms
        x = 0.05 + i * 0.12 + p.rng.uniform(-0.02, 0.02)
        p.line([(x, horizon + 0.06), (x + 0.015, horizon - 0.16)], (110, 86, 60), 0.008)
        for dx, dy in ((-0.06, 0.04), (0.06, 0.04), (-0.04, -0.02), (0.05, -0.02), (0.0, -0.04)):
            p.line([(x + 0.015, horizon - 0.16), (x + 0.015 + dx, horizon - 0.16 + dy)], (50, 110, 60), 0.007)
    for x in (0.38, 0.62):
        p.tent(x, horizon + 0.22, 0.26, (236, 232, 222))
    p.squad(0.20, 0.80, 0.90, 0.30, NAVY_BLUE, 4, carrying=(180, 140, 90))


def _bridge(p: _Painter):
    horizon = p.rng.uniform(0.36, 0.42)
    p.sky("overcast", horizon)
    p.clouds(0.05, horizon - 0.06, 10, (220, 222, 226), 150)
    p.ridge(horizon, 0.03, (70, 96, 70))
    p.gradient((96, 120, 74), (80, 100, 60), horizon + 0.01, 1.0)
    p.poly([(0.0, 0.78), (0.35, 0.62), (0.65, 0.62), (1.0, 0.78), (1.0, 1.0), (0.0, 1.0)], (108, 92, 70))
    p.water(0.70, 1.0, (130, 112, 82), (100, 84, 60), streaks=60, streak_colour=(160, 142, 110))
    # The panel bridge: deck and trusses.
    p.rect(0.05, 0.60, 0.95, 0.63, (90, 94, 96))
    for i in range(12):
        x = 0.07 + i * 0.075
        p.line([(x, 0.60), (x + 0.0375, 0.53), (x + 0.075, 0.60)], (120, 124, 126), 0.006)
    p.line([(0.07, 0.53), (0.895, 0.53)], (120, 124, 126), 0.006)
    # Crane with a hanging panel.
    p.rect(0.78, 0.40, 0.90, 0.50, (226, 170, 40))
    p.line([(0.80, 0.42), (0.56, 0.12)], (226, 170, 40), 0.012)
    p.line([(0.56, 0.12), (0.56, 0.30)], (40, 40, 40), 0.002)
    p.rect(0.48, 0.30, 0.64, 0.36, (110, 114, 116))
    p.squad(0.30, 0.70, 0.60, 0.13, CAMO, 4, pose="reach")


def _interior(p: _Painter, kind):
    wall = p.rng.choice(((214, 208, 190), (200, 208, 204), (220, 216, 206)))
    floor_y = 0.62 if kind != "shelter" else 0.50
    p.gradient(_mix(wall, (255, 255, 255), 0.15), _mix(wall, (0, 0, 0), 0.1), 0, floor_y)
    p.gradient(
        (150, 120, 86) if kind == "shelter" else (176, 178, 180),
        (120, 96, 70) if kind == "shelter" else (140, 142, 146),
        floor_y,
        1.0,
    )
    # Windows letting in daylight.
    for i in range(3 if kind == "shelter" else 1):
        x = 0.12 + i * 0.3 if kind == "shelter" else 0.62
        p.rect(x, 0.10, x + 0.16, 0.32, (190, 214, 232))
        p.line([(x + 0.08, 0.10), (x + 0.08, 0.32)], (150, 150, 150), 0.004)
        p.glow(x + 0.08, 0.22, 0.08, (255, 252, 236), 90)
    p.draw = ImageDraw.Draw(p.img)
    if kind == "shelter":
        for row in range(4):
            y = floor_y + 0.06 + row * 0.11
            width = 0.16 + row * 0.03
            for col in range(5 - (row > 1)):
                x = 0.04 + col * (width + 0.04)
                p.rrect(x, y, x + width, y + 0.04 + row * 0.01, (86, 104, 70))
                p.line([(x + 0.01, y + 0.04 + row * 0.01), (x + 0.01, y + 0.06 + row * 0.012)], (60, 60, 60), 0.003)
        p.squad(0.60, 0.95, 0.98, 0.40, CAMO, 2, pose="reach")
        p.rect(0.0, 0.43, 1.0, 0.445, (170, 40, 40))  # the gym's painted stripe
    elif kind == "clinic":
        p.rect(0.05, 0.28, 0.28, 0.55, (232, 232, 228))  # cabinet
        for i in range(3):
            p.line([(0.05, 0.35 + i * 0.07), (0.28, 0.35 + i * 0.07)], (180, 180, 180), 0.003)
        p.rrect(0.30, 0.56, 0.60, 0.66, (80, 130, 150), radius=0.01)  # exam chair
        p.rect(0.34, 0.66, 0.36, 0.80, (90, 90, 90))
        p.person(0.45, 0.70, 0.30, (200, 90, 70))
        p.person(0.68, 0.97, 0.56, _jitter(p.rng, p.rng.choice(CAMO + NAVY_BLUE), 4), pose="reach")
        p.person(0.88, 0.99, 0.54, _jitter(p.rng, SCRUBS[0], 6))
    else:  # lab
        p.rect(0.0, 0.58, 1.0, 0.64, (70, 74, 80))  # bench top
        p.rect(0.0, 0.64, 1.0, 1.0, (120, 124, 130))
        p.rrect(0.18, 0.40, 0.38, 0.58, (110, 116, 118), radius=0.01)  # the purifier
        p.rect(0.21, 0.43, 0.30, 0.47, (40, 200, 120))
        for i in range(3):
            x = 0.44 + i * 0.09
            p.rrect(x, 0.42, x + 0.07, 0.58, (200, 222, 236), radius=0.01)
            p.rect(x, 0.50, x + 0.07, 0.58, (150, 190, 220))
        p.line([(0.38, 0.50), (0.44, 0.52)], (40, 40, 40), 0.004)
        p.person(0.80, 0.98, 0.60, (236, 236, 236), cover=(60, 50, 40), pose="reach")


def _ceremony(p: _Painter):
    horizon = p.rng.uniform(0.44, 0.50)
    p.sky("day", horizon)
    p.clouds(0.04, 0.28, 6)
    p.glow(0.15, 0.08, 0.05, (255, 248, 226), 160)
    p.ridge(horizon - 0.02, 0.03, (70, 110, 66))
    for i in range(10):  # trees along the park
        x = i * 0.11 + p.rng.uniform(0, 0.04)
        r = p.rng.uniform(0.04, 0.07)
        p.ellipse(x - r, horizon - r * 2.4, x + r, horizon + 0.01, _jitter(p.rng, (58, 96, 56), 10))
    p.gradient((110, 160, 80), (80, 128, 60), horizon, 1.0)
    # The memorial and the walk between the lines.
    p.rect(0.44, horizon - 0.20, 0.56, horizon + 0.02, (196, 192, 184))
    p.poly([(0.44, horizon - 0.20), (0.50, horizon - 0.26), (0.56, horizon - 0.20)], (180, 176, 168))
    p.poly([(0.46, horizon + 0.02), (0.54, horizon + 0.02), (0.80, 1.0), (0.20, 1.0)], (206, 200, 186))
    for i in range(6):  # flags along the walk
        t = i / 6
        y = horizon + 0.05 + t * 0.3
        p.flag(0.40 - t * 0.25, y - 0.16 - t * 0.2, 0.2 + t * 0.3)
    for side in (-1, 1):
        for i in range(7):
            t = i / 7
            foot = horizon + 0.08 + t * (0.92 - horizon - 0.08)
            x = 0.5 + side * (0.06 + t * 0.26)
            p.person(x, foot, 0.08 + t * 0.34, _jitter(p.rng, p.rng.choice(DRESS), 4), cover=(240, 240, 240))


SCENES = {
    "levee": _levee,
    "hospital_ship": _hospital_ship,
    "ship": _ship,
    "fleet": _fleet,
    "cutter": _cutter,
    "runway": _runway,
    "airlift": lambda p: _runway(p, snow=True, aircraft=True),
    "mountains": _mountains,
    "snowcamp": lambda p: _mountains(p, camp=True),
    "tents": _tents,
    "bridge": _bridge,
    "clinic": lambda p: _interior(p, "clinic"),
    "lab": lambda p: _interior(p, "lab"),
    "shelter": lambda p: _interior(p, "shelter"),
    "ceremony": _ceremony,
}


def render(spec, *, size=(1600, 1067)) -> Image.Image:
    """The picture for `spec` (anything with `virin` and `scene`) as a Pillow image."""
    rng = random.Random(f"newsroom-demo:{spec.virin}")
    painter = _Painter(size, rng)
    SCENES.get(getattr(spec, "scene", ""), _tents)(painter)
    return painter.finish()


def make_demo_jpeg(spec, *, size=(1600, 1067)) -> bytes:
    """A deterministic illustrative JPEG for a demo photo: same VIRIN, same bytes.

    Progressive, quality 85, and nothing but pixels: no EXIF, GPS or camera data.
    """
    buffer = io.BytesIO()
    render(spec, size=size).save(buffer, **JPEG_OPTIONS)
    return buffer.getvalue()
