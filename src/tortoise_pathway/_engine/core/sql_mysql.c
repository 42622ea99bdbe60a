/*
 * sql_mysql.c - the statements MySQL and MariaDB run for each schema-changing
 * operation (sql_mysql.h), in the shape Tortoise's generate_schemas gives:
 * AUTO_INCREMENT primary keys, inline COMMENTs, UNIQUE KEY / KEY / foreign
 * keys inside CREATE TABLE, CHARACTER SET utf8mb4.
 *
 * Owns: MySQL's statement shapes and the order of the statements of one
 * operation, including InnoDB's rules for foreign keys: a foreign key always
 * needs an index that leads with its column (a foreign key is dropped around
 * any statement that would take that index away or change the column's type;
 * the index InnoDB adds, named after the key, when no index leads with the
 * column is dropped with a key that does not come back; a key added in its
 * place takes it over under its own name),
 * and it joins columns of compatible types only (see fk_live: a key between,
 * say, an INT and a BIGINT column is left out until the operation that makes
 * the types agree, and the keys that point at a column are dropped around a
 * change of its type). Does not own: quoting, literals, defaults and
 * constraint names (sql.c), the checks pw_sql_render_op makes before calling
 * here, or RUN_SQL / RUN_PYTHON.
 *
 * Invariant kept: a unique column's key is named pw_sql_column_unique_name:
 * its own name (unique_name) when it has one, kept through renames, else
 * pw_sql_unique_name(table, column), renamed with its table or column. A
 * change of the key's name alone is a RENAME INDEX (MySQL 5.7, MariaDB
 * 10.5.2); a foreign key cannot be renamed on MySQL: it is dropped and added.
 *
 * Lock-aware statements (r->safe, a migration marked safe): the algorithm
 * that lets writes go on, as the last clause of the statement so that the
 * executor can run it again without it when the server refuses it
 * (pw_sql_strip_algorithm): ADD COLUMN and DROP COLUMN ", ALGORITHM=INSTANT"
 * (MySQL 8.0 "Online DDL Operations", column operations: INSTANT for ADD
 * COLUMN since 8.0.12, DROP COLUMN since 8.0.29; MariaDB "InnoDB Online DDL
 * Operations with the INSTANT Alter Algorithm", ADD COLUMN 10.3.2, DROP
 * COLUMN 10.4); CREATE INDEX and DROP INDEX " ALGORITHM=INPLACE LOCK=NONE"
 * (secondary indexes are built in place with concurrent DML, both servers;
 * FULLTEXT and SPATIAL indexes refuse LOCK=NONE and fall back). A new table
 * (CREATE_MODEL) stays plain.
 */
#include "sql_mysql.h"

#include <stdio.h>
#include <string.h>

#include "sql.h"

#define D PW_DIALECT_MYSQL



static void ident(pw_sql_rctx *r, const char *name) { pw_sql_ident(&r->sb, D, name); }

/* A table's name, qualified by its database (Meta.schema; pw_sql_rctx_table). */
static void tident(pw_sql_rctx *r, const char *table) { pw_sql_rctx_table(r, D, table); }



static void col_path(char *path, const char *table, const char *column) {
    snprintf(path, PW_ERR_PATH_MAX, "%s.%s", table, column);
}

/* Appends the column definition of c:
 *   `name` TYPE [GENERATED ...] [NOT NULL|NULL] [PRIMARY KEY] [AUTO_INCREMENT]
 *   [DEFAULT v] [COMMENT '...']
 * NULL is written out for nullable columns (older servers make a bare
 * TIMESTAMP NOT NULL), but for generated ones (MariaDB refuses it after the
 * generated clause). with_pk false leaves out PRIMARY KEY (MODIFY COLUMN of
 * a column that already is the key). An auto-increment column gets no
 * DEFAULT. */
