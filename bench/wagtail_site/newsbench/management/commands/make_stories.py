"""N published news pages with Newsroom's demo body shape (headings, lists, links, a quote), each
with a lead image and tags: the data set bench/wagtail.py measures."""

import datetime
import io
import random

from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.models import Page, Site

from newsbench.models import NewsIndexPage, NewsPage

WORDS = [
    "sailors",
    "soldiers",
    "airmen",
    "marines",
    "guardians",
    "training",
    "exercise",
    "mission",
    "readiness",
    "partners",
    "allies",
    "community",
    "clinic",
    "hospital",
    "ship",
    "bridge",
    "levee",
    "flood",
    "relief",
    "deployment",
    "command",
    "ceremony",
    "families",
    "housing",
    "engineers",
    "crews",
    "equipment",
    "support",
    "operations",
    "coast",
    "base",
    "installation",
    "program",
]


def sentence(rng, n=18):
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def body(rng):
    parts = []
    for _ in range(3):
        parts.append(f"<h2>{sentence(rng, 5)[:-1]}</h2>")
        for _ in range(4):
            parts.append(
                f'<p>{sentence(rng)} {sentence(rng)} <a href="https://www.defense.gov/">{sentence(rng, 3)[:-1]}</a> {sentence(rng)}</p>'
            )
        parts.append("<ul>" + "".join(f"<li>{sentence(rng, 8)}</li>" for _ in range(3)) + "</ul>")
    parts.append(f"<blockquote>{sentence(rng, 25)}</blockquote>")
    return "".join(parts)


class Command(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--stories", type=int, default=1000)

    def handle(self, *args, stories, **options):
        rng = random.Random(14)
        root = Site.objects.get(is_default_site=True).root_page
        index = NewsIndexPage(title="News", slug="news", show_in_menus=True)
        root.add_child(instance=index)
        images = []
        for number in range(20):
            buffer = io.BytesIO()
            PILImage.new("RGB", (2400, 1600), (number * 10, 90, 140)).save(buffer, "JPEG", quality=85)
            image = Image(title=f"Photo {number}", file=ImageFile(buffer, name=f"photo-{number}.jpg"))
            image.save()
            images.append(image)
        start = datetime.date(2024, 1, 1)
        for number in range(stories):
            page = NewsPage(
                title=f"{sentence(rng, 7)[:-1]} {number}",
                slug=f"story-{number}",
                date=start + datetime.timedelta(days=number % 900),
                intro=sentence(rng, 20),
                byline="Jim Garamone, DOD News",
                body=body(rng),
                lead_image=images[number % len(images)],
                caption=sentence(rng, 15),
            )
            index.add_child(instance=page)
            page.tags.add(rng.choice(WORDS), rng.choice(WORDS))
            page.save_revision().publish()
        self.stdout.write(f"{stories} news pages under /news/")
        Page.objects.filter(depth=2).update(show_in_menus=True)
