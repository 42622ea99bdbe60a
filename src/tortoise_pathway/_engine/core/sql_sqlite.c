/*
 * sql_sqlite.c - the SQLite statements of each schema operation, including
 * the table rebuild for the changes SQLite's ALTER TABLE cannot make.
 *
 * Owns: column and table definitions as SQLite writes them (the shape of
 * Tortoise ORM's generate_schemas: "c" TYPE NOT NULL UNIQUE PRIMARY KEY
 * DEFAULT v REFERENCES "t" ("id") ON DELETE X), CREATE [UNIQUE] INDEX, and
 * the choice between a plain ALTER TABLE and a rebuild. Does not own:
 * quoting and value literals (sql.c), the dispatch by dialect and RUN_SQL /
 * RUN_PYTHON (sql.c), how an operation changes the schema (ops.c).
 *
 * SQLite has no comments on tables or columns: comments are ignored.
 *
 * The rebuild is SQLite's documented 12-step procedure
 * (https://www.sqlite.org/lang_altertable.html#otheralter), inner steps only:
 *   CREATE TABLE "__pw_new_<t>" (<t as it is after the operation>)
 *   INSERT INTO "__pw_new_<t>" (<columns kept>) SELECT <exprs> FROM "<t>"
 *   (AUTOINCREMENT tables: copy the sqlite_sequence row of <t>, 2 statements)
 *   DROP TABLE "<t>"
 *   ALTER TABLE "__pw_new_<t>" RENAME TO "<t>"
 *   CREATE [UNIQUE] INDEX ... for every index of the new table
 * The executor runs the migration in one transaction with
 * PRAGMA foreign_keys=OFF before it and PRAGMA foreign_key_check after, so
 * foreign keys of other tables that point at <t> survive the drop and find the
 * renamed table.
 */
#include "sql_sqlite.h"

#include <stdio.h>
#include <string.h>

#include "sql.h"

#define D PW_DIALECT_SQLITE

#define REBUILD_PREFIX PW_SQLITE_REBUILD_PREFIX

static int nomem(pw_error *err) { return pw_error_set(err, PW_ERR_NOMEM, NULL, "out of memory"); }

/* Moves the text of sb into out as one statement and empties sb.
 * 0 or PW_ERR_NOMEM (also when an earlier append to sb failed). */
static int emit(pw_arena *a, pw_strbuf *sb, pw_strlist *out, pw_error *err) {
    char *s = pw_sb_finish(sb);
    if (s == NULL || pw_strlist_push(a, out, s) != 0) return nomem(err);
    pw_sb_reset(sb);
    return 0;
}

/* Appends the column definition of c: the autoincrement pk as Tortoise's
 * GENERATED_SQL for SQLite (INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, the
 * only type SQLite accepts with AUTOINCREMENT), any other column as
 * "c" TYPE[ GENERATED ...][ NOT NULL][ UNIQUE][ PRIMARY KEY][ DEFAULT v], then
 * its foreign key if any. The comment is not rendered. */
static void column_def(pw_strbuf *sb, const pw_column *c) {
    pw_sql_ident(sb, D, c->name);
    if (c->pk && c->autoincrement) {
        pw_sb_append(sb, " INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL");
    } else {
        pw_sb_append_char(sb, ' ');
        pw_sb_append(sb, c->type[D]);
        pw_sql_generated(sb, D, c);
        if (!c->null) pw_sb_append(sb, " NOT NULL");
        if (c->unique && !c->pk) pw_sb_append(sb, " UNIQUE");
        if (c->pk) pw_sb_append(sb, " PRIMARY KEY");
        if (c->def.kind != PW_DEFAULT_NONE) {
            pw_sb_append(sb, " DEFAULT ");
            pw_sql_default_value(sb, D, &c->def);
        }
    }
    if (c->fk.table != NULL) {
        pw_sb_append(sb, " REFERENCES ");
        pw_sql_ident(sb, D, c->fk.table);
        if (c->fk.column != NULL) {
            pw_sb_append(sb, " (");
            pw_sql_ident(sb, D, c->fk.column);
            pw_sb_append_char(sb, ')');
        }
        pw_sb_append(sb, " ON DELETE ");
        pw_sb_append(sb, pw_fk_action_name(c->fk.on_delete));
    }
}

/* Appends CREATE TABLE "name" (<columns of t>, <check constraints of t>); name
 * may differ from t->name (the scratch table of a rebuild). Indexes are
 * separate statements. */
static void create_table(pw_strbuf *sb, const char *name, const pw_table *t) {
    pw_sb_append(sb, "CREATE TABLE ");
    pw_sql_ident(sb, D, name);
    pw_sb_append(sb, " (");
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (i) pw_sb_append(sb, ", ");
        column_def(sb, t->columns[i]);
    }
    for (size_t i = 0; i < t->nchecks; i++) {
        pw_sb_append(sb, ", ");
        pw_sql_check_clause(sb, D, t->checks[i]);
    }
    pw_sb_append_char(sb, ')');
}

