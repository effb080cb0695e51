package org.edgeota.rollout.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.edgeota.api.DeviceInfo;
import org.edgeota.api.UpdateState;
import org.edgeota.api.Version;
import org.edgeota.api.wire.StatusReport;
import org.edgeota.rollout.Assignment;
import org.edgeota.rollout.Buckets;
import org.edgeota.rollout.ControllerStore;
import org.edgeota.rollout.DeviceRecord;
import org.edgeota.rollout.OutcomeCounts;
import org.edgeota.rollout.ReleaseRecord;
import org.edgeota.rollout.Rollout;
import org.edgeota.rollout.RolloutEvent;
import org.edgeota.rollout.RolloutState;

/** A {@link ControllerStore} in memory, guarded by one lock; for tests and single-process demos. */
public final class InMemoryStore implements ControllerStore {
  private final Object lock = new Object();
  private final Map<Version, ReleaseRecord> releases = new HashMap<>();
  private final Map<String, DeviceRecord> devices = new TreeMap<>();
  private final Map<String, Rollout> rollouts = new HashMap<>();
  private final Map<String, List<RolloutEvent>> history = new HashMap<>();
  private final Map<String, Map<String, Assignment>> assignments = new HashMap<>();
  private final Map<String, StoreSupport.ReportBody> reports = new HashMap<>();
  private final Map<UpdateState, Long> reportCounts = new EnumMap<>(UpdateState.class);
  private final Map<UpdateState, Long> assignmentOutcomeCounts = new EnumMap<>(UpdateState.class);

  @Override
  public boolean putRelease(ReleaseRecord release) {
    synchronized (lock) {
      ReleaseRecord existing = releases.get(release.version());
      if (existing != null) {
        if (existing.manifest().equals(release.manifest())) {
          return false;
        }
        throw StoreSupport.releaseConflict(release.version());
      }
      releases.put(release.version(), truncate(release));
      return true;
    }
  }

  @Override
  public Optional<ReleaseRecord> release(Version version) {
    synchronized (lock) {
      return Optional.ofNullable(releases.get(version));
    }
  }

  @Override
  public List<ReleaseRecord> releases() {
    synchronized (lock) {
      List<ReleaseRecord> list = new ArrayList<>(releases.values());
      list.sort(Comparator.comparingLong(ReleaseRecord::sequence));
      return list;
    }
  }

  @Override
  public void registerDevice(String deviceId, String tokenHash, Instant at) {
    synchronized (lock) {
      if (devices.containsKey(deviceId)) {
        throw StoreSupport.deviceConflict(deviceId);
      }
      devices.put(
          deviceId,
          new DeviceRecord(
              deviceId, tokenHash, null, Map.of(), null, null, null, null, ms(at), null));
    }
  }

  @Override
  public Optional<DeviceRecord> device(String deviceId) {
    synchronized (lock) {
      return Optional.ofNullable(devices.get(deviceId));
    }
  }

  @Override
  public List<DeviceRecord> devices() {
    synchronized (lock) {
      return List.copyOf(devices.values());
    }
  }

  @Override
  public void updateDeviceInfo(DeviceInfo info, Instant seenAt) {
    synchronized (lock) {
      DeviceRecord d = devices.get(info.deviceId());
      if (d == null) {
        throw StoreSupport.deviceNotFound(info.deviceId());
      }
      devices.put(
          d.deviceId(),
          new DeviceRecord(
              d.deviceId(),
              d.tokenHash(),
              info.deviceType(),
              info.tags(),
              info.installedVersion(),
              info.agentVersion(),
              d.lastState(),
              d.lastStateAt(),
              d.registeredAt(),
              later(d.lastSeen(), ms(seenAt))));
    }
  }

  @Override
  public void recordLastSeen(Map<String, Instant> lastSeen) {
    synchronized (lock) {
      for (Map.Entry<String, Instant> e : lastSeen.entrySet()) {
        DeviceRecord d = devices.get(e.getKey());
        if (d != null) {
          devices.put(d.deviceId(), withLastSeen(d, later(d.lastSeen(), ms(e.getValue()))));
        }
      }
    }
  }

