/*
 * graph.c - the migration graph of graph.h.
 *
 * Owns: building the graph (sorting keys into an (app, name) index, resolving
 * dependencies, adjacency both ways), rejecting duplicate nodes, empty keys,
 * missing dependencies and cycles, the heads of each app, the topological
 * order and the forward and backward plans. Does not own: what a migration
 * contains, which migrations are applied (the caller says), or turning errors
 * into Python exceptions.
 *
 * Internally a node is named by its rank: its position in (app, name) byte
 * order. Adjacency lists hold ranks in ascending order, so every traversal
 * and every tie-break is in (app, name) order and the results depend only on
 * the set of nodes and edges, not on the order of the input. Nothing
 * recurses: DFS and closures use explicit stacks, so a 100k-node chain is
 * fine. Every array lives in the arena passed in.
 */
#include "graph.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

struct pw_graph {
    size_t n;
    pw_key *keys;       /* by input index; strings copied into the arena */
    size_t *by_rank;    /* rank -> input index */
    size_t *rank;       /* input index -> rank */
    size_t napps;
    size_t *app_start;  /* napps + 1 entries: first rank of each app's group */
    size_t *app_of;     /* rank -> app group number */
    size_t *dep_off;    /* n + 1 entries: deps of r are dep[dep_off[r] .. dep_off[r+1]) */
    size_t *dep;        /* ranks of the nodes r depends on, ascending, no repeats */
    size_t *rdep_off;   /* n + 1 entries, as dep_off */
    size_t *rdep;       /* ranks of the nodes that depend on r, ascending */
};

/* ---- small helpers ---------------------------------------------------- */

static int key_cmp(const char *app1, const char *name1, const char *app2, const char *name2) {
    int c = strcmp(app1, app2);
    return c ? c : strcmp(name1, name2);
}

/* Writes "app.name" into err->path and returns code. */
static int with_path(pw_error *err, int code, const char *app, const char *name) {
    snprintf(err->path, sizeof err->path, "%s.%s", app, name);
    return code;
}

static int nomem(pw_error *err) {
    return pw_error_set(err, PW_ERR_NOMEM, NULL, "out of memory in the migration graph");
}

static const pw_key *rkey(const pw_graph *g, size_t r) { return &g->keys[g->by_rank[r]]; }

/* Rank of (app, name), or g->n when there is no such node. */
static size_t find_rank(const pw_graph *g, const char *app, const char *name) {
    size_t lo = 0, hi = g->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const pw_key *k = rkey(g, mid);
        int c = key_cmp(k->app, k->name, app, name);
        if (c == 0) return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return g->n;
}

/* App group number of app, or g->napps when no node has that app. */
static size_t find_app(const pw_graph *g, const char *app) {
    size_t lo = 0, hi = g->napps;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(rkey(g, g->app_start[mid])->app, app);
        if (c == 0) return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return g->napps;
}

/* A min-heap of size_t, with room for every node (each is pushed once). */
typedef struct {
    size_t *v;
    size_t len;
} heap;

static void heap_push(heap *h, size_t x) {
    size_t i = h->len++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (h->v[p] <= x) break;
        h->v[i] = h->v[p];
        i = p;
    }
    h->v[i] = x;
}

static size_t heap_pop(heap *h) {
    size_t top = h->v[0];
    size_t x = h->v[--h->len];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->len) break;
        if (c + 1 < h->len && h->v[c + 1] < h->v[c]) c++;
        if (x <= h->v[c]) break;
        h->v[i] = h->v[c];
        i = c;
    }
    if (h->len) h->v[i] = x;
    return top;
}

/* ---- build -------------------------------------------------------------- */

typedef struct {
    const char *app;
    const char *name;
    size_t idx;
} sort_entry;

static int sort_entry_cmp(const void *x, const void *y) {
    const sort_entry *p = x, *q = y;
    int c = key_cmp(p->app, p->name, q->app, q->name);
    if (c) return c;
    return p->idx < q->idx ? -1 : p->idx > q->idx;
}

/* Fills err with PW_ERR_CYCLE for the cycle stack[p .. sp-1] (each node
 * depends on the next, the last on the first). The cycle is printed from its
 * smallest (app, name) node, which is also err->path. The message is capped
 * near PW_ERR_MESSAGE_MAX (pw_error_set truncates the rest). */
