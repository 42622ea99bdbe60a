/*
 * test_graph.c - unit tests of the migration graph (graph.h): building,
 * lookups, errors (duplicates, empty keys, missing dependencies, cycles),
 * heads, topological order, forward and backward plans, determinism of ties,
 * and large graphs (100k-node chains, wide fans) to prove nothing recurses.
 *
 * Graphs are written as a spec string: nodes separated by spaces, each
 * "app.name" or "app.name:dep,dep" where each dep is "app.name".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "pw_test.h"
#include "strbuf.h"

/* ---- helpers ------------------------------------------------------------ */

static void *must(void *p) {
    if (p == NULL) abort();
    return p;
}

static pw_key parse_key(pw_arena *a, const char *s, size_t len) {
    const char *dot = memchr(s, '.', len);
    if (dot == NULL) abort();
    pw_key k;
    k.app = must(pw_arena_strndup(a, s, (size_t)(dot - s)));
    k.name = must(pw_arena_strndup(a, dot + 1, len - (size_t)(dot - s) - 1));
    return k;
}

/* Parses a spec into an arena array of nodes. */
static pw_node_in *parse(pw_arena *a, const char *spec, size_t *n) {
    size_t cap = 1;
    for (const char *p = spec; *p; p++)
        if (*p == ' ') cap++;
    pw_node_in *nodes = must(pw_arena_calloc(a, cap, sizeof *nodes));
    size_t cnt = 0;
    const char *p = spec;
    while (*p) {
        while (*p == ' ') p++;
        if (!*p) break;
        const char *end = p + strcspn(p, " ");
        const char *colon = memchr(p, ':', (size_t)(end - p));
        const char *kend = colon ? colon : end;
        pw_node_in *in = &nodes[cnt++];
        in->key = parse_key(a, p, (size_t)(kend - p));
        if (colon) {
            size_t nd = 1;
            for (const char *q = colon + 1; q < end; q++)
                if (*q == ',') nd++;
            pw_key *deps = must(pw_arena_calloc(a, nd, sizeof *deps));
            const char *q = colon + 1;
            for (size_t j = 0; j < nd; j++) {
                const char *qe = q;
                while (qe < end && *qe != ',') qe++;
                deps[j] = parse_key(a, q, (size_t)(qe - q));
                q = qe + 1;
            }
            in->deps = deps;
            in->ndeps = nd;
        }
        p = end;
    }
    *n = cnt;
    return nodes;
}

static int build(pw_arena *a, const char *spec, pw_graph **g, pw_error *err) {
    size_t n;
    pw_node_in *nodes = parse(a, spec, &n);
    return pw_graph_build(a, nodes, n, g, err);
}

/* "app.name app.name ..." of the input indexes idx. */
static const char *names(pw_arena *a, const pw_graph *g, const size_t *idx, size_t n) {
    pw_strbuf sb;
    pw_sb_init(&sb, a);
    pw_sb_append(&sb, "");
    for (size_t i = 0; i < n; i++) {
        const pw_key *k = pw_graph_key(g, idx[i]);
        if (k == NULL) return "BAD INDEX";
        pw_sb_appendf(&sb, "%s%s.%s", i ? " " : "", k->app, k->name);
    }
    return must((void *)pw_sb_cstr(&sb));
}

/* Input indexes of the space-separated keys (each must exist). */
static size_t *idx_of(pw_arena *a, const pw_graph *g, const char *keys, size_t *n) {
    size_t cap = 1;
    for (const char *p = keys; *p; p++)
        if (*p == ' ') cap++;
    size_t *out = must(pw_arena_calloc(a, cap, sizeof *out));
    size_t cnt = 0;
    const char *p = keys;
    while (*p) {
        while (*p == ' ') p++;
        if (!*p) break;
        size_t len = strcspn(p, " ");
        pw_key k = parse_key(a, p, len);
        long i = pw_graph_find(g, k.app, k.name);
        if (i < 0) abort();
        out[cnt++] = (size_t)i;
        p += len;
    }
    *n = cnt;
    return out;
}

static bool *applied_of(pw_arena *a, const pw_graph *g, const char *keys) {
    size_t n;
    size_t *idx = idx_of(a, g, keys, &n);
    bool *ap = must(pw_arena_calloc(a, pw_graph_size(g) + 1, sizeof *ap));
    for (size_t i = 0; i < n; i++) ap[idx[i]] = true;
    return ap;
}

static const char *order_str(pw_arena *a, const pw_graph *g) {
    size_t *out, nout;
    pw_error err;
    if (pw_graph_order(a, g, &out, &nout, &err) != 0) return "ERR";
    if (nout != pw_graph_size(g)) return "WRONG SIZE";
    return names(a, g, out, nout);
}

