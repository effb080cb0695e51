package org.edgeota.api.spi;

import java.nio.file.Path;
import org.edgeota.api.Component;
import org.edgeota.api.Slot;

/**
 * Installs components of one type ({@code firmware}, {@code application}, {@code config} or a
 * vendor type).
 *
 * <p>Contract every implementation keeps:
 *
 * <ul>
 *   <li>{@link #install} receives a payload whose size and SHA-256 already match the signed
 *       manifest; it treats the content as hostile all the same (archives, paths, sizes).
 *   <li>It never modifies what the running release uses until its own switch is atomic, and a
 *       failure leaves the previous installation in use.
 *   <li>{@link #rollback} restores what was in use before {@link #install}; it is idempotent,
 *       because the agent may call it again after a power cut.
 * </ul>
 */
public interface ComponentInstaller {

  /**
   * Returns the component type this installer handles.
   *
   * @return the type, as written in manifests
   */
  String type();

  /**
   * Installs a verified payload.
   *
   * @param component the component, as in the signed manifest
   * @param payload the verified payload file
   * @param context where the update goes
   * @throws org.edgeota.api.OtaException with {@code INSTALL_FAILED} or a more specific code
   */
  void install(Component component, Path payload, Context context);

  /**
   * Restores what was in use before the last install of this component.
   *
   * @param component the component, as in the signed manifest
   * @param context where the update went
   * @throws org.edgeota.api.OtaException with {@code INSTALL_FAILED} when nothing can be restored
   */
  void rollback(Component component, Context context);

  /**
   * Where an install happens.
   *
   * @param targetSlot the inactive slot the release is going to
   * @param workDir a private directory for the installer's staging data, kept across reboots
   */
  record Context(Slot targetSlot, Path workDir) {}
}
