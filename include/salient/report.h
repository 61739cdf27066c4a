/* salient — the report: one self-contained HTML briefing built from a
 * results database.
 *
 * sal_report_write reads DIR/results.sqlite (written by `salient ensemble`,
 * or by the study of `salient` with no arguments, which adds the optional
 * tables of docs/report.md) and writes DIR/report.html: header, key
 * findings, fan charts of every metric, event-time curves, counterfactual
 * differences, Sobol' sensitivity, the theses and the provenance of every
 * parameter, with Chart.js 3.9.1 (Debian's libjs-chart.js, carried inside
 * the library) inlined so the file works offline.  Every table beyond
 * metadata, quantiles and events is optional: its section is left out.
 *
 * The page draws its charts when opened and then checks them itself: each
 * canvas must hold pixels of its data colours; the count is written into
 * <body data-charts="N" data-rendered="K"> for a headless browser to read.
 *
 * The output depends only on the database (no clock, no paths beyond DIR's
 * file names), so the same database gives the same bytes.  It is written
 * whole or not at all (sal_outfile_*). */
#ifndef SALIENT_REPORT_H
#define SALIENT_REPORT_H

#include "salient/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Reads dir/results.sqlite and writes dir/report.html.  SAL_EINPUT, with a
 * diagnostic naming the file, when the database is missing, not SQLite, or
 * lacks a table or column the report needs (nothing is written then);
 * SAL_EIO when the report cannot be written; SAL_ENOMEM.  diags may be
 * NULL. */
int sal_report_write(const char *dir, sal_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