static const char *plan_str(pw_arena *a, const pw_graph *g, const char *targets,
                            const char *applied, bool backward) {
    size_t nt, *out, nout;
    size_t *t = idx_of(a, g, targets, &nt);
    bool *ap = applied_of(a, g, applied);
    pw_error err;
    int rc = backward ? pw_graph_backward_plan(a, g, t, nt, ap, &out, &nout, &err)
                      : pw_graph_forward_plan(a, g, t, nt, ap, &out, &nout, &err);
    if (rc != 0) return "ERR";
    return names(a, g, out, nout);
}

static const char *heads_str(pw_arena *a, const pw_graph *g, const char *app) {
    size_t *out, nout;
    pw_error err;
    if (pw_graph_heads(a, g, app, &out, &nout, &err) != 0) return "ERR";
    return names(a, g, out, nout);
}

/* ---- building and lookups --------------------------------------------- */

TEST(test_graph_empty) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = NULL;
    size_t *out = NULL, nout = 99;
    CHECK_INT(pw_graph_build(a, NULL, 0, &g, &err), 0);
    CHECK(g != NULL);
    CHECK_INT(pw_graph_size(g), 0);
    CHECK_INT(pw_graph_find(g, "a", "x"), -1);
    CHECK(pw_graph_key(g, 0) == NULL);
    CHECK_INT(pw_graph_order(a, g, &out, &nout, &err), 0);
    CHECK(out != NULL);
    CHECK_INT(nout, 0);
    CHECK_INT(pw_graph_check_heads(a, g, &err), 0);
    CHECK_INT(pw_graph_heads(a, g, "a", &out, &nout, &err), 0);
    CHECK_INT(nout, 0);
    pw_arena_free(a);
}

TEST(test_graph_find_and_keys) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = NULL;
    CHECK_INT(build(a, "b.0001 a.0002:a.0001 a.0001 b.0002:b.0001,a.0002", &g, &err), 0);
    CHECK_INT(pw_graph_size(g), 4);
    /* input indexes are kept */
    CHECK_INT(pw_graph_find(g, "b", "0001"), 0);
    CHECK_INT(pw_graph_find(g, "a", "0002"), 1);
    CHECK_INT(pw_graph_find(g, "a", "0001"), 2);
    CHECK_INT(pw_graph_find(g, "b", "0002"), 3);
    CHECK_INT(pw_graph_find(g, "a", "0003"), -1);
    CHECK_INT(pw_graph_find(g, "c", "0001"), -1);
    CHECK_INT(pw_graph_find(g, "", "0001"), -1);
    CHECK_INT(pw_graph_find(g, NULL, "0001"), -1);
    CHECK_STR(pw_graph_key(g, 1)->app, "a");
    CHECK_STR(pw_graph_key(g, 1)->name, "0002");
    CHECK(pw_graph_key(g, 4) == NULL);
    pw_arena_free(a);
}

TEST(test_graph_keys_are_copied) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = NULL;
    char app[] = "models", n1[] = "0001", n2[] = "0002";
    pw_key dep = {app, n1};
    pw_node_in nodes[2] = {{{app, n1}, NULL, 0}, {{app, n2}, &dep, 1}};
    CHECK_INT(pw_graph_build(a, nodes, 2, &g, &err), 0);
    app[0] = 'X';
    n1[0] = 'X';
    CHECK_STR(pw_graph_key(g, 0)->app, "models");
    CHECK_STR(pw_graph_key(g, 0)->name, "0001");
    CHECK_INT(pw_graph_find(g, "models", "0001"), 0);
    pw_arena_free(a);
}

TEST(test_graph_linear_chain) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = NULL;
    /* names deliberately out of dependency order: z first, then m, then a */
    CHECK_INT(build(a, "app.m:app.z app.a:app.m app.z", &g, &err), 0);
    CHECK_STR(order_str(a, g), "app.z app.m app.a");
    CHECK_STR(heads_str(a, g, "app"), "app.a");
    CHECK_INT(pw_graph_check_heads(a, g, &err), 0);
    pw_arena_free(a);
}

TEST(test_graph_diamond) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = NULL;
    CHECK_INT(build(a, "x.top:x.z_left,x.a_right x.z_left:x.base x.a_right:x.base x.base", &g,
                    &err),
              0);
    CHECK_STR(order_str(a, g), "x.base x.a_right x.z_left x.top");
    CHECK_STR(heads_str(a, g, "x"), "x.top");
    CHECK_STR(plan_str(a, g, "x.top", "", false), "x.base x.a_right x.z_left x.top");
    CHECK_STR(plan_str(a, g, "x.z_left", "", false), "x.base x.z_left");
    CHECK_STR(plan_str(a, g, "x.base", "x.base x.a_right x.z_left x.top", true),
              "x.top x.z_left x.a_right x.base");
    pw_arena_free(a);
}

