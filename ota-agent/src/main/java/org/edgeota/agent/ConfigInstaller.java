package org.edgeota.agent;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.edgeota.agent.internal.AtomicFiles;
import org.edgeota.agent.internal.JsonMergePatch;
import org.edgeota.agent.internal.Names;
import org.edgeota.api.Component;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.spi.ComponentInstaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs {@code config} components: a JSON merge patch (RFC 7396) from the vendor, merged so that
 * the user's own settings survive.
 *
 * <p>Design notes. For a component named {@code n} the live file is {@code <directory>/n.json} (the
 * one applications read and users edit). Beside it the installer keeps the vendor's last document,
 * {@code .n.vendor.json}. An install computes:
 *
 * <ol>
 *   <li>the new vendor document: the old vendor document with the payload applied as a merge patch;
 *   <li>the user's changes: the merge patch from the old vendor document to the live file;
 *   <li>the new live file: the new vendor document with the user's changes applied on top.
 * </ol>
 *
 * <p>So a value the user changed keeps the user's value, a value the user left alone follows the
 * vendor, and keys the vendor removes disappear unless the user set them. Before anything changes,
 * the previous live and vendor files are recorded in the install's work directory (that record is
 * what {@link #rollback} restores, and what a repeated install after a power cut starts from), and
 * the live file is copied to {@code n.json.bak}. Every file is written atomically.
 *
 * <p>Note: on the first install there is no vendor document yet; the live file then counts as the
 * vendor's, so no user changes are known.
 */
public final class ConfigInstaller implements ComponentInstaller {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigInstaller.class);
  private static final String ROLLBACK_FILE = "config-rollback.json";

  private final Path directory;
  private final long maxBytes;
  private final ObjectMapper mapper;

  private ConfigInstaller(Path directory, long maxBytes) {
    this.directory = directory;
    this.maxBytes = maxBytes;
    this.mapper =
        JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonParser.Feature.ALLOW_COMMENTS)
            .build();
  }

  /**
   * Returns an installer writing live configuration files into a directory.
   *
   * @param directory where {@code <component name>.json} files live
   * @return the installer, accepting payloads of up to 1 MiB
   */
  public static ConfigInstaller inDirectory(Path directory) {
    return inDirectory(directory, 1L << 20);
  }

  /**
   * Returns an installer writing live configuration files into a directory.
   *
   * @param directory where {@code <component name>.json} files live
   * @param maxBytes the largest payload or live file accepted, in bytes
   * @return the installer
   * @throws OtaException with {@code INVALID_ARGUMENT} when {@code maxBytes} is not positive
   */
  public static ConfigInstaller inDirectory(Path directory, long maxBytes) {
    Objects.requireNonNull(directory, "directory");
    return new ConfigInstaller(directory, Arguments.positive("maxBytes", maxBytes, "byte count"));
  }

  /**
   * Returns the live file of a component.
   *
   * @param componentName the component's name
   * @return {@code <directory>/<componentName>.json}
   */
  public Path liveFile(String componentName) {
    return directory.resolve(Names.requireSafe("component name", componentName) + ".json");
  }

  @Override
  public String type() {
    return Component.TYPE_CONFIG;
  }

  /**
   * {@inheritDoc}
   *
   * @throws OtaException with {@code CONFIG_MERGE_FAILED} when the payload or the live file is not
   *     a JSON object within the size cap, or {@code IO_ERROR}; the live file is then unchanged
   */
  @Override
  public void install(Component component, Path payload, Context context) {
    Path live = liveFile(component.name());
    Path vendor = directory.resolve("." + component.name() + ".vendor.json");
    JsonNode patch = parseObject(payload, "payload of component '" + component.name() + "'");

    Before before = before(context, live, vendor);
    JsonNode vendorBefore = before.vendor != null ? before.vendor : before.live;
    JsonNode base = vendorBefore != null ? vendorBefore : mapper.createObjectNode();
    JsonNode userChanges =
        before.vendor != null && before.live != null
            ? JsonMergePatch.diff(before.vendor, before.live)
            : mapper.createObjectNode();
    JsonNode newVendor = JsonMergePatch.apply(base, patch);
    JsonNode newLive = JsonMergePatch.apply(newVendor, userChanges);

    try {
      Files.createDirectories(directory);
      if (before.liveText != null) {
        AtomicFiles.write(live.resolveSibling(live.getFileName() + ".bak"), before.liveText);
      }
      AtomicFiles.write(
          vendor, mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(newVendor));
      AtomicFiles.write(live, mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(newLive));
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR, live.toString(), "writing merged config failed: " + e, e);
    }
    LOG.info("config '{}' merged into {}", component.name(), live);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Restores the live and vendor files recorded by the install in {@code context.workDir()}; a
   * no-op when that install never began changing files.
   */
  @Override
  public void rollback(Component component, Context context) {
    Path record = context.workDir().resolve(ROLLBACK_FILE);
    if (!Files.exists(record)) {
      return;
    }
    Path live = liveFile(component.name());
    Path vendor = directory.resolve("." + component.name() + ".vendor.json");
    try {
      JsonNode r = mapper.readTree(record.toFile());
      restore(live, r.get("live"));
      restore(vendor, r.get("vendor"));
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.INSTALL_FAILED, record.toString(), "config rollback failed: " + e, e);
    }
    LOG.warn("config '{}' restored to its state before the update", component.name());
  }

  private void restore(Path file, JsonNode text) throws IOException {
    if (text == null || text.isNull()) {
      Files.deleteIfExists(file);
      AtomicFiles.fsyncDirectory(file.getParent());
    } else {
      AtomicFiles.write(file, text.binaryValue());
    }
  }

  private Before before(Context context, Path live, Path vendor) {
    Path record = context.workDir().resolve(ROLLBACK_FILE);
    try {
      byte[] liveText;
      byte[] vendorText;
      if (Files.exists(record)) {
        JsonNode r = mapper.readTree(record.toFile());
        liveText = r.get("live").isNull() ? null : r.get("live").binaryValue();
        vendorText = r.get("vendor").isNull() ? null : r.get("vendor").binaryValue();
      } else {
        liveText = Files.exists(live) ? readCapped(live) : null;
        vendorText = Files.exists(vendor) ? readCapped(vendor) : null;
        ObjectNode r = mapper.createObjectNode();
        r.put("live", liveText);
        r.put("vendor", vendorText);
        Files.createDirectories(context.workDir());
        AtomicFiles.write(record, mapper.writeValueAsBytes(r));
      }
      return new Before(
          liveText,
          liveText == null ? null : parseObject(liveText, "live config " + live),
          vendorText == null ? null : parseObject(vendorText, "vendor config " + vendor));
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR, live.toString(), "reading config state failed: " + e, e);
    }
  }

  private byte[] readCapped(Path file) throws IOException {
    long size = Files.size(file);
    if (size > maxBytes) {
      throw new OtaException(
          ReasonCode.CONFIG_MERGE_FAILED,
          String.valueOf(size),
          file + ": expected at most " + maxBytes + " bytes, found " + size);
    }
    return Files.readAllBytes(file);
  }

  private JsonNode parseObject(Path file, String what) {
    try {
      return parseObject(readCapped(file), what);
    } catch (IOException e) {
      throw new OtaException(ReasonCode.IO_ERROR, file.toString(), what + ": " + e, e);
    }
  }

  private JsonNode parseObject(byte[] bytes, String what) {
    if (bytes.length > maxBytes) {
      throw new OtaException(
          ReasonCode.CONFIG_MERGE_FAILED,
          String.valueOf(bytes.length),
          what + ": expected at most " + maxBytes + " bytes, found " + bytes.length);
    }
    JsonNode node;
    try {
      node = mapper.readTree(bytes);
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.CONFIG_MERGE_FAILED,
          null,
          what + ": expected a JSON object, found invalid JSON: " + e.getMessage(),
          e);
    }
    if (node == null || !node.isObject()) {
      throw new OtaException(
          ReasonCode.CONFIG_MERGE_FAILED,
          node == null ? "" : node.getNodeType().name(),
          what
              + ": expected a JSON object, found "
              + (node == null ? "nothing" : node.getNodeType()));
    }
    return node;
  }

  private record Before(byte[] liveText, JsonNode live, JsonNode vendor) {}
}
