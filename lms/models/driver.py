"""The busiest statements, run on the database driver's cursor.

On the lesson page and the quiz submission, SQLAlchemy's execution of a Core statement
(looking up the compiled form, an execution context, processing each parameter, a result
object) costs several times what SQLite spends running it. A `DriverStatement` is a Core
statement compiled once per dialect, with its parameters' and columns' type processors
looked up once; running it hands the SQL to the driver's cursor on the session's
connection, inside the session's transaction, and returns plain tuples.

What stays as it was:
- the SQL, the types' conversions (timestamps, JSON, enums, booleans) and the dialect's
  casts are SQLAlchemy's own, from the same compiler and the same type objects;
- the engine's `before_cursor_execute` and `after_cursor_execute` listeners are called,
  so statement counts (tests, benchmarks) still see every statement;
- the driver's errors are raised as SQLAlchemy's (`IntegrityError`...), so callers catch
  the same exceptions;
- on SQLite, the writer queue (lms.models.sqlite_writers) works below the cursor, so
  writes still wait their turn.

Lists in `IN` take one parameter per item: `numbered_binds` builds them and
`numbered_values` fills them; a statement is built and compiled once per list length
(`DriverStatementsBySize`). So do the rows of a `multi_row_insert` (`numbered_rows`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, Connection, Dialect, Insert, Table, bindparam, exc, insert
from sqlalchemy.sql.base import Executable

#: The conversions of a statement's typed values: (position, conversion), as SQLAlchemy's
#: types give them (a type that needs none has no entry).
Conversions = tuple[tuple[int, Callable[[Any], Any]], ...]


@dataclass(frozen=True)
class _Compiled:
    """A statement compiled for one dialect, ready for the driver."""

    sql: str
    names: tuple[str, ...]  # the parameters, in the order of positional paramstyles
    positional: bool
    conversions: Conversions  # (position, conversion)
    fixed: dict[str, Any]  # the values the statement itself holds (`status == "open"`)
    columns: tuple[Any, ...]  # the types of the returned columns


class DriverStatement:
    """A Core statement run on the driver's cursor (see the module's docstring)."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}
        # Each returned column's conversion, per dialect: some depend on the type the
        # driver reports (psycopg's numbers), so they are looked up at the first run.
        self._results: dict[str, Conversions] = {}

    def rows(self, connection: Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run the statement once; the rows it returns (SELECT or RETURNING), converted."""
        dialect = connection.dialect
        compiled = self._for(dialect)
        cursor = self._run(connection, compiled, params)
        try:
            description = cursor.description
            fetched = cursor.fetchall() if description else []
        finally:
            cursor.close()
        if not fetched:
            return []
        key = f"{dialect.name}+{dialect.driver}"
        results = self._results.get(key)
        if results is None:
            processors = [
                _dialect_type(type_, dialect).result_processor(dialect, column[1])
                for type_, column in zip(compiled.columns, description, strict=True)
            ]
            results = self._results[key] = tuple(
                (index, process) for index, process in enumerate(processors) if process is not None
            )
        return _converted(fetched, results)

    def first(self, connection: Connection, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The first row the statement returns, or None."""
        found = self.rows(connection, params)
        return found[0] if found else None

    def execute(self, connection: Connection, params: Mapping[str, Any]) -> int:
        """Run a statement that returns no rows; how many rows it changed."""
        compiled = self._for(connection.dialect)
        cursor = self._run(connection, compiled, params)
        try:
            return int(cursor.rowcount)
        finally:
            cursor.close()

    def executemany(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run the statement once per row of parameters, in one driver call."""
        if not rows:
            return
        compiled = self._for(connection.dialect)
        many = _many_parameters(compiled, rows)
        cursor = _call(
            connection, compiled.sql, many, lambda c: c.executemany(compiled.sql, many), many=True
        )
        cursor.close()

    def _run(self, connection: Connection, compiled: _Compiled, params: Mapping[str, Any]) -> Any:
        values = _parameters(compiled, params)
        return _call(
            connection, compiled.sql, values, lambda c: c.execute(compiled.sql, values), many=False
        )

    def _for(self, dialect: Dialect) -> _Compiled:
        key = f"{dialect.name}+{dialect.driver}"
        found = self._compiled.get(key)
        if found is None:
            found = self._compiled[key] = _compile(self.statement, dialect)
        return found


class DriverStatementsBySize:
    """A statement whose `IN` lists take one parameter per item: built by `build(size)`
    and compiled once per list length."""

    def __init__(self, build: Callable[[int], Executable]) -> None:
        self._build = build
        self._sizes: dict[int, DriverStatement] = {}

    def of_size(self, size: int) -> DriverStatement:
        """The statement for lists of `size` items."""
        found = self._sizes.get(size)
        if found is None:
            found = self._sizes[size] = DriverStatement(self._build(size))
        return found


def numbered_binds(name: str, size: int) -> list[BindParameter[Any]]:
    """`size` parameters for an `IN` list: name_0, name_1..."""
    return [bindparam(f"{name}_{index}") for index in range(size)]


def numbered_values(name: str, values: Sequence[Any]) -> dict[str, Any]:
    """The values of `numbered_binds(name, len(values))`."""
    return {f"{name}_{index}": value for index, value in enumerate(values)}


def every_column(table: Table) -> tuple[str, ...]:
    """The columns an INSERT on the driver's cursor gives a value: all but the integer id
    the database numbers (no column default is applied there, so none is left out)."""
    numbered = table.autoincrement_column
    return tuple(column.name for column in table.columns if column is not numbered)


def insert_every_column(table: Table, types: Mapping[str, Any] | None = None) -> Insert:
    """An INSERT of one row: each column of `every_column` takes the parameter of its name,
    with its column's type or the one given in `types`."""
    types = types or {}
    return insert(table).values(
        {
            name: bindparam(name, type_=types.get(name, table.c[name].type))
            for name in every_column(table)
        }
    )


def multi_row_insert(table: Table, size: int, types: Mapping[str, Any] | None = None) -> Insert:
    """An INSERT of `size` rows in one VALUES list (one statement, so RETURNING gives every
    row's values): in row i, each column of `every_column` takes the parameter `column_i`
    (`numbered_rows` fills them), with its column's type or the one given in `types`."""
    types = types or {}
    return insert(table).values(
        [
            {
                name: bindparam(f"{name}_{index}", type_=types.get(name, table.c[name].type))
                for name in every_column(table)
            }
            for index in range(size)
        ]
    )


def numbered_rows(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The parameters of `multi_row_insert` for these rows."""
    return {
        f"{name}_{index}": value for index, row in enumerate(rows) for name, value in row.items()
    }


def _compile(statement: Executable, dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
    # SQLAlchemy computes these at each execution, which the driver path does not do: such
    # a statement is refused when first run rather than writing NULL or misnaming values.
    defaulted = [*compiled.insert_prefetch, *compiled.update_prefetch]
    if defaulted:
        listed = ", ".join(sorted(column.name for column in defaulted))
        raise exc.ArgumentError(f"give every column a value (defaults are not applied): {listed}")
    if getattr(compiled, "escaped_bind_names", None):
        listed = ", ".join(sorted(compiled.escaped_bind_names))
        raise exc.ArgumentError(f"parameter names the database cannot take as they are: {listed}")
    positional = bool(compiled.positional)
    names = tuple(compiled.positiontup or ()) if positional else tuple(compiled.binds)
    processors = [
        _dialect_type(compiled.binds[name].type, dialect).bind_processor(dialect) for name in names
    ]
    conversions = tuple(
        (index, process) for index, process in enumerate(processors) if process is not None
    )
    fixed = {
        name: bind.effective_value for name, bind in compiled.binds.items() if not bind.required
    }
    columns = tuple(column.type for column in getattr(statement, "exported_columns", ()))
    return _Compiled(compiled.string, names, positional, conversions, fixed, columns)


def _dialect_type(type_: Any, dialect: Dialect) -> Any:
    """The type as this dialect runs it (SQLite's DATETIME for DateTime, and so on)."""
    return type_.dialect_impl(dialect)


def _parameters(compiled: _Compiled, params: Mapping[str, Any]) -> Any:
    return _many_parameters(compiled, [params])[0]


def _many_parameters(compiled: _Compiled, rows: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Each row's parameters, converted by their types. A value that is the previous row's
    in a column is converted once: a batch's rows share their timestamps (a submission's
    dozen evidence rows and xAPI statements carry the same moments), and converting a
    timestamp is the dearest of the conversions. A missing value raises ArgumentError, a
    value its type refuses StatementError (as SQLAlchemy does)."""
    names, conversions = compiled.names, compiled.conversions
    last_values: list[Any] = [_NOTHING] * len(names)
    last_converted: list[Any] = [None] * len(names)
    many = []
    for given in rows:
        row = {**compiled.fixed, **given} if compiled.fixed else given
        try:
            values = [row[name] for name in names]
        except KeyError as missing:
            raise exc.ArgumentError(f"no value for the parameter {missing}") from None
        for index, process in conversions:
            value = values[index]
            if value is last_values[index]:
                values[index] = last_converted[index]
                continue
            last_values[index] = value
            try:
                values[index] = last_converted[index] = process(value)
            except Exception as error:
                kind = f"{type(error).__module__}.{type(error).__name__}"
                raise exc.StatementError(f"({kind}) {error}", compiled.sql, given, error) from error
        # The drivers take any sequence for positional parameters.
        many.append(values if compiled.positional else dict(zip(names, values, strict=True)))
    return many


_NOTHING = object()


def _converted(rows: list[Any], conversions: Conversions) -> list[tuple[Any, ...]]:
    """The rows as tuples, each typed column converted (position, conversion)."""
    if not conversions:
        return [tuple(row) for row in rows]
    converted = []
    for row in rows:
        values = list(row)
        for index, process in conversions:
            values[index] = process(values[index])
        converted.append(tuple(values))
    return converted


def _call(
    connection: Connection, sql: str, params: Any, run: Callable[[Any], Any], *, many: bool
) -> Any:
    """Run `run(cursor)` on a new cursor of the connection's driver connection, with the
    engine's cursor events around it and the driver's errors raised as SQLAlchemy's."""
    cursor = connection.connection.cursor()
    dispatch = connection.dispatch
    for listener in dispatch.before_cursor_execute:
        listener(connection, cursor, sql, params, None, many)
    try:
        run(cursor)
    except connection.dialect.loaded_dbapi.Error as error:
        cursor.close()
        raise exc.DBAPIError.instance(
            sql, params, error, connection.dialect.loaded_dbapi.Error, dialect=connection.dialect
        ) from error
    for listener in dispatch.after_cursor_execute:
        listener(connection, cursor, sql, params, None, many)
    return cursor