TEST(test_graph_two_apps_cross_deps) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = NULL;
    CHECK_INT(build(a,
                    "models.0002:models.0001,users.0001 users.0001:models.0001 models.0001 "
                    "users.0002:users.0001,models.0002",
                    &g, &err),
              0);
    CHECK_STR(order_str(a, g), "models.0001 users.0001 models.0002 users.0002");
    /* users.0002 depends on models.0002, but that is another app: still a head */
    CHECK_STR(heads_str(a, g, "models"), "models.0002");
    CHECK_STR(heads_str(a, g, "users"), "users.0002");
    CHECK_INT(pw_graph_check_heads(a, g, &err), 0);
    CHECK_STR(plan_str(a, g, "models.0002", "", false), "models.0001 users.0001 models.0002");
    CHECK_STR(plan_str(a, g, "models.0001", "models.0001 users.0001 models.0002 users.0002", true),
              "users.0002 models.0002 users.0001 models.0001");
    pw_arena_free(a);
}

TEST(test_graph_repeated_dependency_counts_once) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = NULL;
    CHECK_INT(build(a, "a.2:a.1,a.1,a.1 a.1 a.3:a.2,a.1,a.2", &g, &err), 0);
    CHECK_STR(order_str(a, g), "a.1 a.2 a.3");
    CHECK_STR(heads_str(a, g, "a"), "a.3");
    CHECK_STR(plan_str(a, g, "a.1", "a.1 a.2 a.3", true), "a.3 a.2 a.1");
    pw_arena_free(a);
}

/* ---- build errors ------------------------------------------------------- */

TEST(test_graph_duplicate_node) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = (pw_graph *)&err; /* must be reset to NULL */
    CHECK_INT(build(a, "a.1 b.1 a.2:a.1 b.1", &g, &err), PW_ERR_INVALID);
    CHECK(g == NULL);
    CHECK_INT(err.code, PW_ERR_INVALID);
    CHECK_STR(err.message, "migration b.1 appears more than once");
    CHECK_STR(err.path, "b.1");
    pw_arena_free(a);
}

TEST(test_graph_empty_keys) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = NULL;
    pw_node_in n1[2] = {{{"a", "1"}, NULL, 0}, {{"", "2"}, NULL, 0}};
    CHECK_INT(pw_graph_build(a, n1, 2, &g, &err), PW_ERR_INVALID);
    CHECK_STR(err.message, "migration #1 (.2) has an empty app or name");
    CHECK_STR(err.path, ".2");
    pw_node_in n2[1] = {{{"a", ""}, NULL, 0}};
    CHECK_INT(pw_graph_build(a, n2, 1, &g, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "a.");
    pw_node_in n3[1] = {{{"a", NULL}, NULL, 0}};
    CHECK_INT(pw_graph_build(a, n3, 1, &g, &err), PW_ERR_INVALID);
    CHECK_STR(err.message, "migration #0 (a.) has an empty app or name");
    pw_key bad = {NULL, "1"};
    pw_node_in n4[1] = {{{"a", "2"}, &bad, 1}};
    CHECK_INT(pw_graph_build(a, n4, 1, &g, &err), PW_ERR_INVALID);
    CHECK_STR(err.message, "migration a.2 has a dependency with no app or name");
    CHECK_STR(err.path, "a.2");
    pw_node_in n5[1] = {{{"a", "2"}, NULL, 3}};
    CHECK_INT(pw_graph_build(a, n5, 1, &g, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "a.2");
    CHECK_INT(pw_graph_build(a, NULL, 2, &g, &err), PW_ERR_INVALID);
    CHECK(g == NULL);
    pw_arena_free(a);
}

TEST(test_graph_missing_dep) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = NULL;
    CHECK_INT(build(a, "models.0001 models.0002:models.0001,models.0009", &g, &err),
              PW_ERR_MISSING_DEP);
    CHECK(g == NULL);
    CHECK_INT(err.code, PW_ERR_MISSING_DEP);
    CHECK_STR(err.message,
              "migration models.0002 depends on models.0009, which does not exist");
    CHECK_STR(err.path, "models.0002");
    pw_arena_free(a);
}

TEST(test_graph_missing_dep_first_in_key_order) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = NULL;
    /* two nodes with missing deps: the smaller key is reported, whatever the input order;
     * an app of the same name in another app does not satisfy a dependency */
    CHECK_INT(build(a, "users.0001:auth.0001 models.0001 blog.0001:users.0002", &g, &err),
              PW_ERR_MISSING_DEP);
    CHECK_STR(err.message, "migration blog.0001 depends on users.0002, which does not exist");
    CHECK_STR(err.path, "blog.0001");
    CHECK_INT(build(a, "users.0001 blog.0001:models.0001", &g, &err), PW_ERR_MISSING_DEP);
    CHECK_STR(err.message, "migration blog.0001 depends on models.0001, which does not exist");
    CHECK_INT(build(a, "users.0001 blog.0001:blog.0001x", &g, &err), PW_ERR_MISSING_DEP);
    CHECK_STR(err.path, "blog.0001");
    pw_arena_free(a);
}

TEST(test_graph_self_cycle) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = NULL;
    CHECK_INT(build(a, "a.w a.x:a.w,a.x", &g, &err), PW_ERR_CYCLE);
    CHECK(g == NULL);
    CHECK_INT(err.code, PW_ERR_CYCLE);
    CHECK_STR(err.message, "dependency cycle: a.x -> a.x");
    CHECK_STR(err.path, "a.x");
    pw_arena_free(a);
}

