package org.edgeota.rollout;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.UpdateState;

/**
 * The controller's Prometheus metrics, computed from the store at every scrape (gauges are never
 * incremented, so they cannot drift; counters are counts of stored rows, so they agree across
 * controller instances and survive restarts).
 *
 * <ul>
 *   <li>{@code edge_update_attempts_total}: devices assigned a release by a rollout.
 *   <li>{@code edge_update_successes_total}, {@code edge_update_failures_total}: distinct {@code
 *       COMMITTED} reports, and distinct {@code FAILED} plus {@code ROLLED_BACK} reports, that are
 *       outcomes of an assignment: the device held a (not cancelled) assignment of the rollout the
 *       report names when the report was stored (see {@link
 *       ControllerStore#assignmentOutcomeCounts()}).
 *   <li>{@code edge_status_reports_unmatched_total}: distinct {@code COMMITTED}, {@code FAILED} and
 *       {@code ROLLED_BACK} reports that were stored and acknowledged but are no assignment's
 *       outcome (unknown rollout, no rollout, a device not assigned that rollout, a report of the
 *       rollout's rollback release), so counted in neither of the two above.
 *   <li>{@code edge_rollbacks_total{scope}}: {@code device} rollbacks that are outcomes of an
 *       assignment, {@code fleet} rollouts rolled back.
 *   <li>{@code edge_devices_by_version{version}}, {@code edge_devices_by_state{state}}: devices by
 *       installed version and by the state of their newest report ({@code unknown} before any).
 *   <li>{@code edge_rollout_progress_percent{rollout}}: committed devices per 100 of the
 *       population.
 *   <li>{@code edge_rollout_stage{rollout,stage,state}}: the index of the rollout's current stage.
 *   <li>{@code edge_update_duration_seconds}: from assignment to the commit report's arrival.
 * </ul>
 *
 * <p>Note: the success and failure counters count reports, so a device that failed and later
 * committed the same rollout counts once in each, while the rollout's {@link OutcomeCounts} keep
 * only its newest outcome; with one outcome per device the two agree.
 *
 * <p>Note: a scrape reads every device and assignment; for fleets of hundreds of thousands, scrape
 * less often or cache the registry's output.
 */
public final class ControllerMetrics {
  private static final double[] DURATION_BOUNDS = {
    30, 60, 120, 300, 600, 1800, 3600, Double.POSITIVE_INFINITY
  };

  private final RolloutEngine engine;
  private final PrometheusRegistry registry = new PrometheusRegistry();

  /**
   * Creates the metrics of an engine's store and registers them in a fresh registry.
   *
   * @param engine the engine
   */
  public ControllerMetrics(RolloutEngine engine) {
    this.engine = Objects.requireNonNull(engine, "engine");
    registry.register((MultiCollector) this::collect);
  }

  /**
   * Returns the registry holding these metrics, to add others or expose them another way.
   *
   * @return the registry
   */
  public PrometheusRegistry registry() {
    return registry;
  }

  /**
   * Returns the content type of {@link #scrape()}.
   *
   * @return the Prometheus text format's content type
   */
  public static String contentType() {
    return PrometheusTextFormatWriter.CONTENT_TYPE;
  }

