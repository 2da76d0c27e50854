"""Loading a checked bundle into the database, in one transaction the caller opens.

Into an empty site every row keeps its primary key and its timestamps, and is written with
``bulk_create`` in batches: no per-row signals, so afterwards the search index is filled
once (with the search documents the bundle carries, when our search rules made them) and the
cached pages are retired once.

With ``merge`` the site already has content. Records are matched by what editors know them
by (stories, tags and collections by slug, photos by VIRIN, redirects by old address, pages by
URL, accounts by username); new ones are added under new keys, equal ones are skipped, and a
record the bundle has a newer copy of (by version and updated_at) is brought up to date. A
local record changed after the bundle's copy, or one that differs where there is no time to
tell which is newer, is kept as it is and reported as a conflict: never overwritten silently.

Stories from a bundle made before bodies had their canonical form (format versions 1 and 2) come
in converted, as the data migration converted this site's own: each paragraph and each photo
placed "after paragraph N" the same block at the same place (stories.body.legacy_body). When
merging, the photo and story keys a body names are turned into the keys here.

Stories come in as they were recorded on the exporting site, with their versions and their
revisions, not as changes made here: so not through the stories' write path (story_update), which
would make a new version and revision of each. Inserts are bulk rows; a newer copy replaces an
older one through stories.services.story_replace_as_recorded. The search index and the cached
pages are refreshed once at the end, for everything the import brought.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.flatpages.models import FlatPage
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.core.files import File
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Q

from newsroom.archive.models import Collection
from newsroom.bundles.format import ACCOUNT_FIELDS, STAFF_WORK, TABLE, TABLES, Bundle, BundleError, story_label
from newsroom.bundles.writing import Inserter, load_search_documents
from newsroom.core.cache import retire_pages
from newsroom.desk.services import MAX_ATTEMPTS
from newsroom.photos.models import PhotoAsset, copies_storage, originals_storage
from newsroom.search import indexing
from newsroom.stories.body import body_size_problem, legacy_body, with_keys
from newsroom.stories.embargo import sync_photos
from newsroom.stories.models import PhotoPlacement, Revision, Story, Tag
from newsroom.stories.revisions import current_form
from newsroom.stories.services import story_replace_as_recorded

ADDED, UPDATED, UNCHANGED, CONFLICT = "added", "updated", "unchanged", "conflict"
# What an account is made with when the operator did not ask for the bundle's access: a name for
# the history (revisions' authors, stories' writers, photos' uploaders), not a way in.
WITHOUT_ACCESS = {"is_active": False, "is_staff": False, "is_superuser": False}
# How an account here is compared with the bundle's: its access too only when the bundle's is wanted.
ACCOUNT_IDENTITY = ("first_name", "last_name", "email")
# Stories whose own rows (tags, links, placed photos, corrections, history, unpublished changes) come
# from the bundle.
TAKES_CHILDREN = (ADDED, UPDATED)
# Stories whose staff's work (notes, working copies, notifications) comes from the bundle: writing
# these changes no story's version, so an unchanged story's may be new too. None of a story in
# conflict: its copy here and the bundle's went separate ways.
TAKES_STAFF_WORK = (ADDED, UPDATED, UNCHANGED)
# What tells, merging, that a row is here already: it stays as it is here.
REVISION_KEY = ("story_id", "number")
NOTE_KEY = ("story_id", "created_at", "text")
WORKING_COPY_KEY = ("user_id", "story_id")
NOTIFICATION_KEY = ("recipient_id", "story_id", "revision_number")
# A notification the exporting site had not e-mailed yet stays in its inbox here, unsent: an import
# never mails news of old steps (a copy restored for staging or a test would mail real people).
NOT_SENT_HERE = "Not sent: it was still waiting when the site was exported, and an import sends no old mail."
# What an editor knows each record by, and what tells two copies apart.
ACCOUNT_COMPARED = ("first_name", "last_name", "email", "is_active", "is_staff", "is_superuser", "groups")
PAGE_COMPARED = ("title", "content", "enable_comments", "template_name", "registration_required")


def site_content() -> dict:
    """What already stands in this database, by kind; empty when an import may restore into it."""
    kinds = {
        "stories": Story,
        "photos": PhotoAsset,
        "tags": Tag,
        "collections": Collection,
        "revisions": Revision,
        "redirects": Redirect,
        "information pages": FlatPage,
    }
    counts = {kind: model._base_manager.count() for kind, model in kinds.items()}
    return {kind: count for kind, count in counts.items() if count}


@dataclass(frozen=True)
class Conflict:
    kind: str
    name: str
    reason: str

    def __str__(self):
        return f"{self.kind} “{self.name}”: {self.reason}"


@dataclass
class RestoreReport:
    outcomes: Counter = field(default_factory=Counter)  # (table, outcome) -> n
    conflicts: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    files_written: int = 0
    # What became of the bundle's accounts: matched to one here by username (left as it is), added
    # with the bundle's access (--with-staff-accounts), or added with none (inactive, not staff).
    accounts: Counter = field(default_factory=Counter)
    photos_made_public: int = 0
    # The staff's own work: None when it stayed behind (not carried, or not asked for); the
    # notifications not e-mailed there, kept in the inbox and never mailed from here.
    staff_work: Counter | None = None
    mail_not_sent: int = 0
    search_documents: int = 0
    seconds: dict = field(default_factory=dict)  # step -> time taken, for -v 2 and the benchmark

    @property
    def changed(self) -> bool:
        return any(n for (_, outcome), n in self.outcomes.items() if outcome in (ADDED, UPDATED))


def timed(step_of):
    """Adds the method's time to the report, under the step `step_of(*args)` names."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            started = time.monotonic()
            try:
                return method(self, *args, **kwargs)
            finally:
                step = step_of(*args)
                self.report.seconds[step] = self.report.seconds.get(step, 0) + time.monotonic() - started

        return wrapper

    return decorate


