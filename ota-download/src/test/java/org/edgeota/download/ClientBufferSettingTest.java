package org.edgeota.download;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The launcher helper sets the JDK client's buffer size only when nobody has set it. */
class ClientBufferSettingTest {
  private static final String PROPERTY = "jdk.httpclient.bufsize";

  private String before;

  @BeforeEach
  void remember() {
    before = System.getProperty(PROPERTY);
  }

  @AfterEach
  void restore() {
    if (before == null) {
      System.clearProperty(PROPERTY);
    } else {
      System.setProperty(PROPERTY, before);
    }
  }

  @Test
  void useLargeClientBuffers_propertyUnset_setsTheLargeSize() {
    System.clearProperty(PROPERTY);

    boolean set = ResumableDownloader.useLargeClientBuffers();

    assertThat(set).isTrue();
    assertThat(System.getProperty(PROPERTY)).isEqualTo("262144");
  }

  @Test
  void useLargeClientBuffers_launcherSetAValue_keepsTheLaunchersValue() {
    System.setProperty(PROPERTY, "65536");

    boolean set = ResumableDownloader.useLargeClientBuffers();

    assertThat(set).isFalse();
    assertThat(System.getProperty(PROPERTY)).isEqualTo("65536");
  }
}
