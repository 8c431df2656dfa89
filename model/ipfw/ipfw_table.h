/*
 * Lookup tables of the ipfw area (ipfw_table.c): IPv4 prefixes with a
 * value, found by longest prefix.  Private to the ipfw area.
 */
#ifndef DIVERTSIM_IPFW_TABLE_H
#define DIVERTSIM_IPFW_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#ifdef __cplusplus
extern "C" {
#endif

#define	IPFW_TABLES_MAX_6	128u	/* release 6: tables 0..127 */
#define	IPFW_TABLES_MAX_14	65536u	/* release 14: 0..65535 */

struct ipfw_tables;

struct ipfw_tables *ipfw_tables_new(void);
void		 ipfw_tables_free(struct ipfw_tables *ts);
bool		 ipfw_table_exists(const struct ipfw_tables *ts, uint32_t num);
void		 ipfw_table_create(struct ipfw_tables *ts, uint32_t num);
/* Creates the table if needed; false if the prefix is already there. */
bool		 ipfw_table_add(struct ipfw_tables *ts, uint32_t num,
		    uint32_t addr, unsigned plen, uint32_t value);
/* False if the prefix is not there. */
bool		 ipfw_table_delete(struct ipfw_tables *ts, uint32_t num,
		    uint32_t addr, unsigned plen);
void		 ipfw_table_flush(struct ipfw_tables *ts, uint32_t num);
/* Longest-prefix match; ts may be NULL (no table at all). */
bool		 ipfw_table_lookup(const struct ipfw_tables *ts, uint32_t num,
		    uint32_t addr, uint32_t *value);
/* `ipfw table N list` of the release. */
void		 ipfw_table_list(const struct ipfw_tables *ts, uint32_t num,
		    int release, GString *out);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_IPFW_TABLE_H */