/* Appends CREATE [UNIQUE] INDEX "ix" ON "table" ("a", "b")[ WHERE p]. */
static void create_index(pw_strbuf *sb, const char *table, const pw_index *ix) {
    pw_sb_append(sb, ix->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
    pw_sql_ident(sb, D, ix->name);
    pw_sb_append(sb, " ON ");
    pw_sql_ident(sb, D, table);
    pw_sb_append_char(sb, ' ');
    pw_sql_index_keys(sb, D, ix);
}

/* A table SQLite can create: at least one column. 0 or PW_ERR_UNSUPPORTED. */
static int check_has_columns(const pw_table *t, pw_error *err) {
    if (t->ncolumns > 0) return 0;
    return pw_error_set(err, PW_ERR_UNSUPPORTED, t->name,
                        "sqlite cannot have table %s without columns", t->name);
}

/* Emits CREATE TABLE for t under its own name, then one CREATE INDEX per
 * index of t, in definition order. */
static int emit_create_model(pw_arena *a, pw_strbuf *sb, const pw_table *t, pw_strlist *out,
                             pw_error *err) {
    int rc = check_has_columns(t, err);
    if (rc) return rc;
    create_table(sb, t->name, t);
    if ((rc = emit(a, sb, out, err)) != 0) return rc;
    for (size_t i = 0; i < t->nindexes; i++) {
        create_index(sb, t->name, t->indexes[i]);
        if ((rc = emit(a, sb, out, err)) != 0) return rc;
    }
    return 0;
}

/* Whether ALTER TABLE ADD COLUMN can add c (the restrictions listed in
 * SQLite's documentation): no PRIMARY KEY or UNIQUE; no expression default
 * (CURRENT_TIMESTAMP and parenthesized expressions are refused); NOT NULL
 * only with a default; a REFERENCES column only with default NULL; no STORED
 * generated column (and a VIRTUAL one goes through the rebuild too, which
 * makes every kind). */
static bool can_add_column(const pw_column *c) {
    if (c->pk || c->unique || c->generated[D] != NULL) return false;
    if (c->def.kind == PW_DEFAULT_EXPR) return false;
    if (!c->null && c->def.kind == PW_DEFAULT_NONE) return false;
    if (c->fk.table != NULL && c->def.kind != PW_DEFAULT_NONE) return false;
    return true;
}

/* Whether t has an AUTOINCREMENT primary key (a row in sqlite_sequence). */
static bool has_autoincrement(const pw_table *t) {
    const pw_column *pk = pw_table_pk(t);
    return pk != NULL && pk->autoincrement;
}

/* Emits the rebuild of old (a table of the schema before op) into the table
 * pw_op_apply_table gives for op on a copy of it: see the file comment. The
 * rows are copied for every column present in both tables, by name; a column
 * that was nullable, becomes NOT NULL and has a default in the new table is
 * copied as COALESCE("c", default). Columns only in the new table are left to
 * their DEFAULT (or NULL); generated columns of the new table to their
 * expression (a column that stops being generated keeps its values). When
 * both tables have an AUTOINCREMENT pk, the
 * old table's sqlite_sequence value is copied to the new one before the drop.
 * Errors: those of pw_op_apply_table, or
 * PW_ERR_UNSUPPORTED when the new table would have no column. */
static int emit_rebuild(pw_arena *a, pw_strbuf *sb, const pw_table *old, const pw_op *op,
                        pw_strlist *out, pw_error *err) {
    int rc;
    pw_table *nt = pw_table_copy(a, old);
    if (nt == NULL) return nomem(err);
    if ((rc = pw_op_apply_table(a, nt, op, err)) != 0) return rc;
    if ((rc = check_has_columns(nt, err)) != 0) return rc;

    pw_strbuf tmp;
    pw_sb_init(&tmp, a);
    pw_sb_append(&tmp, REBUILD_PREFIX);
    pw_sb_append(&tmp, old->name);
    const char *scratch = pw_sb_finish(&tmp);
    if (scratch == NULL) return nomem(err);

    create_table(sb, scratch, nt);
    if ((rc = emit(a, sb, out, err)) != 0) return rc;

    /* INSERT ... SELECT of the kept columns: names into sb, exprs into sel. */
    pw_strbuf sel;
    pw_sb_init(&sel, a);
    size_t kept = 0;
    pw_sb_append(sb, "INSERT INTO ");
    pw_sql_ident(sb, D, scratch);
    pw_sb_append(sb, " (");
    for (size_t i = 0; i < nt->ncolumns; i++) {
        const pw_column *nc = nt->columns[i];
        const pw_column *oc = pw_table_find_column(old, nc->name);
        if (oc == NULL || nc->generated[D] != NULL) continue; /* a generated one computes */
        if (kept) {
            pw_sb_append(sb, ", ");
            pw_sb_append(&sel, ", ");
        }
        pw_sql_ident(sb, D, nc->name);
        if (oc->null && !nc->null && nc->def.kind != PW_DEFAULT_NONE) {
            pw_sb_append(&sel, "COALESCE(");
            pw_sql_ident(&sel, D, nc->name);
            pw_sb_append(&sel, ", ");
            pw_sql_default_value(&sel, D, &nc->def);
            pw_sb_append_char(&sel, ')');
        } else {
            pw_sql_ident(&sel, D, nc->name);
        }
        kept++;
    }
    if (kept > 0) {
        const char *exprs = pw_sb_cstr(&sel);
        if (exprs == NULL) return nomem(err);
        pw_sb_append(sb, ") SELECT ");
        pw_sb_append(sb, exprs);
        pw_sb_append(sb, " FROM ");
        pw_sql_ident(sb, D, old->name);
        if ((rc = emit(a, sb, out, err)) != 0) return rc;
    } else {
        pw_sb_reset(sb); /* nothing to copy */
    }

    if (has_autoincrement(old) && has_autoincrement(nt)) {
        /* Carry AUTOINCREMENT's high-water mark over, so ids of deleted rows
         * are not handed out again (the INSERT set it to the largest id kept). */
        pw_sb_append(sb, "DELETE FROM \"sqlite_sequence\" WHERE \"name\" = ");
        pw_sql_string_literal(sb, D, scratch);
        if ((rc = emit(a, sb, out, err)) != 0) return rc;
        pw_sb_append(sb, "INSERT INTO \"sqlite_sequence\" (\"name\", \"seq\") SELECT ");
        pw_sql_string_literal(sb, D, scratch);
        pw_sb_append(sb, ", \"seq\" FROM \"sqlite_sequence\" WHERE \"name\" = ");
        pw_sql_string_literal(sb, D, old->name);
        if ((rc = emit(a, sb, out, err)) != 0) return rc;
    }

    pw_sb_append(sb, "DROP TABLE ");
    pw_sql_ident(sb, D, old->name);
    if ((rc = emit(a, sb, out, err)) != 0) return rc;

    pw_sb_append(sb, "ALTER TABLE ");
    pw_sql_ident(sb, D, scratch);
    pw_sb_append(sb, " RENAME TO ");
    pw_sql_ident(sb, D, old->name);
    if ((rc = emit(a, sb, out, err)) != 0) return rc;

    for (size_t i = 0; i < nt->nindexes; i++) {
        create_index(sb, old->name, nt->indexes[i]);
        if ((rc = emit(a, sb, out, err)) != 0) return rc;
    }
    return 0;
}

/* ALTER_FIELD: nothing when the SQLite definition of the column does not
 * change (a comment, another dialect's type, the foreign key's constraint
 * name), else a rebuild. */
static int emit_alter_field(pw_arena *a, pw_strbuf *sb, const pw_table *t, const pw_op *op,
                            pw_strlist *out, pw_error *err) {
    const pw_column *oc = pw_table_find_column(t, op->column->name);
    if (oc == NULL) {
        char path[PW_ERR_PATH_MAX];
        snprintf(path, sizeof path, "%s.%s", t->name, op->column->name);
        return pw_error_set(err, PW_ERR_NOT_FOUND, path, "column %s does not exist", path);
    }
    pw_strbuf before, after;
    pw_sb_init(&before, a);
    pw_sb_init(&after, a);
    column_def(&before, oc);
    column_def(&after, op->column);
    const char *x = pw_sb_cstr(&before), *y = pw_sb_cstr(&after);
    if (x == NULL || y == NULL) return nomem(err);
    if (strcmp(x, y) == 0) return 0;
    return emit_rebuild(a, sb, t, op, out, err);
}

/* The fields of op its kind needs, present; 0 or PW_ERR_INVALID. */
static int check_op_fields(const pw_op *op, pw_error *err) {
    bool ok = true;
    switch (op->kind) {
    case PW_OP_CREATE_MODEL:
        return op->model != NULL && op->model->name != NULL
                   ? 0
                   : pw_error_set(err, PW_ERR_INVALID, NULL, "create_model without a table");
    case PW_OP_DELETE_MODEL:
    case PW_OP_ALTER_MODEL:
        break;
    case PW_OP_RENAME_MODEL:
        ok = op->new_name != NULL;
        break;
    case PW_OP_ADD_FIELD:
    case PW_OP_ALTER_FIELD:
        ok = op->column != NULL && op->column->name != NULL;
        break;
    case PW_OP_REMOVE_FIELD:
    case PW_OP_REMOVE_INDEX:
        ok = op->name != NULL;
        break;
    case PW_OP_RENAME_FIELD:
        ok = op->name != NULL && op->new_name != NULL;
        break;
    case PW_OP_ADD_INDEX:
        ok = op->index != NULL && op->index->name != NULL;
        break;
    case PW_OP_ADD_CONSTRAINT:
        ok = op->check != NULL && op->check->name != NULL;
        break;
    case PW_OP_REMOVE_CONSTRAINT:
        ok = op->name != NULL;
        break;
    case PW_OP_RUN_SQL:
    case PW_OP_RUN_PYTHON:
        return pw_error_set(err, PW_ERR_INVALID, NULL,
                            "%s is not a schema operation for the sqlite renderer",
                            pw_op_kind_name(op->kind));
    }
    if (op->table == NULL)
        return pw_error_set(err, PW_ERR_INVALID, NULL, "%s without a table",
                            pw_op_kind_name(op->kind));
    if (!ok)
        return pw_error_set(err, PW_ERR_INVALID, op->table, "%s on %s is missing a field",
                            pw_op_kind_name(op->kind), op->table);
    return 0;
}

/* Contract in sql_sqlite.h. Besides: every kind but CREATE_MODEL needs its
 * table in `before` (PW_ERR_NOT_FOUND); ALTER_FIELD its column. Other checks
 * (names taken, indexes using a removed column) are pw_op_apply's, and
 * pw_op_apply_table's when a rebuild applies op to a copy of the table.
 * On error nothing is appended to out. */
int pw_sql_sqlite_render_op(pw_arena *a, const pw_schema *before, const pw_op *op, pw_strlist *out,
                            pw_error *err) {
    int rc = check_op_fields(op, err);
    if (rc) return rc;
    size_t start = out->len;
    pw_strbuf sb;
    pw_sb_init(&sb, a);
    const pw_table *t = NULL;
    if (op->kind != PW_OP_CREATE_MODEL) {
        t = pw_schema_find_table(before, op->table);
        if (t == NULL) {
            rc = pw_error_set(err, PW_ERR_NOT_FOUND, op->table, "table %s does not exist",
                              op->table);
            goto done;
        }
    }
    switch (op->kind) {
    case PW_OP_CREATE_MODEL:
        rc = emit_create_model(a, &sb, op->model, out, err);
        break;
    case PW_OP_DELETE_MODEL:
        pw_sb_append(&sb, "DROP TABLE ");
        pw_sql_ident(&sb, D, op->table);
        rc = emit(a, &sb, out, err);
        break;
    case PW_OP_RENAME_MODEL:
        pw_sb_append(&sb, "ALTER TABLE ");
        pw_sql_ident(&sb, D, op->table);
        pw_sb_append(&sb, " RENAME TO ");
        pw_sql_ident(&sb, D, op->new_name);
        rc = emit(a, &sb, out, err);
        break;
    case PW_OP_ALTER_MODEL: /* the table comment: SQLite has none */
        break;
    case PW_OP_ADD_FIELD:
        if (can_add_column(op->column)) {
            pw_sb_append(&sb, "ALTER TABLE ");
            pw_sql_ident(&sb, D, op->table);
            pw_sb_append(&sb, " ADD COLUMN ");
            column_def(&sb, op->column);
            rc = emit(a, &sb, out, err);
        } else {
            rc = emit_rebuild(a, &sb, t, op, out, err);
        }
        break;
    case PW_OP_REMOVE_FIELD:
    case PW_OP_ADD_CONSTRAINT: /* SQLite's ALTER TABLE has no constraints */
    case PW_OP_REMOVE_CONSTRAINT:
        rc = emit_rebuild(a, &sb, t, op, out, err);
        break;
    case PW_OP_ALTER_FIELD:
        rc = emit_alter_field(a, &sb, t, op, out, err);
        break;
    case PW_OP_RENAME_FIELD:
        pw_sb_append(&sb, "ALTER TABLE ");
        pw_sql_ident(&sb, D, op->table);
        pw_sb_append(&sb, " RENAME COLUMN ");
        pw_sql_ident(&sb, D, op->name);
        pw_sb_append(&sb, " TO ");
        pw_sql_ident(&sb, D, op->new_name);
        rc = emit(a, &sb, out, err);
        break;
    case PW_OP_ADD_INDEX:
        create_index(&sb, op->table, op->index);
        rc = emit(a, &sb, out, err);
        break;
    case PW_OP_REMOVE_INDEX:
        pw_sb_append(&sb, "DROP INDEX ");
        pw_sql_ident(&sb, D, op->name);
        rc = emit(a, &sb, out, err);
        break;
    case PW_OP_RUN_SQL:
    case PW_OP_RUN_PYTHON:
        break; /* refused by check_op_fields */
    }
done:
    if (rc) out->len = start;
    return rc;
}