TEST(test_graph_two_node_cycle) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = NULL;
    CHECK_INT(build(a, "a.y:a.x a.x:a.y", &g, &err), PW_ERR_CYCLE);
    CHECK_STR(err.message, "dependency cycle: a.x -> a.y -> a.x");
    CHECK_STR(err.path, "a.x");
    pw_arena_free(a);
}

TEST(test_graph_three_node_cycle_printed_from_smallest) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = NULL;
    /* a.1 -> a.3 -> a.2 -> a.1 ("->" reads "depends on") */
    CHECK_INT(build(a, "a.2:a.1 a.3:a.2 a.1:a.3", &g, &err), PW_ERR_CYCLE);
    CHECK_STR(err.message, "dependency cycle: a.1 -> a.3 -> a.2 -> a.1");
    CHECK_STR(err.path, "a.1");
    /* same graph, other input order: same report */
    CHECK_INT(build(a, "a.1:a.3 a.3:a.2 a.2:a.1", &g, &err), PW_ERR_CYCLE);
    CHECK_STR(err.message, "dependency cycle: a.1 -> a.3 -> a.2 -> a.1");
    pw_arena_free(a);
}

TEST(test_graph_cycle_not_through_search_root) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = NULL;
    /* the search starts at a.a, which only leads into the cycle; cross-app cycle too */
    CHECK_INT(build(a, "a.a:b.z b.z:b.m b.m:c.q c.q:b.z a.b", &g, &err), PW_ERR_CYCLE);
    CHECK_STR(err.message, "dependency cycle: b.m -> c.q -> b.z -> b.m");
    CHECK_STR(err.path, "b.m");
    /* two disjoint cycles: the one reached first from the smallest key is reported */
    CHECK_INT(build(a, "z.1:z.2 z.2:z.1 b.1:b.2 b.2:b.1", &g, &err), PW_ERR_CYCLE);
    CHECK_STR(err.message, "dependency cycle: b.1 -> b.2 -> b.1");
    pw_arena_free(a);
}

/* ---- heads -------------------------------------------------------------- */

TEST(test_graph_heads_multiple_and_unknown_app) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = NULL;
    CHECK_INT(build(a, "m.0001 m.0002_b:m.0001 m.0002_a:m.0001 u.0001:m.0002_a", &g, &err), 0);
    CHECK_STR(heads_str(a, g, "m"), "m.0002_a m.0002_b");
    CHECK_STR(heads_str(a, g, "u"), "u.0001");
    CHECK_STR(heads_str(a, g, "zzz"), "");
    CHECK_STR(heads_str(a, g, ""), "");
    size_t *out, nout;
    CHECK_INT(pw_graph_heads(a, g, NULL, &out, &nout, &err), PW_ERR_INVALID);
    pw_arena_free(a);
}

TEST(test_graph_check_heads_error) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = NULL;
    CHECK_INT(build(a, "models.0001 models.0002_b:models.0001 models.0002_a:models.0001", &g,
                    &err),
              0);
    CHECK_INT(pw_graph_check_heads(a, g, &err), PW_ERR_MULTIPLE_HEADS);
    CHECK_INT(err.code, PW_ERR_MULTIPLE_HEADS);
    CHECK_STR(err.message,
              "app models has 2 heads: 0002_a, 0002_b; make one depend on the other");
    CHECK_STR(err.path, "models");
    pw_arena_free(a);
}

TEST(test_graph_check_heads_first_app_reported) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = NULL;
    /* z has 2 heads, b has 3 (independent roots): b comes first in byte order */
    CHECK_INT(build(a, "z.1 z.2 b.c b.a b.b ok.1 ok.2:ok.1", &g, &err), 0);
    CHECK_INT(pw_graph_check_heads(a, g, &err), PW_ERR_MULTIPLE_HEADS);
    CHECK_STR(err.message, "app b has 3 heads: a, b, c; make one depend on the other");
    CHECK_STR(err.path, "b");
    /* merge migrations fix it */
    CHECK_INT(build(a, "z.1 z.2 z.3:z.1,z.2 b.c b.a b.b b.m:b.a,b.b,b.c", &g, &err), 0);
    CHECK_INT(pw_graph_check_heads(a, g, &err), 0);
    CHECK_INT(err.code, PW_OK);
    pw_arena_free(a);
}

/* ---- order and ties ----------------------------------------------------- */

TEST(test_graph_order_ties_byte_order) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = NULL;
    /* byte order: "B" < "a"; "1" < "10" < "2"; app first, then name */
    CHECK_INT(build(a, "b.1 a.2 a.10 a.1 B.9", &g, &err), 0);
    CHECK_STR(order_str(a, g), "B.9 a.1 a.10 a.2 b.1");
    pw_arena_free(a);
}