static void column_def(pw_sql_rctx *r, const pw_column *c, bool with_pk) {
    ident(r, c->name);
    pw_sb_append_char(&r->sb, ' ');
    pw_sb_append(&r->sb, c->type[D]);
    pw_sql_generated(&r->sb, D, c);
    if (!c->null) pw_sb_append(&r->sb, " NOT NULL");
    else if (c->generated[D] == NULL) pw_sb_append(&r->sb, " NULL");
    if (c->pk && with_pk) pw_sb_append(&r->sb, " PRIMARY KEY");
    if (c->pk && c->autoincrement) pw_sb_append(&r->sb, " AUTO_INCREMENT");
    if (c->def.kind != PW_DEFAULT_NONE && !(c->pk && c->autoincrement)) {
        pw_sb_append(&r->sb, " DEFAULT ");
        pw_sql_default_value(&r->sb, D, &c->def);
    }
    if (c->comment != NULL) {
        pw_sb_append(&r->sb, " COMMENT ");
        pw_sql_string_literal(&r->sb, D, c->comment);
    }
}

/* UNIQUE KEY `<table>_<column>_key` (`column`) (or c's own name) */
static int unique_key(pw_sql_rctx *r, const char *table, const pw_column *c) {
    const char *name = pw_sql_column_unique_name(r->a, table, c);
    if (name == NULL) return pw_sql_rctx_nomem(r);
    pw_sb_append(&r->sb, "UNIQUE KEY ");
    ident(r, name);
    pw_sb_append(&r->sb, " (");
    ident(r, c->name);
    pw_sb_append_char(&r->sb, ')');
    return 0;
}

/* "FULLTEXT ", "SPATIAL ", "UNIQUE " or "": what comes before KEY or INDEX. */
static void index_kind(pw_sql_rctx *r, const pw_index *ix) {
    if (ix->method != NULL) {
        pw_sb_append(&r->sb, ix->method);
        pw_sb_append_char(&r->sb, ' ');
    } else if (ix->unique) {
        pw_sb_append(&r->sb, "UNIQUE ");
    }
}

/* [FULLTEXT |SPATIAL |UNIQUE ]KEY `name` (`a`, `b`)[ options] */
static void index_key(pw_sql_rctx *r, const pw_index *ix) {
    index_kind(r, ix);
    pw_sb_append(&r->sb, "KEY ");
    ident(r, ix->name);
    pw_sb_append_char(&r->sb, ' ');
    pw_sql_index_keys(&r->sb, D, ix);
}

/* ALTER TABLE `table` <action>, the action written by the caller after. */
static void alter(pw_sql_rctx *r, const char *table) { pw_sql_rctx_alter(r, D, table); }

static int drop_fk(pw_sql_rctx *r, const char *table, const pw_fk *fk) {
    alter(r, table);
    pw_sb_append(&r->sb, "DROP FOREIGN KEY ");
    ident(r, fk->name);
    return pw_sql_rctx_push(r);
}

static int add_fk(pw_sql_rctx *r, const char *table, const pw_column *c) {
    alter(r, table);
    pw_sb_append(&r->sb, "ADD ");
    pw_sql_fk_clause(&r->sb, D, c->name, &c->fk, pw_sql_rctx_schema(r, c->fk.table));
    return pw_sql_rctx_push(r);
}

static int add_unique(pw_sql_rctx *r, const char *table, const pw_column *c) {
    alter(r, table);
    pw_sb_append(&r->sb, "ADD ");
    int rc = unique_key(r, table, c);
    return rc ? rc : pw_sql_rctx_push(r);
}

static int drop_unique(pw_sql_rctx *r, const char *table, const pw_column *c) {
    const char *name = pw_sql_column_unique_name(r->a, table, c);
    if (name == NULL) return pw_sql_rctx_nomem(r);
    alter(r, table);
    pw_sb_append(&r->sb, "DROP INDEX ");
    ident(r, name);
    return pw_sql_rctx_push(r);
}

/* DROP INDEX `name` ON `table` */
static int drop_index(pw_sql_rctx *r, const char *table, const char *name) {
    pw_sb_append(&r->sb, "DROP INDEX ");
    ident(r, name);
    pw_sb_append(&r->sb, " ON ");
    tident(r, table);
    if (r->safe) pw_sb_append(&r->sb, " ALGORITHM=INPLACE LOCK=NONE");
    return pw_sql_rctx_push(r);
}

/* Whether t keeps an index leading with column once the index named
 * skip_index (NULL: none) and, when skip_unique, column's own unique key are
 * gone: the primary key, a unique column's key, or an index whose first
 * column it is. InnoDB refuses to drop the last such index of a foreign-key
 * column. */