  /**
   * Scrapes the registry in the Prometheus text format.
   *
   * @return the exposition text
   * @throws OtaException with {@link ReasonCode#STORE_ERROR} when the store cannot be read
   */
  public String scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new OtaException(ReasonCode.IO_ERROR, null, "metrics: writing the text failed", e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private MetricSnapshots collect() {
    ControllerStore store = engine.store();
    Map<UpdateState, Long> reports = store.reportCounts();
    Map<UpdateState, Long> outcomes = store.assignmentOutcomeCounts();
    List<DeviceRecord> devices = store.devices();
    List<Rollout> rollouts = store.rollouts();

    long attempts = 0;
    long fleetRollbacks = 0;
    long[] durationCounts = new long[DURATION_BOUNDS.length];
    double durationSum = 0;
    GaugeSnapshot.Builder progress =
        GaugeSnapshot.builder()
            .name("edge_rollout_progress_percent")
            .help("Devices that committed the rollout's release, per 100 of its population");
    GaugeSnapshot.Builder stage =
        GaugeSnapshot.builder()
            .name("edge_rollout_stage")
            .help("Index of the rollout's current stage (0 = first)");
    for (Rollout r : rollouts) {
      OutcomeCounts counts = store.outcomes(r.id());
      for (Assignment a : store.assignments(r.id())) {
        if (a.stageIndex() >= 0) {
          attempts++;
        }
        if (a.succeeded() && a.outcomeReceivedAt() != null) {
          double seconds =
              Math.max(0, Duration.between(a.assignedAt(), a.outcomeReceivedAt()).toMillis())
                  / 1000.0;
          durationSum += seconds;
          for (int i = 0; i < DURATION_BOUNDS.length; i++) {
            if (seconds <= DURATION_BOUNDS[i]) {
              durationCounts[i]++;
              break;
            }
          }
        }
      }
      if (r.state() == RolloutState.ROLLED_BACK) {
        fleetRollbacks++;
      }
      long population = engine.reachable(r, Buckets.BUCKETS);
      double percent = population == 0 ? 0 : counts.successes() * 100.0 / population;
      progress.dataPoint(gauge(Math.min(100, percent), Labels.of("rollout", r.id())));
      stage.dataPoint(
          gauge(
              r.stageIndex(),
              Labels.of("rollout", r.id(), "stage", r.stage().name(), "state", r.state().name())));
    }

    Map<String, Long> byVersion = new TreeMap<>();
    Map<String, Long> byState = new TreeMap<>();
    for (DeviceRecord d : devices) {
      String version = d.installedVersion() == null ? "unknown" : d.installedVersion().toString();
      byVersion.merge(version, 1L, Long::sum);
      String state = d.lastState() == null ? "unknown" : d.lastState().name();
      byState.merge(state, 1L, Long::sum);
    }

    List<io.prometheus.metrics.model.snapshots.MetricSnapshot> snapshots = new ArrayList<>();
    snapshots.add(counter("edge_update_attempts", "Devices assigned a release", attempts));
    snapshots.add(
        counter(
            "edge_update_successes",
            "Distinct COMMITTED reports that are outcomes of an assignment",
            outcomes.getOrDefault(UpdateState.COMMITTED, 0L)));
    snapshots.add(
        counter(
            "edge_update_failures",
            "Distinct FAILED and ROLLED_BACK reports that are outcomes of an assignment",
            outcomes.getOrDefault(UpdateState.FAILED, 0L)
                + outcomes.getOrDefault(UpdateState.ROLLED_BACK, 0L)));
    snapshots.add(
        counter(
            "edge_status_reports_unmatched",
            "Distinct terminal reports acknowledged but not the outcome of an assignment",
            terminal(reports) - terminal(outcomes)));
    snapshots.add(
        CounterSnapshot.builder()
            .name("edge_rollbacks")
            .help("Rollbacks: reported by devices, and of whole rollouts")
            .dataPoint(
                CounterDataPointSnapshot.builder()
                    .labels(Labels.of("scope", "device"))
                    .value(outcomes.getOrDefault(UpdateState.ROLLED_BACK, 0L))
                    .build())
            .dataPoint(
                CounterDataPointSnapshot.builder()
                    .labels(Labels.of("scope", "fleet"))
                    .value(fleetRollbacks)
                    .build())
            .build());
    snapshots.add(
        labelled("edge_devices_by_version", "Devices by installed version", "version", byVersion));
    snapshots.add(
        labelled(
            "edge_devices_by_state", "Devices by state of their newest report", "state", byState));
    snapshots.add(progress.build());
    snapshots.add(stage.build());
    snapshots.add(
        HistogramSnapshot.builder()
            .name("edge_update_duration_seconds")
            .help("Time from assignment to the commit report")
            .dataPoint(
                HistogramDataPointSnapshot.builder()
                    .classicHistogramBuckets(
                        ClassicHistogramBuckets.of(DURATION_BOUNDS, durationCounts))
                    .sum(durationSum)
                    .build())
            .build());
    return new MetricSnapshots(snapshots);
  }

  private static long terminal(Map<UpdateState, Long> counts) {
    return counts.getOrDefault(UpdateState.COMMITTED, 0L)
        + counts.getOrDefault(UpdateState.FAILED, 0L)
        + counts.getOrDefault(UpdateState.ROLLED_BACK, 0L);
  }

  private static CounterSnapshot counter(String name, String help, long value) {
    return CounterSnapshot.builder()
        .name(name)
        .help(help)
        .dataPoint(CounterDataPointSnapshot.builder().value(value).build())
        .build();
  }

  private static GaugeDataPointSnapshot gauge(double value, Labels labels) {
    return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
  }

  private static GaugeSnapshot labelled(
      String name, String help, String label, Map<String, Long> values) {
    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
    values.forEach((k, v) -> b.dataPoint(gauge(v, Labels.of(label, k))));
    return b.build();
  }
}