TEST(test_graph_order_ties_with_deps) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = NULL;
    /* a.9 is ready first (b.1 waits on it); as soon as a.9 is taken b.1 is the
     * smallest ready node, ahead of c.1 */
    CHECK_INT(build(a, "c.1 b.1:a.9 a.9 b.2:b.1,c.1", &g, &err), 0);
    CHECK_STR(order_str(a, g), "a.9 b.1 c.1 b.2");
    /* Kahn with a min-heap, not a DFS post-order from the smallest key: m.0
     * (ready) comes before z.0 and a.1 (which waits on z.0) */
    CHECK_INT(build(a, "a.1:z.0 z.0 m.0", &g, &err), 0);
    CHECK_STR(order_str(a, g), "m.0 z.0 a.1");
    pw_arena_free(a);
}

/* Input order never changes order or plans. */
TEST(test_graph_determinism_under_shuffle) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g1 = NULL, *g2 = NULL;
    const char *s1 = "p.1 p.2:p.1 q.1:p.1 q.2:q.1,p.2 r.1 r.2:r.1,q.1 p.3:p.2,r.2 s.1:q.2";
    const char *s2 = "s.1:q.2 p.3:r.2,p.2 r.2:q.1,r.1 r.1 q.2:p.2,q.1 q.1:p.1 p.2:p.1 p.1";
    CHECK_INT(build(a, s1, &g1, &err), 0);
    CHECK_INT(build(a, s2, &g2, &err), 0);
    const char *o = order_str(a, g1);
    CHECK_STR(o, "p.1 p.2 q.1 q.2 r.1 r.2 p.3 s.1");
    CHECK_STR(order_str(a, g2), o);
    CHECK_STR(plan_str(a, g1, "p.3 s.1", "p.1", false), plan_str(a, g2, "p.3 s.1", "p.1", false));
    CHECK_STR(plan_str(a, g1, "p.3 s.1", "p.1", false), "p.2 q.1 q.2 r.1 r.2 p.3 s.1");
    const char *all = "p.1 p.2 q.1 q.2 r.1 r.2 p.3 s.1";
    CHECK_STR(plan_str(a, g1, "p.1", all, true), plan_str(a, g2, "p.1", all, true));
    CHECK_STR(plan_str(a, g1, "p.1", all, true), "s.1 q.2 p.3 r.2 q.1 p.2 p.1");
    pw_arena_free(a);
}

/* ---- forward plans ------------------------------------------------------ */

TEST(test_graph_forward_plan_partial) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = NULL;
    CHECK_INT(build(a, "a.1 a.2:a.1 a.3:a.2 a.4:a.3 b.1:a.2 b.2:b.1", &g, &err), 0);
    CHECK_STR(plan_str(a, g, "a.4", "", false), "a.1 a.2 a.3 a.4");
    CHECK_STR(plan_str(a, g, "a.4", "a.1 a.2", false), "a.3 a.4");
    CHECK_STR(plan_str(a, g, "a.4", "a.1 a.2 a.3 a.4", false), "");
    CHECK_STR(plan_str(a, g, "a.2", "a.1", false), "a.2");
    /* b.2 needs a.1, a.2 but not a.3 */
    CHECK_STR(plan_str(a, g, "b.2", "a.1", false), "a.2 b.1 b.2");
    /* several targets, repeated targets */
    CHECK_STR(plan_str(a, g, "b.2 a.3 b.2", "a.1", false), "a.2 a.3 b.1 b.2");
    CHECK_STR(plan_str(a, g, "", "", false), "");
    pw_arena_free(a);
}

TEST(test_graph_forward_plan_through_applied_node) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = NULL;
    /* inconsistent history: m.2 applied, its dep z.1 not. The ancestors are
     * followed through m.2, and z.1 still comes before a.3 although a < z. */
    CHECK_INT(build(a, "z.1 m.2:z.1 a.3:m.2", &g, &err), 0);
    CHECK_STR(plan_str(a, g, "a.3", "m.2", false), "z.1 a.3");
    pw_arena_free(a);
}

TEST(test_graph_plan_errors) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = NULL;
    CHECK_INT(build(a, "a.1 a.2:a.1", &g, &err), 0);
    bool applied[2] = {false, false};
    size_t bad[2] = {0, 2};
    size_t *out = (size_t *)applied, nout = 7;
    CHECK_INT(pw_graph_forward_plan(a, g, bad, 2, applied, &out, &nout, &err), PW_ERR_INVALID);
    CHECK(out == NULL);
    CHECK_INT(nout, 0);
    CHECK_STR(err.message, "target index 2 is out of range: the graph has 2 nodes");
    CHECK_INT(pw_graph_backward_plan(a, g, bad, 2, applied, &out, &nout, &err), PW_ERR_INVALID);
    CHECK_STR(err.message, "root index 2 is out of range: the graph has 2 nodes");
    size_t ok[1] = {1};
    CHECK_INT(pw_graph_forward_plan(a, g, ok, 1, NULL, &out, &nout, &err), PW_ERR_INVALID);
    CHECK_INT(pw_graph_backward_plan(a, g, ok, 1, NULL, &out, &nout, &err), PW_ERR_INVALID);
    CHECK_INT(pw_graph_forward_plan(a, g, NULL, 1, applied, &out, &nout, &err), PW_ERR_INVALID);
    /* and a valid call through the same arrays */
    CHECK_INT(pw_graph_forward_plan(a, g, ok, 1, applied, &out, &nout, &err), 0);
    CHECK_INT(err.code, PW_OK);
    CHECK_STR(names(a, g, out, nout), "a.1 a.2");
    pw_arena_free(a);
}