static bool has_other_index(const pw_table *t, const char *column, const char *skip_index,
                            bool skip_unique) {
    const pw_column *c = pw_table_find_column(t, column);
    if (c != NULL && c->pk) return true;
    if (c != NULL && pw_column_own_unique(c) && !skip_unique) return true;
    for (size_t i = 0; i < t->nindexes; i++) {
        const pw_index *ix = t->indexes[i];
        if (skip_index != NULL && strcmp(ix->name, skip_index) == 0) continue;
        if (ix->ncolumns > 0 && ix->method == NULL && strcmp(ix->columns[0], column) == 0)
            return true;
    }
    return false;
}

/* ASCII case-insensitive equality of the first n bytes (or up to the end of
 * both strings, when that comes first). */
static bool ieq_n(const char *x, const char *y, size_t n) {
    for (size_t i = 0; i < n; i++, x++, y++) {
        char cx = *x >= 'a' && *x <= 'z' ? (char)(*x - 32) : *x;
        char cy = *y >= 'a' && *y <= 'z' ? (char)(*y - 32) : *y;
        if (cx != cy) return false;
        if (cx == '\0') return true;
    }
    return true;
}

/* The length of type without a trailing "(n)" when it is a character or
 * binary string type (whose length InnoDB lets differ across a foreign key),
 * else its whole length. */
static size_t type_base_len(const char *type) {
    static const char *const sized[] = {"CHAR(", "VARCHAR(", "BINARY(", "VARBINARY("};
    for (size_t i = 0; i < sizeof sized / sizeof *sized; i++) {
        size_t n = strlen(sized[i]);
        if (ieq_n(type, sized[i], n)) return n - 1;
    }
    return strlen(type);
}

/* Whether InnoDB accepts a foreign key from a column of type x to one of type
 * y: the same type (integers and decimals: the same size, sign, precision),
 * where character and binary strings may differ in length. */
bool pw_sql_mysql_fk_types_compatible(const char *x, const char *y) {
    size_t nx = type_base_len(x), ny = type_base_len(y);
    return nx == ny && ieq_n(x, y, nx);
}

/* The schema foreign keys are checked against: the schema before the
 * operation, and what the operation changes in it that matters to them (the
 * table it creates, the column it adds or redefines); with only `before`, the
 * schema before the operation. */
typedef struct {
    const pw_schema *before;
    const pw_table *created; /* NULL: none */
    const char *table;       /* the table of `column`; NULL: none */
    const pw_column *column;
} view;

/* The MySQL type of table.column in v, or NULL when v does not have it. */
static const char *view_type(const view *v, const char *table, const char *column) {
    if (v->column != NULL && strcmp(table, v->table) == 0 && strcmp(column, v->column->name) == 0)
        return v->column->type[D];
    const pw_table *t = v->created != NULL && strcmp(v->created->name, table) == 0
                            ? v->created
                            : (v->before ? pw_schema_find_table(v->before, table) : NULL);
    const pw_column *c = t ? pw_table_find_column(t, column) : NULL;
    return c ? c->type[D] : NULL;
}

/* Whether the foreign key of c (a column of v, as v has it) exists in the
 * database: it does when its column and the referenced one have compatible
 * types, and when the referenced column lies outside v (another app's table).
 * A key between incompatible types, which InnoDB refuses, waits for the
 * operation that makes them agree (a primary key widened from INT to BIGINT,
 * then each column that points at it). */
static bool fk_live(const view *v, const pw_column *c) {
    if (c->fk.table == NULL) return false;
    const char *ref = view_type(v, c->fk.table, c->fk.column);
    return ref == NULL || pw_sql_mysql_fk_types_compatible(c->type[D], ref);
}

/* The table / column named, or NULL with err filled (PW_ERR_NOT_FOUND). */
static const pw_table *find_table(pw_sql_rctx *r, const pw_schema *before, const char *name) {
    const pw_table *t = before ? pw_schema_find_table(before, name) : NULL;
    if (t == NULL) pw_error_set(r->err, PW_ERR_NOT_FOUND, name, "table %s does not exist", name);
    return t;
}

