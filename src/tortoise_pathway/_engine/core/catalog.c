/*
 * catalog.c - the spellings of catalog.h: column types as Tortoise spells
 * them, default texts as pw_default values, default expressions in a normal
 * form.
 *
 * Owns: a small tokenizer of SQL expressions (words, quoted names, string
 * literals, numbers, punctuation), the normal form printed from its tokens,
 * the per-dialect type tables, and the reading of a default's text. Does not
 * own: catalog queries (live.py), the physical form of a schema or the
 * comparison (compare.c), or how a default is written into SQL (sql.c, whose
 * pw_sql_default_value pw_catalog_default_of reads back).
 *
 * How the normal forms were chosen: each rule is a rewrite that one of the
 * three databases makes when it stores what Tortoise (or tortoise-pathway)
 * wrote, seen on PostgreSQL 15, MariaDB 10.11 and SQLite 3 for every field
 * type and default of tests/fidelity/corpus (tests/c/test_catalog.c holds
 * them): PostgreSQL adds casts ('x'::character varying, '-3'::integer) and
 * parentheses, rewrites numbers ('-250000000000000000000'::numeric for
 * -2.5e+20, 0.00001 for 1e-05) and time literals ('... 08:00:00+00');
 * MariaDB lower-cases expressions, resolves aliases (lcase for LOWER), pads
 * decimals (0.0000000000) and times ('12:30:00.000000'); SQLite drops the
 * parentheses around an expression default.
 */
#include "catalog.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sql.h"
#include "strbuf.h"

/* ------------------------------------------------------------------------ */
/* Characters                                                               */

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_word_char(char c) { return is_alpha(c) || is_digit(c) || c == '_' || c == '$'; }
static char upper(char c) { return c >= 'a' && c <= 'z' ? (char)(c - 32) : c; }

