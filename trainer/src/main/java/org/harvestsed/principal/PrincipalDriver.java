package org.harvestsed.principal;

import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.state.Buf;

/**
 * The one loop that runs a principal beside the envs, used by every command (simulate, trace,
 * render, train, evaluate):
 * <pre>
 *   driver.beforeStep(env);   // at a period start: principal.act -> env.setRates
 *   env.step(...);            // one step, or several up to the period's end (env.stepsToPeriodEnd())
 *   driver.afterStep(env);    // if that step ended a period: principal.periodEnded (incomes, rewards)
 * </pre>
 */
public final class PrincipalDriver {
  private final Principal principal;

  public PrincipalDriver(Principal principal) {
    this.principal = principal;
  }

  public Principal principal() {
    return principal;
  }

  /** At a period start, the principal sets every env's rates for that period. */
  public void beforeStep(VecEnv env) {
    if (env.periodStartsNext()) principal.act(env, env.state().ints(Buf.T).get(0) / env.spec().taxPeriod());
  }

  /** After the step(s) taken since {@link #beforeStep}: if they ended a period, tell the principal. */
  public void afterStep(VecEnv env) {
    if (env.periodStartsNext()) principal.periodEnded(env);
  }
}