  @Override
  public void createRollout(Rollout rollout) {
    synchronized (lock) {
      if (rollouts.containsKey(rollout.id())) {
        throw StoreSupport.rolloutConflict(rollout.id());
      }
      Rollout stored = truncate(rollout);
      rollouts.put(rollout.id(), stored);
      List<RolloutEvent> events = new ArrayList<>();
      events.add(StoreSupport.event(stored, stored.createdAt()));
      history.put(rollout.id(), events);
      assignments.put(rollout.id(), new TreeMap<>());
    }
  }

  @Override
  public Optional<Rollout> rollout(String rolloutId) {
    synchronized (lock) {
      return Optional.ofNullable(rollouts.get(rolloutId));
    }
  }

  @Override
  public List<Rollout> rollouts() {
    synchronized (lock) {
      List<Rollout> list = new ArrayList<>(rollouts.values());
      list.sort(StoreSupport.ROLLOUT_ORDER);
      return list;
    }
  }

  @Override
  public boolean compareAndSet(Rollout expected, Rollout next, Instant at) {
    StoreSupport.checkNext(expected, next);
    synchronized (lock) {
      Rollout current = rollouts.get(expected.id());
      if (current == null || current.revision() != expected.revision()) {
        return false;
      }
      Rollout stored = truncate(next);
      rollouts.put(expected.id(), stored);
      history.get(expected.id()).add(StoreSupport.event(stored, ms(at)));
      return true;
    }
  }

  @Override
  public List<RolloutEvent> history(String rolloutId) {
    synchronized (lock) {
      return List.copyOf(history.getOrDefault(rolloutId, List.of()));
    }
  }

  @Override
  public boolean assign(Assignment assignment, long expectedRevision) {
    synchronized (lock) {
      Rollout current = rollouts.get(assignment.rolloutId());
      if (current == null
          || current.revision() != expectedRevision
          || current.state() != RolloutState.RUNNING) {
        return false;
      }
      Map<String, Assignment> of = assignments.get(assignment.rolloutId());
      if (of.containsKey(assignment.deviceId())) {
        return false;
      }
      of.put(
          assignment.deviceId(),
          new Assignment(
              assignment.rolloutId(),
              assignment.deviceId(),
              assignment.bucket(),
              assignment.stageIndex(),
              ms(assignment.assignedAt()),
              false,
              null,
              null,
              null));
      return true;
    }
  }

  @Override
  public Optional<Assignment> assignment(String rolloutId, String deviceId) {
    synchronized (lock) {
      return Optional.ofNullable(assignments.getOrDefault(rolloutId, Map.of()).get(deviceId));
    }
  }

  @Override
  public List<Assignment> assignments(String rolloutId) {
    synchronized (lock) {
      return List.copyOf(assignments.getOrDefault(rolloutId, Map.of()).values());
    }
  }

  @Override
  public boolean cancelAssignment(String rolloutId, String deviceId, Instant at) {
    synchronized (lock) {
      Map<String, Assignment> of = assignments.get(rolloutId);
      if (of == null) {
        return false;
      }
      Assignment a = of.get(deviceId);
      if (a == null) {
        of.put(
            deviceId,
            new Assignment(
                rolloutId,
                deviceId,
                Buckets.bucket(rolloutId, deviceId),
                -1,
                ms(at),
                true,
                null,
                null,
                null));
        return false;
      }
      boolean wasActive = !a.cancelled();
      of.put(
          deviceId,
          new Assignment(
              a.rolloutId(),
              a.deviceId(),
              a.bucket(),
              a.stageIndex(),
              a.assignedAt(),
              true,
              a.outcome(),
              a.outcomeAt(),
              a.outcomeReceivedAt()));
      return wasActive;
    }
  }

