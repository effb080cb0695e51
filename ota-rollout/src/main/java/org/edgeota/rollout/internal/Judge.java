package org.edgeota.rollout.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;
import org.edgeota.rollout.OutcomeCounts;
import org.edgeota.rollout.Rollout;
import org.edgeota.rollout.RolloutState;
import org.edgeota.rollout.Stage;

/**
 * The pure decision of a rollout's thresholds: breach, advance, or nothing.
 *
 * <p>Rules, in this order (the error check always runs before any advance):
 *
 * <ol>
 *   <li>Only a running rollout is judged.
 *   <li>{@code required = min(stage.minReports, reachable)}, where {@code reachable} is the number
 *       of devices the current stage can reach; an empty stage therefore requires nothing.
 *   <li>Breach: {@code reports > 0}, {@code reports >= required}, and {@code failures * 10000 >
 *       thresholdBasisPoints * reports} (the error rate is strictly above the threshold; integer
 *       arithmetic, no division, so an empty stage cannot divide by zero and the boundary is
 *       exact).
 *   <li>Advance: not breached, {@code reports >= required} and the soak time has passed; an
 *       automatic advance also needs {@code autoAdvance}. A manual advance skips the minimum
 *       reports and the soak time, and its breach check needs no minimum number of reports.
 *   <li>An automatic advance past the last stage (completion) also needs an outcome report from
 *       every device the last stage reaches ({@code reports >= reachable}): a completed rollout
 *       offers its release to nobody new, so completing earlier would leave devices of the last
 *       stage without the release. A manual advance completes at once.
 * </ol>
 */
public final class Judge {

  /** What the judge decided. */
  public enum Verdict {
    /** Leave the rollout as it is. */
    NONE,
    /** The error rate is above the threshold. */
    BREACH,
    /** Move to the next stage, or complete after the last. */
    ADVANCE
  }

  private Judge() {}

  /**
   * Judges a rollout.
   *
   * @param rollout the rollout
   * @param counts its outcome counts
   * @param reachable computes how many devices the current stage can reach (called only if needed)
   * @param now the current time
   * @param manual whether an administrator asked for the advance
   * @return the verdict
   */
  public static Verdict judge(
      Rollout rollout, OutcomeCounts counts, LongSupplier reachable, Instant now, boolean manual) {
    if (rollout.state() != RolloutState.RUNNING) {
      return Verdict.NONE;
    }
    Stage stage = rollout.stage();
    long reports = counts.reports();
    long required =
        reports >= stage.minReports()
            ? stage.minReports()
            : Math.min(stage.minReports(), reachable.getAsLong());
    // A manual advance needs no minimum: any observed error rate above the threshold blocks it.
    boolean judged = manual || reports >= required;
    if (judged && reports > 0 && breached(counts, stage)) {
      return Verdict.BREACH;
    }
    if (manual) {
      return Verdict.ADVANCE;
    }
    if (!rollout.spec().autoAdvance() || !judged || rollout.stageStartedAt() == null) {
      return Verdict.NONE;
    }
    Duration soaked = Duration.between(rollout.stageStartedAt(), now);
    if (soaked.compareTo(stage.minSoak()) < 0) {
      return Verdict.NONE;
    }
    // Completing ends the offers: the last stage waits for an outcome from every device it reaches.
    boolean lastStage = rollout.stageIndex() == rollout.spec().stages().size() - 1;
    if (lastStage && reports < reachable.getAsLong()) {
      return Verdict.NONE;
    }
    return Verdict.ADVANCE;
  }

  /**
   * Tells whether the error rate is strictly above a stage's threshold.
   *
   * @param counts the outcome counts
   * @param stage the stage
   * @return {@code failures / reports > threshold}, computed without division
   */
  public static boolean breached(OutcomeCounts counts, Stage stage) {
    return counts.reports() > 0
        && counts.failures() * 10_000L > stage.thresholdBasisPoints() * counts.reports();
  }
}
