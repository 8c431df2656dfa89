/*
 * pfil(9) heads: per-host lists of filter hooks, shaped like FreeBSD's
 * net/pfil.c (6.x): pfil_add_hook(), pfil_remove_hook(), pfil_run_hooks().
 */
#include <errno.h>
#include <stddef.h>

#include <glib.h>

#include "net/host.h"
#include "net/pfil.h"

struct pfil_hook {
	pfil_func_t		*func;
	void			*arg;
	pfil_dtor_t		*dtor;	/* on the PFIL_IN entry, or the only one */
	struct pfil_hook	*next;
};

static struct pfil_hook **
pfil_list(struct host *h, int dir)
{

	return (dir == PFIL_IN ? &h->pfil.ph_in : &h->pfil.ph_out);
}

static struct pfil_hook *
pfil_find(struct pfil_hook *l, pfil_func_t *fn, void *arg)
{

	for (; l != NULL; l = l->next)
		if (l->func == fn && l->arg == arg)
			return (l);
	return (NULL);
}

int
pfil_add_hook(struct host *h, pfil_func_t *fn, void *arg, int flags,
    pfil_dtor_t *dtor)
{
	struct pfil_hook *in = NULL, *out, **pp;

	if ((flags & (PFIL_IN | PFIL_OUT)) == 0 || fn == NULL)
		return (EINVAL);
	if (pfil_find(h->pfil.ph_in, fn, arg) != NULL ||
	    pfil_find(h->pfil.ph_out, fn, arg) != NULL)
		return (EEXIST);
	if (flags & PFIL_IN) {
		/* Input hooks at the head (pfil_list_add()). */
		in = g_new0(struct pfil_hook, 1);
		*in = (struct pfil_hook){ .func = fn, .arg = arg,
		    .dtor = dtor, .next = h->pfil.ph_in };
		h->pfil.ph_in = in;
	}
	if (flags & PFIL_OUT) {
		/* Output hooks at the tail: the mirror of the way in. */
		out = g_new0(struct pfil_hook, 1);
		*out = (struct pfil_hook){ .func = fn, .arg = arg,
		    .dtor = in == NULL ? dtor : NULL };
		for (pp = &h->pfil.ph_out; *pp != NULL; pp = &(*pp)->next)
			;
		*pp = out;
	}
	return (0);
}

/* Unlink fn/arg from one list; returns the entry (caller frees) or NULL. */
static struct pfil_hook *
pfil_unlink(struct pfil_hook **pp, pfil_func_t *fn, void *arg)
{
	struct pfil_hook *e;

	for (; *pp != NULL; pp = &(*pp)->next) {
		e = *pp;
		if (e->func == fn && e->arg == arg) {
			*pp = e->next;
			return (e);
		}
	}
	return (NULL);
}

int
pfil_remove_hook(struct host *h, pfil_func_t *fn, void *arg)
{
	struct pfil_hook *in, *out;

	in = pfil_unlink(&h->pfil.ph_in, fn, arg);
	out = pfil_unlink(&h->pfil.ph_out, fn, arg);
	g_free(in);
	g_free(out);
	return (in == NULL && out == NULL ? ENOENT : 0);
}

bool
pfil_hooked(const struct host *h, int dir)
{

	return ((dir == PFIL_IN ? h->pfil.ph_in : h->pfil.ph_out) != NULL);
}

int
pfil_run_hooks(struct host *h, struct pkt **mp, struct ifnet *ifp, int dir)
{
	struct pfil_hook *e;
	struct pkt *m = *mp;
	int rv = 0;

	g_assert(dir == PFIL_IN || dir == PFIL_OUT);
	g_assert(m != NULL);
	/* Every hook may use ifp: the stack always has one at these points. */
	g_assert(ifp != NULL);
	for (e = *pfil_list(h, dir); e != NULL; e = e->next) {
		rv = e->func(e->arg, h, &m, ifp, dir);
		if (rv != 0 || m == NULL)
			break;
	}
	/* The contract: an error always comes with the packet taken. */
	g_assert(rv == 0 || m == NULL);
	*mp = m;
	return (rv);
}

static void
pfil_list_free(struct pfil_hook **pp)
{
	struct pfil_hook *e;

	while ((e = *pp) != NULL) {
		*pp = e->next;
		if (e->dtor != NULL)
			e->dtor(e->arg);
		g_free(e);
	}
}

void
pfil_head_free(struct host *h)
{

	pfil_list_free(&h->pfil.ph_in);
	pfil_list_free(&h->pfil.ph_out);
}
