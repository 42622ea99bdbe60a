/*
 * test_table_schemas.c - tables in a schema of their own (Tortoise's
 * Meta.schema): the statements of every dialect name them qualified (and
 * the indexes and sequences that live beside them), foreign keys name the
 * schema of the table they point at, ALTER_MODEL moves a table between
 * schemas and back, and the diff finds the move.
 */
#include <string.h>

#include "build.h"
#include "diff.h"
#include "pw_test.h"
#include "sql.h"

#define PG PW_DIALECT_POSTGRES
#define MY PW_DIALECT_MYSQL
#define LITE PW_DIALECT_SQLITE

/* crm.customer(id, email unique); invoice(id, customer_id -> customer) in
 * the connection's schema, with an index on customer_id. */
static pw_schema *shop(pw_arena *a) {
    pw_schema *s = pw_schema_new(a);
    pw_table *c = tb_table(a, s, "customer");
    c->schema = "crm";
    tb_pk(a, c);
    tb_col(a, c, "email", "VARCHAR(100)")->unique = true;
    pw_table *i = tb_table(a, s, "invoice");
    tb_pk(a, i);
    tb_fk(a, i, "customer_id", "customer");
    tb_index(a, i, "idx_invoice_customer", false, "customer_id");
    return s;
}

TEST(test_schema_create_model_qualified) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = shop(a);
    pw_table *t = tb_table(a, NULL, "payment");
    t->schema = "billing";
    t->comment = "paid";
    tb_pk(a, t);
    tb_fk(a, t, "customer_id", "customer");
    tb_fk(a, t, "parent_id", "payment")->null = true;
    tb_index(a, t, "idx_payment_parent", false, "parent_id");
    pw_op op = tb_op(PW_OP_CREATE_MODEL, "payment");
    op.model = t;
    CHECK_STR(tb_sql(a, s, &op, PG, &rc, &err),
              "CREATE SCHEMA IF NOT EXISTS \"billing\";\n"
              "CREATE TABLE \"billing\".\"payment\" (\n"
              "    \"id\" SERIAL NOT NULL PRIMARY KEY,\n"
              "    \"customer_id\" INT NOT NULL,\n"
              "    \"parent_id\" INT,\n"
              "    CONSTRAINT \"fk_payment_customer_id\" FOREIGN KEY (\"customer_id\") REFERENCES "
              "\"crm\".\"customer\" (\"id\") ON DELETE CASCADE,\n"
              "    CONSTRAINT \"fk_payment_parent_id\" FOREIGN KEY (\"parent_id\") REFERENCES "
              "\"billing\".\"payment\" (\"id\") ON DELETE CASCADE\n"
              ");\n"
              "CREATE INDEX \"idx_payment_parent\" ON \"billing\".\"payment\" (\"parent_id\");\n"
              "COMMENT ON TABLE \"billing\".\"payment\" IS 'paid';\n");
    const char *my = tb_sql(a, s, &op, MY, &rc, &err);
    CHECK(my != NULL && strncmp(my, "CREATE TABLE `billing`.`payment` (", 34) == 0);
    CHECK(my != NULL && strstr(my, "REFERENCES `crm`.`customer` (`id`)") != NULL);
    CHECK(my != NULL && strstr(my, "REFERENCES `billing`.`payment` (`id`)") != NULL);
    /* SQLite has no schemas: the bare names, as generate_schemas writes them */
    const char *lite = tb_sql(a, s, &op, LITE, &rc, &err);
    CHECK(lite != NULL && strncmp(lite, "CREATE TABLE \"payment\" (", 24) == 0);
    CHECK(lite != NULL && strstr(lite, "\"crm\"") == NULL && strstr(lite, "billing") == NULL);
    pw_arena_free(a);
}