static const pw_column *find_column(pw_sql_rctx *r, const pw_table *t, const char *name) {
    const pw_column *c = pw_table_find_column(t, name);
    if (c == NULL) {
        char path[PW_ERR_PATH_MAX];
        col_path(path, t->name, name);
        pw_error_set(r->err, PW_ERR_NOT_FOUND, path, "column %s does not exist", path);
    }
    return c;
}

/* One CREATE TABLE: columns, unique column keys, unique indexes, other
 * indexes, foreign keys (those fk_live allows), checks; CHARACTER SET utf8mb4
 * and the table comment. */
static int create_model(pw_sql_rctx *r, const pw_schema *before, const pw_table *t) {
    view v = {.before = before, .created = t};
    int rc;
    size_t items = 0;
    pw_sb_append(&r->sb, "CREATE TABLE ");
    tident(r, t->name);
    pw_sb_append(&r->sb, " (");
    for (size_t i = 0; i < t->ncolumns; i++) {
        pw_sb_append(&r->sb, items++ ? ",\n    " : "\n    ");
        column_def(r, t->columns[i], true);
    }
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (!pw_column_own_unique(t->columns[i])) continue;
        pw_sb_append(&r->sb, items++ ? ",\n    " : "\n    ");
        if ((rc = unique_key(r, t->name, t->columns[i]))) return rc;
    }
    for (int unique = 1; unique >= 0; unique--)
        for (size_t i = 0; i < t->nindexes; i++) {
            if (t->indexes[i]->unique != (unique == 1)) continue;
            pw_sb_append(&r->sb, items++ ? ",\n    " : "\n    ");
            index_key(r, t->indexes[i]);
        }
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (!fk_live(&v, t->columns[i])) continue;
        pw_sb_append(&r->sb, items++ ? ",\n    " : "\n    ");
        const pw_fk *fk = &t->columns[i]->fk;
        pw_sql_fk_clause(&r->sb, D, t->columns[i]->name, fk, pw_sql_rctx_schema(r, fk->table));
    }
    for (size_t i = 0; i < t->nchecks; i++) {
        pw_sb_append(&r->sb, items++ ? ",\n    " : "\n    ");
        pw_sql_check_clause(&r->sb, D, t->checks[i]);
    }
    pw_sb_append(&r->sb, items ? "\n) CHARACTER SET utf8mb4" : ") CHARACTER SET utf8mb4");
    if (t->comment != NULL) {
        pw_sb_append(&r->sb, " COMMENT=");
        pw_sql_string_literal(&r->sb, D, t->comment);
    }
    return pw_sql_rctx_push(r);
}

/* The table's options: a table that moves to another database goes there
 * with RENAME TABLE (InnoDB keeps its rows, indexes and the foreign keys on
 * both sides); then its comment, when it changes or the table stays (an
 * ALTER_MODEL that does not move a table sets its comment). */
static int alter_model(pw_sql_rctx *r, const pw_table *t, const pw_op *op) {
    int rc;
    bool moves = !pw_str_eq(t->schema, op->schema);
    if (moves) {
        pw_sb_append(&r->sb, "RENAME TABLE ");
        tident(r, t->name);
        pw_sb_append(&r->sb, " TO ");
        pw_sql_table(&r->sb, D, op->schema, t->name);
        if ((rc = pw_sql_rctx_push(r))) return rc;
        if (pw_str_eq(t->comment, op->comment)) return 0;
    }
    pw_sb_append(&r->sb, "ALTER TABLE ");
    pw_sql_table(&r->sb, D, op->schema, t->name);
    pw_sb_append(&r->sb, " COMMENT = ");
    pw_sql_string_literal(&r->sb, D, op->comment ? op->comment : "");
    return pw_sql_rctx_push(r);
}

static int rename_model(pw_sql_rctx *r, const pw_table *t, const char *new_name) {
    int rc;
    alter(r, t->name);
    pw_sb_append(&r->sb, "RENAME TO ");
    tident(r, new_name); /* unqualified, it would move to the connection's database */
    if ((rc = pw_sql_rctx_push(r))) return rc;
    for (size_t i = 0; i < t->ncolumns; i++) {
        const pw_column *c = t->columns[i];
        if ((rc = pw_sql_rename_unique(r, D, "INDEX", c, t->name, new_name, c->name))) return rc;
    }
    return 0;
}