static int report_cycle(pw_arena *a, const pw_graph *g, const size_t *stack, size_t p, size_t sp,
                        pw_error *err) {
    size_t k = sp - p, m = 0;
    for (size_t j = 1; j < k; j++)
        if (stack[p + j] < stack[p + m]) m = j;
    pw_strbuf sb;
    pw_sb_init(&sb, a);
    pw_sb_append(&sb, "dependency cycle: ");
    for (size_t j = 0; j <= k && sb.len <= PW_ERR_MESSAGE_MAX; j++) {
        const pw_key *key = rkey(g, stack[p + (m + j) % k]);
        pw_sb_appendf(&sb, "%s%s.%s", j ? " -> " : "", key->app, key->name);
    }
    const char *msg = pw_sb_cstr(&sb);
    if (msg == NULL) return nomem(err);
    const pw_key *first = rkey(g, stack[p + m]);
    pw_error_set(err, PW_ERR_CYCLE, NULL, "%s", msg);
    return with_path(err, PW_ERR_CYCLE, first->app, first->name);
}

/* Iterative DFS over deps, roots and deps taken in rank order. 0, or
 * PW_ERR_CYCLE for the first cycle met (a self-dependency included). */
static int check_cycles(pw_arena *a, const pw_graph *g, pw_error *err) {
    size_t n = g->n;
    unsigned char *color = pw_arena_calloc(a, n, 1); /* 0 new, 1 on stack, 2 done */
    size_t *cursor = pw_arena_calloc(a, n, sizeof *cursor);
    size_t *stack = pw_arena_calloc(a, n, sizeof *stack);
    if (color == NULL || cursor == NULL || stack == NULL) return nomem(err);
    for (size_t root = 0; root < n; root++) {
        if (color[root]) continue;
        size_t sp = 0;
        stack[sp++] = root;
        color[root] = 1;
        cursor[root] = g->dep_off[root];
        while (sp > 0) {
            size_t u = stack[sp - 1];
            if (cursor[u] == g->dep_off[u + 1]) {
                color[u] = 2;
                sp--;
                continue;
            }
            size_t v = g->dep[cursor[u]++];
            if (color[v] == 0) {
                color[v] = 1;
                cursor[v] = g->dep_off[v];
                stack[sp++] = v;
            } else if (color[v] == 1) {
                size_t p = sp - 1;
                while (stack[p] != v) p--;
                return report_cycle(a, g, stack, p, sp, err);
            }
        }
    }
    return 0;
}

/* Checks the input before anything is allocated: pointers, empty keys and
 * dependency keys. Sets *nedges to the total number of listed dependencies. */
static int check_input(const pw_node_in *nodes, size_t n, size_t *nedges, pw_error *err) {
    size_t total = 0;
    if (n > 0 && nodes == NULL)
        return pw_error_set(err, PW_ERR_INVALID, NULL, "migration graph: %zu nodes but no array", n);
    for (size_t i = 0; i < n; i++) {
        const pw_node_in *in = &nodes[i];
        const char *app = in->key.app, *name = in->key.name;
        if (app == NULL || name == NULL || app[0] == '\0' || name[0] == '\0') {
            pw_error_set(err, PW_ERR_INVALID, NULL,
                         "migration #%zu (%s.%s) has an empty app or name", i, app ? app : "",
                         name ? name : "");
            return with_path(err, PW_ERR_INVALID, app ? app : "", name ? name : "");
        }
        if (in->ndeps > 0 && in->deps == NULL) {
            pw_error_set(err, PW_ERR_INVALID, NULL,
                         "migration %s.%s has %zu dependencies but no array", app, name, in->ndeps);
            return with_path(err, PW_ERR_INVALID, app, name);
        }
        for (size_t j = 0; j < in->ndeps; j++) {
            if (in->deps[j].app == NULL || in->deps[j].name == NULL) {
                pw_error_set(err, PW_ERR_INVALID, NULL,
                             "migration %s.%s has a dependency with no app or name", app, name);
                return with_path(err, PW_ERR_INVALID, app, name);
            }
        }
        if (in->ndeps > (size_t)-1 - total)
            return pw_error_set(err, PW_ERR_INVALID, NULL, "migration graph: too many dependencies");
        total += in->ndeps;
    }
    *nedges = total;
    return 0;
}

/* Copies keys, sorts them into the rank index, rejects duplicates, and
 * numbers the app groups. */