/* Whether s starts with prefix (exact case). */
static bool starts(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ------------------------------------------------------------------------ */
/* Tokens                                                                   */

typedef enum { T_WORD, T_QIDENT, T_STRING, T_NUMBER, T_PUNCT } tok_kind;

typedef struct {
    tok_kind kind;
    const char *s; /* NUL-terminated arena text (words upper-cased) */
} tok;

typedef struct {
    tok *v;
    size_t n, cap;
    bool failed;
} toks;

static void push_tok(pw_arena *a, toks *t, tok_kind kind, const char *s, size_t n, bool up) {
    if (t->failed) return;
    if (pw_arena_grow(a, (void **)&t->v, &t->cap, t->n + 1, sizeof *t->v)) {
        t->failed = true;
        return;
    }
    char *copy = pw_arena_strndup(a, s, n);
    if (copy == NULL) {
        t->failed = true;
        return;
    }
    if (up)
        for (char *p = copy; *p; p++) *p = upper(*p);
    t->v[t->n].kind = kind;
    t->v[t->n++].s = copy;
}

/* Splits text into tokens. A string literal runs to its closing quote ('' is
 * a quote inside; on MySQL a backslash escapes the next character); an
 * unterminated one runs to the end. */
static void tokenize(pw_arena *a, pw_dialect d, const char *text, toks *out) {
    const char *p = text;
    while (*p && !out->failed) {
        if (is_space(*p)) {
            p++;
            continue;
        }
        const char *start = p;
        if (*p == '\'') {
            p++;
            while (*p) {
                if (d == PW_DIALECT_MYSQL && *p == '\\' && p[1]) {
                    p += 2;
                    continue;
                }
                if (*p == '\'') {
                    if (p[1] == '\'') {
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                p++;
            }
            push_tok(a, out, T_STRING, start, (size_t)(p - start), false);
        } else if (*p == '"' || *p == '`') {
            char q = *p++;
            while (*p) {
                if (*p == q) {
                    if (p[1] == q) {
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                p++;
            }
            push_tok(a, out, T_QIDENT, start, (size_t)(p - start), false);
        } else if (is_digit(*p) || (*p == '.' && is_digit(p[1]))) {
            while (is_digit(*p)) p++;
            if (*p == '.') {
                p++;
                while (is_digit(*p)) p++;
            }
            if ((*p == 'e' || *p == 'E') &&
                (is_digit(p[1]) || ((p[1] == '+' || p[1] == '-') && is_digit(p[2])))) {
                p += 2;
                while (is_digit(*p)) p++;
            }
            push_tok(a, out, T_NUMBER, start, (size_t)(p - start), true);
        } else if (is_alpha(*p) || *p == '_') {
            while (is_word_char(*p)) p++;
            push_tok(a, out, T_WORD, start, (size_t)(p - start), true);
        } else {
            static const char *const two[] = {"::", "<=", ">=", "<>", "!=", "||"};
            size_t n = 1;
            for (size_t i = 0; i < sizeof two / sizeof *two; i++)
                if (p[0] == two[i][0] && p[1] == two[i][1]) n = 2;
            p += n;
            push_tok(a, out, T_PUNCT, start, n, false);
        }
    }
}

static bool is_punct(const tok *t, const char *s) {
    return t->kind == T_PUNCT && strcmp(t->s, s) == 0;
}

static bool wordish(const tok *t) { return t->kind != T_PUNCT; }

/* Index of the ')' matching the '(' at i, or n when there is none. */
static size_t match(const toks *t, size_t i) {
    int depth = 0;
    for (size_t j = i; j < t->n; j++) {
        if (is_punct(&t->v[j], "(")) depth++;
        else if (is_punct(&t->v[j], ")") && --depth == 0) return j;
    }
    return t->n;
}

/* Whether tokens l..r (inclusive) are one operand: a single word, name,
 * literal or number (signed too), a call name(...), or a group (...). */
static bool operand(const toks *t, size_t l, size_t r) {
    if (l > r) return false;
    if (l == r) return wordish(&t->v[l]);
    if (l + 1 == r && (is_punct(&t->v[l], "-") || is_punct(&t->v[l], "+")) &&
        t->v[r].kind == T_NUMBER)
        return true;
    if ((t->v[l].kind == T_WORD || t->v[l].kind == T_QIDENT) && is_punct(&t->v[l + 1], "("))
        return match(t, l + 1) == r;
    return is_punct(&t->v[l], "(") && match(t, l) == r;
}

static void remove_tok(toks *t, size_t i) {
    memmove(&t->v[i], &t->v[i + 1], (t->n - i - 1) * sizeof *t->v);
    t->n--;
}

/* Takes off parentheses around the whole list and around single operands
 * (never a call's own parentheses), until none is left to take off. Tokens
 * whose parentheses do not balance are left as they are. */
static void drop_parentheses(toks *t) {
    int depth = 0;
    for (size_t i = 0; i < t->n && depth >= 0; i++) {
        if (is_punct(&t->v[i], "(")) depth++;
        else if (is_punct(&t->v[i], ")")) depth--;
    }
    if (depth != 0) return;
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < t->n; i++) {
            if (!is_punct(&t->v[i], "(")) continue;
            if (i > 0 && (t->v[i - 1].kind == T_WORD || t->v[i - 1].kind == T_QIDENT)) continue;
            size_t j = match(t, i);
            if (j >= t->n) return; /* unbalanced: leave it as it is */
            if ((i == 0 && j == t->n - 1) || operand(t, i + 1, j - 1)) {
                remove_tok(t, j);
                remove_tok(t, i);
                changed = true;
                break;
            }
        }
    }
}

static bool is_time_function(const char *w) {
    static const char *const names[] = {"CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME",
                                        "LOCALTIME", "LOCALTIMESTAMP"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(w, names[i]) == 0) return true;
    return false;
}

/* MySQL's aliases, and empty parentheses after the time functions. */
static void resolve_aliases(pw_dialect d, toks *t) {
    for (size_t i = 0; i < t->n; i++) {
        tok *k = &t->v[i];
        if (k->kind != T_WORD) continue;
        bool call = i + 1 < t->n && is_punct(&t->v[i + 1], "(");
        if (d == PW_DIALECT_MYSQL && call) {
            if (strcmp(k->s, "LCASE") == 0) k->s = "LOWER";
            else if (strcmp(k->s, "UCASE") == 0) k->s = "UPPER";
            else if (strcmp(k->s, "NOW") == 0) k->s = "CURRENT_TIMESTAMP";
        }
        if (is_time_function(k->s) && i + 2 < t->n && is_punct(&t->v[i + 1], "(") &&
            is_punct(&t->v[i + 2], ")")) {
            remove_tok(t, i + 2);
            remove_tok(t, i + 1);
        }
    }
}

/* Whether tokens x and y, printed next to each other, would be read back as
 * other tokens: two words, names, literals or numbers; a number and a dot
 * ("70" "." is the number "70."; "." "5" is ".5"); two punctuation marks that
 * make one ("::", "<=", "||"...). */
static bool need_space(const tok *x, const tok *y) {
    if (wordish(x) && wordish(y)) return true;
    if (x->kind == T_NUMBER && y->kind == T_PUNCT && y->s[0] == '.') return true;
    if (x->kind == T_PUNCT && strcmp(x->s, ".") == 0 && y->kind == T_NUMBER) return true;
    if (x->kind == T_PUNCT && y->kind == T_PUNCT && x->s[0] != '\0' && x->s[1] == '\0') {
        static const char *const two[] = {"::", "<=", ">=", "<>", "!=", "||"};
        for (size_t i = 0; i < sizeof two / sizeof *two; i++)
            if (x->s[0] == two[i][0] && y->s[0] == two[i][1]) return true;
    }
    return false;
}

/* The tokens l..r-1 printed: a space only where two tokens would otherwise
 * be read back as others (need_space), so tokenize(print) gives them again. */
static void print_toks(pw_strbuf *sb, const toks *t, size_t l, size_t r) {
    for (size_t i = l; i < r; i++) {
        if (i > l && need_space(&t->v[i - 1], &t->v[i])) pw_sb_append_char(sb, ' ');
        pw_sb_append(sb, t->v[i].s);
    }
}

const char *pw_catalog_expr(pw_arena *a, pw_dialect d, const char *expr) {
    toks t = {0};
    tokenize(a, d, expr, &t);
    if (t.failed) return NULL;
    resolve_aliases(d, &t);
    drop_parentheses(&t);
    pw_strbuf sb;
    pw_sb_init(&sb, a);
    print_toks(&sb, &t, 0, t.n);
    return pw_sb_finish(&sb);
}

/* ------------------------------------------------------------------------ */
/* Types                                                                    */

/* type upper-cased outside quotes, white space runs made one space, none
 * next to ( ) , [ ]. Arena string or NULL. */
static char *normal_spacing(pw_arena *a, const char *type) {
    size_t n = strlen(type);
    char *out = pw_arena_alloc(a, n + 1);
    if (out == NULL) return NULL;
    size_t k = 0;
    char quote = 0;
    bool space = false;
    for (const char *p = type; *p; p++) {
        char c = *p;
        if (quote) {
            out[k++] = c;
            if (c == quote) quote = 0;
            continue;
        }
        if (is_space(c)) {
            space = k > 0;
            continue;
        }
        bool tight = c == '(' || c == ')' || c == ',' || c == '[' || c == ']';
        if (space && !tight && k > 0 && out[k - 1] != '(' && out[k - 1] != ',' &&
            out[k - 1] != '[')
            out[k++] = ' ';
        space = false;
        if (c == '"' || c == '\'' || c == '`') quote = c;
        out[k++] = upper(c);
    }
    out[k] = '\0';
    return out;
}

/* Splits a normalized type NAME(args) [WORDS] into its name, the group of
 * parentheses ("(255)", or "") and the words after it. Anything else (no name
 * before the group, more parentheses after it) is all name. */
static void split_type(pw_arena *a, const char *t, const char **name, const char **args,
                       const char **rest) {
    const char *open = strchr(t, '(');
    const char *close = open ? strchr(open, ')') : NULL;
    if (open == NULL || close == NULL || open == t || strpbrk(close + 1, "()") != NULL) {
        *name = t;
        *args = "";
        *rest = "";
        return;
    }
    size_t head = (size_t)(open - t);
    while (head > 0 && t[head - 1] == ' ') head--;
    *name = pw_arena_strndup(a, t, head);
    *args = pw_arena_strndup(a, open, (size_t)(close - open) + 1);
    const char *tail = close + 1;
    while (*tail == ' ') tail++;
    *rest = tail;
}

typedef struct {
    const char *from, *to;
} type_alias;

static const type_alias PG_TYPES[] = {
    {"CHARACTER VARYING", "VARCHAR"},
    {"CHARACTER", "CHAR"},
    {"BPCHAR", "CHAR"},
    {"INTEGER", "INT"},
    {"INT4", "INT"},
    {"SERIAL", "INT"},
    {"SERIAL4", "INT"},
    {"INT8", "BIGINT"},
    {"BIGSERIAL", "BIGINT"},
    {"SERIAL8", "BIGINT"},
    {"INT2", "SMALLINT"},
    {"SMALLSERIAL", "SMALLINT"},
    {"SERIAL2", "SMALLINT"},
    {"BOOLEAN", "BOOL"},
    {"NUMERIC", "DECIMAL"},
    {"FLOAT8", "DOUBLE PRECISION"},
    {"FLOAT4", "REAL"},
    {"TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"},
    {"TIMESTAMP WITHOUT TIME ZONE", "TIMESTAMP"},
    {"TIME WITH TIME ZONE", "TIMETZ"},
    {"TIME WITHOUT TIME ZONE", "TIME"},
    {"BIT VARYING", "VARBIT"},
};

static const type_alias MYSQL_TYPES[] = {
    {"INTEGER", "INT"},         {"BOOLEAN", "BOOL"},          {"NUMERIC", "DECIMAL"},
    {"DEC", "DECIMAL"},         {"FIXED", "DECIMAL"},         {"DOUBLE PRECISION", "DOUBLE"},
    {"REAL", "DOUBLE"},         {"CHARACTER VARYING", "VARCHAR"}, {"CHARACTER", "CHAR"},
};

static const char *alias(const type_alias *table, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, table[i].from) == 0) return table[i].to;
    return name;
}

static bool is_mysql_integer(const char *name) {
    return strcmp(name, "TINYINT") == 0 || strcmp(name, "SMALLINT") == 0 ||
           strcmp(name, "MEDIUMINT") == 0 || strcmp(name, "INT") == 0 ||
           strcmp(name, "BIGINT") == 0;
}

static const char *join3(pw_arena *a, const char *x, const char *y, const char *z) {
    pw_strbuf sb;
    pw_sb_init(&sb, a);
    pw_sb_append(&sb, x);
    pw_sb_append(&sb, y);
    if (*z) {
        pw_sb_append_char(&sb, ' ');
        pw_sb_append(&sb, z);
    }
    return pw_sb_finish(&sb);
}

static const char *postgres_type(pw_arena *a, const char *t) {
    size_t n = strlen(t);
    if (n > 2 && strcmp(t + n - 2, "[]") == 0) {
        const char *base = postgres_type(a, pw_arena_strndup(a, t, n - 2));
        return base ? join3(a, base, "[]", "") : NULL;
    }
    const char *name, *args, *rest;
    split_type(a, t, &name, &args, &rest);
    if (name == NULL || args == NULL) return NULL;
    if (*rest) { /* TIMESTAMP(3) WITH TIME ZONE; anything else stays as it is */
        const char *joined = join3(a, name, "", rest);
        if (joined == NULL) return NULL;
        if (alias(PG_TYPES, sizeof PG_TYPES / sizeof *PG_TYPES, joined) == joined) return t;
        name = joined;
    }
    if (strcmp(name, "FLOAT") == 0) {
        long p = *args ? strtol(args + 1, NULL, 10) : 53;
        return p <= 24 ? "REAL" : "DOUBLE PRECISION";
    }
    name = alias(PG_TYPES, sizeof PG_TYPES / sizeof *PG_TYPES, name);
    return join3(a, name, args, "");
}

static const char *mysql_type(pw_arena *a, const char *t) {
    const char *name, *args, *rest;
    split_type(a, t, &name, &args, &rest);
    if (name == NULL || args == NULL) return NULL;
    name = alias(MYSQL_TYPES, sizeof MYSQL_TYPES / sizeof *MYSQL_TYPES, name);
    if (strcmp(name, "TINYINT") == 0 && strcmp(args, "(1)") == 0 && *rest == '\0') return "BOOL";
    if (is_mysql_integer(name)) return join3(a, name, "", rest); /* display width goes */
    if (strcmp(name, "DECIMAL") == 0 && *args == '\0') return join3(a, name, "(10,0)", rest);
    if (strcmp(name, "CHAR") == 0 && *args == '\0') return join3(a, name, "(1)", rest);
    return join3(a, name, args, rest);
}

const char *pw_catalog_type(pw_arena *a, pw_dialect d, const char *type) {
    char *t = normal_spacing(a, type);
    if (t == NULL) return NULL;
    switch (d) {
    case PW_DIALECT_POSTGRES:
        return postgres_type(a, t);
    case PW_DIALECT_MYSQL:
        return mysql_type(a, t);
    case PW_DIALECT_SQLITE:
    case PW_DIALECT_COUNT:
        break;
    }
    return t;
}

/* Type families that decide how a literal default is read. */
static bool numeric_type(const char *t) {
    static const char *const names[] = {"INT",     "BIGINT", "SMALLINT", "TINYINT", "MEDIUMINT",
                                        "DECIMAL", "DOUBLE", "REAL",     "FLOAT",   "NUMERIC",
                                        "SERIAL",  "BIGSERIAL", "SMALLSERIAL"};
    if (t == NULL) return false;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        size_t n = strlen(names[i]);
        if (strncmp(t, names[i], n) == 0 && (t[n] == '\0' || t[n] == '(' || t[n] == ' '))
            return true;
    }
    return false;
}

