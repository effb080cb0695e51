package org.edgeota.download.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/** Builds TLS contexts from a PEM CA bundle and an optional PKCS#12 client certificate. */
public final class TlsContexts {
  private TlsContexts() {}

  /**
   * Builds a TLS context.
   *
   * @param caBundle PEM file of the CAs to trust instead of the platform's, or {@code null}
   * @param clientKeyStore PKCS#12 file with the client's key and certificate chain, or {@code null}
   * @param clientKeyStorePassword the PKCS#12 password, or {@code null}
   * @return the context
   * @throws OtaException with {@link ReasonCode#TLS_CONFIG} naming the file when it cannot be used
   */
  public static SSLContext create(
      Path caBundle, Path clientKeyStore, char[] clientKeyStorePassword) {
    TrustManager[] trust = caBundle == null ? null : trustManagers(caBundle);
    KeyManager[] keys =
        clientKeyStore == null ? null : keyManagers(clientKeyStore, clientKeyStorePassword);
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new OtaException(
          ReasonCode.TLS_CONFIG, null, "TLS context: expected to initialise, failed: " + e, e);
    }
  }

  private static TrustManager[] trustManagers(Path caBundle) {
    try (InputStream in = Files.newInputStream(caBundle)) {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new OtaException(
            ReasonCode.TLS_CONFIG,
            caBundle.toString(),
            "CA bundle " + caBundle + ": expected at least one PEM certificate, found none");
      }
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        store.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      return tmf.getTrustManagers();
    } catch (IOException | GeneralSecurityException e) {
      throw new OtaException(
          ReasonCode.TLS_CONFIG,
          caBundle.toString(),
          "CA bundle " + caBundle + ": expected readable PEM certificates, failed: " + e,
          e);
    }
  }

  private static KeyManager[] keyManagers(Path keyStore, char[] password) {
    try (InputStream in = Files.newInputStream(keyStore)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password);
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, password);
      return kmf.getKeyManagers();
    } catch (IOException | GeneralSecurityException e) {
      throw new OtaException(
          ReasonCode.TLS_CONFIG,
          keyStore.toString(),
          "client certificate "
              + keyStore
              + ": expected a readable PKCS#12 key store, failed: "
              + e.getMessage(),
          e);
    }
  }
}
