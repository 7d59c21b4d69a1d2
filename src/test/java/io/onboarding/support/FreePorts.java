package io.onboarding.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for the servers the tests start (the service, its broker, PostgreSQL, Prometheus, mail...),
 * which bind them some time after they are chosen. Test classes run in several JVMs at once (the
 * pom's {@code forkCount}), so a port is taken from this JVM's own block of {@value #BLOCK} ports
 * between 10000 and the kernel's ephemeral range (32768-60999 on Linux): another fork never picks it
 * (its block is another), no outgoing connection is given it as its local port meanwhile (not
 * ephemeral), and this JVM never hands it out twice. Each is checked free when handed out, against
 * whatever else runs on the machine. The fork number comes from {@code test.fork} (the pom sets it
 * from Surefire's {@code surefire.forkNumber}); the start within the block is random, so that two
 * builds at once on one machine do not walk the same ports in step.
 */
public final class FreePorts {

    private static final int FIRST = 10000;
    private static final int BLOCK = 2800;
    private static final int BLOCKS = 8;
    private static int handedOut = -1;

    private FreePorts() {
    }

    /** A port that nothing listens on, not handed out before by this JVM. */
    public static synchronized int next() {
        int first = FIRST + BLOCK * (Integer.getInteger("test.fork", 0) % BLOCKS);
        if (handedOut < 0) {
            handedOut = ThreadLocalRandom.current().nextInt(BLOCK);
        }
        for (int tried = 0; tried < BLOCK; tried++) {
            int port = first + (++handedOut % BLOCK);
            if (free(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port left in " + first + "-" + (first + BLOCK - 1));
    }

    /** Free on every address (what a server binding 0.0.0.0 or 127.0.0.1 needs), and not lingering. */
    private static boolean free(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(false);
            probe.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
