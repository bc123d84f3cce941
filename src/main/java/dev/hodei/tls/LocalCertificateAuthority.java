package dev.hodei.tls;

import dev.hodei.files.AtomicFile;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small CA for a first real deployment ({@code hodei tls init}): a CA certificate and key, a
 * server certificate for the given host names and addresses, and client certificates for mTLS.
 * Keys are ECDSA P-256, written 0600 atomically; certificates are PEM.
 */
public final class LocalCertificateAuthority {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair caKeys;
    private final X509Certificate caCert;

    private LocalCertificateAuthority(KeyPair caKeys, X509Certificate caCert) {
        this.caKeys = caKeys;
        this.caCert = caCert;
    }

    /** A new CA valid for {@code validity}. */
    public static LocalCertificateAuthority create(String name, Duration validity) {
        KeyPair keys = newKeys();
        X500Name subject = new X500Name("CN=" + name);
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = builder(subject, subject, keys, validity)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            return new LocalCertificateAuthority(keys, sign(b, keys));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a CA certificate", e);
        }
    }

    /** A certificate and its key, signed by this CA. */
    public record Issued(X509Certificate certificate, KeyPair keys) {}

    /** A server certificate; each name is a DNS name or, when it parses as one, an IP address. */
    public Issued server(List<String> names, Duration validity) {
        if (names.isEmpty()) throw new IllegalArgumentException("a server certificate needs at least one host name");
        List<GeneralName> sans = new ArrayList<>();
        for (String n : names) {
            sans.add(isIpLiteral(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
        }
        return issue("CN=" + names.get(0), validity, KeyPurposeId.id_kp_serverAuth,
                new GeneralNames(sans.toArray(GeneralName[]::new)));
    }

    /** A client certificate for mTLS. */
    public Issued client(String name, Duration validity) {
        return issue("CN=" + name, validity, KeyPurposeId.id_kp_clientAuth, null);
    }

    private Issued issue(String subject, Duration validity, KeyPurposeId purpose, GeneralNames sans) {
        KeyPair keys = newKeys();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = builder(new X500Name(caCert.getSubjectX500Principal().getName()),
                    new X500Name(subject), keys, validity)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
            if (sans != null) b.addExtension(Extension.subjectAlternativeName, false, sans);
            return new Issued(sign(b, caKeys), keys);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue a certificate", e);
        }
    }

    public X509Certificate certificate() {
        return caCert;
    }

    /** Writes {@code ca.pem} (certificate, shareable) and {@code ca-key.pem} (0600) into {@code dir}. */
    public void write(Path dir) {
        writePublic(dir.resolve("ca.pem"), pem(caCert));
        writePrivate(dir.resolve("ca-key.pem"), pem(caKeys));
    }

    /** Writes {@code <name>.pem} (the certificate) and {@code <name>-key.pem} (0600) into {@code dir}. */
    public static void write(Issued issued, Path dir, String name) {
        writePublic(dir.resolve(name + ".pem"), pem(issued.certificate()));
        writePrivate(dir.resolve(name + "-key.pem"), pem(issued.keys()));
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys, Duration validity) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(128, RANDOM),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), subject, keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer) throws GeneralSecurityException {
        try {
            ContentSigner s = new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(b.build(s));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair newKeys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isIpLiteral(String name) {
        if (!name.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) return false;
        try {
            InetAddress.getByName(name);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String pem(X509Certificate cert) {
        return pemOf(cert);
    }

    static String pem(KeyPair keys) {
        try {
            return pemOf(new JcaPKCS8Generator(keys.getPrivate(), null).generate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String pemOf(Object o) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void writePublic(Path file, String content) {
        write(file, content, AtomicFile.WORLD_READABLE);
    }

    private static void writePrivate(Path file, String content) {
        write(file, content, AtomicFile.OWNER_ONLY);
    }

    private static void write(Path file, String content, String permissions) {
        try {
            AtomicFile.write(file, content, permissions);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
