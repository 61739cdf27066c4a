/* The speed of calibration (issue 15, item 6; docs/calibration.md,
 * "Figures"): simulations per second and effective samples per second of the
 * SMC sampler on a scenario and its observations, sampler only (no
 * predictive checks, no forecast).
 *
 *   build/bench/bench_calibrate [SCENARIO OBS AS_OF_DATE PARTICLES THREADS]
 *
 * Default: the flagship (scenarios/kursk-2024.yaml and its observations) as
 * of 2024-11-22, 1000 particles, 2 threads.  Effective samples: the distinct
 * particles at the end (the ESS after the last resampling is N by
 * construction, which would flatter the sampler). */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#include "salient/salient.h"

static void print_diags(const sal_diags *d)
{
    char buf[1024];
    for (size_t i = 0; i < sal_diags_count(d); i++) {
        sal_diag_format(sal_diags_get(d, i), buf, sizeof buf);
        fprintf(stderr, "%s\n", buf);
    }
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "scenarios/kursk-2024.yaml";
    const char *opath = argc > 2 ? argv[2] : "scenarios/kursk-2024.observations.yaml";
    const char *asof = argc > 3 ? argv[3] : "2024-11-22";
    size_t n = argc > 4 ? (size_t)atol(argv[4]) : 1000;
    int threads = argc > 5 ? atoi(argv[5]) : 2;
    sal_diags *d = sal_diags_alloc();
    sal_model *m = NULL;
    sal_obs_set *obs = NULL;
    int y, mo, da;
    if (sal_model_read(path, NULL, d, &m) != SAL_OK ||
        sal_obs_read_file(opath, m, &obs, d) != SAL_OK ||
        sal_date_parse(asof, &y, &mo, &da) != SAL_OK) {
        print_diags(d);
        fprintf(stderr, "bench_calibrate: cannot read %s, %s or the date %s\n", path, opath, asof);
        return 1;
    }
    long day = sal_date_to_days(y, mo, da) - sal_date_to_days(m->start_year, m->start_month,
                                                              m->start_day);
    sal_calib_opts co = {.particles = n, .seed = m->seed, .as_of = (int32_t)day,
                         .threads = threads};
    sal_calib *c = NULL;
    double t0 = omp_get_wtime();
    int rc = sal_calib_alloc(m, obs, &co, &c, d);
    if (rc == SAL_OK)
        rc = sal_calib_init(c, d);
    while (rc == SAL_OK && !sal_calib_done(c))
        rc = sal_calib_step(c, d);
    double el = omp_get_wtime() - t0;
    if (c) {
        const sal_smc *s = sal_calib_smc(c);
        const sal_smc_stage *st = sal_smc_stage_get(s, sal_smc_nstages(s) - 1);
        printf("%s as of %s: %zu particles, %d threads, runs to day %d\n", path, asof, n,
               threads, sal_calib_last_day(c));
        printf("  %s after %d stages: %.2f s, %llu simulations, %.0f simulations/s\n",
               rc == SAL_OK ? "done" : sal_strstatus(rc), st->stage, el,
               (unsigned long long)st->simulations, (double)st->simulations / el);
        printf("  %zu distinct particles at the end: %.1f effective samples/s\n", st->distinct,
               (double)st->distinct / el);
    }
    print_diags(d);
    sal_calib_free(c);
    sal_obs_free(obs);
    sal_model_free(m);
    sal_diags_free(d);
    return rc == SAL_OK ? 0 : 1;
}
