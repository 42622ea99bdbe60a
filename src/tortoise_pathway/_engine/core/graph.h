/*
 * graph.h - the migration graph: nodes are migrations, edges dependencies.
 *
 * Owns: building the graph from (app, name, dependencies) records, finding
 * missing dependencies, duplicate nodes and cycles, the heads (leaves) of
 * each app, and forward and backward plans. Does not own: what a migration
 * contains, or which migrations are applied (the caller says).
 *
 * Determinism: wherever several orders are valid, nodes are taken in
 * (app, name) byte order.
 */
#ifndef PW_GRAPH_H
#define PW_GRAPH_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "error.h"

typedef struct {
    const char *app;
    const char *name;
} pw_key;

typedef struct {
    pw_key key;
    const pw_key *deps;
    size_t ndeps;
} pw_node_in;

typedef struct pw_graph pw_graph;

/* Builds the graph of n nodes in arena a. Errors (err->path names the
 * migration as "app.name"):
 *   PW_ERR_INVALID      a node appears twice, or has an empty app or name;
 *   PW_ERR_MISSING_DEP  "app.name depends on app.other, which does not exist";
 *   PW_ERR_CYCLE        "dependency cycle: a.x -> a.y -> a.x".
 * Node i of the input keeps index i in every other function. */
int pw_graph_build(pw_arena *a, const pw_node_in *nodes, size_t n, pw_graph **out, pw_error *err);

size_t pw_graph_size(const pw_graph *g);
const pw_key *pw_graph_key(const pw_graph *g, size_t i);
/* Index of (app, name), or -1. O(log n). */
long pw_graph_find(const pw_graph *g, const char *app, const char *name);

/* Heads of app: its nodes that no other node of the same app depends on,
 * in name order, into an arena array. */
int pw_graph_heads(pw_arena *a, const pw_graph *g, const char *app, size_t **out, size_t *nout,
                   pw_error *err);

/* PW_ERR_MULTIPLE_HEADS if any app has more than one head; the message names
 * the app and its heads. */
int pw_graph_check_heads(pw_arena *a, const pw_graph *g, pw_error *err);

/* Every node in topological order (dependencies first). */
int pw_graph_order(pw_arena *a, const pw_graph *g, size_t **out, size_t *nout, pw_error *err);

/* The nodes to apply to reach targets: the targets and all their ancestors
 * whose applied[i] is false, dependencies first. applied has one entry per
 * node. */
int pw_graph_forward_plan(pw_arena *a, const pw_graph *g, const size_t *targets, size_t ntargets,
                          const bool *applied, size_t **out, size_t *nout, pw_error *err);

/* The nodes to revert to unapply roots: the roots and all their descendants
 * whose applied[i] is true, dependents first. */
int pw_graph_backward_plan(pw_arena *a, const pw_graph *g, const size_t *roots, size_t nroots,
                           const bool *applied, size_t **out, size_t *nout, pw_error *err);

#endif
