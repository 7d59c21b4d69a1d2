package io.onboarding.git;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * A new Ed25519 SSH key pair for a read-only deploy key: the public key in {@code authorized_keys}
 * form, the private key in OpenSSH's own format (unencrypted: it lives in the secret store).
 */
record DeployKey(String publicKey, String privateKey) {

    private static final String TYPE = "ssh-ed25519";
    private static final SecureRandom RANDOM = new SecureRandom();

    static DeployKey generate(String comment) {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            // X.509 and PKCS#8 encodings of Ed25519 end with the 32-byte public key and seed.
            byte[] x509 = pair.getPublic().getEncoded();
            byte[] pkcs8 = pair.getPrivate().getEncoded();
            byte[] pub = Arrays.copyOfRange(x509, x509.length - 32, x509.length);
            byte[] seed = Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
            byte[] publicBlob = blob(out -> {
                string(out, TYPE.getBytes(StandardCharsets.US_ASCII));
                string(out, pub);
            });
            String publicKey = TYPE + " " + Base64.getEncoder().encodeToString(publicBlob) + " " + comment;
            return new DeployKey(publicKey, privateKey(publicBlob, pub, seed, comment));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot generate a deploy key", e);
        }
    }

    private static String privateKey(byte[] publicBlob, byte[] pub, byte[] seed, String comment) throws IOException {
        int check = RANDOM.nextInt();
        byte[] secret = new byte[64];
        System.arraycopy(seed, 0, secret, 0, 32);
        System.arraycopy(pub, 0, secret, 32, 32);
        ByteArrayOutputStream section = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(section);
        out.writeInt(check);
        out.writeInt(check);
        string(out, TYPE.getBytes(StandardCharsets.US_ASCII));
        string(out, pub);
        string(out, secret);
        string(out, comment.getBytes(StandardCharsets.UTF_8));
        for (int pad = 1; section.size() % 8 != 0; pad++) {
            out.writeByte(pad);
        }
        byte[] key = blob(all -> {
            all.write("openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII));
            string(all, "none".getBytes(StandardCharsets.US_ASCII));
            string(all, "none".getBytes(StandardCharsets.US_ASCII));
            string(all, new byte[0]);
            all.writeInt(1);
            string(all, publicBlob);
            string(all, section.toByteArray());
        });
        return "-----BEGIN OPENSSH PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(70, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key)
                + "\n-----END OPENSSH PRIVATE KEY-----\n";
    }

    /** Never the private key (records print every component). */
    @Override
    public String toString() {
        return "DeployKey[" + publicKey + "]";
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] blob(Writer writer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        writer.write(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static void string(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }
}