TEST(test_schema_table_operations_qualified) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = shop(a);
    pw_op op = tb_op(PW_OP_DELETE_MODEL, "customer");
    CHECK_STR(tb_sql(a, s, &op, PG, &rc, &err), "DROP TABLE \"crm\".\"customer\";\n");
    CHECK_STR(tb_sql(a, s, &op, MY, &rc, &err), "DROP TABLE `crm`.`customer`;\n");
    CHECK_STR(tb_sql(a, s, &op, LITE, &rc, &err), "DROP TABLE \"customer\";\n");

    op = tb_op(PW_OP_RENAME_MODEL, "customer");
    op.new_name = "client";
    /* PostgreSQL renames within the schema; MySQL would move an unqualified
     * new name to the connection's database */
    CHECK_STR(tb_sql(a, s, &op, PG, &rc, &err),
              "ALTER TABLE \"crm\".\"customer\" RENAME TO \"client\";\n"
              "ALTER TABLE \"crm\".\"client\" RENAME CONSTRAINT \"customer_email_key\" TO "
              "\"client_email_key\";\n");
    CHECK_STR(tb_sql(a, s, &op, MY, &rc, &err),
              "ALTER TABLE `crm`.`customer` RENAME TO `crm`.`client`;\n"
              "ALTER TABLE `crm`.`client` RENAME INDEX `customer_email_key` TO "
              "`client_email_key`;\n");

    pw_table *c = pw_schema_find_table(s, "customer");
    tb_index(a, c, "idx_customer_email", false, "email");
    op = tb_op(PW_OP_REMOVE_INDEX, "customer");
    op.name = "idx_customer_email";
    CHECK_STR(tb_sql(a, s, &op, PG, &rc, &err), "DROP INDEX \"crm\".\"idx_customer_email\";\n");
    CHECK_STR(tb_sql(a, s, &op, MY, &rc, &err),
              "DROP INDEX `idx_customer_email` ON `crm`.`customer`;\n");

    pw_column *name = tb_column(a, "name", "VARCHAR(50)");
    op = tb_op(PW_OP_ADD_FIELD, "customer");
    op.column = name;
    op.fill = (pw_default){.kind = PW_DEFAULT_STRING, .s = "?"};
    CHECK_STR(tb_sql(a, s, &op, PG, &rc, &err),
              "ALTER TABLE \"crm\".\"customer\" ADD COLUMN \"name\" VARCHAR(50);\n"
              "UPDATE \"crm\".\"customer\" SET \"name\" = '?' WHERE \"name\" IS NULL;\n"
              "ALTER TABLE \"crm\".\"customer\" ALTER COLUMN \"name\" SET NOT NULL;\n");

    /* a foreign key added to a table of the connection's schema names the
     * schema of the table it points at */
    op = tb_op(PW_OP_ADD_FIELD, "invoice");
    pw_column *payer = tb_column(a, "payer_id", "INT");
    payer->null = true;
    payer->fk = (pw_fk){.name = "fk_invoice_payer", .table = "customer", .column = "id",
                        .on_delete = PW_FK_SET_NULL};
    op.column = payer;
    CHECK_STR(tb_sql(a, s, &op, PG, &rc, &err),
              "ALTER TABLE \"invoice\" ADD COLUMN \"payer_id\" INT;\n"
              "ALTER TABLE \"invoice\" ADD CONSTRAINT \"fk_invoice_payer\" FOREIGN KEY "
              "(\"payer_id\") REFERENCES \"crm\".\"customer\" (\"id\") ON DELETE SET NULL;\n");
    pw_arena_free(a);
}

TEST(test_schema_serial_key_sequence_in_table_schema) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = pw_schema_new(a);
    pw_table *t = tb_table(a, s, "tag");
    t->schema = "crm";
    tb_col(a, t, "code", "INT")->pk = true;
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "tag");
    op.column = pw_column_copy(a, t->columns[0]);
    op.column->autoincrement = true;
    const char *sql = tb_sql(a, s, &op, PG, &rc, &err);
    CHECK(sql != NULL);
    CHECK(sql != NULL && strstr(sql, "CREATE SEQUENCE \"crm\".\"tag_code_seq\" AS INTEGER OWNED BY "
                                     "\"crm\".\"tag\".\"code\"") != NULL);
    CHECK(sql != NULL && strstr(sql, "nextval('\"crm\".\"tag_code_seq\"'::regclass)") != NULL);
    pw_arena_free(a);
}

