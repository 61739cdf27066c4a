/* salient (internal) — an observations file in memory (salient/obs.h).
 *
 * src/scenario/obs_read.c   the reader: YAML -> sal_obs_set, every check, accessors
 * src/analysis/obs.c        the observation model: truth, likelihood, draws, CDF */
#ifndef SAL_OBS_INT_H
#define SAL_OBS_INT_H

#include <stdint.h>

#include "salient/obs.h"

enum {
    OBS_MAX_REPORTS = 100000,  /* entries of one file */
    OBS_MAX_LABEL = 200        /* characters of a label */
};

typedef struct {
    char *label;
    char *source;
    int line, col;
    int is_event;
    int index;         /* metric or event index in the model */
    int kind;          /* SAL_OBS_VALUE ... SAL_OBS_EVENT */
    int quantity;      /* SAL_OBS_ON_DAY/CHANGE/PER_DAY, SAL_OBS_EV_BY/ON */
    double lo, hi;     /* the report's numbers */
    int32_t d1, d2;    /* numeric: the day (d1 == d2) or the period; events:
                          by: d1 = 0, d2 = D; on: d1 = D - T, d2 = D + T */
    int32_t reported;  /* day it became public */
    int err;           /* SAL_OBS_ERR_* */
    double err_param;  /* S, SD or p */
    int bias;          /* bias unknown, or -1 */
} sal_obs_entry;

typedef struct {
    char *name;        /* the bias_group, or the report's label */
    double log_median, sigma;
    int line, col;     /* where its model was given */
} sal_obs_bias;

struct sal_obs_set {
    const sal_model *m;
    size_t nmetrics;
    sal_obs_entry *e;
    size_t n;
    sal_obs_bias *b;
    size_t nb;
};

#endif
