/* aiotrace-cflags: -shared -fPIC -O1 -g */
/* A library that probe_reload loads where probe_plugin was: other_fn(x) returns 5x + 1,
 * at the offset of probe_plugin's plugin_fn, with another first instruction. */
__attribute__((noinline)) long other_fn(long x) { __asm__ volatile("" ::: "memory"); return x * 5 + 1; }