/* ---- backward plans ----------------------------------------------------- */

TEST(test_graph_backward_plan_chain) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = NULL;
    CHECK_INT(build(a, "a.1 a.2:a.1 a.3:a.2 a.4:a.3", &g, &err), 0);
    CHECK_STR(plan_str(a, g, "a.2", "a.1 a.2 a.3 a.4", true), "a.4 a.3 a.2");
    CHECK_STR(plan_str(a, g, "a.1", "a.1 a.2 a.3 a.4", true), "a.4 a.3 a.2 a.1");
    /* partially applied: only the applied ones come back */
    CHECK_STR(plan_str(a, g, "a.2", "a.1 a.2", true), "a.2");
    CHECK_STR(plan_str(a, g, "a.1", "a.1 a.2 a.3", true), "a.3 a.2 a.1");
    CHECK_STR(plan_str(a, g, "a.3", "a.1 a.2", true), "");
    pw_arena_free(a);
}

TEST(test_graph_backward_plan_ties_greatest_first) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = NULL;
    /* after base, three leaves ready at once: greatest (app, name) first */
    CHECK_INT(build(a, "m.base m.b:m.base m.c:m.base m.a:m.base n.x:m.b", &g, &err), 0);
    const char *all = "m.base m.a m.b m.c n.x";
    CHECK_STR(plan_str(a, g, "m.base", all, true), "n.x m.c m.b m.a m.base");
    /* a.x must go before m.b: m.b waits for its dependent a.x, the smallest */
    CHECK_INT(build(a, "m.base m.b:m.base m.c:m.base m.a:m.base a.x:m.b", &g, &err), 0);
    CHECK_STR(plan_str(a, g, "m.base", "m.base m.a m.b m.c a.x", true),
              "m.c m.a a.x m.b m.base");
    /* roots in two branches; unrelated nodes stay */
    CHECK_STR(plan_str(a, g, "m.a m.b", "m.base m.a m.b m.c a.x", true), "m.a a.x m.b");
    pw_arena_free(a);
}

TEST(test_graph_backward_plan_through_unapplied_node) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = NULL;
    /* m.2 is not applied but its dependent z.3 is: z.3 is still reverted first */
    CHECK_INT(build(a, "a.1 m.2:a.1 z.3:m.2", &g, &err), 0);
    CHECK_STR(plan_str(a, g, "a.1", "a.1 z.3", true), "z.3 a.1");
    pw_arena_free(a);
}

/* ---- large graphs ------------------------------------------------------- */

#define BIG 100000

/* A chain of BIG nodes where node i depends on node i-1 and the names run
 * backwards (node i is "N-1-i"), so the cycle search starts at the far end
 * and walks the whole chain: a recursive DFS would need 100k frames. */
static pw_node_in *big_chain(pw_arena *a, const char *app, bool close_cycle) {
    pw_node_in *nodes = must(pw_arena_calloc(a, BIG, sizeof *nodes));
    for (size_t i = 0; i < BIG; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "%06zu", (size_t)BIG - 1 - i);
        nodes[i].key.app = app;
        nodes[i].key.name = must(pw_arena_strdup(a, buf));
    }
    for (size_t i = 0; i < BIG; i++) {
        if (i == 0 && !close_cycle) continue;
        pw_key *dep = must(pw_arena_alloc(a, sizeof *dep));
        *dep = nodes[i == 0 ? BIG - 1 : i - 1].key;
        nodes[i].deps = dep;
        nodes[i].ndeps = 1;
    }
    return nodes;
}

TEST(test_graph_big_chain) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = NULL;
    pw_node_in *nodes = big_chain(a, "big", false);
    CHECK_INT(pw_graph_build(a, nodes, BIG, &g, &err), 0);
    CHECK_INT(pw_graph_size(g), BIG);
    CHECK_INT(pw_graph_find(g, "big", "000000"), BIG - 1);
    CHECK_INT(pw_graph_find(g, "big", "099999"), 0);
    size_t *out, nout;
    CHECK_INT(pw_graph_order(a, g, &out, &nout, &err), 0);
    CHECK_INT(nout, BIG);
    for (size_t i = 0; i < BIG; i++) CHECK_INT(out[i], i);
    CHECK_INT(pw_graph_heads(a, g, "big", &out, &nout, &err), 0);
    CHECK_INT(nout, 1);
    CHECK_INT(out[0], BIG - 1);
    CHECK_INT(pw_graph_check_heads(a, g, &err), 0);
    /* first half applied; plan to the last node is the second half */
    bool *applied = must(pw_arena_calloc(a, BIG, sizeof *applied));
    for (size_t i = 0; i < BIG / 2; i++) applied[i] = true;
    size_t target = BIG - 1;
    CHECK_INT(pw_graph_forward_plan(a, g, &target, 1, applied, &out, &nout, &err), 0);
    CHECK_INT(nout, BIG / 2);
    for (size_t i = 0; i < nout; i++) CHECK_INT(out[i], BIG / 2 + i);
    size_t root = 0;
    CHECK_INT(pw_graph_backward_plan(a, g, &root, 1, applied, &out, &nout, &err), 0);
    CHECK_INT(nout, BIG / 2);
    for (size_t i = 0; i < nout; i++) CHECK_INT(out[i], BIG / 2 - 1 - i);
    pw_arena_free(a);
}