TEST(test_schema_alter_model_moves_table) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = shop(a);
    pw_op op = tb_op(PW_OP_ALTER_MODEL, "invoice");
    op.schema = "billing";
    CHECK_STR(tb_sql(a, s, &op, PG, &rc, &err),
              "CREATE SCHEMA IF NOT EXISTS \"billing\";\n"
              "ALTER TABLE \"invoice\" SET SCHEMA \"billing\";\n");
    CHECK_STR(tb_sql(a, s, &op, MY, &rc, &err),
              "RENAME TABLE `invoice` TO `billing`.`invoice`;\n");
    op.comment = "bills";
    CHECK_STR(tb_sql(a, s, &op, MY, &rc, &err),
              "RENAME TABLE `invoice` TO `billing`.`invoice`;\n"
              "ALTER TABLE `billing`.`invoice` COMMENT = 'bills';\n");

    /* back to the connection's schema */
    op = tb_op(PW_OP_ALTER_MODEL, "customer");
    CHECK_STR(tb_sql(a, s, &op, PG, &rc, &err),
              "DO 'BEGIN EXECUTE ''ALTER TABLE \"crm\".\"customer\" SET SCHEMA '' || "
              "quote_ident(current_schema()); END';\n");
    CHECK_STR(tb_sql(a, s, &op, MY, &rc, &err), "RENAME TABLE `crm`.`customer` TO `customer`;\n");
    /* a comment alone, in its schema */
    op.schema = "crm";
    op.comment = "people";
    CHECK_STR(tb_sql(a, s, &op, PG, &rc, &err),
              "COMMENT ON TABLE \"crm\".\"customer\" IS 'people';\n");

    /* applied, the table is in the new schema; the reverse moves it back */
    op = tb_op(PW_OP_ALTER_MODEL, "invoice");
    op.schema = "billing";
    pw_op rev;
    CHECK_INT(pw_op_reverse(a, s, &op, &rev, &err), 0);
    CHECK(rev.schema == NULL);
    CHECK_INT(pw_op_apply(a, s, &op, &err), 0);
    CHECK_STR(pw_schema_find_table(s, "invoice")->schema, "billing");
    CHECK_INT(pw_op_apply(a, s, &rev, &err), 0);
    CHECK(pw_schema_find_table(s, "invoice")->schema == NULL);
    op.schema = "";
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    pw_arena_free(a);
}

TEST(test_schema_diff_finds_a_move) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *from = shop(a), *to = shop(a);
    pw_schema_find_table(to, "invoice")->schema = "billing";
    pw_schema_find_table(to, "customer")->schema = NULL;
    pw_oplist ops = {0};
    CHECK_INT(pw_diff(a, from, to, NULL, NULL, &ops, &err), 0);
    CHECK_INT((int)ops.len, 2);
    int moved = 0;
    for (size_t i = 0; i < ops.len; i++) {
        CHECK_INT(ops.items[i].kind, PW_OP_ALTER_MODEL);
        if (strcmp(ops.items[i].table, "invoice") == 0)
            moved += ops.items[i].schema != NULL && strcmp(ops.items[i].schema, "billing") == 0;
        else
            moved += ops.items[i].schema == NULL;
    }
    CHECK_INT(moved, 2);
    CHECK_INT(pw_ops_apply_all(a, from, ops.items, ops.len, &err), 0);
    for (size_t i = 0; i < to->ntables; i++)
        CHECK(pw_table_equal(pw_schema_find_table(from, to->tables[i]->name), to->tables[i]));
    pw_arena_free(a);
}