static int index_keys(pw_arena *a, pw_graph *g, const pw_node_in *nodes, pw_error *err) {
    size_t n = g->n;
    sort_entry *ent = pw_arena_calloc(a, n, sizeof *ent);
    g->keys = pw_arena_calloc(a, n, sizeof *g->keys);
    g->by_rank = pw_arena_calloc(a, n, sizeof *g->by_rank);
    g->rank = pw_arena_calloc(a, n, sizeof *g->rank);
    g->app_of = pw_arena_calloc(a, n, sizeof *g->app_of);
    if (ent == NULL || g->keys == NULL || g->by_rank == NULL || g->rank == NULL ||
        g->app_of == NULL)
        return nomem(err);
    for (size_t i = 0; i < n; i++) {
        g->keys[i].app = pw_arena_strdup(a, nodes[i].key.app);
        g->keys[i].name = pw_arena_strdup(a, nodes[i].key.name);
        if (g->keys[i].app == NULL || g->keys[i].name == NULL) return nomem(err);
        ent[i].app = g->keys[i].app;
        ent[i].name = g->keys[i].name;
        ent[i].idx = i;
    }
    if (n > 1) qsort(ent, n, sizeof *ent, sort_entry_cmp);
    size_t napps = 0;
    for (size_t r = 0; r < n; r++) {
        if (r > 0 && strcmp(ent[r].app, ent[r - 1].app) == 0) {
            if (strcmp(ent[r].name, ent[r - 1].name) == 0) {
                pw_error_set(err, PW_ERR_INVALID, NULL, "migration %s.%s appears more than once",
                             ent[r].app, ent[r].name);
                return with_path(err, PW_ERR_INVALID, ent[r].app, ent[r].name);
            }
        } else {
            napps++;
        }
        g->by_rank[r] = ent[r].idx;
        g->rank[ent[r].idx] = r;
        g->app_of[r] = napps - 1;
    }
    g->napps = napps;
    g->app_start = pw_arena_calloc(a, napps + 1, sizeof *g->app_start);
    if (g->app_start == NULL) return nomem(err);
    for (size_t r = n; r-- > 0;) g->app_start[g->app_of[r]] = r;
    g->app_start[napps] = n;
    return 0;
}

/* Resolves every dependency to a rank (first missing one, in rank order then
 * listed order, is the error), drops repeats, and builds both adjacency
 * arrays with ascending ranks. */
static int link_edges(pw_arena *a, pw_graph *g, const pw_node_in *nodes, size_t nedges,
                      pw_error *err) {
    size_t n = g->n;
    size_t *toff = pw_arena_calloc(a, n + 1, sizeof *toff);
    size_t *tdst = pw_arena_calloc(a, nedges, sizeof *tdst);
    size_t *mark = pw_arena_calloc(a, n, sizeof *mark); /* r + 1 of the last node that saw it */
    g->dep_off = pw_arena_calloc(a, n + 1, sizeof *g->dep_off);
    g->rdep_off = pw_arena_calloc(a, n + 1, sizeof *g->rdep_off);
    size_t *fill = pw_arena_calloc(a, n, sizeof *fill);
    if (toff == NULL || tdst == NULL || mark == NULL || g->dep_off == NULL ||
        g->rdep_off == NULL || fill == NULL)
        return nomem(err);

    size_t e = 0;
    for (size_t r = 0; r < n; r++) {
        const pw_node_in *in = &nodes[g->by_rank[r]];
        toff[r] = e;
        for (size_t j = 0; j < in->ndeps; j++) {
            size_t d = find_rank(g, in->deps[j].app, in->deps[j].name);
            if (d == n) {
                const pw_key *k = rkey(g, r);
                pw_error_set(err, PW_ERR_MISSING_DEP, NULL,
                             "migration %s.%s depends on %s.%s, which does not exist", k->app,
                             k->name, in->deps[j].app, in->deps[j].name);
                return with_path(err, PW_ERR_MISSING_DEP, k->app, k->name);
            }
            if (mark[d] == r + 1) continue;
            mark[d] = r + 1;
            tdst[e++] = d;
        }
    }
    toff[n] = e;

    g->dep = pw_arena_calloc(a, e, sizeof *g->dep);
    g->rdep = pw_arena_calloc(a, e, sizeof *g->rdep);
    if (g->dep == NULL || g->rdep == NULL) return nomem(err);

    /* rdep: sources visited in rank order, so each list comes out ascending. */
    for (size_t i = 0; i < e; i++) g->rdep_off[tdst[i] + 1]++;
    for (size_t r = 0; r < n; r++) g->rdep_off[r + 1] += g->rdep_off[r];
    for (size_t r = 0; r < n; r++) fill[r] = g->rdep_off[r];
    for (size_t r = 0; r < n; r++)
        for (size_t i = toff[r]; i < toff[r + 1]; i++) g->rdep[fill[tdst[i]]++] = r;

    /* dep: the transpose of rdep, targets visited in rank order: ascending. */
    for (size_t r = 0; r < n; r++) g->dep_off[r + 1] = g->dep_off[r] + (toff[r + 1] - toff[r]);
    for (size_t r = 0; r < n; r++) fill[r] = g->dep_off[r];
    for (size_t d = 0; d < n; d++)
        for (size_t i = g->rdep_off[d]; i < g->rdep_off[d + 1]; i++) g->dep[fill[g->rdep[i]]++] = d;
    return 0;
}