static int add_field(pw_sql_rctx *r, const pw_schema *before, const char *table,
                     const pw_column *c) {
    int rc;
    view v = {.before = before, .table = table, .column = c};
    alter(r, table);
    pw_sb_append(&r->sb, "ADD COLUMN ");
    column_def(r, c, true);
    if (r->safe) pw_sb_append(&r->sb, ", ALGORITHM=INSTANT");
    if ((rc = pw_sql_rctx_push(r))) return rc;
    if (pw_column_own_unique(c) && (rc = add_unique(r, table, c))) return rc;
    if (fk_live(&v, c) && (rc = add_fk(r, table, c))) return rc;
    return 0;
}

static int remove_field(pw_sql_rctx *r, const pw_schema *before, const char *table,
                        const pw_column *c) {
    int rc;
    view v = {.before = before};
    if (fk_live(&v, c) && (rc = drop_fk(r, table, &c->fk))) return rc;
    alter(r, table);
    pw_sb_append(&r->sb, "DROP COLUMN ");
    ident(r, c->name);
    if (r->safe) pw_sb_append(&r->sb, ", ALGORITHM=INSTANT");
    return pw_sql_rctx_push(r);
}

/* A column of a table. */
typedef struct {
    const pw_table *table;
    const pw_column *column;
} colref;

/* Whether x (a column of table xt) has a foreign key to t.column. */
static bool points_at(const pw_table *xt, const pw_column *x, const pw_table *t,
                      const char *column) {
    return x->fk.table != NULL && strcmp(x->fk.table, t->name) == 0 &&
           strcmp(x->fk.column, column) == 0 && !(xt == t && strcmp(x->name, column) == 0);
}

/* Fills *out (an arena array, NULL when empty) and *n with the columns of s
 * whose foreign key points at t.column. 0 or PW_ERR_NOMEM. */
static int incoming_fks(pw_sql_rctx *r, const pw_schema *s, const pw_table *t, const char *column,
                        colref **out, size_t *n) {
    size_t count = 0;
    *out = NULL;
    *n = 0;
    for (size_t i = 0; i < s->ntables; i++)
        for (size_t j = 0; j < s->tables[i]->ncolumns; j++)
            if (points_at(s->tables[i], s->tables[i]->columns[j], t, column)) count++;
    if (count == 0) return 0;
    *out = pw_arena_calloc(r->a, count, sizeof **out);
    if (*out == NULL) return pw_sql_rctx_nomem(r);
    for (size_t i = 0; i < s->ntables; i++)
        for (size_t j = 0; j < s->tables[i]->ncolumns; j++)
            if (points_at(s->tables[i], s->tables[i]->columns[j], t, column))
                (*out)[(*n)++] = (colref){s->tables[i], s->tables[i]->columns[j]};
    return 0;
}

/* Only what changed: drop the old foreign key when it changes, or when the
 * column's type or nullability changes or its unique key (which may be the
 * key's index) goes; when the type changes or the column stops being the
 * primary key, also drop the foreign keys of other columns that point at this
 * one (InnoDB refuses to change a column a key points at, or to drop the index
 * a key needs); drop the unique key; ADD PRIMARY KEY for a column that becomes
 * the key; one MODIFY COLUMN with the full new definition when type,
 * nullability, default, comment, auto-increment or the generated clause
 * changed (MySQL and MariaDB turn a column generated or plain in place);
 * DROP PRIMARY KEY for a column that stops being the key (after the MODIFY
 * took AUTO_INCREMENT away); add the unique key; add back the foreign keys that point at the
 * column and its own, each only where fk_live allows it after the change. */