TEST(test_graph_big_cycle_message_capped) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = NULL;
    pw_node_in *nodes = big_chain(a, "big", true);
    CHECK_INT(pw_graph_build(a, nodes, BIG, &g, &err), PW_ERR_CYCLE);
    CHECK(g == NULL);
    /* printed from the smallest key, 000000 (the last node), which depends on
     * 000001, and so on; the message is truncated to the record's size */
    const char *want = "dependency cycle: big.000000 -> big.000001 -> big.000002 -> ";
    CHECK(strncmp(err.message, want, strlen(want)) == 0);
    CHECK_INT(strlen(err.message), PW_ERR_MESSAGE_MAX - 1);
    CHECK_STR(err.path, "big.000000");
    pw_arena_free(a);
}

TEST(test_graph_wide) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_graph *g = NULL;
    enum { W = 50000 };
    /* root <- W leaves (input in descending name order) <- top depending on all */
    pw_node_in *nodes = must(pw_arena_calloc(a, W + 2, sizeof *nodes));
    pw_key *topdeps = must(pw_arena_calloc(a, W, sizeof *topdeps));
    pw_key root = {"w", "0000_root"};
    nodes[0].key = (pw_key){"w", "9999_top"};
    nodes[0].deps = topdeps;
    nodes[0].ndeps = W;
    for (size_t i = 0; i < W; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "0001_%05zu", (size_t)W - 1 - i);
        nodes[1 + i].key = (pw_key){"w", must(pw_arena_strdup(a, buf))};
        nodes[1 + i].deps = &root;
        nodes[1 + i].ndeps = 1;
        topdeps[i] = nodes[1 + i].key;
    }
    nodes[W + 1].key = root;
    CHECK_INT(pw_graph_build(a, nodes, W + 2, &g, &err), 0);
    size_t *out, nout;
    CHECK_INT(pw_graph_order(a, g, &out, &nout, &err), 0);
    CHECK_INT(nout, W + 2);
    CHECK_INT(out[0], W + 1);
    for (size_t i = 0; i < W; i++) CHECK_INT(out[1 + i], W - i);
    CHECK_INT(out[W + 1], 0);
    CHECK_INT(pw_graph_check_heads(a, g, &err), 0);
    bool *applied = must(pw_arena_calloc(a, W + 2, sizeof *applied));
    for (size_t i = 0; i < W + 2; i++) applied[i] = true;
    size_t r = W + 1;
    CHECK_INT(pw_graph_backward_plan(a, g, &r, 1, applied, &out, &nout, &err), 0);
    CHECK_INT(nout, W + 2);
    CHECK_INT(out[0], 0);
    for (size_t i = 0; i < W; i++) CHECK_INT(out[1 + i], 1 + i);
    CHECK_INT(out[W + 1], W + 1);
    applied[0] = false;
    r = 0;
    CHECK_INT(pw_graph_forward_plan(a, g, &r, 1, applied, &out, &nout, &err), 0);
    CHECK_INT(nout, 1);
    CHECK_INT(out[0], 0);
    /* without the top: W heads */
    CHECK_INT(pw_graph_build(a, nodes + 1, W + 1, &g, &err), 0);
    CHECK_INT(pw_graph_heads(a, g, "w", &out, &nout, &err), 0);
    CHECK_INT(nout, W);
    CHECK_INT(pw_graph_check_heads(a, g, &err), PW_ERR_MULTIPLE_HEADS);
    const char *want = "app w has 50000 heads: 0001_00000, 0001_00001, ";
    CHECK(strncmp(err.message, want, strlen(want)) == 0);
    CHECK_STR(err.path, "w");
    pw_arena_free(a);
}

/* A pseudo-random DAG across several apps, built from two input orders: the
 * order respects every edge, is identical for both, and every plan is closed
 * and ordered. */
TEST(test_graph_random_dag_properties) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    enum { N = 3000 };
    unsigned long long seed = 12345;
