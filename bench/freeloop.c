/*
** freeloop.c: N rounds of malloc(64) then free, the workload of the free
** interposition's cost (docs/performance.md, "free()"). Usage: freeloop N.
*/
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	void *volatile keep;
	for (long i = 0; i < n; i++) {
		void *p = malloc(64);
		keep = p;
		free(p);
	}
	(void)keep;
	printf("%ld\n", n);
	return 0;
}
