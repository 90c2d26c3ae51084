/* aiotrace-cflags: -shared -fPIC -O1 -g */
/* A library that probe_dlopen loads with dlopen(): plugin_fn(x) returns x * 3. */
__attribute__((noinline)) long plugin_fn(long x) { __asm__ volatile("" ::: "memory"); return x * 3; }
