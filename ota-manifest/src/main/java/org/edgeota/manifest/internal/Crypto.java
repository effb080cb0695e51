package org.edgeota.manifest.internal;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.jcajce.interfaces.EdDSAPrivateKey;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.jce.spec.ECPublicKeySpec;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.manifest.SignatureAlgorithm;

/**
 * Key and signature operations through one BouncyCastle provider instance, which is passed to each
 * JCA call and never installed globally.
 */
public final class Crypto {
  private static final Provider BC = new BouncyCastleProvider();
  private static final String P256 = "secp256r1";
  private static final ASN1ObjectIdentifier ID_ED25519 = new ASN1ObjectIdentifier("1.3.101.112");

  private Crypto() {}

  /**
   * Generates a key pair.
   *
   * @param algorithm the algorithm
   * @param random the randomness source
   * @return the pair
   */
  public static KeyPair generate(SignatureAlgorithm algorithm, SecureRandom random) {
    try {
      if (algorithm == SignatureAlgorithm.ED25519) {
        KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519", BC);
        g.initialize(255, random);
        return g.generateKeyPair();
      }
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
      g.initialize(new ECGenParameterSpec(P256), random);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("BouncyCastle supports " + algorithm, e);
    }
  }

  /**
   * Returns the algorithm of a SubjectPublicKeyInfo, refusing other key types and curves.
   *
   * @param spki the DER bytes
   * @return the algorithm
   * @throws OtaException with {@link ReasonCode#KEY_INVALID}
   */
  public static SignatureAlgorithm algorithmOfPublic(byte[] spki) {
    try {
      return algorithmOf(SubjectPublicKeyInfo.getInstance(spki).getAlgorithm());
    } catch (RuntimeException e) {
      throw keyInvalid("public key", "not a DER SubjectPublicKeyInfo: " + e.getMessage(), e);
    }
  }

  private static SignatureAlgorithm algorithmOf(AlgorithmIdentifier id) {
    ASN1ObjectIdentifier oid = id.getAlgorithm();
    if (ID_ED25519.equals(oid)) {
      return SignatureAlgorithm.ED25519;
    }
    if (X9ObjectIdentifiers.id_ecPublicKey.equals(oid)
        && id.getParameters() != null
        && SECObjectIdentifiers.secp256r1.equals(id.getParameters())) {
      return SignatureAlgorithm.ECDSA_P256_SHA256;
    }
    throw keyInvalid(
        oid.getId(), "expected an Ed25519 or EC P-256 key, found algorithm " + oid.getId(), null);
  }

  /**
   * Decodes a public key and re-encodes it so that its key id is stable.
   *
   * @param spki the DER SubjectPublicKeyInfo
   * @return the key
   * @throws OtaException with {@link ReasonCode#KEY_INVALID}
   */
  public static PublicKey decodePublic(byte[] spki) {
    SignatureAlgorithm algorithm = algorithmOfPublic(spki);
    try {
      return keyFactory(algorithm).generatePublic(new X509EncodedKeySpec(spki));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw keyInvalid("public key", "cannot decode " + algorithm.wireName() + " key: " + e, e);
    }
  }

  /**
   * Decodes a PKCS#8 private key and derives its public key.
   *
   * @param pkcs8 the DER PrivateKeyInfo
   * @return the key pair
   * @throws OtaException with {@link ReasonCode#KEY_INVALID}
   */
  public static KeyPair decodePrivate(byte[] pkcs8) {
    SignatureAlgorithm algorithm;
    try {
      algorithm = algorithmOf(PrivateKeyInfo.getInstance(pkcs8).getPrivateKeyAlgorithm());
    } catch (OtaException e) {
      throw e;
    } catch (RuntimeException e) {
      throw keyInvalid("private key", "not a DER PKCS#8 PrivateKeyInfo: " + e.getMessage(), e);
    }
    try {
      KeyFactory kf = keyFactory(algorithm);
      PrivateKey priv = kf.generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      PublicKey pub;
      if (priv instanceof EdDSAPrivateKey ed) {
        pub = ed.getPublicKey();
      } else {
        ECNamedCurveParameterSpec spec = ECNamedCurveTable.getParameterSpec(P256);
        BigInteger d = ((ECPrivateKey) priv).getS();
        pub = kf.generatePublic(new ECPublicKeySpec(spec.getG().multiply(d).normalize(), spec));
      }
      return new KeyPair(decodePublic(pub.getEncoded()), priv);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw keyInvalid("private key", "cannot decode " + algorithm.wireName() + " key: " + e, e);
    }
  }

  /**
   * Encodes a private key as PKCS#8 version 1 (RFC 5208/8410), the form OpenSSL and most tools
   * read; BouncyCastle's default for Ed25519 is version 2 with the public key attached, which
   * OpenSSL 3.0 refuses.
   *
   * @param key the private key
   * @return the DER PrivateKeyInfo
   */
  public static byte[] encodePrivate(PrivateKey key) {
    try {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
      return new PrivateKeyInfo(info.getPrivateKeyAlgorithm(), info.parsePrivateKey())
          .getEncoded(ASN1Encoding.DER);
    } catch (java.io.IOException e) {
      throw keyInvalid("private key", "cannot encode as PKCS#8: " + e, e);
    }
  }

  private static KeyFactory keyFactory(SignatureAlgorithm algorithm)
      throws GeneralSecurityException {
    return KeyFactory.getInstance(algorithm == SignatureAlgorithm.ED25519 ? "Ed25519" : "EC", BC);
  }

  /**
   * Signs bytes.
   *
   * @param algorithm the algorithm
   * @param key the private key
   * @param data the bytes to sign
   * @return the signature
   */
  public static byte[] sign(SignatureAlgorithm algorithm, PrivateKey key, byte[] data) {
    try {
      Signature s = Signature.getInstance(algorithm.jcaName(), BC);
      s.initSign(key);
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw keyInvalid("private key", "cannot sign with " + algorithm.wireName() + ": " + e, e);
    }
  }

  /**
   * Verifies a signature; any decoding problem counts as "does not verify".
   *
   * @param algorithm the algorithm
   * @param key the public key
   * @param data the signed bytes
   * @param signature the signature
   * @return {@code true} only if the signature verifies
   */
  public static boolean verify(
      SignatureAlgorithm algorithm, PublicKey key, byte[] data, byte[] signature) {
    try {
      Signature s = Signature.getInstance(algorithm.jcaName(), BC);
      s.initVerify(key);
      s.update(data);
      return s.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static OtaException keyInvalid(String value, String message, Throwable cause) {
    return new OtaException(ReasonCode.KEY_INVALID, value, "key: " + message, cause);
  }
}