static bool time_type(const char *t) {
    return t != NULL && (starts(t, "DATE") || starts(t, "TIME"));
}

/* ------------------------------------------------------------------------ */
/* Defaults                                                                 */

/* Whether s is a number: [sign] digits [. digits] [e [sign] digits], or
 * the words strtod reads for NaN and the infinities. */
static bool numeric_text(const char *s) {
    const char *p = s;
    if (*p == '+' || *p == '-') p++;
    if (pw_str_ieq(p, "nan") || pw_str_ieq(p, "infinity") || pw_str_ieq(p, "inf")) return true;
    bool digits = false;
    while (is_digit(*p)) p++, digits = true;
    if (*p == '.') {
        p++;
        while (is_digit(*p)) p++, digits = true;
    }
    if (!digits) return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        if (!is_digit(*p)) return false;
        while (is_digit(*p)) p++;
    }
    return *p == '\0';
}

/* 2^53: integers up to it are exact in a double. */
#define EXACT_LIMIT 9007199254740992.0

static void number_default(const char *s, pw_default *out) {
    double f = strtod(s, NULL);
    if (isfinite(f) && f == floor(f) && fabs(f) <= EXACT_LIMIT) {
        out->kind = PW_DEFAULT_INT;
        out->i = (long long)f;
        return;
    }
    bool integral = true;
    for (const char *p = s; *p; p++)
        if (!is_digit(*p) && *p != '-' && *p != '+') integral = false;
    if (integral) {
        char *end;
        long long v = strtoll(s, &end, 10);
        if (*end == '\0' && fabs(f) < 9.2e18) {
            out->kind = PW_DEFAULT_INT;
            out->i = v;
            return;
        }
    }
    out->kind = PW_DEFAULT_FLOAT;
    out->f = f;
}