static int alter_field(pw_sql_rctx *r, const pw_schema *before, const pw_table *t,
                       const pw_column *old, const pw_column *c) {
    int rc;
    char path[PW_ERR_PATH_MAX];
    col_path(path, t->name, c->name);
    bool pk_off = old->pk && !c->pk, pk_on = !old->pk && c->pk;
    view was = {.before = before};
    view now = {.before = before, .table = t->name, .column = c};
    bool live_before = fk_live(&was, old), live_after = fk_live(&now, c);
    bool fk_changed = !pw_fk_equal(&old->fk, &c->fk);
    bool type_changed = strcmp(old->type[D], c->type[D]) != 0;
    bool null_changed = old->null != c->null;
    bool unique_off = pw_column_own_unique(old) && !pw_column_own_unique(c);
    bool unique_on = !pw_column_own_unique(old) && pw_column_own_unique(c);
    bool modify = type_changed || null_changed || !pw_default_equal(&old->def, &c->def) ||
                  !pw_str_eq(old->comment, c->comment) || old->autoincrement != c->autoincrement ||
                  !pw_str_eq(old->generated[D], c->generated[D]);
    bool fk_dropped = live_before &&
                      (fk_changed || type_changed || null_changed || !live_after ||
                       (unique_off && !has_other_index(t, c->name, NULL, true)));
    size_t nin = 0;
    colref *in = NULL;
    if ((type_changed || pk_off) && before != NULL &&
        (rc = incoming_fks(r, before, t, old->name, &in, &nin)))
        return rc;
    for (size_t i = 0; i < nin; i++)
        if (fk_live(&was, in[i].column) && (rc = drop_fk(r, in[i].table->name, &in[i].column->fk)))
            return rc;
    bool readd = live_after && (fk_changed || fk_dropped || !live_before);
    if (fk_dropped && (rc = drop_fk(r, t->name, &old->fk))) return rc;
    /* InnoDB made an index named after the key when no index led with the column; it
     * outlives the key: it goes unless a key comes back (which takes it over, renamed) */
    if (fk_dropped && !readd && !has_other_index(t, c->name, NULL, false) &&
        (rc = drop_index(r, t->name, old->fk.name)))
        return rc;
    if (unique_off && (rc = drop_unique(r, t->name, old))) return rc;
    if (pw_column_own_unique(old) && pw_column_own_unique(c)) {
        const char *from = pw_sql_column_unique_name(r->a, t->name, old);
        const char *to = pw_sql_column_unique_name(r->a, t->name, c);
        if (from == NULL || to == NULL) return pw_sql_rctx_nomem(r);
        if ((rc = pw_sql_rename_object(r, D, t->name, "INDEX", from, to))) return rc;
    }
    if (null_changed && !c->null && c->def.kind != PW_DEFAULT_NONE &&
        (rc = pw_sql_fill_nulls(r->a, r->out, D, t->schema, t->name, c->name, &c->def,
                                r->err)))
        return rc;
    /* an AUTO_INCREMENT column must be a key: it loses the attribute before the
     * primary key goes, and gets it after the primary key came */
    if (pk_on) {
        alter(r, t->name);
        pw_sb_append(&r->sb, "ADD PRIMARY KEY (");
        ident(r, c->name);
        pw_sb_append_char(&r->sb, ')');
        if ((rc = pw_sql_rctx_push(r))) return rc;
    }
    if (modify) {
        alter(r, t->name);
        pw_sb_append(&r->sb, "MODIFY COLUMN ");
        column_def(r, c, false);
        if ((rc = pw_sql_rctx_push(r))) return rc;
    }
    if (pk_off) {
        alter(r, t->name);
        pw_sb_append(&r->sb, "DROP PRIMARY KEY");
        if ((rc = pw_sql_rctx_push(r))) return rc;
    }
    if (unique_on && (rc = add_unique(r, t->name, c))) return rc;
    if (readd && (rc = add_fk(r, t->name, c))) return rc;
    for (size_t i = 0; i < nin; i++)
        if (fk_live(&now, in[i].column) && (rc = add_fk(r, in[i].table->name, in[i].column)))
            return rc;
    return 0;
}

static int rename_field(pw_sql_rctx *r, const char *table, const pw_column *c,
                        const char *new_name) {
    int rc;
    alter(r, table);
    pw_sb_append(&r->sb, "RENAME COLUMN ");
    ident(r, c->name);
    pw_sb_append(&r->sb, " TO ");
    ident(r, new_name);
    if ((rc = pw_sql_rctx_push(r))) return rc;
    if ((rc = pw_sql_rename_unique(r, D, "INDEX", c, table, table, new_name))) return rc;
    return 0;
}

