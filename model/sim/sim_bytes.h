/*
 * Short copies without a call to memcpy: the event log and the packet
 * printers append many pieces of a few bytes (keys, numbers, addresses)
 * per packet, whose length is known only at run time.
 */
#ifndef DIVERTSIM_SIM_BYTES_H
#define DIVERTSIM_SIM_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* n bytes from s to d: up to 32 as two fixed-size copies that overlap. */
static inline void
sim_short_copy(char *d, const char *s, size_t n)
{
	if (n > 16 && n <= 32) {
		memcpy(d, s, 16);
		memcpy(d + n - 16, s + n - 16, 16);
	} else if (n >= 8 && n <= 16) {
		memcpy(d, s, 8);
		memcpy(d + n - 8, s + n - 8, 8);
	} else if (n >= 4 && n < 8) {
		memcpy(d, s, 4);
		memcpy(d + n - 4, s + n - 4, 4);
	} else if (n > 0 && n < 4) {
		/* Not a loop: the compiler would make it a call to memcpy. */
		d[0] = s[0];
		d[n / 2] = s[n / 2];
		d[n - 1] = s[n - 1];
	} else if (n > 32)
		memcpy(d, s, n);
}

/*
 * The decimal digits of v, two at a time, written backwards ending just
 * before end (room for 20); returns where they begin.
 */
static inline char *
sim_u64_dec(char *end, uint64_t v)
{
	static const char pairs[] =
	    "0001020304050607080910111213141516171819"
	    "2021222324252627282930313233343536373839"
	    "4041424344454647484950515253545556575859"
	    "6061626364656667686970717273747576777879"
	    "8081828384858687888990919293949596979899";
	char *w = end;

	while (v >= 100) {
		unsigned r = (unsigned)(v % 100);

		v /= 100;
		*--w = pairs[2 * r + 1];
		*--w = pairs[2 * r];
	}
	if (v >= 10) {
		*--w = pairs[2 * v + 1];
		*--w = pairs[2 * v];
	} else
		*--w = (char)('0' + v);
	return (w);
}

#endif