@contextmanager
def timestamps_as_given(models):
    """Let rows of these models keep their created/updated times: auto_now fields would set them to now.

    Changes the model fields for this process while it lasts, which is fine for a command
    (it serves no requests) and is undone even when the command fails.
    """
    changed = []
    for model in models:
        for model_field in model._meta.concrete_fields:
            if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
                changed.append((model_field, model_field.auto_now, model_field.auto_now_add))
                model_field.auto_now = model_field.auto_now_add = False
    try:
        yield
    finally:
        for model_field, auto_now, auto_now_add in changed:
            model_field.auto_now, model_field.auto_now_add = auto_now, auto_now_add


class Restore:
    def __init__(
        self,
        bundle: Bundle,
        *,
        merge: bool,
        with_staff_accounts: bool = False,
        dry_run: bool = False,
        batch_size: int = 2000,
        progress=lambda iterable, **kwargs: iterable,
    ):
        # A dry run does every database write (then rolled back) but stores no file: the check
        # before it has read every file already.
        self.bundle, self.merge, self.dry_run = bundle, merge, dry_run
        # Only when the operator asks do accounts come with their access (active, staff,
        # superuser, roles): a bundle must not be a way to make administrators on a site.
        self.with_staff_accounts = with_staff_accounts
        # The staff's own work (notes, working copies, notifications) comes with their access, and
        # only then: a bundle exported --with-staff-accounts, imported --with-staff-accounts.
        self.takes_staff_work = with_staff_accounts and bundle.staff_work
        self.accounts_added: set = set()  # local keys of the accounts this import made
        self.batch_size, self.progress = batch_size, progress
        self.report = RestoreReport()
        self.written: list = []  # (storage, name) of every file stored, removed if the import is undone
        self.ids: dict = {table.name: {} for table in TABLES}  # bundle pk -> local pk, where they differ
        self.story_fate: dict = {}  # bundle story pk -> outcome, with --merge
        self.touched_stories: set = set()  # local pks whose search documents need a refresh, with --merge
        # An old bundle's placements by story, to make its bodies' photo blocks, and the place
        # among its story's photos that each placement then has.
        self.legacy_placements: dict = {}
        self.photo_positions: dict = {}
        self.site = Site.objects.get_current()

    # --- The run ---------------------------------------------------------------------------------

    def run(self) -> RestoreReport:
        with timestamps_as_given(table.model for table in TABLES):
            self.load_accounts()
            self.load_matched("tags", key="slug", compared=("name",), unique=("name",), kind="tag")
            self.load_matched(
                "collections",
                key="slug",
                kind="collection",
                unique=("name",),
                compared=("name", "notice", "description", "published_before", "published_after"),
            )
            self.load_matched(
                "photos", key="virin", versioned=("updated_at",), kind="photo", prepare=self.prepare_photo
            )
            if self.bundle.has_legacy_bodies:
                self.read_legacy_placements()
            self.load_matched(
                "stories", key="slug", versioned=("version", "updated_at"), kind="story", prepare=self.prepare_story
            )
            self.relink_stories()
            self.load_story_rows("story_tags", remap={"tag_id": "tags"})
            self.load_story_rows("related_stories", parent="from_story_id", remap={"to_story_id": "stories"})
            self.load_story_rows("placements", remap={"photo_id": "photos"}, prepare=self.prepare_placement)
            self.load_story_rows("corrections")
            self.load_story_rows("revisions", people=("user_id",), prepare=self.prepare_recorded, known=REVISION_KEY)
            self.load_story_rows("related_headlines")
            # A live story's next version, with it as it was recorded there (see update()).
            self.load_story_rows("pending_changes", people=("updated_by_id",), prepare=self.prepare_recorded)
            self.load_matched(
                "redirects",
                key="old_path",
                compared=("new_path",),
                kind="redirect",
                prepare=lambda row: {**row, "site_id": self.site.pk},
            )
            self.load_matched(
                "pages", key="url", compared=PAGE_COMPARED, kind="information page", after_insert=self.put_pages_on_site
            )
            if self.takes_staff_work:
                self.load_staff_work()
            else:
                self.say_why_staff_work_stayed()
        if not self.merge:
            self.reset_sequences()
            self.adopt_site_name()
        self.embargo_photos()
        self.refresh_search()
        if self.report.changed and not self.dry_run:
            retire_pages()  # cached pages were made from what was here before
        return self.report

    # --- Keys --------------------------------------------------------------------------------------

    def local_id(self, table: str, pk):
        """The local primary key of a bundle row: the same when restoring, mapped when merging."""
        if pk is None:
            return None
        if not self.merge and table != "accounts":
            return pk
        return self.ids[table].get(pk)

    # --- Accounts ----------------------------------------------------------------------------------

    @timed(lambda: "accounts")
    def load_accounts(self):
        """Accounts are matched by username, in both modes: one made here first is kept as it is.

        One not here is added so that the history keeps naming who wrote, published and uploaded
        what; with the access it had (active, staff, superuser, its roles) only with
        `with_staff_accounts`, else inactive, not staff, without roles. Never with a password.
        """
        User = get_user_model()
        compared = ACCOUNT_COMPARED if self.with_staff_accounts else ACCOUNT_IDENTITY
        local = {account.username: account for account in User._base_manager.prefetch_related("groups")}
        taken = {account.pk for account in local.values()}
        groups = dict(Group.objects.values_list("name", "pk"))
        table = TABLE["accounts"]
        new, memberships = [], []
        for row in self.progress(
            self.bundle.records(table), total=self.bundle.count(table), desc="Importing accounts", unit="record"
        ):
            row["groups"] = sorted(row["groups"])
            existing = local.get(row["username"])
            if existing is not None:
                self.ids["accounts"][row["id"]] = existing.pk
                here = {name: getattr(existing, name) for name in ACCOUNT_COMPARED if name != "groups"}
                here["groups"] = sorted(group.name for group in existing.groups.all())
                self.compare_plain("accounts", "account", row["username"], row, here, compared)
                self.report.accounts["matched"] += 1
                continue
            values = {name: row[name] for name in ACCOUNT_FIELDS if name != "id"}
            if self.with_staff_accounts:
                self.report.accounts["with access"] += 1
            else:
                had_access = row["is_staff"] or row["is_superuser"] or row["groups"]
                self.report.accounts["access not given" if had_access else "without access"] += 1
                values.update(WITHOUT_ACCESS)
                row["groups"] = []
            if not self.merge and row["id"] not in taken:
                values["id"] = row["id"]  # restoring: the same key, unless an account made here has it
            # No password travels in a bundle: the operator resets it (see README).
            new.append((row, User(password=make_password(None), **values)))
        User._base_manager.bulk_create([account for _, account in new], batch_size=self.batch_size)
        for row, account in new:
            self.ids["accounts"][row["id"]] = account.pk
            for name in row["groups"]:
                if name in groups:
                    memberships.append(User.groups.through(user_id=account.pk, group_id=groups[name]))
                else:
                    self.report.notes.append(
                        f"Account “{row['username']}”: there is no group “{name}” here, so it was not added to it."
                    )
        User.groups.through._base_manager.bulk_create(memberships, batch_size=self.batch_size)
        self.report.outcomes["accounts", ADDED] += len(new)
        self.accounts_added.update(account.pk for _, account in new)

    # --- Records matched by a natural key ----------------------------------------------------------

    @timed(lambda name: name)
    def load_matched(self, name, *, key, kind, compared=(), versioned=(), unique=(), prepare=None, after_insert=None):
        table = TABLE[name]
        model = table.model
        rows = self.progress(
            self.bundle.records(table), total=self.bundle.count(table), desc=f"Importing {name}", unit="record"
        )
        if not self.merge:  # nothing here to match: every row goes in with its own key
            ids = []
            with Inserter(model, batch_size=self.batch_size) as inserter:
                for row in rows:
                    inserter.add(prepare(row) if prepare else row)
                    if after_insert:
                        ids.append(row["id"])
            if after_insert:
                after_insert(ids)
            self.report.outcomes[name, ADDED] += inserter.count
            return
        local = {}
        taken = {column: {} for column in unique}  # another unique column's values here -> their key
        columns = ["pk", key, *compared, *versioned, *unique]
        for row in model._base_manager.values(*columns).iterator(chunk_size=self.batch_size):
            local[row[key]] = row
            for column in unique:
                taken[column][row[column]] = row[key]
        batch = []
        for row in rows:
            found = local.get(row[key])
            clash = next((column for column in unique if row[column] in taken[column]), None)
            if found is None and clash:
                self.conflict(
                    name,
                    kind,
                    row[key],
                    f"its {clash} “{row[clash]}” belongs here to “{taken[clash][row[clash]]}”; not added",
                )
                continue
            if found is None:
                values = prepare(row) if prepare else row
                # A new key here; the bundle's is remembered, to map the rows that point at it.
                values = {column: value for column, value in values.items() if column != "id"}
                batch.append((row["id"], model(**values)))
                if len(batch) >= self.batch_size:
                    self.insert(name, batch, after_insert)
                    batch = []
                continue
            self.ids[name][row["id"]] = found["pk"]
            label = row[key]
            if versioned:
                outcome = self.compare_versions(name, kind, label, row, found, versioned)
            else:
                outcome = self.compare_plain(name, kind, label, row, found, compared)
            if name == "stories":
                self.story_fate[row["id"]] = outcome
            if outcome == UPDATED:
                self.update(name, found["pk"], prepare(row) if prepare else row)
        self.insert(name, batch, after_insert)

    def insert(self, name, batch, after_insert=None):
        if not batch:
            return
        model = TABLE[name].model
        model._base_manager.bulk_create([instance for _, instance in batch])
        for bundle_pk, instance in batch:
            self.ids[name][bundle_pk] = instance.pk
            if name == "stories":
                self.story_fate[bundle_pk] = ADDED
                self.touched_stories.add(instance.pk)
        if after_insert:
            after_insert([instance.pk for _, instance in batch])
        self.report.outcomes[name, ADDED] += len(batch)

    def compare_plain(self, name, kind, label, row, here, compared) -> str:
        differing = [column for column in compared if row[column] != here[column]]
        if not differing:
            self.report.outcomes[name, UNCHANGED] += 1
            return UNCHANGED
        self.conflict(name, kind, label, f"differs here in {', '.join(differing)}; kept the one here")
        return CONFLICT

    def compare_versions(self, name, kind, label, row, here, versioned) -> str:
        pairs = [(row[column], here[column]) for column in versioned]
        if all(theirs == ours for theirs, ours in pairs):
            self.report.outcomes[name, UNCHANGED] += 1
            return UNCHANGED
        if all(theirs >= ours for theirs, ours in pairs):
            self.report.outcomes[name, UPDATED] += 1
            return UPDATED

        def state(values):
            return ", ".join(
                f"{column.replace('_', ' ')} {value.isoformat() if hasattr(value, 'isoformat') else value}"
                for column, value in zip(versioned, values)
            )

        self.conflict(
            name,
            kind,
            label,
            f"changed here after the bundle's copy (here: {state(here[c] for c in versioned)}; "
            f"bundle: {state(row[c] for c in versioned)}); kept the one here",
        )
        return CONFLICT

    def conflict(self, name, kind, label, reason):
        self.report.outcomes[name, CONFLICT] += 1
        self.report.conflicts.append(Conflict(kind, label, reason))

    def update(self, name, local_pk, values):
        """A newer copy from the bundle replaces the row here (its timestamps included)."""
        values = {column: value for column, value in values.items() if column != "id"}
        if name == "stories":
            # Its own rows come again from the bundle (history is added to, never replaced).
            story_replace_as_recorded(story_id=local_pk, values=values)
            self.touched_stories.add(local_pk)
            return
        model = TABLE[name].model
        if name == "photos":
            before = model._base_manager.values("original", "renditions", "copies_public").get(pk=local_pk)
            self.retire_files_replaced(before, values)
        model._base_manager.filter(pk=local_pk).update(**values)
        if name == "photos":
            self.touched_stories.update(
                Story.objects.filter(placements__photo_id=local_pk).values_list("pk", flat=True)
            )

    # --- Preparing rows ----------------------------------------------------------------------------

    def prepare_story(self, row):
        row = {
            **row,
            "collection_id": self.local_id("collections", row["collection_id"]),
            "created_by_id": self.local_id("accounts", row["created_by_id"]),
        }
        if self.bundle.has_legacy_bodies:
            placed = []
            for after, _, pk, photo_id, caption in self.legacy_placements.get(row["id"], []):
                local = self.local_id("photos", photo_id)
                if local is not None:
                    self.photo_positions[pk] = len(placed)
                    placed.append((after, local, caption))
            row["body"] = legacy_body(row["body"], placed)
            too_large = body_size_problem(row["body"])  # the check before the import saw the old form
            if too_large:
                raise BundleError(f"{story_label(row)}, in the form bodies have now: {too_large}")
        elif self.merge and "data-photo" in row["body"]:
            # Links to stories are turned once every story has its key here (relink_stories).
            row["body"] = with_keys(row["body"], photo_id=lambda pk: self.local_id("photos", pk))
        return row

    @timed(lambda: "placements")
    def read_legacy_placements(self):
        """An old bundle's placements, by story, in the order its pages showed them."""
        for row in self.bundle.records(TABLE["placements"]):
            self.legacy_placements.setdefault(row["story_id"], []).append(
                (row["after_paragraph"], row["order"], row["id"], row["photo_id"], row["caption"])
            )
        for placements in self.legacy_placements.values():
            placements.sort()

    def prepare_placement(self, row):
        if self.bundle.has_legacy_bodies:
            row["order"] = self.photo_positions.get(row["id"], row["order"])
            del row["after_paragraph"]
        return row

    @timed(lambda: "stories")
    def relink_stories(self):
        """Merged stories' links to other stories name those stories' keys here."""
        if not self.merge:
            return
        merged = [self.local_id("stories", pk) for pk, fate in self.story_fate.items() if fate in TAKES_CHILDREN]
        for start in range(0, len(merged), 500):
            linking = Story._base_manager.filter(pk__in=merged[start : start + 500], body__contains='data-story="')
            for pk, body in linking.values_list("pk", "body"):
                Story._base_manager.filter(pk=pk).update(body=with_keys(body, story_link=self.local_story))

    def local_story(self, pk):
        local = self.local_id("stories", pk)
        return None if local is None else (local, None)

    def prepare_photo(self, row):
        row = {
            **row,
            "uploaded_by_id": self.local_id("accounts", row["uploaded_by_id"]),
            "released_by_id": self.local_id("accounts", row["released_by_id"]),
        }
        self.bring_files(row)
        return row

    # --- A story's own rows ------------------------------------------------------------------------

    @timed(lambda name: name)
    def load_story_rows(
        self,
        name,
        *,
        parent="story_id",
        remap=None,
        people=(),
        prepare=None,
        follows=TAKES_CHILDREN,
        known=(),
        new_keys=False,
    ):
        """A table of rows that belong to stories (`parent` names the story; a working copy of a
        story not added yet has none), or with `parent=None` to accounts.

        `remap`: columns naming a row of another table, by that table; `people`: columns naming an
        account (null for a former user). Restoring, rows keep their keys, unless `new_keys` (rows
        nothing points at, of which the site may have some already: those of accounts made here
        first). Merging, only the rows of stories whose fate is in `follows` come. With new keys,
        `known` (columns) tells a row the site has already, which stays as it is here, and a row
        whose story, thread or photo did not come is left out with it. `prepare` sees a row with
        the keys here (but its own), and may return None: the row does not come."""
        table = TABLE[name]
        if not self.bundle.carries(table):
            return
        model = table.model
        remap = {**({parent: "stories"} if parent else {}), **dict.fromkeys(people, "accounts"), **(remap or {})}
        rows = self.progress(
            self.bundle.records(table), total=self.bundle.count(table), desc=f"Importing {name}", unit="record"
        )
        if not (self.merge or new_keys):
            with Inserter(model, batch_size=self.batch_size) as inserter:
                for row in rows:
                    for column in people:
                        row[column] = self.local_id("accounts", row[column])
                    row = prepare(row) if prepare else row
                    if row is not None:
                        inserter.add(row)
            self.report.outcomes[name, ADDED] += inserter.count
            return
        here = self.rows_here(model, parent, known, follows)
        # A table whose rows point at each other (a reply at its thread) needs each one's key here.
        threads = [column for column, other in remap.items() if other == name]
        batch, waiting = [], set()
        for row in rows:
            if self.merge and parent and row[parent] is not None and self.story_fate.get(row[parent]) not in follows:
                continue
            if any(row[column] in waiting for column in threads):
                self.insert_rows(name, batch, keep_ids=True)
                batch, waiting = [], set()
            mapped = {column: self.local_id(other, row[column]) for column, other in remap.items()}
            if any(value is None and row[column] is not None for column, value in mapped.items()):
                continue  # what it points to was not imported (a conflict reported above)
            row.update(mapped)
            found = here.get(tuple(row[column] for column in known)) if known else None
            if found is not None:
                self.ids[name][row["id"]] = found
                continue
            if prepare:
                row = prepare(row)
                if row is None:
                    continue
            bundle_pk = row.pop("id")
            batch.append((bundle_pk, model(**row)))
            waiting.add(bundle_pk)
            if len(batch) >= self.batch_size:
                self.insert_rows(name, batch, keep_ids=bool(threads))
                batch, waiting = [], set()
        self.insert_rows(name, batch, keep_ids=bool(threads))

    def insert_rows(self, name, batch, *, keep_ids):
        TABLE[name].model._base_manager.bulk_create([instance for _, instance in batch])
        if keep_ids:
            self.ids[name].update((bundle_pk, instance.pk) for bundle_pk, instance in batch)
        self.report.outcomes[name, ADDED] += len(batch)

    def rows_here(self, model, parent, known, follows) -> dict:
        """The `known` values of the rows here that a row from the bundle may be already, with their
        keys: of the stories matched here (one added by this import has none yet), and of no story."""
        if not known:
            return {}
        queries = [model._base_manager.all()]
        if parent:
            matched = [
                self.local_id("stories", pk)
                for pk, fate in self.story_fate.items()
                if fate in follows and fate != ADDED
            ]
            queries = [model._base_manager.filter(**{f"{parent}__isnull": True})] + [
                model._base_manager.filter(**{f"{parent}__in": matched[start : start + 500]})
                for start in range(0, len(matched), 500)
            ]
        return {
            tuple(values): pk
            for query in queries
            for pk, *values in query.values_list("pk", *known).iterator(chunk_size=self.batch_size)
        }

    def prepare_recorded(self, row):
        """A revision or unpublished changes: its snapshot names tags, stories and photos by the keys here."""
        if self.merge:
            row["snapshot"] = self.remap_snapshot(row["snapshot"])
        return row

    # --- The staff's own work ----------------------------------------------------------------------

    def load_staff_work(self):
        """Notes (threads, anchors, resolved state), working copies, notifications (read or not) and
        the kinds each person turned off, to the same people and stories here. Merging, what is here
        already stays as it is: a note written at the same moment with the same text, a person's
        working copy of the story, a person's notification of the same step."""
        self.load_story_rows(
            "notes",
            people=("author_id", "resolved_by_id"),
            remap={"reply_to_id": "notes"},
            follows=TAKES_STAFF_WORK,
            known=NOTE_KEY,
        )
        self.load_story_rows(
            "working_copies", people=("user_id",), follows=TAKES_STAFF_WORK, known=WORKING_COPY_KEY, new_keys=True
        )
        self.load_story_rows(
            "notifications",
            people=("recipient_id", "actor_id"),
            prepare=self.prepare_notification,
            follows=TAKES_STAFF_WORK,
            known=NOTIFICATION_KEY,
        )
        # Only of the accounts this import made: one here already keeps its own settings.
        self.load_story_rows(
            "notifications_turned_off",
            parent=None,
            people=("user_id",),
            prepare=lambda row: row if row["user_id"] in self.accounts_added else None,
            new_keys=True,
        )
        self.report.staff_work = Counter({table.name: self.report.outcomes[table.name, ADDED] for table in STAFF_WORK})

    def say_why_staff_work_stayed(self):
        if self.bundle.staff_work:
            self.report.notes.append(
                "The bundle carries the staff's notes, working copies and notifications; they were left out, as "
                "the accounts came without their access. Import it with --with-staff-accounts to bring them."
            )
        elif self.with_staff_accounts:
            self.report.notes.append(
                "The bundle carries no notes, working copies or notifications: it was exported without "
                "--with-staff-accounts (or by a Newsroom before bundle format 6)."
            )

    def prepare_notification(self, row):
        if row["sent_at"] is None and row["email_to"] and row["attempts"] < MAX_ATTEMPTS:
            # In the inbox as it was; send_notifications leaves a message tried MAX_ATTEMPTS times alone.
            row["attempts"], row["last_error"] = MAX_ATTEMPTS, NOT_SENT_HERE
            self.report.mail_not_sent += 1
        return row

    def remap_snapshot(self, snapshot: dict) -> dict:
        """A revision names tags, stories, photos and its collection by key: the keys here."""

        def mapped(table, pks):
            return sorted(pk for pk in (self.local_id(table, pk) for pk in pks) if pk is not None)

        snapshot = dict(snapshot)
        if "tags" in snapshot:
            snapshot["tags"] = mapped("tags", snapshot["tags"])
        if "related_stories" in snapshot:
            snapshot["related_stories"] = mapped("stories", snapshot["related_stories"])
        if "collection_id" in snapshot:
            snapshot["collection_id"] = self.local_id("collections", snapshot["collection_id"])
        if "placements" in snapshot:
            snapshot["placements"] = [
                {**placement, "photo": self.local_id("photos", placement.get("photo"))}
                for placement in snapshot["placements"]
            ]
        if current_form(snapshot) is snapshot and "data-" in (snapshot.get("body") or ""):
            # A body in today's form names its photos and linked stories by key; an old one has none.
            snapshot["body"] = with_keys(
                snapshot["body"], photo_id=lambda pk: self.local_id("photos", pk), story_link=self.local_story
            )
        return snapshot

    def put_pages_on_site(self, page_ids):
        through = FlatPage.sites.through
        through._base_manager.bulk_create([through(flatpage_id=pk, site_id=self.site.pk) for pk in page_ids])

    # --- Files -------------------------------------------------------------------------------------

    def bring_files(self, row):
        """Store the photo's original and public copies under their names, as on the exporting site."""
        if self.dry_run:
            return
        missing = self.bundle.missing_files
        if row["original"] and row["original"] not in missing:
            row["original"] = self.store("original", row["original"], originals_storage())
        renditions = {key: dict(entry) for key, entry in (row["renditions"] or {}).items()}
        # An embargoed photo's copies go to private storage, never for a moment into MEDIA_ROOT.
        copies = copies_storage(row["copies_public"])
        for entry in renditions.values():
            if entry["name"] not in missing:
                entry["name"] = self.store("public", entry["name"], copies)
        row["renditions"] = renditions

    def store(self, kind, name, storage) -> str:
        if storage.exists(name):
            if self.same_file(kind, name, storage):
                return name  # already here, byte for byte: neither written nor removed by us
            # Another file holds the name: never overwrite it; the row points at the new name.
        with self.bundle.open_file(kind, name) as source:
            stored = storage.save(name, File(source, name=name))
        self.written.append((storage, stored))
        self.report.files_written += 1
        return stored

    def same_file(self, kind, name, storage) -> bool:
        def digest(stream):
            sha = hashlib.sha256()
            for chunk in iter(lambda: stream.read(1024 * 1024), b""):
                sha.update(chunk)
            return sha.digest()

        with storage.open(name, "rb") as here, self.bundle.open_file(kind, name) as theirs:
            return digest(here) == digest(theirs)

    def retire_files_replaced(self, before, values):
        """Files of the older copy that the newer one no longer uses (or uses from the other
        storage: the bundle's copy is embargoed, or public) go, once the import commits."""
        old_public = {(before["copies_public"], entry["name"]) for entry in (before["renditions"] or {}).values()}
        new_public = {(values["copies_public"], entry["name"]) for entry in (values["renditions"] or {}).values()}
        gone = [(copies_storage(public), name) for public, name in old_public - new_public]
        if before["original"] and before["original"] != values["original"]:
            gone.append((originals_storage(), before["original"]))
        if gone and not self.dry_run:
            transaction.on_commit(lambda: [storage.delete(name) for storage, name in gone])

    # --- Afterwards --------------------------------------------------------------------------------

    def reset_sequences(self):
        """Rows came with their keys: the next row made here must get a key after them (PostgreSQL)."""
        statements = connection.ops.sequence_reset_sql(no_style(), [table.model for table in TABLES])
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def adopt_site_name(self):
        site = self.bundle.manifest.get("site") or {}
        if site.get("domain") and site.get("name"):
            Site.objects.filter(pk=self.site.pk).update(domain=site["domain"], name=site["name"])
            Site.objects.clear_cache()

    @timed(lambda: "photo embargo")
    def embargo_photos(self):
        """Photos' copies where this site's embargo puts them (stories/embargo.py): public when a
        story readers may see uses the photo, or an Editor released it; private otherwise. A bundle
        of this format says so already; an older one's photos came in embargoed."""
        if self.dry_run:
            return  # no file was stored, so none can move
        photos = PhotoAsset.objects.all()
        if self.merge:
            stories = [self.local_id("stories", pk) for pk, fate in self.story_fate.items() if fate in TAKES_CHILDREN]
            placed = PhotoPlacement.objects.filter(story_id__in=stories).values("photo")
            photos = photos.filter(Q(pk__in=list(self.ids["photos"].values())) | Q(pk__in=placed))
        made_public, _ = sync_photos(photos, written=self.written)
        self.report.photos_made_public = made_public

    @timed(lambda: "search index")
    def refresh_search(self):
        if not indexing.index_in_use():
            return
        if not self.merge:
            carried = self.bundle.search_rules_version
            if carried is not None and carried != indexing.SEARCH_RULES_VERSION:
                self.report.notes.append(
                    f"The bundle's search documents were made by search rules version {carried}; this "
                    f"site's are version {indexing.SEARCH_RULES_VERSION}, so they were made again here."
                )
            documents = self.bundle.search_documents() if carried == indexing.SEARCH_RULES_VERSION else ()
            self.report.search_documents = load_search_documents(documents, chunk_size=self.batch_size)
            return
        for story_id in sorted(self.touched_stories):
            indexing.refresh_story(story_id)
        self.report.search_documents = len(self.touched_stories)


def remove_files(written) -> None:
    """Take away the files an undone import stored, and the folders that held only them."""
    for storage, name in written:
        storage.delete(name)
        try:
            root = Path(storage.path("")).resolve()
            folder = Path(storage.path(name)).resolve().parent
        except NotImplementedError:  # remote storage has no folders to tidy
            continue
        while folder != root and root in folder.parents:
            try:
                folder.rmdir()  # only when empty
            except OSError:
                break
            folder = folder.parent
