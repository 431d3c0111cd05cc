#include "output/rowbuf.h"

void mp_rowbuf_drain(struct mp_rowbuf *o)
{
  if (o->n > 0) {
    fwrite(o->b, 1, o->n, o->f);
    o->n = 0;
  }
}
