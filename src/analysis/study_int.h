/* salient — internals of the study shared by src/analysis/study_run.c and
 * src/analysis/study_pair.c (not installed). */
#ifndef SALIENT_STUDY_INT_H
#define SALIENT_STUDY_INT_H

#include <stddef.h>
#include <stdint.h>

#include "salient/ensemble.h"
#include "salient/model.h"
#include "salient/study.h"
#include "salient/summary.h"

/* The base's runs kept for pairing: per run its whole series ((horizon + 1)
 * x nmetrics doubles, day-major as the engine writes it) and its event days
 * (nevents int32_t), in run order. */
typedef struct {
    const sal_model *m;
    uint64_t runs;      /* room for */
    size_t nd;          /* days per series */
    double *series;     /* runs x nd x nmetrics */
    int32_t *events;    /* runs x nevents */
} sal_study_store;

/* Bytes a store of `runs` runs of model m takes. */
uint64_t sal_study_store_bytes(const sal_model *m, uint64_t runs);
/* Allocates a store for o->runs runs; SAL_ENOMEM. */
int sal_study_store_alloc(sal_study_store *st, const sal_model *m, uint64_t runs);
void sal_study_store_free(sal_study_store *st);

/* The base ensemble of st->m (runs 0 .. o->runs - 1 under o->seed, on
 * o->threads threads): its summary in *out, every run's series and events
 * kept in st, and per run the record (inputs, then last-day metrics, reclen
 * doubles) in records[run * reclen].  Results, progress and stops as
 * sal_ensemble_run (o->on_run, o->first, o->resume_from and o->checkpoint
 * are not used). */
int sal_study_pair_base(sal_study_store *st, const sal_ensemble_opts *o, double *records,
                        size_t reclen, sal_summary **out, uint64_t *done, sal_diags *diags);

/* The comparison of the stored base (runs 0 .. o->runs - 1, all in st)
 * with variant b on the same streams, without running the base again: the
 * same sal_compare as sal_compare_run(st->m, b, o, ...) gives, except that
 * its summary of the base (a) is NULL when the comparison is complete
 * (*done == base_runs: base_summary is that summary), and is rebuilt from
 * the store for the runs done otherwise. */
int sal_study_pair_variant(const sal_study_store *st, const sal_summary *base_summary,
                           uint64_t base_runs, const sal_model *b, const sal_ensemble_opts *o,
                           sal_compare **out, uint64_t *done, sal_diags *diags);

/* ---- discovery questions (src/analysis/study_disc.c) ---- */

/* Compiles every question's condition against model m (errors in d, at
 * their place in the theses file).  SAL_EINPUT, SAL_ENOMEM. */
int sal_study_bind_questions(sal_theses *t, const sal_model *m, sal_diags *d);
/* Room for the records of `runs` base runs (s->disc_runs; nothing without
 * questions).  SAL_ENOMEM. */
int sal_study_disc_prepare(sal_study *s, uint64_t runs);
/* The per-run paths the unpaired base ensemble must hand on_run: the
 * metrics and (increasing) days of the questions' pairs, and the event
 * days.  metrics and days have room for s->disc_runs->npairs each.
 * Returns 0 (and an empty spec) without questions. */
int sal_study_disc_paths(const sal_study *s, sal_paths_spec *ps, uint32_t *metrics,
                         int32_t *days);
/* Run `run`'s record from on_run (inputs, last, then ps's paths and event
 * days). */
void sal_study_disc_keep(sal_study *s, uint64_t run, const double *inputs, const double *last,
                         const sal_paths_spec *ps);
/* Every base run's record from the store (and s->records). */
void sal_study_disc_from_store(sal_study *s, const sal_study_store *st, uint64_t runs);
/* Answers every question on the s->runs_done base runs.  SAL_ENOMEM only:
 * a question that cannot be answered keeps its reason in s->disc_why. */
int sal_study_disc_run(sal_study *s);
void sal_study_disc_free(sal_study *s);

#endif