  @Override
  public OutcomeCounts outcomes(String rolloutId) {
    synchronized (lock) {
      long assigned = 0;
      long successes = 0;
      long failures = 0;
      for (Assignment a : assignments.getOrDefault(rolloutId, Map.of()).values()) {
        if (a.cancelled()) {
          continue;
        }
        assigned++;
        successes += a.succeeded() ? 1 : 0;
        failures += a.failed() ? 1 : 0;
      }
      return new OutcomeCounts(assigned, successes, failures);
    }
  }

  @Override
  public boolean recordReport(StatusReport report, boolean countsAsOutcome, Instant receivedAt) {
    synchronized (lock) {
      StoreSupport.ReportBody given = StoreSupport.ReportBody.of(report);
      StoreSupport.ReportBody stored = reports.get(report.reportId());
      if (stored != null) {
        if (!stored.equals(given)) {
          throw StoreSupport.reportConflict(report.reportId(), stored, given);
        }
        return false;
      }
      reports.put(report.reportId(), given);
      reportCounts.merge(report.state(), 1L, Long::sum);
      if (countsAsOutcome && report.rolloutId() != null) {
        Assignment assigned =
            assignments.getOrDefault(report.rolloutId(), Map.of()).get(report.deviceId());
        if (assigned != null && assigned.stageIndex() >= 0 && !assigned.cancelled()) {
          assignmentOutcomeCounts.merge(report.state(), 1L, Long::sum);
        }
      }
      Instant at = ms(report.timestamp());
      DeviceRecord d = devices.get(report.deviceId());
      if (d != null && (d.lastStateAt() == null || !at.isBefore(d.lastStateAt()))) {
        devices.put(
            d.deviceId(),
            new DeviceRecord(
                d.deviceId(),
                d.tokenHash(),
                d.deviceType(),
                d.tags(),
                d.installedVersion(),
                d.agentVersion(),
                report.state(),
                at,
                d.registeredAt(),
                d.lastSeen()));
      }
      if (countsAsOutcome && report.rolloutId() != null) {
        Map<String, Assignment> of = assignments.getOrDefault(report.rolloutId(), Map.of());
        Assignment a = of.get(report.deviceId());
        if (a != null && (a.outcomeAt() == null || !at.isBefore(a.outcomeAt()))) {
          of.put(
              a.deviceId(),
              new Assignment(
                  a.rolloutId(),
                  a.deviceId(),
                  a.bucket(),
                  a.stageIndex(),
                  a.assignedAt(),
                  a.cancelled(),
                  report.state(),
                  at,
                  ms(receivedAt)));
        }
      }
      return true;
    }
  }

  @Override
  public Map<UpdateState, Long> reportCounts() {
    synchronized (lock) {
      return Map.copyOf(reportCounts);
    }
  }

  @Override
  public Map<UpdateState, Long> assignmentOutcomeCounts() {
    synchronized (lock) {
      return Map.copyOf(assignmentOutcomeCounts);
    }
  }

  @Override
  public void close() {
    // Nothing to release: the state lives only as long as this object.
  }

  private static DeviceRecord withLastSeen(DeviceRecord d, Instant lastSeen) {
    return new DeviceRecord(
        d.deviceId(),
        d.tokenHash(),
        d.deviceType(),
        d.tags(),
        d.installedVersion(),
        d.agentVersion(),
        d.lastState(),
        d.lastStateAt(),
        d.registeredAt(),
        lastSeen);
  }

  private static Instant later(Instant a, Instant b) {
    return a == null || b.isAfter(a) ? b : a;
  }

  private static Instant ms(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS);
  }

  private static ReleaseRecord truncate(ReleaseRecord r) {
    return new ReleaseRecord(
        r.version(),
        r.sequence(),
        r.downgrade(),
        r.targetDeviceTypes(),
        r.files(),
        r.manifest(),
        r.artifactDirectory(),
        ms(r.addedAt()));
  }

  private static Rollout truncate(Rollout r) {
    Objects.requireNonNull(r, "rollout");
    return new Rollout(
        r.spec(),
        r.state(),
        r.stageIndex(),
        ms(r.stageStartedAt()),
        r.reason(),
        r.rolledBackTo(),
        ms(r.createdAt()),
        r.revision());
  }
}
