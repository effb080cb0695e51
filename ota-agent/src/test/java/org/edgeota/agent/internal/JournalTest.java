package org.edgeota.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Slot;
import org.edgeota.api.UpdateState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-04T10:00:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  @Test
  void load_noFile_returnsEmpty() {
    Journal journal = new Journal(dir, CLOCK);

    assertThat(journal.load()).isEmpty();
  }

  @Test
  void transition_thenReloadFromDisk_returnsSameRecord() {
    Journal journal = new Journal(dir, CLOCK);
    journal.initialise(JournalRecord.initial("1.0.0", 3));
    JournalRecord next =
        journal.current().toBuilder()
            .state(UpdateState.CHECKING)
            .updateId("u1")
            .targetSlot(Slot.B)
            .componentStarted("fw")
            .build();

    JournalRecord written = journal.transition(next);
    JournalRecord reread = new Journal(dir, CLOCK).load().orElseThrow();

    assertThat(reread).isEqualTo(written);
    assertThat(reread.state()).isEqualTo(UpdateState.CHECKING);
    assertThat(reread.startedComponents()).containsExactly("fw");
    assertThat(reread.highestAcceptedSequence()).isEqualTo(3);
  }

  @Test
  void transition_illegal_throwsAndLeavesFileUnchanged() throws Exception {
    Journal journal = new Journal(dir, CLOCK);
    journal.initialise(JournalRecord.initial("1.0.0", 0));
    byte[] before = Files.readAllBytes(journal.file());

    assertThatThrownBy(() -> journal.transition(journal.current().withState(UpdateState.TRIAL)))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("from IDLE to TRIAL");

    assertThat(Files.readAllBytes(journal.file())).isEqualTo(before);
  }

  @Test
  void load_garbage_throwsJournalCorrupt() throws Exception {
    Files.writeString(dir.resolve(Journal.FILE_NAME), "{not json");

    assertThatThrownBy(() -> new Journal(dir, CLOCK).load())
        .isInstanceOf(OtaException.class)
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.JOURNAL_CORRUPT);
  }

  @Test
  void load_emptyFile_throwsJournalCorrupt() throws Exception {
    Files.write(dir.resolve(Journal.FILE_NAME), new byte[0]);

    assertThatThrownBy(() -> new Journal(dir, CLOCK).load())
        .isInstanceOf(OtaException.class)
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.JOURNAL_CORRUPT);
  }

  @Test
  void load_validJsonWithAlteredState_throwsJournalCorrupt() throws Exception {
    Journal journal = new Journal(dir, CLOCK);
    journal.initialise(JournalRecord.initial("1.0.0", 0));
    String text = Files.readString(journal.file(), StandardCharsets.UTF_8);
    Files.writeString(journal.file(), text.replace("\"IDLE\"", "\"TRIAL\""));

    assertThatThrownBy(() -> new Journal(dir, CLOCK).load())
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("sha256")
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.JOURNAL_CORRUPT);
  }

  @Test
  void load_leftoverTemporaryFile_isIgnoredAndRemoved() throws Exception {
    Journal journal = new Journal(dir, CLOCK);
    journal.initialise(JournalRecord.initial("1.0.0", 0));
    Path tmp = dir.resolve(".journal.json.tmp-123");
    Files.writeString(tmp, "half a rec");

    JournalRecord loaded = new Journal(dir, CLOCK).load().orElseThrow();

    assertThat(loaded.state()).isEqualTo(UpdateState.IDLE);
    assertThat(tmp).doesNotExist();
  }

  @Test
  void quarantine_corruptJournal_movesItAside() throws Exception {
    Files.writeString(dir.resolve(Journal.FILE_NAME), "garbage");
    Journal journal = new Journal(dir, CLOCK);

    Path aside = journal.quarantine();

    assertThat(aside).exists().hasContent("garbage");
    assertThat(journal.load()).isEmpty();
  }
}
