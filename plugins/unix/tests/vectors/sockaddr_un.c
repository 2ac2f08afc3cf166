/* Test vectors for AF_UNIX: struct sockaddr_un built by the C library from <sys/un.h>.
 * Prints JSON: the struct's layout, then one case per address form with the sun_path bytes that
 * matter, the length a program passes to bind(2)/connect(2) on Linux and the bytes up to it.
 * Path cases also give SUN_LEN() (the BSD length, without the terminating NUL), which the kernel
 * accepts too and famsock must decode alike.
 * Regenerate: gcc -o /tmp/v sockaddr_un.c && /tmp/v > sockaddr_un.json  */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

enum kind { PATH, ABSTRACT, UNNAMED };
static const char *const kind_names[] = {"path", "abstract", "unnamed"};

struct vector { const char *id; enum kind kind; char bytes[sizeof ((struct sockaddr_un *)0)->sun_path]; size_t n; };

static void hex(const void *data, size_t n) {
    for (size_t i = 0; i < n; i++) printf("%02x", ((const unsigned char *)data)[i]);
}

int main(void) {
    enum { SUN_PATH = sizeof ((struct sockaddr_un *)0)->sun_path };
    static struct vector cases[] = {
        {"path", PATH, "/run/x.sock", 0},
        {"relative-path", PATH, "x", 0},
        {"at-sign-path", PATH, "@not-abstract", 0},
        {"utf8-path", PATH, "/tmp/\xc3\xa9t\xc3\xa9", 0},
        {"non-utf8-path", PATH, "/tmp/\xff\xfe", 0},
        {"max-path", PATH, "", 0},
        {"abstract", ABSTRACT, "\0name", 5},
        {"empty-abstract", ABSTRACT, "\0", 1},
        {"abstract-with-nuls", ABSTRACT, "\0a\0b\0", 5},
        {"autobind-style-abstract", ABSTRACT, "\0" "0a1b2", 6},
        {"max-abstract", ABSTRACT, "\0", 0},
        {"unnamed", UNNAMED, "", 0},
    };
    size_t count = sizeof cases / sizeof cases[0];
    for (size_t i = 0; i < count; i++) {
        struct vector *v = &cases[i];
        if (!strcmp(v->id, "max-path")) {  /* the longest path that leaves room for its NUL */
            memset(v->bytes, 'p', SUN_PATH - 1);
            v->bytes[0] = '/';
        } else if (!strcmp(v->id, "max-abstract")) {  /* every byte of sun_path */
            for (size_t b = 1; b < SUN_PATH; b++) v->bytes[b] = (char)('a' + b % 26);
            v->n = SUN_PATH;
        }
        if (v->kind == PATH) v->n = strlen(v->bytes);
    }

    printf("{\n  \"struct\": \"sockaddr_un\", \"size\": %zu, \"AF_UNIX\": %d,\n",
           sizeof(struct sockaddr_un), AF_UNIX);
    printf("  \"offsets\": {\"sun_family\": %zu, \"sun_path\": %zu}, \"sun_path_size\": %d,\n",
           offsetof(struct sockaddr_un, sun_family), offsetof(struct sockaddr_un, sun_path), SUN_PATH);
    printf("  \"cases\": [\n");
    for (size_t i = 0; i < count; i++) {
        const struct vector *v = &cases[i];
        struct sockaddr_un sun;
        size_t length;
        memset(&sun, 0, sizeof sun);
        sun.sun_family = AF_UNIX;
        memcpy(sun.sun_path, v->bytes, v->n);
        if (v->kind == PATH)
            length = offsetof(struct sockaddr_un, sun_path) + v->n + 1;  /* with its NUL */
        else
            length = offsetof(struct sockaddr_un, sun_path) + v->n;  /* abstract: exactly n; unnamed: 2 */
        printf("    {\"id\": \"%s\", \"kind\": \"%s\", \"sun_path\": \"", v->id, kind_names[v->kind]);
        hex(v->bytes, v->n);
        printf("\", \"length\": %zu, \"hex\": \"", length);
        hex(&sun, length);
        printf("\"");
        if (v->kind == PATH) printf(", \"sun_len\": %zu", (size_t)SUN_LEN(&sun));
        printf("}%s\n", i + 1 < count ? "," : "");
    }
    printf("  ]\n}\n");
    return 0;
}