#define RND() (seed = seed * 6364136223846793005ULL + 1442695040888963407ULL, (size_t)(seed >> 33))
    pw_node_in *n1 = must(pw_arena_calloc(a, N, sizeof *n1));
    for (size_t i = 0; i < N; i++) {
        char app[32], name[32];
        snprintf(app, sizeof app, "app%zu", RND() % 7);
        snprintf(name, sizeof name, "m%zu", i * 7919 % N); /* unique, unrelated to i */
        n1[i].key.app = must(pw_arena_strdup(a, app));
        n1[i].key.name = must(pw_arena_strdup(a, name));
        size_t nd = i ? RND() % 4 : 0;
        pw_key *deps = must(pw_arena_calloc(a, nd + 1, sizeof *deps));
        for (size_t j = 0; j < nd; j++) deps[j] = n1[RND() % i].key; /* only earlier: acyclic */
        n1[i].deps = deps;
        n1[i].ndeps = nd;
    }
    /* reversed input */
    pw_node_in *n2 = must(pw_arena_calloc(a, N, sizeof *n2));
    for (size_t i = 0; i < N; i++) n2[i] = n1[N - 1 - i];
    pw_graph *g1 = NULL, *g2 = NULL;
    CHECK_INT(pw_graph_build(a, n1, N, &g1, &err), 0);
    CHECK_INT(pw_graph_build(a, n2, N, &g2, &err), 0);
    size_t *o1, *o2, no1, no2;
    CHECK_INT(pw_graph_order(a, g1, &o1, &no1, &err), 0);
    CHECK_INT(pw_graph_order(a, g2, &o2, &no2, &err), 0);
    CHECK_INT(no1, N);
    CHECK_INT(no2, N);
    size_t *pos = must(pw_arena_calloc(a, N, sizeof *pos));
    for (size_t i = 0; i < N; i++) {
        CHECK_INT(o2[i], N - 1 - o1[i]); /* same keys in the same order */
        pos[o1[i]] = i;
    }
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < n1[i].ndeps; j++) {
            long d = pw_graph_find(g1, n1[i].deps[j].app, n1[i].deps[j].name);
            CHECK(d >= 0);
            CHECK(pos[d] < pos[i]);
        }
    /* forward plan to a few targets with every third node applied: exactly the
     * unapplied ancestors (computed here by a fixpoint over the input), each
     * after its dependencies */
    bool *ap = must(pw_arena_calloc(a, N, sizeof *ap));
    for (size_t i = 0; i < N; i += 3) ap[i] = true;
    size_t targets[3] = {N - 1, N / 2, N - 2};
    bool *want = must(pw_arena_calloc(a, N, sizeof *want));
    want[N - 1] = want[N / 2] = want[N - 2] = true;
    for (size_t i = N; i-- > 0;) /* deps are earlier nodes: one backward sweep */
        if (want[i])
            for (size_t j = 0; j < n1[i].ndeps; j++)
                want[pw_graph_find(g1, n1[i].deps[j].app, n1[i].deps[j].name)] = true;
    size_t nwant = 0;
    for (size_t i = 0; i < N; i++) nwant += want[i] && !ap[i];
    size_t *out, nout;
    CHECK_INT(pw_graph_forward_plan(a, g1, targets, 3, ap, &out, &nout, &err), 0);
    CHECK_INT(nout, nwant);
    size_t *at = must(pw_arena_calloc(a, N, sizeof *at)); /* position + 1 in out, 0 = absent */
    for (size_t k = 0; k < nout; k++) {
        CHECK(want[out[k]] && !ap[out[k]]);
        CHECK_INT(at[out[k]], 0);
        at[out[k]] = k + 1;
    }
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < n1[i].ndeps && at[i]; j++) {
            long d = pw_graph_find(g1, n1[i].deps[j].app, n1[i].deps[j].name);
            CHECK(ap[d] ? at[d] == 0 : at[d] != 0 && at[d] < at[i]);
        }
    /* backward plan from node 0 with everything applied: exactly node 0 and
     * its descendants, each before its dependencies */
    memset(want, 0, N * sizeof *want);
    want[0] = true;
    for (size_t i = 1; i < N; i++) /* deps are earlier nodes: one forward sweep */
        for (size_t j = 0; j < n1[i].ndeps; j++)
            if (want[pw_graph_find(g1, n1[i].deps[j].app, n1[i].deps[j].name)]) want[i] = true;
    nwant = 0;
    for (size_t i = 0; i < N; i++) nwant += want[i];
    for (size_t i = 0; i < N; i++) ap[i] = true;
    size_t root = 0;
    CHECK_INT(pw_graph_backward_plan(a, g1, &root, 1, ap, &out, &nout, &err), 0);
    CHECK(nwant > 100);
    CHECK_INT(nout, nwant);
    memset(at, 0, N * sizeof *at);
    for (size_t k = 0; k < nout; k++) {
        CHECK(want[out[k]]);
        at[out[k]] = k + 1;
    }
    CHECK_INT(out[nout - 1], 0);
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < n1[i].ndeps && at[i]; j++) {
            long d = pw_graph_find(g1, n1[i].deps[j].app, n1[i].deps[j].name);
            CHECK(at[d] == 0 || at[d] > at[i]);
        }
#undef RND
    pw_arena_free(a);
}