/* Contract (graph.h): builds the graph in arena a; the keys are copied, so
 * nodes may be freed afterwards. Repeated dependencies count once. On error
 * *out is NULL and err says which migration (path "app.name"):
 * PW_ERR_INVALID (duplicate node, empty/NULL app or name, NULL arrays),
 * PW_ERR_MISSING_DEP (the first in (app, name) order), PW_ERR_CYCLE (found by
 * a DFS started from nodes in (app, name) order, printed from its smallest
 * node), PW_ERR_NOMEM. */
int pw_graph_build(pw_arena *a, const pw_node_in *nodes, size_t n, pw_graph **out, pw_error *err) {
    int rc;
    size_t nedges = 0;
    pw_graph *g = NULL;
    pw_error_clear(err);
    if (out == NULL) return pw_error_set(err, PW_ERR_INVALID, NULL, "migration graph: no output");
    *out = NULL;
    if ((rc = check_input(nodes, n, &nedges, err)) != 0) goto done;
    g = pw_arena_alloc(a, sizeof *g);
    if (g == NULL) {
        rc = nomem(err);
        goto done;
    }
    g->n = n;
    if ((rc = index_keys(a, g, nodes, err)) != 0) goto done;
    if ((rc = link_edges(a, g, nodes, nedges, err)) != 0) goto done;
    if ((rc = check_cycles(a, g, err)) != 0) goto done;
    *out = g;
done:
    return rc;
}

size_t pw_graph_size(const pw_graph *g) { return g ? g->n : 0; }

/* The key of input node i (arena strings owned by the graph), or NULL when i
 * is out of range. */
const pw_key *pw_graph_key(const pw_graph *g, size_t i) {
    if (g == NULL || i >= g->n) return NULL;
    return &g->keys[i];
}

long pw_graph_find(const pw_graph *g, const char *app, const char *name) {
    if (g == NULL || app == NULL || name == NULL) return -1;
    size_t r = find_rank(g, app, name);
    return r == g->n ? -1 : (long)g->by_rank[r];
}

/* ---- heads -------------------------------------------------------------- */

/* Writes the heads of app group k (ranks, ascending) into buf; returns how
 * many. A head is a node that no other node of the same app depends on. */
static size_t group_heads(const pw_graph *g, size_t k, size_t *buf) {
    size_t nh = 0;
    for (size_t r = g->app_start[k]; r < g->app_start[k + 1]; r++) {
        bool head = true;
        for (size_t i = g->rdep_off[r]; i < g->rdep_off[r + 1]; i++) {
            size_t u = g->rdep[i];
            if (u != r && g->app_of[u] == k) {
                head = false;
                break;
            }
        }
        if (head) buf[nh++] = r;
    }
    return nh;
}

/* Contract (graph.h): *out is an arena array of input indexes, in name order;
 * an app with no nodes gives 0 heads. PW_ERR_INVALID when g or app is NULL. */
int pw_graph_heads(pw_arena *a, const pw_graph *g, const char *app, size_t **out, size_t *nout,
                   pw_error *err) {
    pw_error_clear(err);
    *out = NULL;
    *nout = 0;
    if (g == NULL || app == NULL)
        return pw_error_set(err, PW_ERR_INVALID, NULL, "heads: no graph or no app");
    size_t k = find_app(g, app);
    size_t cap = k == g->napps ? 0 : g->app_start[k + 1] - g->app_start[k];
    size_t *buf = pw_arena_calloc(a, cap, sizeof *buf);
    if (buf == NULL) return nomem(err);
    size_t nh = k == g->napps ? 0 : group_heads(g, k, buf);
    for (size_t i = 0; i < nh; i++) buf[i] = g->by_rank[buf[i]];
    *out = buf;
    *nout = nh;
    return 0;
}