/* The text inside a string literal token, escapes resolved. */
static char *unquote(pw_arena *a, pw_dialect d, const char *lit) {
    size_t n = strlen(lit);
    char *out = pw_arena_alloc(a, n + 1);
    if (out == NULL) return NULL;
    size_t k = 0;
    const char *end = n >= 2 && lit[n - 1] == '\'' ? lit + n - 1 : lit + n;
    for (const char *p = lit + 1; p < end; p++) {
        if (*p == '\'' && p + 1 < end && p[1] == '\'') {
            out[k++] = '\'';
            p++;
        } else if (d == PW_DIALECT_MYSQL && *p == '\\' && p + 1 < end) {
            p++;
            switch (*p) {
            case 'n': out[k++] = '\n'; break;
            case 'r': out[k++] = '\r'; break;
            case 't': out[k++] = '\t'; break;
            case 'Z': out[k++] = '\032'; break;
            case 'b': out[k++] = '\b'; break;
            default: out[k++] = *p; break;
            }
        } else {
            out[k++] = *p;
        }
    }
    out[k] = '\0';
    return out;
}

/* A date / time literal in one form: "YYYY-MM-DDTHH..." with a space for the
 * T, no fraction of zeros, no zero UTC offset. In place. */
static void normal_time(char *s) {
    size_t n = strlen(s);
    if (n > 10 && s[10] == 'T' && s[4] == '-') s[10] = ' ';
    static const char *const zero_offsets[] = {"+00:00", "+00", "Z"};
    for (size_t i = 0; i < sizeof zero_offsets / sizeof *zero_offsets; i++) {
        size_t z = strlen(zero_offsets[i]);
        if (n > z + 7 && strcmp(s + n - z, zero_offsets[i]) == 0) {
            n -= z;
            s[n] = '\0';
            break;
        }
    }
    char *dot = strrchr(s, '.');
    if (dot != NULL && dot > s && is_digit(dot[-1])) {
        bool zeros = true;
        for (char *p = dot + 1; *p; p++)
            if (*p != '0') zeros = false;
        if (zeros && dot[1] != '\0') *dot = '\0';
    }
}