static int add_index(pw_sql_rctx *r, const char *table, const pw_index *ix) {
    pw_sb_append(&r->sb, "CREATE ");
    index_kind(r, ix);
    pw_sb_append(&r->sb, "INDEX ");
    ident(r, ix->name);
    pw_sb_append(&r->sb, " ON ");
    tident(r, table);
    pw_sb_append_char(&r->sb, ' ');
    pw_sql_index_keys(&r->sb, D, ix);
    if (r->safe) pw_sb_append(&r->sb, " ALGORITHM=INPLACE LOCK=NONE");
    return pw_sql_rctx_push(r);
}

/* DROP INDEX `n` ON `t`; when the index is the last one leading with a
 * foreign-key column, that foreign key is dropped before and added back
 * after (InnoDB then gives it an index of its own). */
static int remove_index(pw_sql_rctx *r, const pw_schema *before, const pw_table *t,
                        const char *name) {
    int rc;
    const pw_index *ix = pw_table_find_index(t, name);
    if (ix == NULL)
        return pw_error_set(r->err, PW_ERR_NOT_FOUND, name, "index %s of table %s does not exist",
                            name, t->name);
    const pw_column *fkcol =
        ix->ncolumns > 0 && ix->method == NULL ? pw_table_find_column(t, ix->columns[0]) : NULL;
    view v = {.before = before};
    if (fkcol != NULL && (!fk_live(&v, fkcol) || has_other_index(t, fkcol->name, name, false)))
        fkcol = NULL;
    if (fkcol != NULL && (rc = drop_fk(r, t->name, &fkcol->fk))) return rc;
    if ((rc = drop_index(r, t->name, name))) return rc;
    if (fkcol != NULL && (rc = add_fk(r, t->name, fkcol))) return rc;
    return 0;
}

int pw_sql_mysql_render_op(pw_arena *a, const pw_schema *before, const pw_op *op,
                           pw_strlist *out, bool safe, pw_error *err) {
    pw_sql_rctx r = {.a = a, .out = out, .err = err, .before = before, .safe = safe};
    pw_sb_init(&r.sb, a);
    const pw_table *t = NULL;
    const pw_column *c = NULL;
    if (op->kind == PW_OP_CREATE_MODEL) {
        r.subject = op->model;
        r.safe = false; /* an empty table: nothing to wait for */
        return create_model(&r, before, op->model);
    }
    if (op->kind == PW_OP_RUN_SQL || op->kind == PW_OP_RUN_PYTHON)
        return pw_error_set(err, PW_ERR_INVALID, NULL, "%s is not rendered by a dialect",
                            pw_op_kind_name(op->kind));
    if ((t = find_table(&r, before, op->table)) == NULL) return err->code;
    r.subject = t;
    switch (op->kind) {
    case PW_OP_DELETE_MODEL:
        pw_sb_append(&r.sb, "DROP TABLE ");
        tident(&r, t->name);
        return pw_sql_rctx_push(&r);
    case PW_OP_RENAME_MODEL:
        return rename_model(&r, t, op->new_name);
    case PW_OP_ALTER_MODEL:
        return alter_model(&r, t, op);
    case PW_OP_ADD_FIELD:
        return add_field(&r, before, t->name, op->column);
    case PW_OP_REMOVE_FIELD:
        if ((c = find_column(&r, t, op->name)) == NULL) return err->code;
        return remove_field(&r, before, t->name, c);
    case PW_OP_ALTER_FIELD:
        if ((c = find_column(&r, t, op->column->name)) == NULL) return err->code;
        return alter_field(&r, before, t, c, op->column);
    case PW_OP_RENAME_FIELD:
        if ((c = find_column(&r, t, op->name)) == NULL) return err->code;
        return rename_field(&r, t->name, c, op->new_name);
    case PW_OP_ADD_INDEX:
        return add_index(&r, t->name, op->index);
    case PW_OP_REMOVE_INDEX:
        return remove_index(&r, before, t, op->name);
    case PW_OP_ADD_CONSTRAINT:
    case PW_OP_REMOVE_CONSTRAINT:
        return pw_sql_check_constraint_op(&r, D, t, op);
    case PW_OP_CREATE_MODEL:
    case PW_OP_RUN_SQL:
    case PW_OP_RUN_PYTHON:
        break;
    }
    return pw_error_set(err, PW_ERR_INVALID, NULL, "unknown operation kind %d", (int)op->kind);
}