/* Contract (graph.h): 0, or PW_ERR_MULTIPLE_HEADS for the first app in byte
 * order with several heads: "app models has 2 heads: 0002_a, 0002_b; make one
 * depend on the other", path the app. */
int pw_graph_check_heads(pw_arena *a, const pw_graph *g, pw_error *err) {
    pw_error_clear(err);
    if (g == NULL) return pw_error_set(err, PW_ERR_INVALID, NULL, "check heads: no graph");
    size_t *buf = pw_arena_calloc(a, g->n, sizeof *buf);
    if (buf == NULL) return nomem(err);
    for (size_t k = 0; k < g->napps; k++) {
        size_t nh = group_heads(g, k, buf);
        if (nh <= 1) continue;
        const char *app = rkey(g, g->app_start[k])->app;
        pw_strbuf sb;
        pw_sb_init(&sb, a);
        pw_sb_appendf(&sb, "app %s has %zu heads: ", app, nh);
        for (size_t i = 0; i < nh && sb.len <= PW_ERR_MESSAGE_MAX; i++)
            pw_sb_appendf(&sb, "%s%s", i ? ", " : "", rkey(g, buf[i])->name);
        pw_sb_append(&sb, "; make one depend on the other");
        const char *msg = pw_sb_cstr(&sb);
        if (msg == NULL) return nomem(err);
        return pw_error_set(err, PW_ERR_MULTIPLE_HEADS, app, "%s", msg);
    }
    return 0;
}

/* ---- order and plans ---------------------------------------------------- */

/* Kahn's algorithm over the nodes r with in_set[r] (every node when in_set is
 * NULL). Forward: a node is ready once all its deps are taken; the smallest
 * ready rank is taken first. Backward: a node is ready once all its dependents
 * in the set are taken; the greatest ready rank is taken first. The set must
 * be closed (forward: under deps; backward: under dependents). A taken node
 * is output (as an input index) when applied is NULL or applied[i] == keep.
 * *out is an arena array. */
static int kahn(pw_arena *a, const pw_graph *g, const unsigned char *in_set, bool backward,
                const bool *applied, bool keep, size_t **out, size_t *nout, pw_error *err) {
    size_t n = g->n;
    const size_t *pre_off = backward ? g->rdep_off : g->dep_off;
    const size_t *pre = backward ? g->rdep : g->dep;
    const size_t *post_off = backward ? g->dep_off : g->rdep_off;
    const size_t *post = backward ? g->dep : g->rdep;
    size_t *waiting = pw_arena_calloc(a, n, sizeof *waiting);
    heap h = {pw_arena_calloc(a, n, sizeof(size_t)), 0};
    if (waiting == NULL || h.v == NULL) return nomem(err);

    size_t nset = 0, nkeep = 0;
    for (size_t r = 0; r < n; r++) {
        if (in_set && !in_set[r]) continue;
        nset++;
        if (applied == NULL || applied[g->by_rank[r]] == keep) nkeep++;
        for (size_t i = pre_off[r]; i < pre_off[r + 1]; i++)
            if (in_set == NULL || in_set[pre[i]]) waiting[r]++;
        if (waiting[r] == 0) heap_push(&h, backward ? n - 1 - r : r);
    }
    size_t *res = pw_arena_calloc(a, nkeep, sizeof *res);
    if (res == NULL) return nomem(err);

    size_t taken = 0, nres = 0;
    while (h.len > 0) {
        size_t x = heap_pop(&h);
        size_t r = backward ? n - 1 - x : x;
        taken++;
        size_t idx = g->by_rank[r];
        if (applied == NULL || applied[idx] == keep) res[nres++] = idx;
        for (size_t i = post_off[r]; i < post_off[r + 1]; i++) {
            size_t w = post[i];
            if (in_set && !in_set[w]) continue;
            if (--waiting[w] == 0) heap_push(&h, backward ? n - 1 - w : w);
        }
    }
    if (taken != nset) /* cannot happen: build rejects cycles */
        return pw_error_set(err, PW_ERR_CYCLE, NULL, "migration graph: unexpected cycle");
    *out = res;
    *nout = nres;
    return 0;
}

