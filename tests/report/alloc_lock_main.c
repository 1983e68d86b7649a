/* alloc_lock_main.c: the program of tests/cli/init_in_allocator.sh. */
#include <stdio.h>
#include <stdlib.h>

const char *alloc_lock_early(void);
unsigned long alloc_lock_calls(void);

int main(void)
{
	char *p = malloc(100);
	free(p);
	printf("%s, %s\n", alloc_lock_early(), alloc_lock_calls() > 1 ? "more calls" : "no more calls");
	return 0;
}
