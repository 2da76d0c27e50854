"""Querysets turned into SQL once per process, then run with new values on every request.

Building and compiling a queryset costs Django about a millisecond of CPU, several times what
PostgreSQL spends answering it; a story page asks five. A CompiledQuery builds its queryset
twice with different sample values, once per process and database, to learn the SQL and where
each value lands among its parameters; after that a request only fills in its values, runs the
SQL and makes model instances (with any select_related objects) from the rows, as the queryset
itself would. The querysets stay the one definition of what is asked (Story.objects.published()
and all); this only skips doing the same work again.

Measured (bench/RESULTS.md): an uncached story page costs 9.1 million instructions with it and
23.1 million with the plain querysets. It reads what Django's SQL compiler leaves behind
(as_sql(), select, klass_info, get_converters, apply_converters);
tests/website/test_compiled_queries.py checks each by name, so that a Django upgrade that changes
one fails there rather than on readers' pages.

WithParts then sends the story page's five as one statement on PostgreSQL: under load each
statement costs a round trip and PostgreSQL's own work on the same cores, and one statement
instead of five served the uncached story page 41 % faster (bench/RESULTS.md).
"""

import datetime
import re

from django.db import DEFAULT_DB_ALIAS, connections, models


class CompiledQuery:
    """`CompiledQuery(make, slug=(field, "a", "b"))`; then `.objects(slug="...")` is `list(make(slug="..."))`.

    `make` builds the queryset from keyword values; each value is named with the model field
    that adapts it for the database and two different samples.
    """

    def __init__(self, make, **values):
        self.make = make
        self.values = values
        self._compiled = {}

    @property
    def model(self):
        return self._compile(connections[DEFAULT_DB_ALIAS])[-1][0]

    def objects(self, **values) -> list:
        connection = connections[DEFAULT_DB_ALIAS]
        sql, params, slots, compiler, converters, shape = self._compile(connection)
        params = list(params)
        for name, field, positions in slots:
            value = field.get_db_prep_value(values[name], connection, prepared=False)
            for position in positions:
                params[position] = value
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            rows = compiler.apply_converters(rows, converters)
        return [_instance(DEFAULT_DB_ALIAS, shape, row) for row in rows]

    def _compile(self, connection):
        key = (connection.alias, connection.vendor)
        if key not in self._compiled:
            self._compiled[key] = self._learn(connection)
        return self._compiled[key]

    def _learn(self, connection):
        firsts = {name: first for name, (_, first, _) in self.values.items()}
        compiler = self.make(**firsts).query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        slots = []
        for name, (field, first, second) in self.values.items():
            other_sql, other_params = (
                self.make(**{**firsts, name: second}).query.get_compiler(connection=connection).as_sql()
            )
            positions = [index for index, (one, other) in enumerate(zip(params, other_params)) if one != other]
            adapted = field.get_db_prep_value(first, connection, prepared=False)
            # Anything unexpected (a value folded into the SQL, adapted differently) stops here, at the
            # first request, rather than asking the database something else than the queryset would.
            if other_sql != sql or not positions or any(params[index] != adapted for index in positions):
                raise ValueError(f"CompiledQuery cannot place the value {name!r} in: {sql}")
            slots.append((name, field, positions))
        select = compiler.select
        converters = compiler.get_converters([column for column, _, _ in select])
        return sql, params, slots, compiler, converters, _shape(compiler.klass_info, select)


def _shape(klass_info, select):
    """Which columns make which model, and the select_related objects set on it."""
    model, columns = klass_info["model"], klass_info["select_fields"]
    names = [select[index][0].target.attname for index in columns]
    related = [(info["field"].name, _shape(info, select)) for info in klass_info.get("related_klass_infos", [])]
    return model, columns, names, related, columns[names.index(model._meta.pk.attname)]


def _instance(db, shape, row):
    model, columns, names, related, _ = shape
    values = [row[column] for column in columns]
    obj = model.from_db(db, names, values)
    for field_name, related_shape in related:
        # A null foreign key (a story in no collection) comes back as a row of NULLs: no object is made.
        related_pk_column = related_shape[-1]
        setattr(obj, field_name, None if row[related_pk_column] is None else _instance(db, related_shape, row))
    return obj


