/* The observations reader (salient/obs.h): stub, the real reader follows. */
#include "scenario/obs_int.h"

#include <math.h>
#include <stdlib.h>

int sal_obs_read_string(const char *name, const char *text, size_t len, const sal_model *m,
                        sal_obs_set **out, sal_diags *d)
{
    (void)text;
    (void)len;
    (void)m;
    *out = NULL;
    sal_diags_add(d, name, 0, 0, "observations are not read yet");
    return SAL_EINPUT;
}

int sal_obs_read_file(const char *path, const sal_model *m, sal_obs_set **out, sal_diags *d)
{
    return sal_obs_read_string(path, "", 0, m, out, d);
}

void sal_obs_free(sal_obs_set *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->n; i++) {
        free(o->e[i].label);
        free(o->e[i].source);
    }
    for (size_t k = 0; k < o->nb; k++)
        free(o->b[k].name);
    free(o->e);
    free(o->b);
    free(o);
}

size_t sal_obs_count(const sal_obs_set *o) { return o ? o->n : 0; }
const char *sal_obs_label(const sal_obs_set *o, size_t i) { return o->e[i].label; }
const char *sal_obs_metric(const sal_obs_set *o, size_t i)
{
    const sal_obs_entry *e = &o->e[i];
    return e->is_event ? o->m->events[e->index] : o->m->metrics[e->index].name;
}
int sal_obs_is_event(const sal_obs_set *o, size_t i) { return o->e[i].is_event; }
int sal_obs_index(const sal_obs_set *o, size_t i) { return o->e[i].index; }
const char *sal_obs_source(const sal_obs_set *o, size_t i) { return o->e[i].source; }
void sal_obs_pos(const sal_obs_set *o, size_t i, int *line, int *col)
{
    *line = o->e[i].line;
    *col = o->e[i].col;
}
int32_t sal_obs_reported_day(const sal_obs_set *o, size_t i) { return o->e[i].reported; }
void sal_obs_days(const sal_obs_set *o, size_t i, int32_t *first, int32_t *last)
{
    *first = o->e[i].d1;
    *last = o->e[i].d2;
}
size_t sal_obs_truth_days(const sal_obs_set *o, size_t i, int32_t days[2])
{
    const sal_obs_entry *e = &o->e[i];
    if (e->is_event)
        return 0;
    if (e->quantity == SAL_OBS_ON_DAY) {
        days[0] = e->d2;
        return 1;
    }
    days[0] = e->d1;
    days[1] = e->d2;
    return 2;
}
int sal_obs_quantity(const sal_obs_set *o, size_t i) { return o->e[i].quantity; }
void sal_obs_error(const sal_obs_set *o, size_t i, int *kind, double *param)
{
    *kind = o->e[i].err;
    *param = o->e[i].err_param;
}
int sal_obs_bias_index(const sal_obs_set *o, size_t i) { return o->e[i].bias; }
int sal_obs_kind(const sal_obs_set *o, size_t i) { return o->e[i].kind; }
double sal_obs_lo(const sal_obs_set *o, size_t i) { return o->e[i].lo; }
double sal_obs_hi(const sal_obs_set *o, size_t i) { return o->e[i].hi; }

int32_t sal_obs_last_day(const sal_obs_set *o, int32_t as_of)
{
    int32_t last = -1;
    for (size_t i = 0; o && i < o->n; i++)
        if (o->e[i].reported <= as_of && o->e[i].d2 > last)
            last = o->e[i].d2;
    return last;
}

size_t sal_obs_nbias(const sal_obs_set *o) { return o ? o->nb : 0; }
const char *sal_obs_bias_name(const sal_obs_set *o, size_t k) { return o->b[k].name; }
void sal_obs_bias_prior(const sal_obs_set *o, size_t k, double *log_median, double *sigma)
{
    *log_median = o->b[k].log_median;
    *sigma = o->b[k].sigma;
}
