"""Querysets turned into SQL once per process, then run with new values on every request.

Building and compiling a queryset costs Django about a millisecond of CPU, several times what
PostgreSQL spends answering it; a story page makes five. A CompiledQuery builds its queryset
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
"""

from django.db import DEFAULT_DB_ALIAS, connections


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