class WithParts:
    """A CompiledQuery's objects, each with the objects of other CompiledQueries that belong to it.

    `WithParts(stories, tags=(tag_query, "story"))`; then `.objects(slug=..., now=...)` is a list of
    (object, {"tags": [...]}), where each part is `part.objects(story=<the object's pk>, **the rest)`.
    On PostgreSQL the whole is one query: each part is a correlated subquery whose rows come back as
    one JSON array (a round trip and a statement for PostgreSQL to run cost a story page more than
    the JSON does); elsewhere each part is a query of its own, as it always was. The parts' SQL is
    still what their querysets compile to.
    """

    def __init__(self, main: CompiledQuery, **parts: tuple[CompiledQuery, str]):
        self.main = main
        self.parts = parts
        self._compiled = {}

    def objects(self, *, unwanted=lambda obj, name: False, **values) -> list[tuple[object, dict[str, list]]]:
        """With `unwanted(obj, name)` true a part is not asked for where it would be a query of its
        own; it is left out of the dict then (in the one query it costs next to nothing)."""
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.vendor != "postgresql":
            return [
                (
                    obj,
                    {
                        name: query.objects(**{**values, key: obj.pk})
                        for name, (query, key) in self.parts.items()
                        if not unwanted(obj, name)
                    },
                )
                for obj in self.main.objects(**values)
            ]
        key = (connection.alias, connection.vendor)
        if key not in self._compiled:
            self._compiled[key] = self._learn(connection)
        sql, params, slots, compiler, converters, shape, parts = self._compiled[key]
        params = list(params)
        for name, field, position in slots:
            params[position] = field.get_db_prep_value(values[name], connection, prepared=False)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            rows = compiler.apply_converters(rows, converters)
        found = []
        for row in rows:
            obj = _instance(DEFAULT_DB_ALIAS, shape, row)
            objects = {}
            for column, (name, part_shape, readers) in enumerate(parts, start=len(compiler.select)):
                objects[name] = [
                    _instance(DEFAULT_DB_ALIAS, part_shape, _read(readers, part_row) if readers else part_row)
                    for part_row in row[column]
                ]
            found.append((obj, objects))
        return found

    def _learn(self, connection):
        sql, params, slots, compiler, converters, shape = self.main._compile(connection)
        width = len(compiler.select)
        outer_pk = f'"outer"."c{shape[-1]}"'
        subqueries, all_params, all_slots, parts = [], [], [], []
        for name, (query, key) in self.parts.items():
            part_sql, part_params, part_slots, part_compiler, _, part_shape = query._compile(connection)
            readers = [_json_reader(column) for column, _, _ in part_compiler.select]
            at = {position: value_name for value_name, _, positions in part_slots for position in positions}
            fields = {value_name: field for value_name, field, _ in part_slots}
            pieces, number = [], 0
            for piece in re.split(r"(%%|%s)", part_sql):
                if piece != "%s":
                    pieces.append(piece)
                    continue
                if at.get(number) == key:
                    pieces.append(outer_pk)
                else:
                    if number in at:
                        all_slots.append((at[number], fields[at[number]], len(all_params)))
                    all_params.append(part_params[number])
                    pieces.append("%s")
                number += 1
            if number != len(part_params) or key not in fields:
                raise ValueError(f"WithParts cannot place the value {key!r} in: {part_sql}")
            columns = ", ".join(f"part.c{index}" for index in range(len(part_compiler.select)))
            aliases = ", ".join(f"c{index}" for index in range(len(part_compiler.select)))
            subqueries.append(
                f"(SELECT coalesce(json_agg(json_build_array({columns})), '[]'::json) "
                f"FROM ({''.join(pieces)}) AS part({aliases}))"
            )
            # Most parts (tags, related stories) hold nothing JSON changes: their rows are used as they come.
            parts.append((name, part_shape, None if all(read is _same for read in readers) else readers))
        offset = len(all_params)
        all_slots += [(name, field, offset + position) for name, field, positions in slots for position in positions]
        aliases = ", ".join(f"c{index}" for index in range(width))
        # Postgres keeps a sorted subquery's order through json_agg when nothing is joined to it.
        combined = f'SELECT "outer".*, {", ".join(subqueries)} FROM ({sql}) AS "outer"({aliases})'
        return combined, all_params + list(params), all_slots, compiler, converters, shape, parts


# How a value read back from JSON becomes what the column's own reading would give.
_AS_IS = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "FileField",
        "ForeignKey",
        "IntegerField",
        "JSONField",  # nested in the JSON as it is, so already read
        "OneToOneField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
    }
)


def _json_reader(column):
    field = column.output_field
    kind, reads = field.get_internal_type(), getattr(type(field), "from_db_value", None)
    if kind == "DateTimeField":
        return lambda value: None if value is None else datetime.datetime.fromisoformat(value)
    if kind == "DateField":
        return lambda value: None if value is None else datetime.date.fromisoformat(value)
    if kind in _AS_IS and reads is (models.JSONField.from_db_value if kind == "JSONField" else None):
        return _same
    raise ValueError(f"WithParts cannot read a {kind} back from JSON: {field}")


def _same(value):
    return value


def _read(readers, row):
    return [read(value) for read, value in zip(readers, row, strict=True)]
