#ifndef C_HIREDIS_H
#define C_HIREDIS_H

#include <hiredis/hiredis.h>

/* Accessors, so Swift never reads redisContext's or redisReader's layout (errstr is char[128], a 128-tuple in Swift). */
static inline int CHiredis_contextError(const redisContext *c) { return c->err; }
static inline const char *CHiredis_contextErrorString(const redisContext *c) { return c->errstr; }
static inline int CHiredis_contextFD(const redisContext *c) { return c->fd; }
static inline int CHiredis_readerError(const redisReader *r) { return r->err; }
static inline const char *CHiredis_readerErrorString(const redisReader *r) { return r->errstr; }

#endif
