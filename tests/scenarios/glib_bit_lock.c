/*
** glib_bit_lock.c: bit 0 of word x then bit 0 of word y, later y then x;
** bits 1 and 2 of word z nested in both orders would be the same, so the
** program nests them in one order only, with z's bit 1 also taken alone.
**
** A bit lock is a mutex keyed by its word and its bit: x/0 and y/0 are two
** locks whose order is inverted (circular), z/1 and z/2 are two locks, not
** one taken twice (no recursive locking).
*/
// EXPECT: circular
// CHECK: (x){
// CHECK: (y){
#include <glib.h>

static gint x, y, z;
static gpointer p;

int main(void)
{
	g_bit_lock(&x, 0);
	g_bit_lock(&y, 0);
	g_bit_unlock(&y, 0);
	g_bit_unlock(&x, 0);

	g_bit_lock(&z, 1);
	g_bit_lock(&z, 2);
	g_pointer_bit_lock(&p, 3);
	g_pointer_bit_unlock(&p, 3);
	g_bit_unlock(&z, 2);
	g_bit_unlock(&z, 1);
	if (!g_bit_trylock(&z, 1))
		return 1;
	g_bit_unlock(&z, 1);

	g_bit_lock(&y, 0);
	g_bit_lock(&x, 0);
	g_bit_unlock(&x, 0);
	g_bit_unlock(&y, 0);
	return 0;
}