static bool bool_word(const char *s, bool *value) {
    static const char *const yes[] = {"TRUE", "T", "YES", "Y", "ON", "1"};
    static const char *const no[] = {"FALSE", "F", "NO", "N", "OFF", "0"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        if (pw_str_ieq(s, yes[i])) return *value = true, true;
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        if (pw_str_ieq(s, no[i])) return *value = false, true;
    return false;
}

int pw_catalog_default(pw_arena *a, pw_dialect d, const char *text, const char *type,
                       pw_default *out, pw_error *err) {
    memset(out, 0, sizeof *out);
    if (text == NULL) return 0;
    toks t = {0};
    tokenize(a, d, text, &t);
    if (t.failed) return pw_error_set(err, PW_ERR_NOMEM, NULL, "out of memory");
    if (t.n == 0 || (t.n == 1 && t.v[0].kind == T_WORD && strcmp(t.v[0].s, "NULL") == 0))
        return 0;
    resolve_aliases(d, &t);
    drop_parentheses(&t);
    /* A literal with PostgreSQL's casts after it: 'x'::character varying. */
    size_t value_end = t.n;
    const char *cast = NULL;
    for (size_t i = 0; i < t.n; i++) {
        if (!is_punct(&t.v[i], "::")) continue;
        bool typeish = true;
        for (size_t j = i + 1; j < t.n && typeish; j++)
            typeish = t.v[j].kind == T_WORD || t.v[j].kind == T_NUMBER ||
                      is_punct(&t.v[j], "::") || is_punct(&t.v[j], "(") ||
                      is_punct(&t.v[j], ")") || is_punct(&t.v[j], ",") ||
                      is_punct(&t.v[j], "[") || is_punct(&t.v[j], "]");
        if (typeish && i > 0 && operand(&t, 0, i - 1)) {
            value_end = i;
            size_t last = t.n;
            for (size_t j = i + 1; j < t.n; j++)
                if (is_punct(&t.v[j], "::")) last = j; /* the outermost cast decides */
            pw_strbuf sb;
            pw_sb_init(&sb, a);
            print_toks(&sb, &t, last < t.n ? last + 1 : i + 1, t.n);
            const char *raw = pw_sb_finish(&sb);
            cast = raw ? pw_catalog_type(a, d, raw) : NULL;
            if (cast == NULL) return pw_error_set(err, PW_ERR_NOMEM, NULL, "out of memory");
        }
        break;
    }
    const char *kind_type = cast != NULL ? cast : type;
    if (value_end == 1 && t.v[0].kind == T_STRING) {
        char *s = unquote(a, d, t.v[0].s);
        if (s == NULL) return pw_error_set(err, PW_ERR_NOMEM, NULL, "out of memory");
        bool b;
        if (numeric_type(kind_type) && numeric_text(s)) {
            number_default(s, out);
        } else if (d == PW_DIALECT_POSTGRES && kind_type != NULL &&
                   strcmp(kind_type, "BOOL") == 0 && bool_word(s, &b)) {
            out->kind = PW_DEFAULT_BOOL;
            out->i = b;
        } else {
            if (time_type(kind_type)) normal_time(s);
            out->kind = PW_DEFAULT_STRING;
            out->s = s;
        }
        return 0;
    }
    size_t first = 0;
    bool negative = false;
    if (value_end == 2 && (is_punct(&t.v[0], "-") || is_punct(&t.v[0], "+"))) {
        negative = is_punct(&t.v[0], "-");
        first = 1;
    }
    if (value_end == first + 1 && t.v[first].kind == T_NUMBER) {
        pw_strbuf sb;
        pw_sb_init(&sb, a);
        if (negative) pw_sb_append_char(&sb, '-');
        pw_sb_append(&sb, t.v[first].s);
        const char *num = pw_sb_finish(&sb);
        if (num == NULL) return pw_error_set(err, PW_ERR_NOMEM, NULL, "out of memory");
        number_default(num, out);
        return 0;
    }
    if (value_end == 1 && t.v[0].kind == T_WORD &&
        (strcmp(t.v[0].s, "TRUE") == 0 || strcmp(t.v[0].s, "FALSE") == 0)) {
        out->kind = d == PW_DIALECT_POSTGRES ? PW_DEFAULT_BOOL : PW_DEFAULT_INT;
        out->i = strcmp(t.v[0].s, "TRUE") == 0;
        return 0;
    }
    pw_strbuf sb;
    pw_sb_init(&sb, a);
    print_toks(&sb, &t, 0, t.n);
    out->kind = PW_DEFAULT_EXPR;
    out->s = pw_sb_finish(&sb);
    if (out->s == NULL) return pw_error_set(err, PW_ERR_NOMEM, NULL, "out of memory");
    return 0;
}

int pw_catalog_default_of(pw_arena *a, pw_dialect d, const pw_default *def, const char *type,
                          pw_default *out, pw_error *err) {
    if (def->kind == PW_DEFAULT_NONE) {
        memset(out, 0, sizeof *out);
        return 0;
    }
    pw_strbuf sb;
    pw_sb_init(&sb, a);
    pw_sql_default_value(&sb, d, def);
    const char *text = pw_sb_finish(&sb);
    if (text == NULL) return pw_error_set(err, PW_ERR_NOMEM, NULL, "out of memory");
    return pw_catalog_default(a, d, text, type, out, err);
}
