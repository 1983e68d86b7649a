/* pair_main.c: one half of an inversion made in pair_lib.c: argv[1] "ab"
** takes db_lock then cache_lock, "ba" the other order. */
#include <string.h>

void pair_init(void);
void pair_db_then_cache(void);
void pair_cache_then_db(void);

int main(int argc, char **argv)
{
	pair_init();
	if (argc > 1 && !strcmp(argv[1], "ba"))
		pair_cache_then_db();
	else
		pair_db_then_cache();
	return 0;
}