/* Marks the starts and everything reachable from them through deps (up) or
 * dependents (down) into *set_out (by rank). PW_ERR_INVALID for a start that
 * is not a node index. */
static int closure(pw_arena *a, const pw_graph *g, const size_t *starts, size_t nstarts, bool down,
                   const char *what, unsigned char **set_out, pw_error *err) {
    size_t n = g->n;
    if (nstarts > 0 && starts == NULL)
        return pw_error_set(err, PW_ERR_INVALID, NULL, "%s: %zu given but no array", what,
                            nstarts);
    for (size_t i = 0; i < nstarts; i++)
        if (starts[i] >= n)
            return pw_error_set(err, PW_ERR_INVALID, NULL,
                                "%s index %zu is out of range: the graph has %zu nodes", what,
                                starts[i], n);
    const size_t *off = down ? g->rdep_off : g->dep_off;
    const size_t *adj = down ? g->rdep : g->dep;
    unsigned char *set = pw_arena_calloc(a, n, 1);
    size_t *stack = pw_arena_calloc(a, n, sizeof *stack);
    if (set == NULL || stack == NULL) return nomem(err);
    size_t sp = 0;
    for (size_t i = 0; i < nstarts; i++) {
        size_t r = g->rank[starts[i]];
        if (set[r]) continue;
        set[r] = 1;
        stack[sp++] = r;
        while (sp > 0) {
            size_t u = stack[--sp];
            for (size_t j = off[u]; j < off[u + 1]; j++) {
                size_t v = adj[j];
                if (set[v]) continue;
                set[v] = 1;
                stack[sp++] = v;
            }
        }
    }
    *set_out = set;
    return 0;
}

/* Contract (graph.h): *out is an arena array of all n input indexes,
 * dependencies first, ties taken in (app, name) order. */
int pw_graph_order(pw_arena *a, const pw_graph *g, size_t **out, size_t *nout, pw_error *err) {
    pw_error_clear(err);
    *out = NULL;
    *nout = 0;
    if (g == NULL) return pw_error_set(err, PW_ERR_INVALID, NULL, "order: no graph");
    return kahn(a, g, NULL, false, NULL, false, out, nout, err);
}

/* Contract (graph.h): the ancestors are followed through applied nodes too
 * (as Django does), and ordered together with them, so an unapplied node still
 * comes after everything it depends on even transitively. *out is an arena
 * array of input indexes; ties in (app, name) order. PW_ERR_INVALID for a
 * target out of range or a NULL applied/targets array. */
int pw_graph_forward_plan(pw_arena *a, const pw_graph *g, const size_t *targets, size_t ntargets,
                          const bool *applied, size_t **out, size_t *nout, pw_error *err) {
    int rc;
    unsigned char *set = NULL;
    pw_error_clear(err);
    *out = NULL;
    *nout = 0;
    if (g == NULL || (applied == NULL && g->n > 0))
        return pw_error_set(err, PW_ERR_INVALID, NULL, "forward plan: no graph or no applied");
    if ((rc = closure(a, g, targets, ntargets, false, "target", &set, err)) != 0) goto done;
    rc = kahn(a, g, set, false, applied, false, out, nout, err);
done:
    return rc;
}

/* Contract (graph.h): the descendants are followed through unapplied nodes
 * too; the set is taken in reverse topological order, at each step the
 * greatest (app, name) among the nodes whose dependents are all taken, and
 * the applied ones are output. *out is an arena array of input indexes.
 * PW_ERR_INVALID for a root out of range or a NULL applied/roots array. */
int pw_graph_backward_plan(pw_arena *a, const pw_graph *g, const size_t *roots, size_t nroots,
                           const bool *applied, size_t **out, size_t *nout, pw_error *err) {
    int rc;
    unsigned char *set = NULL;
    pw_error_clear(err);
    *out = NULL;
    *nout = 0;
    if (g == NULL || (applied == NULL && g->n > 0))
        return pw_error_set(err, PW_ERR_INVALID, NULL, "backward plan: no graph or no applied");
    if ((rc = closure(a, g, roots, nroots, true, "root", &set, err)) != 0) goto done;
    rc = kahn(a, g, set, true, applied, true, out, nout, err);
done:
    return rc;
}
