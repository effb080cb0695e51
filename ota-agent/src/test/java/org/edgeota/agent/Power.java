package org.edgeota.agent;

import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgeota.api.Component;
import org.edgeota.api.Slot;
import org.edgeota.api.spi.BootEnv;
import org.edgeota.api.spi.ComponentInstaller;
import org.edgeota.api.spi.PartitionBackend;
import org.edgeota.api.spi.SlotWriter;

/**
 * The power supply of a simulated device: counts the steps the agent takes (journal writes,
 * environment writes, installer calls, slot commits, acknowledged reports) and cuts power at a
 * chosen step or after a chosen number of bytes written into a slot.
 *
 * <p>A cut is a {@link PowerCut} error thrown out of the step; the agent does not catch errors, so
 * the whole call unwinds as a process would die. The harness then discards the agent, closes what
 * the dead process held open, powers the device on through the bootloader simulator and starts a
 * new agent from disk.
 */
final class Power {

  /** Thrown where power is lost. */
  static final class PowerCut extends Error {
    private static final long serialVersionUID = 1L;

    PowerCut(String where) {
      super(where, null, false, false);
    }
  }

  private long step;
  private long cutAtStep = -1;
  private long bytesLeft = -1;
  private final List<String> steps = new ArrayList<>();
  private final List<SlotWriter> openWriters = new ArrayList<>();
  private boolean recording;

  /** Arms the next life: cut at the given step (1-based; -1 for none) or after some slot bytes. */
  void arm(long cutAtStep, long cutAfterSlotBytes) {
    this.step = 0;
    this.cutAtStep = cutAtStep;
    this.bytesLeft = cutAfterSlotBytes;
  }

  void disarm() {
    arm(-1, -1);
  }

  void record(boolean on) {
    recording = on;
    steps.clear();
  }

  List<String> recordedSteps() {
    return List.copyOf(steps);
  }

  long steps() {
    return step;
  }

  void tick(String label) {
    step++;
    if (recording) {
      steps.add(label);
    }
    if (step == cutAtStep) {
      cutAtStep = -1;
      throw new PowerCut(label + " (step " + step + ")");
    }
  }

  /** What a dying process leaves: its open descriptors are closed by the kernel. */
  void processDied() {
    openWriters.forEach(SlotWriter::close);
    openWriters.clear();
  }

  BootEnv wrap(BootEnv env) {
    return new BootEnv() {
      @Override
      public Map<String, String> read() {
        return env.read();
      }

      @Override
      public void update(Map<String, String> set, Set<String> unset) {
        tick("env before update " + set.keySet());
        env.update(set, unset);
        tick("env after update " + set.keySet());
      }
    };
  }

  PartitionBackend wrap(PartitionBackend slots) {
    return new PartitionBackend() {
      @Override
      public long capacity(Slot slot) {
        return slots.capacity(slot);
      }

      @Override
      public SeekableByteChannel openForRead(Slot slot) {
        return slots.openForRead(slot);
      }

      @Override
      public SlotWriter openForWrite(Slot slot, long imageSize) {
        SlotWriter w = slots.openForWrite(slot, imageSize);
        openWriters.add(w);
        return new SlotWriter() {
          @Override
          public void write(ByteBuffer data) {
            int n = data.remaining();
            if (bytesLeft < 0 || bytesLeft >= n) {
              if (bytesLeft >= 0) {
                bytesLeft -= n;
              }
              w.write(data);
              return;
            }
            int allowed = (int) bytesLeft;
            bytesLeft = -1;
            ByteBuffer part = data.slice();
            part.limit(allowed);
            w.write(part);
            throw new PowerCut("slot " + slot + " write after " + (w.written()) + " bytes");
          }

          @Override
          public long written() {
            return w.written();
          }

          @Override
          public void commit(String expectedSha256) {
            tick("slot before commit");
            w.commit(expectedSha256);
            tick("slot after commit");
          }

          @Override
          public void close() {
            w.close();
          }
        };
      }
    };
  }

  ComponentInstaller wrap(ComponentInstaller installer) {
    return new ComponentInstaller() {
      @Override
      public String type() {
        return installer.type();
      }

      @Override
      public void install(Component component, Path payload, Context context) {
        tick("install before " + component.name());
        installer.install(component, payload, context);
        tick("install after " + component.name());
      }

      @Override
      public void rollback(Component component, Context context) {
        tick("rollback before " + component.name());
        installer.rollback(component, context);
        tick("rollback after " + component.name());
      }
    };
  }
}
