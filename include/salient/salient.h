/* salient — the public face of libsalient.  Include this one header.
 *
 * Modules:
 *   base.h        status codes, diagnostics (file:line:col messages), version
 *   date.h        calendar dates (ISO 8601) and day counts
 *   dist.h        distributions of uncertain inputs (PERT, uniform, ...)
 *   rng.h         Philox4x32-10 counter-based streams as a gsl_rng_type
 *   model.h       the scenario model, read from YAML (sal_model_read, sal_model_check)
 *   engine.h      the daily engine: one run of a scenario (sal_run_exec)
 *   expr.h        the expression language (conditions, actions, metrics)
 *   suggest.h     did-you-mean suggestions for misspelt names
 *   summary.h     mergeable, deterministic ensemble summaries (exact sums,
 *                 DDSketch quantiles, event-day histograms)
 *   ensemble.h    ensembles of runs on threads, counterfactual comparisons
 *                 with common random numbers, results files (CSV, SQLite)
 *   lanchester.h  the generalized Lanchester attrition law
 *   battle.h      daily battle series (CSV) for fitting
 *   fit.h         nonlinear least-squares fit of the attrition law
 *   sobol.h       global sensitivity: Sobol' indices from a Saltelli design
 *   study.h       studies: theses files, base and variants, theses judged
 *   discover.h    scenario discovery: PRIM and CART boxes of the inputs
 *   report.h      the HTML report built from a results database
 *   out.h         the files of one run, of Sobol' indices, of a fit and of
 *                 scenario discovery (and the runs read back from results.sqlite)
 *   obs.h         observations files (reports of metrics and events) and the
 *                 observation model: likelihood, draws and CDF of a report
 *   score.h       proper scores of a forecast against reports (CRPS, PIT, ...)
 */
#ifndef SALIENT_H
#define SALIENT_H

#define SALIENT_VERSION_MAJOR 0
#define SALIENT_VERSION_MINOR 1

#include "salient/base.h"
#include "salient/date.h"
#include "salient/rng.h"
#include "salient/dist.h"
#include "salient/model.h"
#include "salient/engine.h"
#include "salient/expr.h"
#include "salient/suggest.h"
#include "salient/summary.h"
#include "salient/ensemble.h"
#include "salient/lanchester.h"
#include "salient/battle.h"
#include "salient/fit.h"
#include "salient/sobol.h"
#include "salient/study.h"
#include "salient/discover.h"
#include "salient/report.h"
#include "salient/out.h"
#include "salient/obs.h"
#include "salient/score.h"

#endif
